// 设备地图: the devices in scope as points coloured by their state (alarm, online, offline).
// The page set-up is the registry map's (web/js/mapbase.js); no tiles unless configured.
(function () {
  "use strict";
  var COLOURS = { alarm: "#d63939", online: "#2fb344", offline: "#1d273b", never: "#9aa0ac" };
  AnjianMap.pointsPage({
    unit: ["台设备", "台"],
    marker: function (p, context) {
      var state = p[5] ? "alarm" : p[4];
      var marker = L.circleMarker([p[1], p[2]], {
        radius: p[5] ? 8 : 6, weight: 1, color: "#fff", fillOpacity: 0.95, fillColor: COLOURS[state] || "#667382"
      });
      var url = context.detailUrl.replace("/0/", "/" + p[0] + "/");
      marker.bindPopup('<a href="' + url + '">' + AnjianMap.escapeHtml(p[3]) + "</a><br>" +
        AnjianMap.escapeHtml(p[6]) + " · " + AnjianMap.escapeHtml(context.labels[state] || ""));
      return marker;
    }
  });
})();
