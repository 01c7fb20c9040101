// Home page charts: each bar or slice opens the registry list filtered to it.
// Drawn as SVG so that a test can measure every label. Industries and streets are
// horizontal bars, a row per entry (names read across, never rotated into each other;
// a long one is cut with "…"); the grade donut keeps its numbers inside the ring and its
// names in the legend — at 390 px as at 1366 px, no label is cut off or overlaps.
(function () {
  "use strict";
  var source = document.getElementById("home-charts");
  if (!source || !window.echarts) { return; }
  var data = JSON.parse(source.textContent);
  var palette = { A: "#d63939", B: "#f76707", C: "#f59f00", D: "#206bc4" };
  var NARROW = 576;  // px of chart width below which the value axis has fewer ticks
  var ROW = 26;  // px per bar of a horizontal bar chart
  var NAME_WIDTH = 96;  // px a category name may take before "…"

  function openList(param, key) {
    var url = new URL(data.listUrl, window.location.origin);
    url.searchParams.set(param, key);
    window.location.assign(url.toString());
  }

  function barOption(rows, narrow) {
    var labels = rows.map(function (r) { return r[1]; });
    var values = rows.map(function (r) { return { value: r[2], key: r[0] }; });
    return {
      grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, confine: true },
      xAxis: { type: "value", minInterval: 1, splitNumber: narrow ? 3 : 5, axisLabel: { hideOverlap: true } },
      yAxis: {
        type: "category", data: labels, inverse: true,
        axisLabel: { interval: 0, width: NAME_WIDTH, overflow: "truncate", ellipsis: "…" }
      },
      series: [{ type: "bar", data: values, itemStyle: { color: "#206bc4" }, cursor: "pointer", barMaxWidth: 18 }]
    };
  }

  function pieOption(rows) {
    return {
      tooltip: { trigger: "item", formatter: "{b}: {c} ({d}%)", confine: true },
      legend: { bottom: 0, itemGap: 12 },
      series: [{
        type: "pie", radius: ["38%", "68%"], center: ["50%", "44%"], cursor: "pointer",
        avoidLabelOverlap: true,
        label: { position: "inside", formatter: "{c}", color: "#fff", fontWeight: 600 },
        labelLayout: { hideOverlap: true },
        labelLine: { show: false },
        data: rows.map(function (r) {
          return { name: r[1], value: r[2], key: r[0], itemStyle: { color: palette[r[0]] } };
        })
      }]
    };
  }

  // Draw (again) for the element's current width; a bar chart grows a row per entry.
  function draw(item) {
    var bars = item.kind !== "grade";
    item.el.style.height = bars && item.rows.length ? Math.max(160, item.rows.length * ROW + 40) + "px" : "";
    item.chart.resize();
    var narrow = item.el.clientWidth < NARROW;
    item.chart.setOption(bars ? barOption(item.rows, narrow) : pieOption(item.rows), { notMerge: true });
    item.el.setAttribute("data-layout", bars ? "horizontal" : "donut");
  }

  var items = [];
  document.querySelectorAll("[data-chart]").forEach(function (el) {
    var kind = el.getAttribute("data-chart");
    var param = el.getAttribute("data-param");
    var item = { el: el, kind: kind, rows: data[kind] || [], chart: echarts.init(el, null, { renderer: "svg" }) };
    item.chart.on("click", function (event) {
      var key = event.data && event.data.key;
      if (key) { openList(param, key); }
    });
    draw(item);
    items.push(item);
  });
  var pending = null;
  window.addEventListener("resize", function () {
    window.clearTimeout(pending);
    pending = window.setTimeout(function () { items.forEach(draw); }, 100);
  });
})();
