// Readings charts (the device page: each metric's last hours; the alarm page: the alarmed
// metric around the alarm), with the limits as dashed lines (ECharts, vendored from npm).
// One chart per metric, units differ. Values read as the metric wants them: its decimals
// in the tooltip, the axis and the limit labels; an on/off signal as its meaning (火警 /
// 正常) on a stepped line. Optional per metric: "marks" (vertical lines: 报警, 恢复) and
// "window" ([from, to] in ms: the time axis' extent).
(function () {
  "use strict";
  const source = document.getElementById("readings-data");
  const holder = document.getElementById("readings-charts");
  if (!source || !holder || typeof echarts === "undefined") return;
  const metrics = JSON.parse(source.textContent);
  const charts = [];

  function formatter(metric) {
    const decimals = typeof metric.decimals === "number" ? metric.decimals : 2;
    return function (value) {
      if (value === null || value === undefined || value === "-") return "—";
      const number = Number(value);
      if (metric.signal) return number >= 0.5 ? metric.signal : "正常";
      const text = number.toFixed(decimals);
      return Number(text) === 0 ? (0).toFixed(decimals) : text; // no "-0.00"
    };
  }

  metrics.forEach(function (metric) {
    const format = formatter(metric);
    const unit = metric.signal ? "" : (metric.unit ? " " + metric.unit : "");
    // The value axis takes in the limits, so the dashed lines are always on the chart.
    const limitValues = metric.limits.map(function (l) { return l.value; });
    const box = document.createElement("div");
    box.className = "chart chart-small";
    box.setAttribute("data-metric", metric.code);
    holder.appendChild(box);
    const chart = echarts.init(box);
    const lines = metric.limits.map(function (l) {
      return { name: l.label, yAxis: l.value, label: { formatter: l.label + " " + format(l.value) + unit } };
    });
    (metric.marks || []).forEach(function (mark) {
      lines.push({
        name: mark.label, xAxis: mark.at,
        lineStyle: { color: "#f76707", type: "solid" }, label: { formatter: mark.label, position: "end" }
      });
    });
    const window_ = metric.window || [];
    chart.setOption({
      title: { text: metric.name + (metric.unit && !metric.signal ? "（" + metric.unit + "）" : ""), textStyle: { fontSize: 13 } },
      tooltip: { trigger: "axis", valueFormatter: function (v) { return format(v) + (v === null ? "" : unit); } },
      grid: { left: metric.signal ? 72 : 56, right: 16, top: 36, bottom: 28 },
      xAxis: { type: "time", min: window_[0], max: window_[1] },
      yAxis: metric.signal
        ? { type: "value", min: 0, max: 1, interval: 1, axisLabel: { formatter: format } }
        : {
          type: "value", scale: true, axisLabel: { formatter: format },
          min: function (v) { return Math.min.apply(null, [v.min].concat(limitValues)); },
          max: function (v) { return Math.max.apply(null, [v.max].concat(limitValues)); }
        },
      series: [{
        name: metric.name, type: "line", showSymbol: false, connectNulls: false, data: metric.points,
        step: metric.signal ? "end" : false,
        markLine: {
          symbol: "none",
          label: { position: "insideEndTop" },
          lineStyle: { color: "#d63939", type: "dashed" },
          data: lines
        }
      }]
    });
    charts.push(chart);
  });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
