// The registry map: the filtered enterprises as clustered points coloured by grade.
AnjianMap.pointsPage({
  marker: function (p, context) {
    "use strict";
    var marker = L.circleMarker([p[1], p[2]], {
      radius: 6, weight: 1, color: "#fff", fillOpacity: 0.9, fillColor: AnjianMap.GRADE_COLOURS[p[4]] || "#667382"
    });
    var url = context.detailUrl.replace("/0/", "/" + p[0] + "/");
    marker.bindPopup('<a href="' + url + '">' + AnjianMap.escapeHtml(p[3]) + "</a><br>" +
      AnjianMap.escapeHtml(p[5]) + " · " + AnjianMap.escapeHtml(p[4]) + "类");
    return marker;
  }
});
