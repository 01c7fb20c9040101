// A small map on a record's page showing where it is.
(function () {
  "use strict";
  var element = document.getElementById("mini-map");
  if (!element) { return; }
  var lat = parseFloat(element.getAttribute("data-lat"));
  var lon = parseFloat(element.getAttribute("data-lon"));
  var map = AnjianMap.create(element, { scrollWheelZoom: false });
  map.setView([lat, lon], 15);
  L.circleMarker([lat, lon], { radius: 8, color: "#fff", weight: 2, fillColor: "#d63939", fillOpacity: 0.9 })
    .addTo(map).bindTooltip(element.getAttribute("data-name"), { permanent: true, direction: "top", offset: [0, -8] });
})();
