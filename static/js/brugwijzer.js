/* Brugwijzer — small progressive enhancements. Every page works without this file.
 *
 * - the Menu button folds the navigation away on small screens;
 * - data-confirm="Question?" on a form or a submit button asks before submitting;
 * - data-autosubmit on a form (opt-in) submits it when one of its fields changes.
 *
 * No text lives here: labels come from the templates, so they are translated there.
 */
(function () {
  "use strict";

  document.documentElement.classList.add("has-js");

  function ready(callback) {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", callback);
    } else {
      callback();
    }
  }

  function setupMenu() {
    var toggle = document.querySelector("[data-nav-toggle]");
    if (!toggle) {
      return;
    }
    var menu = document.getElementById(toggle.getAttribute("aria-controls"));
    if (!menu) {
      return;
    }

    function setOpen(open) {
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      menu.classList.toggle("is-open", open);
    }

    menu.classList.add("is-collapsible");
    toggle.hidden = false;
    setOpen(false);

    toggle.addEventListener("click", function () {
      setOpen(toggle.getAttribute("aria-expanded") !== "true");
    });

    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && menu.classList.contains("is-open")) {
        setOpen(false);
        toggle.focus();
      }
    });
  }

  function setupConfirm() {
    document.addEventListener(
      "submit",
      function (event) {
        var form = event.target;
        var submitter = event.submitter;
        var question =
          (submitter && submitter.getAttribute("data-confirm")) ||
          (form.getAttribute && form.getAttribute("data-confirm"));
        if (question && !window.confirm(question)) {
          event.preventDefault();
          event.stopImmediatePropagation();
        }
      },
      true
    );
  }

  function setupAutosubmit() {
    document.addEventListener("change", function (event) {
      var form = event.target.form;
      if (form && form.hasAttribute("data-autosubmit")) {
        if (typeof form.requestSubmit === "function") {
          form.requestSubmit();
        } else {
          form.submit();
        }
      }
    });
  }

  ready(function () {
    setupMenu();
    setupConfirm();
    setupAutosubmit();
  });
})();
