// Income by year on the household page, from the json_script the view renders.
(function () {
  const data = JSON.parse(document.getElementById("income-chart-data").textContent);
  const element = document.getElementById("income-chart");
  const chart = echarts.init(element, null, { renderer: "svg" });
  const labels = {
    perCapita: element.closest(".card").querySelector(".card-header span").textContent.trim(),
  };
  chart.setOption({
    animation: false,
    grid: { left: 56, right: 16, top: 24, bottom: 28 },
    tooltip: { trigger: "axis" },
    xAxis: { type: "category", data: data.years },
    yAxis: { type: "value" },
    series: [
      { name: labels.perCapita, type: "line", data: data.per_capita, smooth: true },
      { type: "line", data: data.after_rigid, smooth: true, lineStyle: { type: "dashed" } },
    ],
  });
  window.addEventListener("resize", () => chart.resize());
})();
