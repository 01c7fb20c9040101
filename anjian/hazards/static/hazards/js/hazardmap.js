// 挂图作战: the filtered ledger's hazards as clustered points. Colour = grade (重大 red,
// 一般 yellow, 待上账 grey); an overdue hazard has a dark ring; a cluster takes the most
// serious grade inside it and the ring when any hazard inside is overdue. A point opens
// a popup whose link is the hazard's page. Page set-up: web/js/mapbase.js.
(function () {
  "use strict";
  var COLOURS = { major: "#d63939", general: "#f59f00" };
  var RANK = { major: 2, general: 1 };
  var OVERDUE_RING = "#1d273b";

  AnjianMap.pointsPage({
    unit: ["条隐患", "条"],
    cluster: {
      maxClusterRadius: 45,
      iconCreateFunction: AnjianMap.clusterIcon(function (markers) {
        var worst = "";
        var overdue = false;
        markers.forEach(function (m) {
          if ((RANK[m.options.grade] || 0) > (RANK[worst] || 0)) { worst = m.options.grade; }
          overdue = overdue || m.options.overdue;
        });
        return (worst ? "map-cluster-" + worst : "") + (overdue ? " map-cluster-overdue" : "");
      })
    },
    // p: [id, lat, lon, number, title, grade, state, overdue, enterprise, deadline]
    marker: function (p, context) {
      var overdue = p[7] === 1;
      var marker = L.circleMarker([p[1], p[2]], {
        radius: overdue ? 8 : 7,
        weight: overdue ? 3 : 1,
        color: overdue ? OVERDUE_RING : "#fff",
        fillOpacity: 0.95,
        fillColor: COLOURS[p[5]] || "#667382",
        grade: p[5],
        overdue: overdue
      });
      marker.bindPopup(function () {
        var url = context.detailUrl.replace("/0/", "/" + p[0] + "/");
        var grade = context.grades[p[5]] || "";
        var deadline = p[9] ? "整改期限 " + p[9] + (overdue ? "（已逾期）" : "") : "";
        return '<a href="' + url + '"><strong>' + AnjianMap.escapeHtml(p[3]) + "</strong> " +
          AnjianMap.escapeHtml(p[4]) + "</a><br>" + AnjianMap.escapeHtml(p[8]) + "<br>" +
          [grade, context.states[p[6]] || "", deadline].filter(Boolean).map(AnjianMap.escapeHtml).join(" · ");
      });
      return marker;
    }
  });
})();
