// Shared Leaflet set-up. With a tile server (ANJIAN_MAP_TILE_URL) its tiles are the base;
// without one (intranets often have none) the offline base layer is drawn instead: the
// deployment city's district outlines from the vendored data package (scripts/vendor.py,
// map-settings' baseUrl), labelled with their names, under the page's own districts and
// street names. Labels live in their own pane below the markers and are thinned so that
// none overlaps another (placeLabels).
window.AnjianMap = (function () {
  "use strict";
  var GRADE_COLOURS = { A: "#d63939", B: "#f76707", C: "#f59f00", D: "#206bc4" };
  var BASE_PANE = "anjian-base";
  var LABEL_PANE = "anjian-labels";
  // Below this zoom a district's name wins over its streets' names; from it on, streets.
  var STREET_ZOOM = 12;
  var LABEL_GAP = 3;  // px kept free around each label

  function settings() {
    var node = document.getElementById("map-settings");
    return node ? JSON.parse(node.textContent) : {};
  }

  function create(element, options) {
    var map = L.map(element, Object.assign({ preferCanvas: true, zoomControl: true, minZoom: 8, maxZoom: 19, zoomSnap: 0.25 }, options || {}));
    var config = settings();
    map.createPane(BASE_PANE).style.zIndex = "250";  // over tiles (200), under outlines (400)
    var labels = map.createPane(LABEL_PANE);
    labels.style.zIndex = "450";  // under markers (600), so a label never hides a point
    labels.style.pointerEvents = "none";
    map.anjianLabels = [];
    map.anjianOffline = !config.tileUrl;
    if (config.tileUrl) {
      L.tileLayer(config.tileUrl, { maxZoom: 19, attribution: config.attribution || "" }).addTo(map);
    } else if (config.baseUrl) {
      drawBase(map, config.baseUrl);
    }
    map.on("zoomend", function () { scheduleLabels(map); });
    map.attributionControl.setPrefix(false);
    return map;
  }

  // The offline base layer: every district of the deployment's city, outlined and named.
  // Drawn as SVG (a few dozen shapes) so that it stays crisp; the points stay on canvas.
  function drawBase(map, url) {
    fetch(url, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      })
      .then(function (collection) {
        L.geoJSON(collection, {
          pane: BASE_PANE,
          renderer: L.svg({ pane: BASE_PANE }),
          interactive: false,
          style: { color: "#94a3b8", weight: 1, fillColor: "#fbfcfd", fillOpacity: 1, className: "map-base-district" }
        }).addTo(map);
        collection.features.forEach(function (feature) {
          var point = feature.properties.cp;
          if (point) { addLabel(map, feature.properties.name, [point[1], point[0]], "district"); }
        });
        map.getContainer().setAttribute("data-base", String(collection.features.length));
      })
      .catch(function () {
        // No base file: the page's own outlines and street names still show where it is.
        map.getContainer().setAttribute("data-base", "0");
      });
  }

  function drawDistricts(map, districts) {
    var layer = L.geoJSON(
      { type: "FeatureCollection", features: districts.map(function (d) {
        return { type: "Feature", properties: { name: d.name }, geometry: d.geometry };
      }) },
      { style: { color: "#206bc4", weight: 2, fillColor: "#e7f0fa", fillOpacity: 0.5 }, interactive: false }
    ).addTo(map);
    if (map.anjianOffline && !settings().baseUrl) {
      // No base layer to name them: name the page's own districts at their middle.
      layer.eachLayer(function (shape) {
        addLabel(map, shape.feature.properties.name, shape.getBounds().getCenter(), "district");
      });
    }
    return layer;
  }

  function drawStreetLabels(map, streets) {
    streets.forEach(function (s) { addLabel(map, s.name, [s.lat, s.lon], "street"); });
  }

  // A name on the map (text only: never parsed as HTML).
  function addLabel(map, text, latlng, kind) {
    var content = document.createElement("span");
    content.textContent = text;
    var tooltip = L.tooltip({
      permanent: true, direction: "center", interactive: false, pane: LABEL_PANE,
      className: "map-label street-label" + (kind === "district" ? " district-label" : "")
    }).setLatLng(latlng).setContent(content).addTo(map);
    map.anjianLabels.push({ tooltip: tooltip, kind: kind });
    scheduleLabels(map);
    return tooltip;
  }

  function scheduleLabels(map) {
    if (map.anjianLabelsPending) { return; }
    map.anjianLabelsPending = true;
    window.requestAnimationFrame(function () {
      map.anjianLabelsPending = false;
      placeLabels(map);
    });
  }

  // Show labels in order of importance and hide each one that would overlap a label
  // already shown (districts first when zoomed out, streets first when zoomed in).
  function placeLabels(map) {
    var first = map.getZoom() < STREET_ZOOM ? "district" : "street";
    var ordered = map.anjianLabels.slice().sort(function (a, b) {
      return (a.kind === first ? 0 : 1) - (b.kind === first ? 0 : 1);
    });
    var shown = [];
    ordered.forEach(function (label) {
      var element = label.tooltip.getElement();
      if (!element) { return; }
      element.style.visibility = "";
      var box = element.getBoundingClientRect();
      var clash = shown.some(function (other) {
        return box.left < other.right + LABEL_GAP && box.right + LABEL_GAP > other.left &&
          box.top < other.bottom + LABEL_GAP && box.bottom + LABEL_GAP > other.top;
      });
      if (clash) { element.style.visibility = "hidden"; } else { shown.push(box); }
    });
  }

  // A markercluster icon whose classes come from its markers (classesOf(markers)), such
  // as the colour of the worst grade inside: a cluster then tells what it hides.
  function clusterIcon(classesOf) {
    return function (cluster) {
      var div = document.createElement("div");
      div.className = "map-cluster " + classesOf(cluster.getAllChildMarkers());
      div.textContent = String(cluster.getChildCount());
      // "marker-cluster": what markercluster's own icons are called (pages and tests find
      // clusters by it); web/css/maps.css outweighs its default look.
      return L.divIcon({ html: div.outerHTML, className: "marker-cluster map-cluster-icon", iconSize: L.point(36, 36) });
    };
  }

  function escapeHtml(text) {
    var div = document.createElement("div");
    div.textContent = text;
    return div.innerHTML;
  }

  function number(n) { return n.toLocaleString("zh-CN"); }

  // What the status line says: how many are shown, how many more the filter found than
  // the map can show (the point limit), and how many have no position.
  function statusText(data, unit) {
    var shown = data.points.length;
    var located = data.located === undefined ? data.total : data.located;
    var text = "地图上显示 " + number(shown) + " " + unit[0];
    if (located > shown) { text += "（共 " + number(located) + " " + unit[1] + "，超出上限，请缩小筛选范围）"; }
    if (data.total > located) { text += "；另有 " + number(data.total - located) + " " + unit[1] + "未标注位置"; }
    return text;
  }

  // A page whose map shows the points of a filter form (form[data-map-filter]): the
  // points come from context.pointsUrl + the form's query (first: context.query when the
  // page set one, else the address's), drawn by options.marker(point, context) into a
  // cluster layer (options.cluster: extra markerClusterGroup options; options.unit: what
  // the status line counts, default ["家单位", "家"]).
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
          status.textContent = statusText(data, options.unit || ["家单位", "家"]);
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
    load(typeof context.query === "string" ? "?" + context.query : window.location.search);
    return map;
  }

  return {
    create: create, drawDistricts: drawDistricts, drawStreetLabels: drawStreetLabels,
    addLabel: addLabel, clusterIcon: clusterIcon, escapeHtml: escapeHtml,
    pointsPage: pointsPage, GRADE_COLOURS: GRADE_COLOURS
  };
})();
