// 风险四色图: enterprises as points coloured by their highest current risk level.
// The page set-up is the registry map's (web/js/mapbase.js); no tiles unless configured.
(function () {
  "use strict";
  // Red points are drawn on top; clusters show the worst colour inside them.
  var RANK = { blue: 1, yellow: 2, orange: 3, red: 4 };
  AnjianMap.pointsPage({
    cluster: {
      maxClusterRadius: 45,
      iconCreateFunction: function (group) {
        var worst = "blue";
        group.getAllChildMarkers().forEach(function (m) {
          if (RANK[m.options.level] > RANK[worst]) { worst = m.options.level; }
        });
        var div = document.createElement("div");
        div.className = "risk-cluster risk-cluster-" + worst;
        div.textContent = String(group.getChildCount());
        return L.divIcon({ html: div.outerHTML, className: "risk-cluster-icon", iconSize: L.point(34, 34) });
      }
    },
    marker: function (p, context) {
      var marker = L.circleMarker([p[1], p[2]], {
        radius: 7, weight: 1, color: "#fff", fillOpacity: 0.95, fillColor: context.colours[p[4]] || "#667382", level: p[4]
      });
      var url = context.listUrl + "?enterprise=" + p[0];
      marker.bindPopup('<a href="' + url + '">' + AnjianMap.escapeHtml(p[3]) + "</a><br>" +
        AnjianMap.escapeHtml(p[5]) + " · " + AnjianMap.escapeHtml(context.labels[p[4]] || "") + " · " + p[6] + " 个风险点");
      return marker;
    }
  });
})();
