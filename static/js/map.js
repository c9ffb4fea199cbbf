/* Brugwijzer — the collaboration map (/kaart/). Progressive enhancement: without this file, or
 * without Leaflet, the page still has the filters and the list of the same data.
 *
 * Reads its settings from data attributes on #map (GeoJSON URL, first bounds, largest area per
 * request, tile URL and attribution) and its words from <script id="map-text">, so every label
 * is translated on the server. Loads the GeoJSON of the area in view after each move (debounced,
 * an older request aborted), with the values of the filter form #map-filters.
 *
 * Markers are L.divIcon elements (no images): they stay when the tile server cannot be reached.
 * Keyboard: Tab reaches every mark, Enter or Space opens it (a group zooms in), Escape closes
 * a popup and returns to its mark.
 */
(function () {
  "use strict";

  var DEBOUNCE_MS = 250;

  function ready(callback) {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", callback);
    } else {
      callback();
    }
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text !== undefined && text !== null && text !== "") {
      node.textContent = text;
    }
    return node;
  }

  function link(href, text) {
    var anchor = element("a", "", text);
    anchor.href = href;
    return anchor;
  }

  function format(template, values) {
    return template.replace(/\{(\w+)\}/g, function (match, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : match;
    });
  }

  function parseBounds(raw) {
    var parts = (raw || "").split(",").map(Number);
    if (parts.length !== 4 || parts.some(isNaN)) {
      return null;
    }
    return [
      [parts[1], parts[0]],
      [parts[3], parts[2]],
    ];
  }

  function isActivation(event) {
    var key = event.originalEvent && event.originalEvent.key;
    return key === "Enter" || key === " " || key === "Spacebar";
  }

  ready(function () {
    var container = document.getElementById("map");
    var textSource = document.getElementById("map-text");
    if (!container || !textSource || typeof window.L === "undefined") {
      return;
    }
    var L = window.L;
    var text = JSON.parse(textSource.textContent);
    var form = document.getElementById("map-filters");
    var status = document.getElementById("map-status");
    var tileStatus = document.getElementById("map-tile-status");
    var endpoint = container.getAttribute("data-geojson");
    var maxSpan = parseFloat(container.getAttribute("data-max-span")) || 3;
    var bounds = parseBounds(container.getAttribute("data-bounds"));

    // The fallback text is for visitors without JavaScript; the map replaces it.
    container.textContent = "";

    var map = L.map(container, { keyboard: true, scrollWheelZoom: false, zoomSnap: 0.5 });
    var tiles = L.tileLayer(container.getAttribute("data-tiles"), {
      maxZoom: 19,
      attribution: container.getAttribute("data-attribution"),
    });
    tiles.on("tileerror", function () {
      if (tileStatus && !tileStatus.textContent) {
        tileStatus.textContent = text.tileError;
      }
    });
    tiles.addTo(map);

    var lines = L.layerGroup().addTo(map);
    var points =
      typeof L.markerClusterGroup === "function"
        ? L.markerClusterGroup({
            showCoverageOnHover: false,
            spiderfyOnMaxZoom: true,
            maxClusterRadius: 45,
            iconCreateFunction: clusterIcon,
          })
        : L.layerGroup();
    points.addTo(map);

    function clusterIcon(cluster) {
      var count = cluster.getChildCount();
      var badge = element("span", "map-cluster");
      var number = element("span", "map-cluster-count", String(count));
      badge.appendChild(number);
      badge.appendChild(element("span", "visually-hidden", " " + text.places));
      return L.divIcon({ html: badge, className: "map-cluster-icon", iconSize: L.point(40, 40) });
    }

    points.on("clusterkeypress clusterkeydown", function (event) {
      var key = event.originalEvent && event.originalEvent.key;
      // Enter arrives as keypress, Space as keydown: handle each once.
      if ((event.type === "clusterkeypress" && key === "Enter") || (event.type === "clusterkeydown" && key === " ")) {
        event.originalEvent.preventDefault();
        container.focus({ preventScroll: true });
        event.layer.zoomToBounds({ padding: [30, 30] });
      }
    });

    // --- popups -----------------------------------------------------------------------------

    function popupBox(titleText) {
      var box = element("div", "map-popup");
      box.tabIndex = -1;
      box.appendChild(element("p", "map-popup-title", titleText));
      return box;
    }

    function schoolPopup(properties, collaborations) {
      var box = popupBox(properties.name);
      box.appendChild(element("p", "", text.school + " · " + properties.municipality));
      box.appendChild(element("p", "muted", properties.address));
      if (properties.url) {
        box.appendChild(element("p")).appendChild(link(properties.url, text.openSchool));
      }
      if (collaborations.length) {
        box.appendChild(element("p", "map-popup-title", text.collaborations));
        var list = box.appendChild(element("ul"));
        collaborations.forEach(function (item) {
          var entry = list.appendChild(element("li"));
          if (item.url) {
            entry.appendChild(link(item.url, item.title));
          } else {
            entry.appendChild(document.createTextNode(item.title || text.collaboration));
          }
          entry.appendChild(
            document.createTextNode(
              " (" + item.status_label + ") " + text["with"] + " " + item.partners.join(", ")
            )
          );
        });
      }
      return box;
    }

    function organisationPopup(properties) {
      var box = popupBox(properties.name);
      box.appendChild(element("p", "", text.organisation + " · " + properties.organisation_kind));
      if (properties.location) {
        box.appendChild(element("p", "", properties.location));
      }
      box.appendChild(element("p", "muted", properties.address));
      if (properties.url) {
        box.appendChild(element("p")).appendChild(link(properties.url, text.openOrganisation));
      }
      return box;
    }

    function linePopup(properties) {
      var box = element("div", "map-popup");
      box.tabIndex = -1;
      var title = box.appendChild(element("p", "map-popup-title"));
      if (properties.url && properties.title) {
        title.appendChild(link(properties.url, properties.title));
      } else {
        title.textContent = properties.title || text.collaboration;
      }
      box.appendChild(element("p", "", properties.school + " — " + properties.organisation));
      box.appendChild(element("p", "", text.status + ": " + properties.status_label));
      box.appendChild(element("p", "", text.form + ": " + properties.form_label));
      if (properties.life_domains.length) {
        box.appendChild(element("p", "", text.lifeDomains + ": " + properties.life_domains.join(", ")));
      }
      if (!properties.details) {
        box.appendChild(element("p", "muted", text.detailsHidden));
      }
      return box;
    }

    // A popup opened from a focused mark takes the focus; closing it gives it back.
    function keyboardFriendly(marker) {
      marker.on("popupopen", function (event) {
        var icon = marker.getElement();
        if (icon && document.activeElement === icon) {
          var box = event.popup.getElement().querySelector(".map-popup");
          if (box) {
            box.focus({ preventScroll: true });
          }
        }
      });
      marker.on("popupclose", function (event) {
        var popupElement = event.popup.getElement();
        var active = document.activeElement;
        var icon = marker.getElement();
        if (icon && (!active || active === document.body || (popupElement && popupElement.contains(active)))) {
          icon.focus({ preventScroll: true });
        }
      });
      marker.on("keydown", function (event) {
        if (event.originalEvent.key === " ") {
          event.originalEvent.preventDefault();
          marker.openPopup();
        }
      });
    }

    function markerFor(feature, collaborationsBySchool) {
      var properties = feature.properties;
      var isSchool = properties.kind === "school";
      var label = (isSchool ? text.school : text.organisation) + ": " + properties.name;
      var shape = element("span", "map-marker " + (isSchool ? "map-marker-school" : "map-marker-organisation"));
      var html = element("span");
      html.appendChild(shape);
      html.appendChild(element("span", "visually-hidden", label));
      var coordinates = feature.geometry.coordinates;
      var marker = L.marker([coordinates[1], coordinates[0]], {
        icon: L.divIcon({ html: html, className: "map-icon", iconSize: L.point(20, 20) }),
        title: label,
        keyboard: true,
        riseOnHover: true,
      });
      marker.bindPopup(function () {
        if (isSchool) {
          return schoolPopup(properties, collaborationsBySchool[properties.id] || []);
        }
        return organisationPopup(properties);
      });
      keyboardFriendly(marker);
      return marker;
    }

    // --- loading ----------------------------------------------------------------------------

    function clamp(value, low, high) {
      return Math.min(Math.max(value, low), high);
    }

    function filterParams() {
      var params = new URLSearchParams();
      if (form) {
        new FormData(form).forEach(function (value, name) {
          if (value !== "") {
            params.append(name, value);
          }
        });
      }
      return params;
    }

    function requestFor() {
      var view = map.getBounds();
      var centre = map.getCenter();
      var west = clamp(view.getWest(), -180, 180);
      var east = clamp(view.getEast(), -180, 180);
      var south = clamp(view.getSouth(), -90, 90);
      var north = clamp(view.getNorth(), -90, 90);
      var half = (maxSpan * 0.98) / 2;
      var clipped = false;
      if (east - west > maxSpan * 0.98) {
        west = clamp(centre.lng - half, -180, 180);
        east = clamp(centre.lng + half, -180, 180);
        clipped = true;
      }
      if (north - south > maxSpan * 0.98) {
        south = clamp(centre.lat - half, -90, 90);
        north = clamp(centre.lat + half, -90, 90);
        clipped = true;
      }
      var params = filterParams();
      params.set(
        "bbox",
        [west, south, east, north]
          .map(function (value) {
            return value.toFixed(5);
          })
          .join(",")
      );
      return { url: endpoint + "?" + params.toString(), clipped: clipped };
    }

    function announce(message) {
      if (status && status.textContent !== message) {
        status.textContent = message;
      }
    }

    function render(collection, clipped) {
      var features = (collection && collection.features) || [];
      var collaborationsBySchool = {};
      var counts = { schools: 0, organisations: 0, collaborations: 0 };
      lines.clearLayers();
      points.clearLayers();

      features.forEach(function (feature) {
        var properties = feature.properties;
        if (properties.kind !== "collaboration") {
          return;
        }
        counts.collaborations += 1;
        var coordinates = feature.geometry.coordinates.map(function (pair) {
          return [pair[1], pair[0]];
        });
        L.polyline(coordinates, {
          className: "map-line map-line-" + properties.status,
          weight: 4,
          bubblingMouseEvents: false,
        })
          .bindPopup(function () {
            return linePopup(properties);
          })
          .addTo(lines);
        var list = (collaborationsBySchool[properties.school_id] = collaborationsBySchool[properties.school_id] || []);
        var existing = list.filter(function (item) {
          return item.id === properties.id;
        })[0];
        if (existing) {
          existing.partners.push(properties.organisation);
        } else {
          list.push({
            id: properties.id,
            title: properties.title,
            url: properties.url,
            status_label: properties.status_label,
            partners: [properties.organisation],
          });
        }
      });

      var markers = [];
      features.forEach(function (feature) {
        var kind = feature.properties.kind;
        if (kind === "school" || kind === "organisation") {
          counts[kind === "school" ? "schools" : "organisations"] += 1;
          markers.push(markerFor(feature, collaborationsBySchool));
        }
      });
      if (typeof points.addLayers === "function") {
        points.addLayers(markers);
      } else {
        markers.forEach(function (marker) {
          points.addLayer(marker);
        });
      }

      var template = container.getAttribute("data-collaborations") === "1" ? text.counts : text.countsNoCollaborations;
      var message = format(template, counts);
      announce(clipped ? message + " " + text.clipped : message);
    }

    var timer = null;
    var controller = null;

    function load() {
      if (controller) {
        controller.abort();
      }
      controller = typeof AbortController === "function" ? new AbortController() : null;
      var request = requestFor();
      fetch(request.url, {
        headers: { Accept: "application/geo+json" },
        credentials: "same-origin",
        signal: controller ? controller.signal : undefined,
      })
        .then(function (response) {
          if (!response.ok) {
            throw new Error("HTTP " + response.status);
          }
          return response.json();
        })
        .then(function (collection) {
          render(collection, request.clipped);
        })
        .catch(function (error) {
          if (error && error.name === "AbortError") {
            return;
          }
          announce(text.loadError);
        });
    }

    function scheduleLoad() {
      window.clearTimeout(timer);
      timer = window.setTimeout(load, DEBOUNCE_MS);
    }

    // Leaflet closes a popup on Escape only while the map itself has the focus; from a mark or
    // from inside the popup, Escape closes it too.
    container.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && document.activeElement !== container) {
        map.closePopup();
      }
    });

    // After the filters refreshed the tables: a newly chosen municipality comes into view.
    document.body.addEventListener("htmx:afterSwap", function (event) {
      var target = event.detail && event.detail.target;
      var marker = target && target.id === "map-results" ? target.querySelector("[data-map-bounds]") : null;
      var next = marker ? parseBounds(marker.getAttribute("data-map-bounds")) : null;
      if (next) {
        map.fitBounds(next);
      }
    });

    map.on("moveend", scheduleLoad);
    if (form) {
      // htmx refreshes the list; the map follows the same filters.
      form.addEventListener("submit", scheduleLoad);
    }

    if (bounds) {
      map.fitBounds(bounds);
    } else {
      map.setView([51.15, 4.15], 11);
    }
  });
})();
