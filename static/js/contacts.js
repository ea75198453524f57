// Selection helpers for tables with checkboxes (contacts, list members). Delegated, so rows swapped in by
// htmx keep working. Everything here is progressive: without it the forms still post.
(function () {
  "use strict";

  function boxes(form) {
    return Array.prototype.slice.call(form.querySelectorAll('input[name="ids"]:not(:disabled)'));
  }

  function refresh(form) {
    if (!form) return;
    var n = boxes(form).filter(function (b) { return b.checked; }).length;
    form.querySelectorAll("[data-selected-count]").forEach(function (el) { el.textContent = String(n); });
    var action = form.querySelector("[data-bulk-action]");
    if (action) {
      form.querySelectorAll("[data-for]").forEach(function (el) {
        var show = el.getAttribute("data-for").split(" ").indexOf(action.value) !== -1;
        el.hidden = !show;
      });
    }
  }

  document.addEventListener("change", function (event) {
    var target = event.target;
    var form = target.closest("form");
    if (target.matches("[data-select-all]") && form) {
      boxes(form).forEach(function (b) { b.checked = target.checked; });
    }
    if (target.matches('input[name="ids"]') && form) {
      var scope = form.querySelector('input[name="scope"][value="selected"]');
      if (scope && target.checked) scope.checked = true;
    }
    refresh(form);
  });

  function refreshAll() {
    document.querySelectorAll("form").forEach(refresh);
  }
  document.addEventListener("DOMContentLoaded", refreshAll);
  document.addEventListener("htmx:afterSwap", refreshAll);
})();
