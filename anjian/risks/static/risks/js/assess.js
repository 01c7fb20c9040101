// The assess form: show the chosen method's factors and preview the score and level.
// The server grades again on save; this only mirrors the band table in force.
(function () {
  "use strict";
  var form = document.querySelector("form[data-assess]");
  var source = document.getElementById("grading-context");
  if (!form || !source) { return; }
  var context = JSON.parse(source.textContent);
  var preview = document.getElementById("assess-preview");

  function chosenMethod() {
    var checked = form.querySelector("input[data-method-choice]:checked");
    return checked ? checked.value : "";
  }

  function grade(spec, value) {
    var upper = spec.rule === "upper";
    for (var i = 0; i < spec.bands.length; i++) {
      var band = spec.bands[i];
      if (band.limit === null || band.limit === undefined || band.limit === "") { return band.level; }
      var limit = parseFloat(band.limit);
      if (value > limit || (upper && value === limit)) { return band.level; }
    }
    return "";
  }

  function update() {
    var method = chosenMethod();
    form.querySelectorAll("[data-method-block]").forEach(function (block) {
      block.hidden = method !== "" && block.getAttribute("data-method-block") !== method;
    });
    preview.textContent = "";
    var spec = context[method];
    if (!spec) { return; }
    var product = 1;
    var parts = [];
    for (var i = 0; i < spec.factors.length; i++) {
      var select = form.querySelector("[name=" + spec.factors[i] + "]");
      if (!select || select.value === "") { return; }
      parts.push(select.value);
      product *= parseFloat(select.value);
    }
    var value = Math.round(product * 1000) / 1000;
    var level = grade(spec, value);
    var badge = document.createElement("span");
    badge.className = "badge bg-" + spec.colours[level] + " text-" + spec.colours[level] + "-fg ms-1";
    badge.textContent = spec.labels[level] || "";
    preview.textContent = spec.letter + " = " + parts.join(" × ") + " = " + value + "，";
    preview.appendChild(badge);
    preview.setAttribute("data-preview-level", level);
  }

  form.addEventListener("change", update);
  update();
})();
