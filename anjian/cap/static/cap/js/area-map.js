// The small map on a warning's page: its polygons (the picked districts' outlines and any
// typed polygon) and circle, the picked streets at their label points, over the outline of
// the issuing district.
(function () {
  "use strict";
  var element = document.getElementById("area-map");
  var source = document.getElementById("area-map-context");
  if (!element || !source) { return; }
  var context = JSON.parse(source.textContent);
  var map = AnjianMap.create(element, { scrollWheelZoom: false });
  // Set the view from the data first: layers are drawn into a map that has one.
  var bounds = L.latLngBounds([]);
  context.polygons.forEach(function (polygon) { bounds.extend(L.latLngBounds(polygon)); });
  var circle = context.circle;
  if (circle) { bounds.extend(L.latLng(circle.lat, circle.lon).toBounds(circle.radius_km * 2000)); }
  context.streets.forEach(function (s) { bounds.extend(L.latLng(s.lat, s.lon).toBounds(1500)); });
  map.fitBounds(bounds, { padding: [16, 16], maxZoom: 15 });
  if (context.districts.length) { AnjianMap.drawDistricts(map, context.districts); }
  var style = { color: "#d63939", weight: 2, fillColor: "#d63939", fillOpacity: 0.2 };
  var shapes = 0;
  context.polygons.forEach(function (polygon) { L.polygon(polygon, style).addTo(map); shapes += 1; });
  if (circle) {
    L.circle([circle.lat, circle.lon], Object.assign({ radius: circle.radius_km * 1000 }, style)).addTo(map);
    shapes += 1;
  }
  context.streets.forEach(function (s) {
    L.circleMarker([s.lat, s.lon], Object.assign({ radius: 7 }, style))
      .bindTooltip(s.name, { permanent: true, direction: "right", className: "street-label" })
      .addTo(map);
    shapes += 1;
  });
  element.setAttribute("data-loaded", String(shapes));
})();
