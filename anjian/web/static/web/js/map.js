// The registry map: the filtered enterprises as clustered points coloured by grade; a
// cluster takes the colour of the highest grade inside it (A over B over C over D), as the
// legend says.
(function () {
  "use strict";
  var RANK = { A: 4, B: 3, C: 2, D: 1 };
  AnjianMap.pointsPage({
    cluster: {
      iconCreateFunction: AnjianMap.clusterIcon(function (markers) {
        var worst = "";
        markers.forEach(function (m) {
          if ((RANK[m.options.grade] || 0) > (RANK[worst] || 0)) { worst = m.options.grade; }
        });
        return worst ? "map-cluster-grade-" + worst : "";
      })
    },
    marker: function (p, context) {
      var marker = L.circleMarker([p[1], p[2]], {
        radius: 6, weight: 1, color: "#fff", fillOpacity: 0.9, fillColor: AnjianMap.GRADE_COLOURS[p[4]] || "#667382", grade: p[4]
      });
      var url = context.detailUrl.replace("/0/", "/" + p[0] + "/");
      marker.bindPopup('<a href="' + url + '">' + AnjianMap.escapeHtml(p[3]) + "</a><br>" +
        AnjianMap.escapeHtml(p[5]) + " · " + AnjianMap.escapeHtml(p[4]) + "类");
      return marker;
    }
  });
})();
