// 指挥调度 (emergency/incidents/*.html): the command page's map — the incident, the
// resources sent, the nearest candidates — kept current as htmx swaps the panels and the
// candidates; the open form's map, where a tap places the incident; the timeline replay,
// which shows the incident and its resources as they were at a chosen moment.
// No inline scripts (CSP): each page's data comes from json_script blocks.
(function () {
  "use strict";

  var COLOURS = {
    incident: "#d63939",
    dispatched: "#4299e1",
    en_route: "#f76707",
    on_scene: "#2fb344",
    released: "#868e96",
    cancelled: "#868e96",
    candidate: "#206bc4"
  };
  var ACTIVE = { dispatched: true, en_route: true, on_scene: true };

  function data(id) {
    var node = document.getElementById(id);
    if (!node) { return null; }
    try { return JSON.parse(node.textContent); } catch (error) { return null; }
  }

  function text(value) { return AnjianMap.escapeHtml(String(value === null || value === undefined ? "" : value)); }

  // --- shared drawing ----------------------------------------------------------------------

  function baseMap(element, context) {
    var map = AnjianMap.create(element, { scrollWheelZoom: false });
    if (context.districts && context.districts.length) { AnjianMap.drawDistricts(map, context.districts); }
    if (context.streets) { AnjianMap.drawStreetLabels(map, context.streets); }
    return map;
  }

  function incidentMarker(incident) {
    var icon = L.divIcon({ className: "incident-icon", html: '<span class="incident-pulse"></span><span class="incident-dot"></span>', iconSize: [28, 28], iconAnchor: [14, 14] });
    return L.marker([incident.lat, incident.lon], { icon: icon, zIndexOffset: 1000, keyboard: false })
      .bindTooltip("<strong>" + text(incident.title) + "</strong><br>" + text(incident.place), { direction: "top", offset: [0, -12] });
  }

  // A resource sent: at its base while dispatched or released, on the way (with a dashed
  // line to the incident) while en route, beside the incident once on scene.
  function assignmentLayer(row, state, incident, label) {
    var layer = L.layerGroup();
    if (row.lat === null || row.lon === null) { return layer; }
    var colour = COLOURS[state] || COLOURS.released;
    var at = [row.lat, row.lon];
    if (state === "on_scene") {
      var offset = 0.0012 * ((row.id % 7) - 3);
      at = [incident.lat + offset * 0.6, incident.lon + offset];
    }
    if (state === "en_route" || state === "dispatched") {
      L.polyline([[row.lat, row.lon], [incident.lat, incident.lon]], { color: colour, weight: 2, dashArray: "6 6", opacity: 0.8, interactive: false }).addTo(layer);
    }
    var quantity = row.unit ? " ×" + row.quantity + row.unit : "";
    L.circleMarker(at, { radius: 8, color: "#fff", weight: 2, fillColor: colour, fillOpacity: ACTIVE[state] ? 0.95 : 0.45 })
      .bindTooltip(text(row.name) + text(quantity) + " · " + text(label || row.stateLabel), { direction: "top", offset: [0, -8] })
      .addTo(layer);
    return layer;
  }

  function fit(map, points) {
    var bounds = L.latLngBounds(points);
    if (points.length === 1) { map.setView(points[0], 14); } else { map.fitBounds(bounds, { padding: [28, 28], maxZoom: 15 }); }
  }

  // --- the command page ---------------------------------------------------------------------

  function commandPage(element) {
    var context = data("command-map-data");
    if (!context) { return; }
    var map = baseMap(element, context);
    var incident = context.incident;
    incidentMarker(incident).addTo(map);
    var sent = L.layerGroup().addTo(map);
    var candidates = L.layerGroup().addTo(map);
    var markers = {};
    var fitted = false;

    function drawSent() {
      var now = data("command-map-data") || context;
      sent.clearLayers();
      now.assignments.forEach(function (row) { sent.addLayer(assignmentLayer(row, row.state, incident)); });
      return now.assignments;
    }

    function drawCandidates() {
      var rows = data("candidates-data");
      candidates.clearLayers();
      markers = {};
      if (!Array.isArray(rows)) { return []; }
      rows.forEach(function (row) {
        if (row.lat === null || row.lon === null) { return; }
        var icon = L.divIcon({ className: "candidate-icon", html: "<span>" + row.rank + "</span>", iconSize: [24, 24], iconAnchor: [12, 12] });
        var marker = L.marker([row.lat, row.lon], { icon: icon, riseOnHover: true })
          .bindTooltip(row.rank + ". " + text(row.name) + " · " + row.distance.toFixed(2) + " 公里", { direction: "top", offset: [0, -10] });
        marker.on("click", function () { highlight(row.id, true); });
        candidates.addLayer(marker);
        markers[row.id] = marker;
      });
      return rows;
    }

    function highlight(id, scroll) {
      document.querySelectorAll(".candidate.is-picked").forEach(function (node) { node.classList.remove("is-picked"); });
      var item = document.querySelector('.candidate[data-candidate="' + id + '"]');
      if (item) {
        item.classList.add("is-picked");
        if (scroll) { item.scrollIntoView({ block: "nearest", behavior: "smooth" }); }
      }
    }

    function redraw(refit) {
      var rows = drawSent();
      var found = drawCandidates();
      var points = [[incident.lat, incident.lon]];
      rows.concat(found).forEach(function (row) { if (row.lat !== null && row.lon !== null) { points.push([row.lat, row.lon]); } });
      if (refit || !fitted) { fit(map, points); fitted = true; }
      element.setAttribute("data-loaded", String(rows.length));
      element.setAttribute("data-candidates", String(found.length));
    }

    redraw(true);

    // A candidate in the list shows where it is.
    document.addEventListener("click", function (event) {
      if (event.target.closest("form, a, button, input")) { return; }
      var item = event.target.closest(".candidate[data-candidate]");
      if (!item) { return; }
      var marker = markers[item.getAttribute("data-candidate")];
      highlight(item.getAttribute("data-candidate"), false);
      if (marker) { map.panTo(marker.getLatLng()); marker.openTooltip(); }
    });

    document.body.addEventListener("htmx:afterSettle", function (event) {
      var target = event.detail.target || event.target;
      redraw(target && target.id === "candidates");
    });

    // A released team is ready again: what the finder shows is asked for anew (a dispatch
    // answers with fresh candidates itself).
    document.body.addEventListener("incident-changed", function (event) {
      var finder = document.getElementById("finder");
      var from = event.target;
      if (!finder || (from && from.closest && from.closest("#candidates"))) { return; }
      if (document.querySelector("#candidates[data-kind]")) { htmx.trigger(finder, "submit"); }
    });
  }

  // The finder shows only the filters of the kind chosen.
  function finderFields() {
    var finder = document.getElementById("finder");
    if (!finder) { return; }
    var kind = finder.querySelector("[name=kind]");
    function show() {
      finder.querySelectorAll("[data-kinds]").forEach(function (box) {
        var kinds = box.getAttribute("data-kinds").split(" ");
        box.classList.toggle("d-none", kinds.indexOf(kind.value) < 0);
      });
    }
    kind.addEventListener("change", show);
    show();
  }

  // htmx leaves a 4xx answer unswapped; a refused form (422) and a conflict (409) come
  // back as panels that say why, so they are shown like any other.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    if (status === 409 || status === 422) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  // --- the open form: tap to place ------------------------------------------------------------

  function pickPage(element) {
    var context = data("pick-map-data");
    var latitude = document.getElementById("id_latitude");
    var longitude = document.getElementById("id_longitude");
    if (!context || !latitude || !longitude) { return; }
    var map = baseMap(element, context);
    var marker = null;

    function place(lat, lon, pan) {
      if (marker) { marker.setLatLng([lat, lon]); } else {
        marker = L.circleMarker([lat, lon], { radius: 9, color: "#fff", weight: 2, fillColor: COLOURS.incident, fillOpacity: 0.95 }).addTo(map);
      }
      if (pan) { map.setView([lat, lon], Math.max(map.getZoom(), 15)); }
    }

    function typed() {
      var lat = parseFloat(latitude.value);
      var lon = parseFloat(longitude.value);
      if (isFinite(lat) && isFinite(lon)) { place(lat, lon, true); return true; }
      return false;
    }

    map.on("click", function (event) {
      latitude.value = event.latlng.lat.toFixed(6);
      longitude.value = event.latlng.lng.toFixed(6);
      place(event.latlng.lat, event.latlng.lng, false);
      element.setAttribute("data-picked", latitude.value + "," + longitude.value);
    });
    latitude.addEventListener("change", typed);
    longitude.addEventListener("change", typed);
    var streets = {};
    context.streets.forEach(function (s) { streets[s.code] = s; });
    var region = document.getElementById("id_region");
    if (region) {
      region.addEventListener("change", function () {
        var street = streets[region.value];
        if (street && !(latitude.value && longitude.value)) { map.setView([street.lat, street.lon], 14); }
      });
    }
    // At the scene, a phone knows where it is (over HTTPS, once the user allows it).
    var locate = document.getElementById("locate-me");
    var said = document.getElementById("locate-status");
    if (locate && navigator.geolocation && window.isSecureContext) {
      locate.classList.remove("d-none");
      locate.addEventListener("click", function () {
        said.textContent = "定位中…";
        navigator.geolocation.getCurrentPosition(function (position) {
          latitude.value = position.coords.latitude.toFixed(6);
          longitude.value = position.coords.longitude.toFixed(6);
          place(position.coords.latitude, position.coords.longitude, true);
          said.textContent = "已定位（精度约 " + Math.round(position.coords.accuracy) + " 米），可在地图上调整";
        }, function () { said.textContent = "无法获取位置，请在地图上点选"; }, { enableHighAccuracy: true, timeout: 15000 });
      });
    }
    if (!typed()) {
      var points = context.streets.map(function (s) { return [s.lat, s.lon]; });
      if (points.length) { fit(map, points); } else { map.setView([31.23, 121.47], 10); }
    }
    element.setAttribute("data-loaded", "1");
  }

  // --- the timeline replay ---------------------------------------------------------------------

  function replayPage(element) {
    var context = data("replay-data");
    var slider = document.getElementById("replay-slider");
    var status = document.getElementById("replay-state");
    if (!context || !slider) { return; }
    var items = Array.prototype.slice.call(document.querySelectorAll(".replay-entry[data-index]"));
    var entries = context.entries.map(function (entry) { return Object.assign({}, entry, { time: Date.parse(entry.at) }); });
    var map = baseMap(element, context);
    var incident = context.incident;
    incidentMarker(incident).addTo(map);
    var layer = L.layerGroup().addTo(map);
    var points = [[incident.lat, incident.lon]];
    context.assignments.forEach(function (row) { if (row.lat !== null) { points.push([row.lat, row.lon]); } });
    fit(map, points);
    var timer = null;

    function lastBefore(list, time) {
      var found = null;
      list.forEach(function (step) { if (Date.parse(step.at) <= time) { found = step; } });
      return found;
    }

    function show(index) {
      if (!entries.length) { return; }
      index = Math.max(0, Math.min(entries.length - 1, index));
      slider.value = String(index);
      // The moment just before the next fact: the records an entry stands for are written
      // a moment after (or before) its log line.
      var next = index + 1 < entries.length ? entries[index + 1].time - 1 : Infinity;
      var time = Math.max(entries[index].time, next);
      var state = lastBefore(context.states, time);
      var counts = { dispatched: 0, en_route: 0, on_scene: 0 };
      layer.clearLayers();
      context.assignments.forEach(function (row) {
        var move = lastBefore(row.moves, time);
        if (!move) { return; }
        if (counts[move.state] !== undefined) { counts[move.state] += 1; }
        layer.addLayer(assignmentLayer(row, move.state, incident, context.assignmentStateLabels[move.state]));
      });
      status.innerHTML =
        '<div class="fw-bold">' + text(entries[index].when) + " · " + text(entries[index].label) + "</div>" +
        '<div class="small">事件状态：<strong data-replay-state="' + text(state ? state.state : "") + '">' + text(state ? context.stateLabels[state.state] : "") + "</strong>" +
        " · 已调派 " + counts.dispatched + " · 赶赴途中 " + counts.en_route + " · 已到场 " + counts.on_scene + "</div>";
      items.forEach(function (item, position) {
        item.classList.toggle("is-current", position === index);
        item.classList.toggle("is-future", position > index);
      });
      element.setAttribute("data-index", String(index));
    }

    function stop() {
      if (timer) { window.clearInterval(timer); timer = null; }
      document.getElementById("replay-play").innerHTML = '<i class="bi bi-play-fill"></i>';
    }

    slider.addEventListener("input", function () { stop(); show(parseInt(slider.value, 10)); });
    document.getElementById("replay-prev").addEventListener("click", function () { stop(); show(parseInt(slider.value, 10) - 1); });
    document.getElementById("replay-next").addEventListener("click", function () { stop(); show(parseInt(slider.value, 10) + 1); });
    document.getElementById("replay-play").addEventListener("click", function () {
      if (timer) { stop(); return; }
      if (parseInt(slider.value, 10) >= entries.length - 1) { show(0); }
      this.innerHTML = '<i class="bi bi-pause-fill"></i>';
      timer = window.setInterval(function () {
        var next = parseInt(slider.value, 10) + 1;
        if (next >= entries.length) { stop(); return; }
        show(next);
        items[next].scrollIntoView({ block: "nearest", behavior: "smooth" });
      }, 1200);
    });
    document.getElementById("replay-entries").addEventListener("click", function (event) {
      var item = event.target.closest(".replay-entry[data-index]");
      if (item) { stop(); show(parseInt(item.getAttribute("data-index"), 10)); }
    });
    show(entries.length - 1);
  }

  var command = document.getElementById("command-map");
  if (command) { commandPage(command); finderFields(); }
  var pick = document.getElementById("pick-map");
  if (pick) { pickPage(pick); }
  var replay = document.getElementById("replay-map");
  if (replay) { replayPage(replay); }
})();
