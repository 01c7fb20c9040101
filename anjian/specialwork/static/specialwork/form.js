// The application form of a 特殊作业票: show the facts of the kind chosen (each field's
// wrapper says its kinds in data-kinds), hide the others. Without this script every field
// shows and the service clears the facts that do not concern the kind.
(function () {
  "use strict";
  var form = document.getElementById("record-form");
  if (!form) { return; }
  var kind = form.querySelector("select[name=kind]");
  function show() {
    var chosen = kind ? kind.value : "";
    form.querySelectorAll("[data-kinds]").forEach(function (wrapper) {
      wrapper.hidden = wrapper.getAttribute("data-kinds").split(" ").indexOf(chosen) < 0;
    });
  }
  if (kind) { kind.addEventListener("change", show); }
  show();
})();
