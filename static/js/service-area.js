/* Brugwijzer — the service-area picker of the offer form, made quicker with JavaScript.
 *
 * Without this file the picker works: municipalities are grouped per province, and the
 * shortcut buttons ("whole province", "around a location") are ordinary submit buttons that
 * the server answers with the form and the new selection (htmx swaps only the picker).
 * With it:
 * - a search field filters the municipalities as you type (accents and case ignored);
 * - the "Selected (n): …" summary and the counts per province follow your ticks;
 * - after a shortcut, focus goes to what it did (the field in error, the notice, or the
 *   summary): the button that had focus was swapped out, and keyboard users would otherwise
 *   start again from the top of the page.
 *
 * No text lives here: labels come from data- attributes written by the (translated) template.
 * Event delegation on the document, so a picker swapped in by htmx works without setup.
 */
(function () {
  "use strict";

  function normalise(text) {
    return (text || "")
      .normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase()
      .trim();
  }

  function reveal(root) {
    root.querySelectorAll("[data-area-search-wrap]").forEach(function (wrap) {
      wrap.hidden = false;
    });
  }

  function filter(input) {
    var area = input.closest(".service-area");
    if (!area) {
      return;
    }
    var query = normalise(input.value);
    var total = 0;
    area.querySelectorAll("[data-area-group]").forEach(function (group) {
      var matches = 0;
      group.querySelectorAll("[data-area-option]").forEach(function (option) {
        var show = !query || normalise(option.textContent).indexOf(query) !== -1;
        option.hidden = !show;
        if (show) {
          matches += 1;
        }
      });
      group.hidden = matches === 0;
      if (query) {
        group.open = matches > 0;
      }
      total += matches;
    });
    var none = area.querySelector("[data-area-none]");
    if (none) {
      none.hidden = total > 0;
    }
  }

  function summarise(area) {
    var names = [];
    area.querySelectorAll("[data-area-group]").forEach(function (group) {
      var options = group.querySelectorAll('input[name="service_area"]');
      var selected = 0;
      options.forEach(function (checkbox) {
        if (checkbox.checked) {
          selected += 1;
          names.push(checkbox.closest("[data-area-option]").getAttribute("data-name"));
        }
      });
      var count = group.querySelector("[data-area-count]");
      if (count) {
        count.textContent = count
          .getAttribute("data-template")
          .replace("{selected}", String(selected))
          .replace("{total}", String(options.length));
      }
    });
    var summary = area.querySelector("[data-area-summary]");
    if (!summary) {
      return;
    }
    summary.textContent = "";
    if (!names.length) {
      summary.textContent = summary.getAttribute("data-empty");
      return;
    }
    names.sort(function (a, b) {
      return a.localeCompare(b, "nl");
    });
    var label = document.createElement("strong");
    label.textContent = summary.getAttribute("data-label") + " (" + names.length + "):";
    summary.appendChild(label);
    summary.appendChild(document.createTextNode(" " + names.join(", ")));
  }

  document.addEventListener("input", function (event) {
    if (event.target.matches("[data-area-search]")) {
      filter(event.target);
    }
  });

  document.addEventListener("keydown", function (event) {
    // Enter in the search field filters; it must not submit the offer form.
    if (event.key === "Enter" && event.target.matches("[data-area-search]")) {
      event.preventDefault();
    }
  });

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.name === "service_area") {
      var area = target.closest(".service-area");
      if (area) {
        summarise(area);
      }
    }
  });

  function focusOutcome() {
    var area = document.getElementById("service-area");
    var active = document.activeElement;
    if (!area || (active && active !== document.body && document.contains(active))) {
      return;
    }
    var target =
      area.querySelector('[aria-invalid="true"]') ||
      area.querySelector("[data-area-notice]") ||
      area.querySelector("[data-area-summary]");
    if (!target) {
      return;
    }
    if (!target.matches("input, select, textarea, button, [tabindex]")) {
      target.setAttribute("tabindex", "-1");
    }
    target.focus();
  }

  document.addEventListener("htmx:afterSettle", function (event) {
    reveal(document);
    if (event.detail && event.detail.target && event.detail.target.id === "service-area") {
      focusOutcome();
    }
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      reveal(document);
    });
  } else {
    reveal(document);
  }
})();
