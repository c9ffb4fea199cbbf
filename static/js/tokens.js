/* Personal API tokens: a button that copies a token just made. Without JS the token is
 * selected and copied by hand; the button appears only when the clipboard can be written. */
(function () {
  "use strict";

  function setup() {
    var row = document.querySelector("[data-copy-target]");
    if (!row || !navigator.clipboard || !window.isSecureContext) {
      return;
    }
    var input = document.getElementById(row.getAttribute("data-copy-target"));
    var button = row.querySelector("[data-copy-button]");
    var done = row.querySelector("[data-copy-done]");
    if (!input || !button) {
      return;
    }
    row.hidden = false;
    input.addEventListener("focus", function () {
      input.select();
    });
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(input.value).then(function () {
        if (done) {
          done.hidden = false;
        }
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
})();
