// The owner card of an emergency record's form: shows only the field the chosen 所属主体
// needs (区划 for a government, 部门 for a department, the unit picker for a unit). Without
// this script every field shows and the server checks the one that counts.
(function () {
  "use strict";
  var card = document.querySelector("[data-owner]");
  if (!card) { return; }
  var kind = card.querySelector("select[name=owner_kind]");
  function show() {
    card.querySelectorAll("[data-owner-for]").forEach(function (part) {
      part.hidden = kind.value !== "" && part.getAttribute("data-owner-for") !== kind.value;
    });
  }
  kind.addEventListener("change", show);
  show();
})();
