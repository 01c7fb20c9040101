// The figures page: the monthly trend (ECharts, vendored from npm), each bar and point
// opening the hazards it counts, and the print button.
(function () {
  "use strict";
  const printButton = document.querySelector("[data-print]");
  if (printButton) printButton.addEventListener("click", () => window.print());

  const holder = document.getElementById("trend-chart");
  const source = document.getElementById("trend-data");
  if (!holder || !source || typeof echarts === "undefined") return;
  const data = JSON.parse(source.textContent);
  const series = [
    { key: "found", name: "发现", type: "bar" },
    { key: "closed", name: "销号", type: "bar" },
    { key: "open", name: "未销号（至今）", type: "line" },
  ];
  const chart = echarts.init(holder);
  chart.setOption({
    tooltip: { trigger: "axis" },
    // Below the plot: on top it sat on the bars.
    legend: { bottom: 0, data: series.map((s) => s.name) },
    grid: { left: 40, right: 16, top: 16, bottom: 56, containLabel: true },
    xAxis: { type: "category", data: data.months },
    yAxis: { type: "value", minInterval: 1 },
    series: series.map((s) => ({
      name: s.name,
      type: s.type,
      data: data[s.key],
      cursor: "pointer",
    })),
  });
  chart.on("click", (event) => {
    const picked = series[event.seriesIndex];
    const url = picked && data.links[picked.key][event.dataIndex];
    if (url) window.location.href = url;
  });
  window.addEventListener("resize", () => chart.resize());
  window.addEventListener("beforeprint", () => chart.resize());
})();
