// 指标监测: a small line chart of each indicator's last five years (ECharts, vendored from
// npm); a tap on a year opens the accidents that year's figure counts. A year without a figure
// (no denominator) is a gap, not a zero.
(function () {
  "use strict";
  const source = document.getElementById("indicator-trends");
  if (!source || typeof echarts === "undefined") return;
  const trends = JSON.parse(source.textContent);
  const charts = [];
  document.querySelectorAll("[data-trend]").forEach((holder) => {
    const trend = trends[holder.dataset.trend];
    if (!trend) return;
    const chart = echarts.init(holder);
    chart.setOption({
      animation: false,
      grid: { left: 8, right: 12, top: 12, bottom: 4, containLabel: true },
      // Drawn on the canvas: the HTML tooltip's inline styles break the page's CSP.
      tooltip: {
        trigger: "axis",
        renderMode: "richText",
        confine: true,
        valueFormatter: (value) =>
          value === null || value === undefined
            ? "—"
            : Number(value).toFixed(trend.decimals) + " " + trend.unit,
      },
      xAxis: {
        type: "category",
        data: trend.years.map(String),
        axisTick: { show: false },
        axisLabel: { fontSize: 10 },
      },
      yAxis: { type: "value", show: false, minInterval: trend.decimals ? 0 : 1 },
      series: [
        {
          type: "line",
          data: trend.values,
          connectNulls: false,
          symbolSize: 6,
          cursor: "pointer",
        },
      ],
    });
    // A tap anywhere in a year's column opens it (a point alone is too small on a phone).
    chart.getZr().on("click", (event) => {
      const pixel = [event.offsetX, event.offsetY];
      if (!chart.containPixel("grid", pixel)) return;
      const index = Math.round(chart.convertFromPixel({ seriesIndex: 0 }, pixel)[0]);
      const url = trend.urls[index];
      if (url) window.location.href = url;
    });
    charts.push(chart);
  });
  window.addEventListener("resize", () => charts.forEach((chart) => chart.resize()));
  window.addEventListener("beforeprint", () => charts.forEach((chart) => chart.resize()));
})();
