// 报警处置: the batch 确认. The tick boxes sit in the list (table rows, or cards on a phone)
// and belong to the form #alarm-batch above it; only the visible ones count, so the card
// and the table row of one alarm are never both sent. The form returns to the list as the
// address bar shows it (the filters may have changed by htmx since the page loaded).
(function () {
  "use strict";
  var form = document.getElementById("alarm-batch");
  if (!form) return;
  var count = form.querySelector("[data-batch-count]");

  function visible(box) { return box.offsetParent !== null; }
  function boxes() {
    return Array.prototype.filter.call(document.querySelectorAll("input[data-batch]"), visible);
  }
  function update() {
    count.textContent = String(boxes().filter(function (box) { return box.checked; }).length);
  }

  form.querySelector("[data-batch-all]").addEventListener("click", function () {
    var all = boxes();
    var tick = all.some(function (box) { return !box.checked; });
    all.forEach(function (box) { box.checked = tick; });
    update();
  });
  document.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches("input[data-batch]")) update();
  });
  document.body.addEventListener("htmx:afterSettle", update);
  form.addEventListener("submit", function () {
    // Hidden duplicates (the other layout's boxes) are not sent.
    document.querySelectorAll("input[data-batch]").forEach(function (box) {
      if (!visible(box)) box.checked = false;
    });
    form.querySelector("[data-batch-query]").value = window.location.search.replace(/^\?/, "");
  });
  update();
})();
