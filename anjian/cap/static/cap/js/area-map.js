// The small map on a warning's page: its polygon and/or circle over the district outline.
(function () {
  "use strict";
  var element = document.getElementById("area-map");
  var source = document.getElementById("area-map-context");
  if (!element || !source) { return; }
  var context = JSON.parse(source.textContent);
  var map = AnjianMap.create(element, { scrollWheelZoom: false });
  // Set the view from the data first: layers are drawn into a map that has one.
  var bounds = L.latLngBounds([]);
  if (context.polygon) { bounds.extend(L.latLngBounds(context.polygon)); }
  var circle = context.circle;
  if (circle) { bounds.extend(L.latLng(circle.lat, circle.lon).toBounds(circle.radius_km * 2000)); }
  map.fitBounds(bounds, { padding: [16, 16], maxZoom: 15 });
  if (context.districts.length) { AnjianMap.drawDistricts(map, context.districts); }
  var style = { color: "#d63939", weight: 2, fillColor: "#d63939", fillOpacity: 0.2 };
  var shapes = 0;
  if (context.polygon) { L.polygon(context.polygon, style).addTo(map); shapes += 1; }
  if (circle) {
    L.circle([circle.lat, circle.lon], Object.assign({ radius: circle.radius_km * 1000 }, style)).addTo(map);
    shapes += 1;
  }
  element.setAttribute("data-loaded", String(shapes));
})();
