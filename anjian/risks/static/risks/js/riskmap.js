// 风险四色图: enterprises as points coloured by their highest current risk level.
// Uses the registry map's Leaflet set-up (web/js/mapbase.js); no tiles unless configured.
(function () {
  "use strict";
  var context = JSON.parse(document.getElementById("map-context").textContent);
  var status = document.getElementById("map-status");
  var map = AnjianMap.create("map");
  var outline = context.districts.length ? AnjianMap.drawDistricts(map, context.districts) : null;
  AnjianMap.drawStreetLabels(map, context.streets);
  if (outline) { map.fitBounds(outline.getBounds(), { padding: [10, 10] }); } else { map.setView([31.23, 121.47], 10); }

  // Red points are drawn on top; clusters show the worst colour inside them.
  var RANK = { blue: 1, yellow: 2, orange: 3, red: 4 };
  var cluster = L.markerClusterGroup({
    chunkedLoading: true, showCoverageOnHover: false, maxClusterRadius: 45,
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
  });
  map.addLayer(cluster);

  function escapeHtml(text) {
    var div = document.createElement("div");
    div.textContent = text;
    return div.innerHTML;
  }

  function load(query) {
    status.textContent = "加载中…";
    fetch(context.pointsUrl + query, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      })
      .then(function (data) {
        cluster.clearLayers();
        var markers = data.points.map(function (p) {
          var marker = L.circleMarker([p[1], p[2]], {
            radius: 7, weight: 1, color: "#fff", fillOpacity: 0.95, fillColor: context.colours[p[4]] || "#667382", level: p[4]
          });
          var url = context.listUrl + "?enterprise=" + p[0];
          marker.bindPopup('<a href="' + url + '">' + escapeHtml(p[3]) + "</a><br>" + escapeHtml(p[5]) +
            " · " + escapeHtml(context.labels[p[4]] || "") + " · " + p[6] + " 个风险点");
          return marker;
        });
        cluster.addLayers(markers);
        var text = "地图上显示 " + data.points.length.toLocaleString("zh-CN") + " 家单位";
        if (data.total > data.points.length) { text += "（共 " + data.total.toLocaleString("zh-CN") + " 家，超出上限，请缩小筛选范围）"; }
        status.textContent = text;
        document.getElementById("map").setAttribute("data-loaded", String(data.points.length));
      })
      .catch(function (error) { status.textContent = "加载失败：" + error.message; });
  }

  var form = document.querySelector("form[data-map-filter]");
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var query = "?" + new URLSearchParams(new FormData(form)).toString();
    window.history.replaceState(null, "", query);
    document.querySelectorAll("a[data-keep-query]").forEach(function (link) {
      link.href = link.href.split("?")[0] + query;
    });
    load(query);
  });
  form.addEventListener("change", function () { form.requestSubmit(); });
  load(window.location.search);
})();
