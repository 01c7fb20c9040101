// Shared Leaflet set-up: an optional tile layer (intranets often have none), district
// outlines and street labels so that points still mean something on a plain background.
window.AnjianMap = (function () {
  "use strict";
  var GRADE_COLOURS = { A: "#d63939", B: "#f76707", C: "#f59f00", D: "#206bc4" };

  function settings() {
    var node = document.getElementById("map-settings");
    return node ? JSON.parse(node.textContent) : {};
  }

  function create(element, options) {
    var map = L.map(element, Object.assign({ preferCanvas: true, zoomControl: true, minZoom: 8, maxZoom: 19, zoomSnap: 0.25 }, options || {}));
    var config = settings();
    if (config.tileUrl) {
      L.tileLayer(config.tileUrl, { maxZoom: 19, attribution: config.attribution || "" }).addTo(map);
    }
    map.attributionControl.setPrefix(false);
    return map;
  }

  function drawDistricts(map, districts) {
    var layer = L.geoJSON(
      { type: "FeatureCollection", features: districts.map(function (d) {
        return { type: "Feature", properties: { name: d.name }, geometry: d.geometry };
      }) },
      { style: { color: "#206bc4", weight: 2, fillColor: "#e7f0fa", fillOpacity: 0.5 }, interactive: false }
    ).addTo(map);
    return layer;
  }

  function drawStreetLabels(map, streets) {
    streets.forEach(function (s) {
      L.tooltip({ permanent: true, direction: "center", className: "street-label", interactive: false })
        .setLatLng([s.lat, s.lon]).setContent(s.name).addTo(map);
    });
  }

  function escapeHtml(text) {
    var div = document.createElement("div");
    div.textContent = text;
    return div.innerHTML;
  }

  // A page whose map shows the points of a filter form (form[data-map-filter]): the
  // points come from context.pointsUrl + the form's query, drawn by options.marker(point,
  // context) into a cluster layer (options.cluster: extra markerClusterGroup options;
  // options.unit: what the status line counts, default ["家单位", "家"]).
  function pointsPage(options) {
    var context = JSON.parse(document.getElementById("map-context").textContent);
    var status = document.getElementById("map-status");
    var map = create("map");
    var outline = context.districts.length ? drawDistricts(map, context.districts) : null;
    drawStreetLabels(map, context.streets);
    if (outline) { map.fitBounds(outline.getBounds(), { padding: [10, 10] }); } else { map.setView([31.23, 121.47], 10); }
    var cluster = L.markerClusterGroup(Object.assign({ chunkedLoading: true, showCoverageOnHover: false, maxClusterRadius: 50 }, options.cluster || {}));
    map.addLayer(cluster);

    function load(query) {
      status.textContent = "加载中…";
      fetch(context.pointsUrl + query, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) { throw new Error("HTTP " + response.status); }
          return response.json();
        })
        .then(function (data) {
          cluster.clearLayers();
          cluster.addLayers(data.points.map(function (p) { return options.marker(p, context); }));
          var unit = options.unit || ["家单位", "家"];
          var text = "地图上显示 " + data.points.length.toLocaleString("zh-CN") + " " + unit[0];
          if (data.total > data.points.length) { text += "（共 " + data.total.toLocaleString("zh-CN") + " " + unit[1] + "，超出上限，请缩小筛选范围）"; }
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
  }

  return {
    create: create, drawDistricts: drawDistricts, drawStreetLabels: drawStreetLabels,
    escapeHtml: escapeHtml, pointsPage: pointsPage, GRADE_COLOURS: GRADE_COLOURS
  };
})();
