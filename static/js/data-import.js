/* Moderators' data import pages.
 * - An upload larger than the limit is refused before it is sent (the server checks again).
 * - A submit button says it is busy and cannot be pressed twice.
 * - While htmx polls the progress of an import, milestones and the outcome are copied into a
 *   stable live region, only when the text changes, so screen readers hear them once.
 * Without JS everything works: the server checks the size, and the progress page has a link. */
(function () {
  "use strict";

  function tooLarge(input) {
    var max = parseInt(input.getAttribute("data-max-bytes"), 10);
    return Boolean(max && input.files && input.files.length && input.files[0].size > max);
  }

  function showSizeError(form, input) {
    var box = form.querySelector("[data-size-error]");
    if (!box) {
      return;
    }
    if (tooLarge(input)) {
      box.textContent = input.getAttribute("data-too-large");
      box.hidden = false;
      input.setAttribute("aria-invalid", "true");
    } else {
      box.textContent = "";
      box.hidden = true;
      input.removeAttribute("aria-invalid");
    }
  }

  function setupForm(form) {
    var input = form.querySelector("input[type=file][data-max-bytes]");
    if (input) {
      input.addEventListener("change", function () {
        showSizeError(form, input);
      });
    }
    form.addEventListener("submit", function (event) {
      if (input && tooLarge(input)) {
        event.preventDefault();
        showSizeError(form, input);
        input.focus();
        return;
      }
      var button = form.querySelector("button[type=submit][data-busy-label]");
      if (button) {
        if (button.disabled) {
          event.preventDefault();
          return;
        }
        button.setAttribute("data-idle-label", button.textContent);
        button.textContent = button.getAttribute("data-busy-label");
        // Disabled after this tick, or the button's own submission would be cancelled.
        window.setTimeout(function () {
          button.disabled = true;
        }, 0);
      }
    });
  }

  function resetButtons() {
    document.querySelectorAll("button[data-idle-label]").forEach(function (button) {
      button.textContent = button.getAttribute("data-idle-label");
      button.removeAttribute("data-idle-label");
      button.disabled = false;
    });
  }

  function announce() {
    var target = document.querySelector("[data-announce-target]");
    var status = document.getElementById("job-status");
    if (!target || !status) {
      return;
    }
    var text = status.getAttribute("data-announce") || "";
    if (text && target.textContent !== text) {
      target.textContent = text;
    }
  }

  function setup() {
    document.querySelectorAll("form[data-data-import-form]").forEach(setupForm);
    document.body.addEventListener("htmx:afterSettle", announce);
    window.addEventListener("pageshow", function (event) {
      if (event.persisted) {
        resetButtons();
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
})();
