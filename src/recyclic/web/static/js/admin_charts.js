// Charts of the back office, drawn from the table beside them: the table is the truth (what a
// screen reader reads and a person copies), the chart only pictures it. Chart.js is vendored
// (static/vendor/chartjs) and loaded by the shell before this module runs.
//
// <div class="chart" data-chart-for="t-x"></div>
// <table id="t-x" data-chart="bar|hbar|stacked|line|doughnut" data-unit="kg|€|%">
//   <thead><tr><th>label</th><th data-series>Series A</th><th>not drawn</th>…</tr></thead>
//   <tbody><tr><th scope="row">Row label</th><td data-value="12.5">12,5 kg</td>…</tr></tbody>
// </table>

const PALETTE = ["#1f5f4a", "#b8471f", "#2b6cb0", "#8a5300", "#6b3fa0", "#3a7d44", "#a3231d", "#4f5652", "#c27c0e", "#0f7c8a"];
const NUMBER = new Intl.NumberFormat("fr-FR", { maximumFractionDigits: 2 });

function readTable(table) {
  const headers = [...table.tHead.rows[0].cells];
  const columns = headers.map((cell, index) => ({ index, cell })).filter(({ cell }) => cell.hasAttribute("data-series"));
  const labels = [];
  const series = columns.map(({ cell }) => ({ label: cell.textContent.trim(), data: [] }));
  for (const row of table.tBodies[0].rows) {
    const cells = [...row.cells];
    if (cells.length < headers.length) continue; // "nothing in this period" row
    labels.push(cells[0].textContent.trim());
    columns.forEach(({ index }, n) => series[n].data.push(Number(cells[index].dataset.value || 0)));
  }
  return { labels, series };
}

// A category's label beside a horizontal bar is cut short rather than off the canvas: the
// table beside the chart, and the tooltip, give it whole.
const LABEL_CHARS = 26;
function shortLabel(value) {
  const label = String(this.getLabelForValue(value));
  return label.length > LABEL_CHARS ? `${label.slice(0, LABEL_CHARS - 1)}…` : label;
}

function config(kind, unit, { labels, series }) {
  const format = (value) => `${NUMBER.format(value)}${unit ? ` ${unit}` : ""}`;
  const round = kind === "doughnut";
  const datasets = series.map((item, n) => ({
    label: item.label,
    data: item.data,
    backgroundColor: round ? labels.map((_, i) => PALETTE[i % PALETTE.length]) : PALETTE[n % PALETTE.length],
    borderColor: round ? "#ffffff" : PALETTE[n % PALETTE.length],
    tension: 0.2,
  }));
  const stacked = kind === "stacked";
  const across = kind === "hbar"; // long labels read better beside horizontal bars
  const values = { stacked, beginAtZero: true, ticks: { callback: (value) => NUMBER.format(value) } };
  return {
    type: round ? "doughnut" : kind === "line" ? "line" : "bar",
    data: { labels, datasets },
    options: {
      indexAxis: across ? "y" : "x",
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      plugins: {
        legend: { display: round || series.length > 1, position: "bottom" },
        tooltip: { callbacks: { label: (item) => `${item.dataset.label} : ${format(round ? item.parsed : across ? item.parsed.x : item.parsed.y)}` } },
      },
      scales: round ? {} : across ? { x: values, y: { stacked, ticks: { callback: shortLabel } } } : { x: { stacked }, y: values },
    },
  };
}

/** Draw (or redraw) every chart inside `root`. */
export function drawCharts(root) {
  if (!window.Chart) return;
  for (const holder of root.querySelectorAll("[data-chart-for]")) {
    const table = document.getElementById(holder.dataset.chartFor);
    if (!table) continue;
    const data = readTable(table);
    // Nothing to picture (no row, or only zeros): the table says so on its own.
    if (!data.labels.length || data.series.every((item) => item.data.every((value) => value === 0))) {
      holder.hidden = true;
      holder.dataset.drawn = "0";
      continue;
    }
    // The table says the same thing: the picture is hidden from screen readers.
    const kind = table.dataset.chart || "bar";
    // Horizontal bars: one band per row (CSSOM, which the CSP allows, unlike style="…").
    if (kind === "hbar") holder.style.height = `${Math.max(200, 40 + data.labels.length * 34)}px`;
    const canvas = document.createElement("canvas");
    canvas.setAttribute("aria-hidden", "true");
    holder.replaceChildren(canvas);
    const chart = new window.Chart(canvas, config(kind, table.dataset.unit || "", data));
    holder.dataset.drawn = String(chart.data.labels.length);
  }
}
