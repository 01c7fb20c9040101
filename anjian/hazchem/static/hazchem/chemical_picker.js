// The inventory line form's chemical picker: typing in the search box
// ([data-chemical-search], the URL of hazchem:chemical_search) asks the catalogue for at most
// 20 matches by name, alias or CAS number and puts them into the form's <select> (named by
// data-chemical-select), which otherwise lists only the chemical chosen — the catalogue can
// hold thousands of entries. Without this script the search box reloads the page with the
// matches (?chemical_q=).
(function () {
  "use strict";
  var input = document.querySelector("[data-chemical-search]");
  if (!input) { return; }
  var select = document.getElementById(input.getAttribute("data-chemical-select"));
  var status = document.querySelector("[data-chemical-status]");
  var url = input.getAttribute("data-chemical-search");
  var timer = null;
  var asked = 0;

  function option(value, text) {
    var found = document.createElement("option");
    found.value = value;
    found.textContent = text;
    return found;
  }

  function show(matches) {
    var chosen = select.value;
    var kept = chosen ? select.querySelector("option[value='" + chosen + "']") : null;
    select.replaceChildren(option("", matches.length ? "请选择" : "没有找到，请换个名称或CAS号"));
    matches.forEach(function (match) {
      select.appendChild(option(String(match.id), match.text));
    });
    if (kept && !matches.some(function (m) { return String(m.id) === chosen; })) {
      select.appendChild(kept);
    }
    if (matches.length === 1) {
      select.value = String(matches[0].id);
    } else if (chosen) {
      select.value = chosen;
    }
    if (status) {
      status.textContent = matches.length
        ? "找到 " + matches.length + " 项" + (matches.length >= 20 ? "（只列出前 20 项，请输入更完整的名称）" : "") + "，请在下方选择"
        : "目录中没有找到，请换个名称或CAS号";
    }
  }

  function search() {
    var query = input.value.trim();
    if (!query) { return; }
    var mine = ++asked;
    fetch(url + "?q=" + encodeURIComponent(query), {
      headers: { Accept: "application/json" },
      credentials: "same-origin"
    })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      })
      .then(function (matches) { if (mine === asked) { show(matches); } })
      .catch(function (error) {
        if (status) { status.textContent = "查找失败：" + error.message; }
      });
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(search, 300);
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter") {
      event.preventDefault();
      clearTimeout(timer);
      search();
    }
  });
  var button = document.querySelector("button[form='" + input.getAttribute("form") + "']");
  if (button) {
    button.addEventListener("click", function (event) {
      event.preventDefault();
      clearTimeout(timer);
      search();
    });
  }
})();
