{% load i18n %}// On-time rates per unit (statutory and promised) as horizontal bars, drawn into #rates from the chart-data
// JSON in `d` (rows already ordered, lowest statutory rate first): one row per unit, every label shown,
// the chart as tall as its rows inside a scrolling box.
  (function () {
    const el = document.getElementById("rates");
    el.style.height = Math.max(160, 30 * d.units.length + 80) + "px";
    const narrow = window.innerWidth < 600;
    const rates = echarts.init(el);
    const pct = function (v) { return v == null ? "—" : v + "%"; };
    rates.setOption({
      tooltip: {trigger: "axis", axisPointer: {type: "shadow"}, valueFormatter: pct},
      legend: {top: 0, data: ["{% translate '法定时限内办结率' %}", "{% translate '承诺时限内办结率' %}"]},
      grid: {left: 8, right: 48, top: 56, bottom: 8, containLabel: true},
      xAxis: {type: "value", max: 100, position: "top", name: "{% translate '按时办结率（%）' %}", nameLocation: "middle", nameGap: 24},
      yAxis: {type: "category", data: d.units, inverse: true,
              axisLabel: {interval: 0, width: narrow ? 110 : 220, overflow: "truncate"}},
      series: [{name: "{% translate '法定时限内办结率' %}", type: "bar", data: d.statutory, itemStyle: {color: "#1e7d3a"},
                label: {show: true, position: "right", fontSize: 10, formatter: function (p) { return pct(p.value); }}},
               {name: "{% translate '承诺时限内办结率' %}", type: "bar", data: d.promised, itemStyle: {color: "#b7791f"},
                label: {show: true, position: "right", fontSize: 10, formatter: function (p) { return pct(p.value); }}}]});
    window.addEventListener("resize", function () { rates.resize(); });
  })();
