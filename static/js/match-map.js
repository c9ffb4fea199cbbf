/* Brugwijzer — the small map on the matching pages. Progressive enhancement: without this file
 * (or without Leaflet, or without map tiles) the page is complete; the map section stays hidden
 * and the list of partners says everything the map shows.
 *
 * Reads the JSON of <script id="match-map-data"> (the view's map_data): tile URL and
 * attribution, the school, and one marker per suggested partner at its nearest location.
 * No text lives here: labels come from the JSON, so they are translated on the server.
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

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text) {
      node.textContent = text;
    }
    return node;
  }

  function popupFor(marker, text) {
    var box = element("div", "match-popup");
    box.appendChild(element("p", "match-popup-title", marker.rank + ". " + marker.name));
    box.appendChild(element("p", "", marker.organisation));
    box.appendChild(element("p", "", marker.label));
    var link = element("a", "", text.details);
    link.href = "#" + marker.anchor;
    box.appendChild(link);
    return box;
  }

  ready(function () {
    var section = document.querySelector("[data-match-map]");
    var container = document.getElementById("match-map");
    var source = document.getElementById("match-map-data");
    if (!section || !container || !source || typeof window.L === "undefined") {
      return;
    }
    var data;
    try {
      data = JSON.parse(source.textContent);
    } catch (error) {
      return;
    }
    if (!data || (!data.school && !(data.markers && data.markers.length))) {
      return;
    }
    var L = window.L;
    section.hidden = false;
    L.Icon.Default.imagePath = container.getAttribute("data-images");

    var map = L.map(container, { scrollWheelZoom: false });
    L.tileLayer(data.tiles, { maxZoom: 18, attribution: data.attribution }).addTo(map);

    var points = [];
    if (data.school) {
      var school = [data.school.lat, data.school.lng];
      L.circleMarker(school, {
        radius: 10,
        color: "#9a3412",
        weight: 3,
        fillColor: "#fdf0e8",
        fillOpacity: 1,
      })
        .bindTooltip(data.text.school + ": " + data.school.name)
        .addTo(map);
      points.push(school);
    }
    (data.markers || []).forEach(function (marker) {
      var position = [marker.lat, marker.lng];
      var title = marker.rank + ". " + marker.name + " (" + marker.organisation + ")";
      L.marker(position, { title: title, alt: title, keyboard: true })
        .bindPopup(popupFor(marker, data.text))
        .addTo(map);
      points.push(position);
    });

    if (points.length === 1) {
      map.setView(points[0], 14);
    } else {
      map.fitBounds(points, { paddingTopLeft: [24, 48], paddingBottomRight: [24, 16], maxZoom: 15 });
    }
  });
})();
