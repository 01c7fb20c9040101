// The device page's chart: each metric's readings of the last hours, its limits as lines
// (ECharts, vendored from npm). One chart per metric, units differ.
(function () {
  "use strict";
  const source = document.getElementById("readings-data");
  const holder = document.getElementById("readings-charts");
  if (!source || !holder || typeof echarts === "undefined") return;
  const metrics = JSON.parse(source.textContent);
  const charts = [];
  metrics.forEach(function (metric) {
    // The value axis takes in the limits, so the dashed lines are always on the chart.
    const limitValues = metric.limits.map(function (l) { return l.value; });
    const box = document.createElement("div");
    box.className = "chart chart-small";
    box.setAttribute("data-metric", metric.code);
    holder.appendChild(box);
    const chart = echarts.init(box);
    chart.setOption({
      title: { text: metric.name + (metric.unit ? "（" + metric.unit + "）" : ""), textStyle: { fontSize: 13 } },
      tooltip: { trigger: "axis" },
      grid: { left: 48, right: 16, top: 36, bottom: 28 },
      xAxis: { type: "time" },
      yAxis: {
        type: "value", scale: true,
        min: function (v) { return Math.min.apply(null, [v.min].concat(limitValues)); },
        max: function (v) { return Math.max.apply(null, [v.max].concat(limitValues)); }
      },
      series: [{
        name: metric.name, type: "line", showSymbol: false, connectNulls: false, data: metric.points,
        markLine: {
          symbol: "none",
          label: { formatter: "{b} {c}", position: "insideEndTop" },
          lineStyle: { color: "#d63939", type: "dashed" },
          data: metric.limits.map(function (l) { return { name: l.label, yAxis: l.value }; })
        }
      }]
    });
    charts.push(chart);
  });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
