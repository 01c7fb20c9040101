// 特殊作业地图: the filtered permits (open now by default) as clustered points. Colour =
// how dangerous the work is (特级动火 red, 一级动火 / Ⅳ级高处 / 一级吊装 orange, the rest
// blue); a cluster takes the most dangerous inside it. The feed sends 特级动火 last so that
// they are drawn on top. A point opens a popup whose link is the permit's page.
// Page set-up: web/js/mapbase.js.
(function () {
  "use strict";
  var COLOURS = { special: "#d63939", high: "#f76707", other: "#206bc4" };
  var RANK = { special: 2, high: 1, other: 0 };

  AnjianMap.pointsPage({
    unit: ["张作业票", "张"],
    cluster: {
      maxClusterRadius: 40,
      iconCreateFunction: AnjianMap.clusterIcon(function (markers) {
        var worst = "other";
        markers.forEach(function (m) {
          if (RANK[m.options.severity] > RANK[worst]) { worst = m.options.severity; }
        });
        return "map-cluster-sw-" + worst;
      })
    },
    // p: [id, lat, lon, number, what, severity, state, enterprise, place, valid until]
    marker: function (p, context) {
      var marker = L.circleMarker([p[1], p[2]], {
        radius: p[5] === "special" ? 9 : 7,
        weight: p[6] === "working" ? 3 : 1,
        color: p[6] === "working" ? "#1d273b" : "#fff",
        fillOpacity: 0.95,
        fillColor: COLOURS[p[5]] || COLOURS.other,
        severity: p[5]
      });
      marker.bindPopup(function () {
        var url = context.detailUrl.replace("/0/", "/" + p[0] + "/");
        return '<a href="' + url + '"><strong>' + AnjianMap.escapeHtml(p[4]) + "</strong> " +
          AnjianMap.escapeHtml(p[3]) + "</a><br>" + AnjianMap.escapeHtml(p[7]) + " · " +
          AnjianMap.escapeHtml(p[8]) + "<br>" +
          AnjianMap.escapeHtml((context.states[p[6]] || "") + " · 有效期至 " + p[9]);
      });
      return marker;
    }
  });
})();
