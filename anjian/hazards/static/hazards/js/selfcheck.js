// The self-check page: an item's 隐患名称, 检查部位, 问题说明 and photos show once it is
// marked 不合格. Without this script they are always shown (and ignored for passed items).
(function () {
  "use strict";

  function sync(card) {
    var failed = card.querySelector("input[type=radio][value='0']");
    var block = card.querySelector("[data-if-failed]");
    if (failed && block) { block.hidden = !failed.checked; }
  }

  document.querySelectorAll("[data-check-item]").forEach(sync);
  document.addEventListener("change", function (event) {
    if (event.target.type !== "radio") { return; }
    var card = event.target.closest("[data-check-item]");
    if (card) { sync(card); }
  });
})();
