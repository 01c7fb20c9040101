// The monthly trend on the figures page (ECharts, vendored from npm).
(function () {
  "use strict";
  const holder = document.getElementById("trend-chart");
  const source = document.getElementById("trend-data");
  if (!holder || !source || typeof echarts === "undefined") return;
  const data = JSON.parse(source.textContent);
  const chart = echarts.init(holder);
  chart.setOption({
    tooltip: { trigger: "axis" },
    legend: { data: ["发现", "销号", "未销号"] },
    grid: { left: 40, right: 16, top: 32, bottom: 24 },
    xAxis: { type: "category", data: data.months },
    yAxis: { type: "value", minInterval: 1 },
    series: [
      { name: "发现", type: "bar", data: data.found },
      { name: "销号", type: "bar", data: data.closed },
      { name: "未销号", type: "line", data: data.open },
    ],
  });
  window.addEventListener("resize", () => chart.resize());
})();
