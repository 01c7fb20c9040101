// The registry map: the filtered enterprises as clustered points coloured by grade.
(function () {
  "use strict";
  var context = JSON.parse(document.getElementById("map-context").textContent);
  var status = document.getElementById("map-status");
  var map = AnjianMap.create("map");
  var outline = context.districts.length ? AnjianMap.drawDistricts(map, context.districts) : null;
  AnjianMap.drawStreetLabels(map, context.streets);
  if (outline) { map.fitBounds(outline.getBounds(), { padding: [10, 10] }); } else { map.setView([31.23, 121.47], 10); }

  var cluster = L.markerClusterGroup({ chunkedLoading: true, showCoverageOnHover: false, maxClusterRadius: 50 });
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
            radius: 6, weight: 1, color: "#fff", fillOpacity: 0.9, fillColor: AnjianMap.GRADE_COLOURS[p[4]] || "#667382"
          });
          var url = context.detailUrl.replace("/0/", "/" + p[0] + "/");
          marker.bindPopup('<a href="' + url + '">' + escapeHtml(p[3]) + "</a><br>" + escapeHtml(p[5]) + " · " + escapeHtml(p[4]) + "类");
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
