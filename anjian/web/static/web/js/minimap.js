// A small map on a record's page: the point, its district outline and street labels.
(function () {
  "use strict";
  var element = document.getElementById("mini-map");
  var source = document.getElementById("mini-map-context");
  if (!element || !source) { return; }
  var context = JSON.parse(source.textContent);
  var map = AnjianMap.create(element, { scrollWheelZoom: false });
  if (context.districts.length) { AnjianMap.drawDistricts(map, context.districts); }
  AnjianMap.drawStreetLabels(map, context.streets);
  map.setView([context.lat, context.lon], 14);
  L.circleMarker([context.lat, context.lon], { radius: 8, color: "#fff", weight: 2, fillColor: "#d63939", fillOpacity: 0.9 })
    .addTo(map).bindTooltip(context.name, { direction: "top", offset: [0, -8] });
  element.setAttribute("data-loaded", "1");
})();
