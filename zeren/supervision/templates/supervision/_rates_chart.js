{% load i18n %}// On-time rates per unit (statutory and promised), drawn into #rates from the chart-data JSON in `d`.
  echarts.init(document.getElementById("rates")).setOption({
    tooltip: {trigger: "axis"}, legend: {top: 0, data: ["{% translate '法定' %}", "{% translate '承诺' %}"]},
    grid: {left: 40, right: 20, bottom: 110}, xAxis: {type: "category", data: d.units, axisLabel: {rotate: 40}},
    yAxis: {type: "value", max: 100, name: "%"},
    series: [{name: "{% translate '法定' %}", type: "bar", data: d.statutory, itemStyle: {color: "#1e7d3a"}},
             {name: "{% translate '承诺' %}", type: "bar", data: d.promised, itemStyle: {color: "#b7791f"}}]});
