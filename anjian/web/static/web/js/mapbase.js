// Shared Leaflet set-up: an optional tile layer (intranets often have none), district
// outlines and street labels so that points still mean something on a plain background.
window.AnjianMap = (function () {
  "use strict";
  var GRADE_COLOURS = { A: "#d63939", B: "#f76707", C: "#f59f00", D: "#206bc4" };

  function settings() {
    var node = document.getElementById("map-settings");
    return node ? JSON.parse(node.textContent) : {};
  }

  function create(element, options) {
    var map = L.map(element, Object.assign({ preferCanvas: true, zoomControl: true, minZoom: 8, maxZoom: 19, zoomSnap: 0.25 }, options || {}));
    var config = settings();
    if (config.tileUrl) {
      L.tileLayer(config.tileUrl, { maxZoom: 19, attribution: config.attribution || "" }).addTo(map);
    }
    map.attributionControl.setPrefix(false);
    return map;
  }

  function drawDistricts(map, districts) {
    var layer = L.geoJSON(
      { type: "FeatureCollection", features: districts.map(function (d) {
        return { type: "Feature", properties: { name: d.name }, geometry: d.geometry };
      }) },
      { style: { color: "#206bc4", weight: 2, fillColor: "#e7f0fa", fillOpacity: 0.5 }, interactive: false }
    ).addTo(map);
    return layer;
  }

  function drawStreetLabels(map, streets) {
    streets.forEach(function (s) {
      L.tooltip({ permanent: true, direction: "center", className: "street-label", interactive: false })
        .setLatLng([s.lat, s.lon]).setContent(s.name).addTo(map);
    });
  }

  return { create: create, drawDistricts: drawDistricts, drawStreetLabels: drawStreetLabels, GRADE_COLOURS: GRADE_COLOURS };
})();
