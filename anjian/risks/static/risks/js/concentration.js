// 风险分布: stacked bars of risk points by level per street and per industry; each
// coloured segment opens the risk point list filtered to that street/industry and level.
(function () {
  "use strict";
  var source = document.getElementById("risk-charts");
  if (!source || !window.echarts) { return; }
  var data = JSON.parse(source.textContent);

  function openList(param, key, level) {
    var url = new URL(data.listUrl, window.location.origin);
    Object.keys(data.base).forEach(function (name) { url.searchParams.set(name, data.base[name]); });
    url.searchParams.set(param, key);
    if (level) { url.searchParams.set("level", level); }
    window.location.assign(url.toString());
  }

  var charts = [];
  document.querySelectorAll("[data-risk-chart]").forEach(function (el) {
    var kind = el.getAttribute("data-risk-chart");
    var param = el.getAttribute("data-param");
    var rows = (data[kind] || []).slice(0, 30);
    var chart = echarts.init(el, null, { renderer: "canvas" });
    chart.setOption({
      grid: { left: 110, right: 24, top: 32, bottom: 24 },
      legend: { top: 0 },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", inverse: true, data: rows.map(function (r) { return r[1]; }), axisLabel: { interval: 0 } },
      series: data.levels.map(function (level, index) {
        return {
          name: level[1], type: "bar", stack: "total", cursor: "pointer",
          itemStyle: { color: level[2] },
          data: rows.map(function (r) { return { value: r[2][index], key: r[0], level: level[0] }; })
        };
      })
    });
    chart.on("click", function (event) {
      if (event.data && event.data.key) { openList(param, event.data.key, event.data.level); }
    });
    charts.push(chart);
  });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
