/* Draws the dashboard's charts with the vendored ECharts from the JSON the page embeds
   (<script id="dashboard-charts" type="application/json">). Each data point carries the link to the
   list behind it: clicking a bar, point or slice opens that list. No network access needed. */
(function () {
  "use strict";
  var PALETTE = ["#b71c1c", "#1565c0", "#2e7d32", "#ef6c00", "#6a1b9a", "#00838f", "#8d6e63"];
  var source = document.getElementById("dashboard-charts");
  if (!source || typeof echarts === "undefined") { return; }
  var specs = JSON.parse(source.textContent);
  var instances = {};
  window.dashboardCharts = instances;

  function option(spec, el) {
    var narrow = el.clientWidth < 600;
    var base = { color: PALETTE, title: { text: spec.title, left: "left", textStyle: { fontSize: 14 } },
                 tooltip: { trigger: spec.type === "pie" ? "item" : "axis" },
                 legend: { top: 24, type: "scroll" }, grid: { top: 60, left: 50, right: 20, bottom: 40, containLabel: true } };
    if (spec.type === "pie") {
      base.series = spec.series.map(function (s) {
        return { name: s.name, type: "pie", radius: ["35%", "65%"], top: 30,
                 label: { formatter: "{b}: {c} ({d}%)" },
                 data: spec.categories.map(function (c, i) { return { name: c, value: s.data[i], link: s.links[i] }; }) };
      });
      base.legend.data = spec.categories;
      return base;
    }
    var horizontal = spec.type === "hbar";
    var crowded = spec.categories.length > (narrow ? 5 : 8);
    var categoryAxis = { type: "category", data: spec.categories,
                         axisLabel: { interval: horizontal || !narrow ? 0 : "auto", rotate: horizontal ? 0 : (crowded ? 40 : 0),
                                      fontSize: narrow ? 10 : 12 } };
    var valueAxis = { type: "value", minInterval: 1 };
    base.xAxis = horizontal ? valueAxis : categoryAxis;
    var twoAxes = !horizontal && spec.series.some(function (s) { return s.axis === 1; });
    base.yAxis = horizontal ? Object.assign({}, categoryAxis, { inverse: true })
      : (twoAxes ? [valueAxis, Object.assign({}, valueAxis, { splitLine: { show: false } })] : valueAxis);
    base.series = spec.series.map(function (s) {
      return { name: s.name, type: spec.type === "line" ? "line" : "bar", smooth: spec.type === "line",
               yAxisIndex: twoAxes ? (s.axis || 0) : 0,
               data: s.data.map(function (v, i) { return { value: v, link: s.links[i] }; }),
               label: { show: horizontal, position: "right" } };
    });
    return base;
  }

  specs.forEach(function (spec) {
    var el = document.querySelector('[data-chart="' + spec.id + '"]');
    if (!el) { return; }
    var chart = echarts.init(el, null, { renderer: "canvas" });
    chart.setOption(option(spec, el));
    chart.on("click", function (params) {
      if (params.data && params.data.link) { window.location.href = params.data.link; }
    });
    instances[spec.id] = chart;
    el.setAttribute("data-drawn", "1");
  });
  window.addEventListener("resize", function () {
    Object.keys(instances).forEach(function (k) { instances[k].resize(); });
  });
})();
