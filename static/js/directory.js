/* Brugwijzer — the offer directory. Progressive enhancement only: without this file the filter
 * form submits normally and every link is a real link.
 *
 * - drops empty filter fields from htmx requests, so shared links stay short;
 * - marks the results as busy while htmx fetches them;
 * - after an htmx page change, moves focus to the result count (the old link is gone);
 * - opens the folded "more filters" panel on wide screens;
 * - shows the print button on the parent page and prints with it.
 */
(function () {
  "use strict";

  function ready(callback) {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", callback);
    } else {
      callback();
    }
  }

  function isFilterForm(element) {
    return element && element.id === "directory-filters";
  }

  document.addEventListener("htmx:configRequest", function (event) {
    if (!isFilterForm(event.detail.elt)) {
      return;
    }
    var data = event.detail.formData;
    if (!data || typeof data.getAll !== "function") {
      return;
    }
    var keys = [];
    data.forEach(function (value, key) {
      if (keys.indexOf(key) === -1) {
        keys.push(key);
      }
    });
    keys.forEach(function (key) {
      var values = data.getAll(key).filter(function (value) {
        return value !== "";
      });
      if (values.length === 0) {
        data.delete(key);
      }
    });
  });

  function results() {
    return document.getElementById("results");
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    var region = results();
    if (region && event.detail.target === region) {
      region.setAttribute("aria-busy", "true");
    }
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    var region = results();
    if (!region || event.detail.target !== region) {
      return;
    }
    region.removeAttribute("aria-busy");
    var trigger = event.detail.requestConfig && event.detail.requestConfig.elt;
    if (trigger && trigger.hasAttribute && trigger.hasAttribute("data-focus-results")) {
      var count = document.getElementById("result-count");
      if (count) {
        count.focus();
        count.scrollIntoView({ block: "start" });
      }
    }
  });

  document.addEventListener("htmx:responseError", function () {
    var region = results();
    if (region) {
      region.removeAttribute("aria-busy");
    }
  });

  ready(function () {
    // Wide screens have room for every filter: open the panel that small screens keep folded.
    if (window.matchMedia && window.matchMedia("(min-width: 56em)").matches) {
      document.querySelectorAll("details[data-open-wide]").forEach(function (details) {
        details.open = true;
      });
    }
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        window.print();
      });
    });
  });
})();
