/* The family help page: a "Print this list" button. The page works without this file
 * (the browser's own print command prints the same clean list). No text lives here. */
(function () {
  "use strict";

  function setup() {
    var holders = document.querySelectorAll("[data-help-print]");
    Array.prototype.forEach.call(holders, function (holder) {
      var button = holder.querySelector("button");
      if (!button || typeof window.print !== "function") {
        return;
      }
      button.addEventListener("click", function () {
        window.print();
      });
      holder.hidden = false;
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setup);
  } else {
    setup();
  }
})();
