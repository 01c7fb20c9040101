// A form that posts is sent once: on submit its buttons are disabled and say "提交中…"
// until the next page arrives, and a second tap is ignored (a double tap on the report
// form used to create two hazards; the server now refuses a repeated report too).
// Back navigation can show the page from the browser's cache: pageshow re-enables it.
(function () {
  "use strict";

  var BUSY = "提交中…";

  function buttons(form) {
    var inside = form.querySelectorAll("button[type=submit], button:not([type]), input[type=submit]");
    var outside = form.id ? document.querySelectorAll("[form='" + form.id + "'][type=submit]") : [];
    return Array.prototype.slice.call(inside).concat(Array.prototype.slice.call(outside));
  }

  function busy(form) {
    buttons(form).forEach(function (button) {
      if (button.disabled) { return; }
      button.setAttribute("data-submitting", "");
      if (button.tagName === "INPUT") {
        button.setAttribute("data-label", button.value);
        button.value = BUSY;
      } else {
        button.setAttribute("data-label", button.innerHTML);
        button.textContent = BUSY;
      }
      button.disabled = true;
    });
  }

  function ready(form) {
    form.removeAttribute("data-submitting");
    form.querySelectorAll("[data-submitting]").forEach(function (button) {
      restore(button);
    });
  }

  function restore(button) {
    var label = button.getAttribute("data-label");
    if (label !== null) {
      if (button.tagName === "INPUT") { button.value = label; } else { button.innerHTML = label; }
    }
    button.removeAttribute("data-label");
    button.removeAttribute("data-submitting");
    button.disabled = false;
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement)) { return; }
    var method = (event.submitter && event.submitter.getAttribute("formmethod")) || form.getAttribute("method") || "get";
    if (method.toLowerCase() !== "post" || event.defaultPrevented) { return; }
    if (form.hasAttribute("data-submitting")) {  // the second tap of a double tap
      event.preventDefault();
      return;
    }
    form.setAttribute("data-submitting", "");
    // After this event: the form's data (the pressed button's name and value included) is
    // gathered before the buttons are disabled.
    window.setTimeout(function () { busy(form); }, 0);
  });

  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-submitting]").forEach(ready);
    document.querySelectorAll("[data-submitting]").forEach(restore);
  });
})();
