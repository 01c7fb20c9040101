// 应急资源地图: every kind of resource as a layer (the form's 图层 boxes; ticking one
// reloads the points), each point coloured by its kind, a popup linking to its page.
// Points: [kind, id, lat, lon, name, status]. Page set-up: web/js/mapbase.js.
(function () {
  "use strict";
  var COLOURS = {
    team: "#d63939", warehouse: "#206bc4", equipment: "#f76707", shelter: "#2fb344", expert: "#ae3ec9"
  };
  AnjianMap.pointsPage({
    unit: ["处资源", "处"],
    cluster: {
      maxClusterRadius: 40,
      // A cluster in the colour of its kind when it holds one kind, else neutral grey.
      iconCreateFunction: AnjianMap.clusterIcon(function (markers) {
        var kinds = {};
        markers.forEach(function (m) { kinds[m.options.kind] = true; });
        var found = Object.keys(kinds);
        return found.length === 1 ? "map-cluster-kind-" + found[0] : "";
      })
    },
    marker: function (p, context) {
      var marker = L.circleMarker([p[2], p[3]], {
        radius: 7, weight: 1, color: "#fff", fillOpacity: 0.95, fillColor: COLOURS[p[0]] || "#667382",
        kind: p[0]
      });
      marker.bindPopup(function () {
        var url = context.detailUrls[p[0]].replace("/0/", "/" + p[1] + "/");
        return '<a href="' + url + '"><strong>' + AnjianMap.escapeHtml(p[4]) + "</strong></a><br>" +
          AnjianMap.escapeHtml(context.kinds[p[0]] || "") + " · " + AnjianMap.escapeHtml(p[5]);
      });
      return marker;
    }
  });
})();
