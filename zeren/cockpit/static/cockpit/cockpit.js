// The cockpit's charts (ECharts, vendored), drawn from the page's "cockpit-charts" JSON: a file, not an
// inline script, for the Content-Security-Policy. A click on a bar, slice or point opens the list behind it.
(function () {
  "use strict";
  const INK = "#1d2733", MUTED = "#5b6776", LINE = "#d9dee5";
  const PALETTE = ["#1f5fa8", "#b3261e", "#b7791f", "#1e7d3a", "#5b2ea6", "#8a94a3"];

  function height(spec) {
    if (spec.kind === "hbar") return Math.max(180, 30 * spec.categories.length + 70);
    return spec.kind === "pie" ? 240 : 260;
  }

  function valueAxis(spec) {
    const axis = {type: "value", axisLabel: {color: MUTED}, splitLine: {lineStyle: {color: LINE}}};
    if (spec.max !== null && spec.max !== undefined) axis.max = spec.max;
    // A rate near 100 % drawn from 0 shows no difference: start the axis a little below the lowest value.
    if (spec.unit === "%") axis.min = (v) => Math.max(0, Math.floor((v.min - 5) / 5) * 5);
    if (spec.unit) axis.name = spec.unit;
    return axis;
  }

  function option(spec, narrow) {
    const legend = spec.series.length > 1 ? {top: 0, textStyle: {color: INK}} : undefined;
    if (spec.kind === "pie") {
      const s = spec.series[0];
      return {
        tooltip: {trigger: "item", formatter: "{b}: {c} ({d}%)"},
        legend: {bottom: 0, type: "scroll", textStyle: {color: INK}},
        series: [{name: s.name, type: "pie", radius: ["38%", "66%"], center: ["50%", "44%"],
                  label: {show: !narrow, formatter: "{b} {c}"},
                  data: spec.categories.map((c, i) => ({name: c, value: s.data[i],
                    itemStyle: spec.colours[i] ? {color: spec.colours[i]} : undefined}))}],
      };
    }
    const horizontal = spec.kind === "hbar";
    const category = {type: "category", data: spec.categories, inverse: horizontal,
                      axisLabel: {color: INK, width: narrow ? 90 : 160, overflow: "truncate",
                                  interval: horizontal || !narrow ? 0 : "auto",
                                  rotate: !horizontal && spec.categories.length > 4 ? 30 : 0}};
    const series = spec.series.map((s, i) => ({
      name: s.name, type: spec.kind === "line" ? "line" : "bar", data: s.data, stack: s.stack || undefined,
      smooth: spec.kind === "line", connectNulls: true, barMaxWidth: 28,
      itemStyle: {color: s.colour || PALETTE[i % PALETTE.length]},
      label: {show: horizontal && spec.series.length === 1, position: "right", color: INK},
    }));
    if (spec.colours.length && spec.series.length === 1) {
      series[0].data = spec.series[0].data.map((v, i) => ({value: v, itemStyle: {color: spec.colours[i]}}));
    }
    return {
      tooltip: {trigger: "axis", axisPointer: {type: "shadow"}}, legend: legend,
      grid: {left: 8, right: horizontal ? 40 : 16, top: legend ? 30 : 14, bottom: 8, containLabel: true},
      xAxis: horizontal ? valueAxis(spec) : category, yAxis: horizontal ? category : valueAxis(spec), series: series,
    };
  }

  function draw() {
    const data = document.getElementById("cockpit-charts");
    if (!data || !window.echarts) return;
    const narrow = window.matchMedia("(max-width: 600px)").matches;
    const charts = [];
    JSON.parse(data.textContent).forEach((spec) => {
      const el = document.getElementById(spec.id);
      if (!el) return;
      el.style.height = height(spec) + "px";
      const chart = window.echarts.init(el, null, {renderer: "canvas"});
      chart.setOption(option(spec, narrow));
      chart.on("click", (p) => {
        const url = spec.links[p.dataIndex];
        if (url) window.location.assign(url);
      });
      el.classList.add("drawn");
      charts.push(chart);
    });
    window.addEventListener("resize", () => charts.forEach((c) => c.resize()));
  }

  document.addEventListener("DOMContentLoaded", draw);
})();
