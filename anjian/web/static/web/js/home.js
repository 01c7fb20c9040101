// Home page charts: each bar or slice opens the registry list filtered to it.
(function () {
  "use strict";
  var source = document.getElementById("home-charts");
  if (!source || !window.echarts) { return; }
  var data = JSON.parse(source.textContent);
  var palette = { A: "#d63939", B: "#f76707", C: "#f59f00", D: "#206bc4" };

  function openList(param, key) {
    var url = new URL(data.listUrl, window.location.origin);
    url.searchParams.set(param, key);
    window.location.assign(url.toString());
  }

  function bar(el, rows, horizontal) {
    var chart = echarts.init(el, null, { renderer: "canvas" });
    var labels = rows.map(function (r) { return r[1]; });
    var values = rows.map(function (r) { return { value: r[2], key: r[0] }; });
    var category = { type: "category", data: labels, axisLabel: { interval: 0, rotate: horizontal ? 0 : 35 } };
    var value = { type: "value", minInterval: 1 };
    chart.setOption({
      grid: { left: horizontal ? 110 : 40, right: 24, top: 16, bottom: horizontal ? 24 : 90 },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      xAxis: horizontal ? value : category,
      yAxis: horizontal ? Object.assign({}, category, { inverse: true }) : value,
      series: [{ type: "bar", data: values, itemStyle: { color: "#206bc4" }, cursor: "pointer" }]
    });
    return chart;
  }

  function pie(el, rows) {
    var chart = echarts.init(el, null, { renderer: "canvas" });
    chart.setOption({
      tooltip: { trigger: "item", formatter: "{b}: {c} ({d}%)" },
      legend: { bottom: 0 },
      series: [{
        type: "pie", radius: ["40%", "70%"], cursor: "pointer",
        label: { formatter: "{c}" },
        data: rows.map(function (r) {
          return { name: r[1], value: r[2], key: r[0], itemStyle: { color: palette[r[0]] } };
        })
      }]
    });
    return chart;
  }

  var charts = [];
  document.querySelectorAll("[data-chart]").forEach(function (el) {
    var kind = el.getAttribute("data-chart");
    var param = el.getAttribute("data-param");
    var rows = data[kind] || [];
    var chart = kind === "grade" ? pie(el, rows) : bar(el, rows, kind === "street");
    chart.on("click", function (event) {
      var key = event.data && event.data.key;
      if (key) { openList(param, key); }
    });
    charts.push(chart);
  });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
