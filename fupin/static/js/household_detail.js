// Income by year on the household page, from the json_script the view renders. The two
// lines are named in a legend (the page's own translated labels), so the dashed one is
// not a guess.
(function () {
  const data = JSON.parse(document.getElementById("income-chart-data").textContent);
  const element = document.getElementById("income-chart");
  const chart = echarts.init(element, null, { renderer: "svg" });
  const perCapita = element.dataset.labelPerCapita;
  const afterRigid = element.dataset.labelAfterRigid;
  chart.setOption({
    animation: false,
    legend: { top: 0, data: [perCapita, afterRigid] },
    grid: { left: 56, right: 16, top: 36, bottom: 28 },
    tooltip: { trigger: "axis" },
    xAxis: { type: "category", data: data.years },
    yAxis: { type: "value" },
    series: [
      { name: perCapita, type: "line", data: data.per_capita, smooth: true },
      {
        name: afterRigid,
        type: "line",
        data: data.after_rigid,
        smooth: true,
        lineStyle: { type: "dashed" },
      },
    ],
  });
  window.addEventListener("resize", () => chart.resize());
})();
