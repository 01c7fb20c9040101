// Site-wide behaviour. No inline scripts anywhere: the Content-Security-Policy forbids them.
(function () {
  "use strict";

  // Filter forms marked data-autosubmit refresh their results (htmx) when a field changes.
  document.addEventListener("change", function (event) {
    var form = event.target.closest("form[data-autosubmit]");
    if (form && window.htmx) { htmx.trigger(form, "submit"); }
  });

  // Links marked data-keep-query follow the filters the list currently shows.
  function keepQuery() {
    document.querySelectorAll("a[data-keep-query]").forEach(function (link) {
      var url = new URL(link.href, window.location.origin);
      url.search = window.location.search;
      url.searchParams.delete("page");
      link.href = url.pathname + url.search;
    });
  }
  // A sort chosen from a column header survives the next filter change.
  function keepSort() {
    var sort = new URLSearchParams(window.location.search).get("sort");
    document.querySelectorAll("form[data-autosubmit]").forEach(function (form) {
      var input = form.querySelector("input[name=sort]");
      if (!sort) { if (input) { input.remove(); } return; }
      if (!input) {
        input = document.createElement("input");
        input.type = "hidden";
        input.name = "sort";
        form.appendChild(input);
      }
      input.value = sort;
    });
  }
  document.addEventListener("htmx:pushedIntoHistory", keepSort);
  document.addEventListener("htmx:pushedIntoHistory", keepQuery);
  document.addEventListener("htmx:historyRestore", keepQuery);

  // Buttons with data-confirm ask first.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-confirm]");
    if (button && !window.confirm(button.getAttribute("data-confirm"))) {
      event.preventDefault();
      event.stopPropagation();
    }
  }, true);

  // Copy-to-clipboard buttons (API token shown once).
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) { return; }
    var target = document.querySelector(button.getAttribute("data-copy"));
    if (target && navigator.clipboard) {
      navigator.clipboard.writeText(target.textContent.trim()).then(function () {
        button.textContent = "已复制";
      });
    }
  });
})();
