// The home page's charts, from the json_script the view renders. A click on a bar or a
// slice opens the page behind it: the household list with that filter, or the dashboard of
// the region below. The tables under the charts hold the same links for keyboards.
(function () {
  const data = JSON.parse(document.getElementById("dashboard-data").textContent);
  const palette = { red: "#dc3545", orange: "#fd7e14", blue: "#0d6efd", unrated: "#adb5bd" };
  const charts = [];

  function draw(id, option, onClick) {
    const element = document.getElementById(id);
    if (!element) return;
    const chart = echarts.init(element, null, { renderer: "svg" });
    chart.setOption(Object.assign({ animation: false }, option));
    chart.on("click", onClick);
    charts.push(chart);
  }

  function openPoint(params) {
    const url = params.data && params.data.url;
    if (url) window.location.href = url;
  }

  function bars(points) {
    return points.map((point) => ({
      value: point.value,
      url: point.url,
      itemStyle: point.colour ? { color: palette[point.colour] } : undefined,
    }));
  }

  draw(
    "colour-chart",
    {
      grid: { left: 8, right: 16, top: 8, bottom: 8, containLabel: true },
      tooltip: { trigger: "item" },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", inverse: true, data: data.colours.map((p) => p.name) },
      series: [{ type: "bar", data: bars(data.colours), label: { show: true, position: "right" } }],
    },
    openPoint,
  );

  draw(
    "income-chart",
    {
      tooltip: { trigger: "item" },
      series: [
        {
          type: "pie",
          radius: ["35%", "65%"],
          data: data.income.map((p) => ({ name: p.name, value: p.value, url: p.url })),
          label: { formatter: "{b}\n{c}" },
        },
      ],
    },
    openPoint,
  );

  const children = data.children;
  draw(
    "children-chart",
    {
      grid: { left: 8, right: 16, top: 64, bottom: 8, containLabel: true },
      legend: { top: 0, itemGap: 8 },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      xAxis: { type: "category", data: children.names, axisLabel: { interval: 0, rotate: 30 } },
      yAxis: { type: "value", minInterval: 1 },
      series: children.series.map((series) => ({
        name: series.name,
        type: "bar",
        stack: "colour",
        itemStyle: { color: palette[series.colour] },
        data: series.data,
      })),
    },
    (params) => {
      const url = children.urls[params.dataIndex];
      if (url) window.location.href = url;
    },
  );

  window.addEventListener("resize", () => charts.forEach((chart) => chart.resize()));
})();
