// Chart glue: draws the Vega-Lite specs that Python builds (app/core/charts.py,
// app/ui/panels/chart_panel.py) with vega-embed. Nothing here decides what to draw.
//
// The vendored Vega bundle (~860 kB) is imported on the first chart, never at start-up.
//
// window.loupeCharts:
//   render(element, specJson)  draw a spec in `element`, the previous view finalized first;
//                              resolves once drawn; <body data-charts> counts the charts drawn
//   image(specJson, format)    a Blob of a spec drawn off screen, "png" or "svg" (light, white background)
//   json(specJson)             a Blob of the spec as indented JSON
//   download(blob, name)       save a Blob as a file
//   clear()                    finalize the chart on screen
//   lastSpec                   the spec last drawn (tests read its data)

const BUNDLE = "../vendor/vega-embed-7.3.0/vega.mjs";
// SVG is crisp at any zoom and draws a bar, line or heatmap as fast as canvas
// (measured: 17/16 ms for 20 bars, 39/37 ms for 10 lines of 182 points, 25/18 ms
// for 900 cells); a 5,000-point scatter plot takes 147 ms in SVG, 79 ms in canvas.
const CANVAS_FROM = 2000; // marks

let bundle = null;
let current = null; // { element, result } of the chart on screen
let drawing = 0; // the latest render() call; older ones give way
const prefersDark = window.matchMedia("(prefers-color-scheme: dark)");

// The theme on screen: the one the page forces (<html data-theme>, from ?theme=), else the preference.
const isDark = () => (document.documentElement.dataset.theme || (prefersDark.matches ? "dark" : "light")) === "dark";

const load = () => (bundle ??= import(BUNDLE));

// The page's own background, so a chart sits on the panel in both themes.
function background(element) {
  const color = getComputedStyle(element).getPropertyValue("--bg").trim();
  return color || (isDark() ? "#15181c" : "#ffffff");
}

function count() {
  const body = document.body;
  body.dataset.charts = String(Number(body.dataset.charts || "0") + 1);
}

async function render(element, specJson) {
  const mine = ++drawing;
  const { vegaEmbed } = await load();
  const spec = JSON.parse(specJson);
  if (mine !== drawing) return false; // a newer chart was asked for meanwhile
  const options = {
    actions: false, // the panel has its own download buttons
    renderer: (spec.data?.values?.length ?? 0) >= CANVAS_FROM ? "canvas" : "svg",
    theme: isDark() ? "dark" : undefined,
    config: { background: background(element) },
    tooltip: { theme: isDark() ? "dark" : "light" },
  };
  // Drawn hidden over the old chart, then swapped in: the old one stays until the new one is
  // ready, and the new one measures the container's width ("width": "container").
  const target = document.createElement("div");
  target.className = "chart-canvas pending";
  // The panel's element (role="img") carries the chart's description; Vega's marks stay out of
  // the accessibility tree (thousands of unlabelled shapes would say nothing).
  target.setAttribute("aria-hidden", "true");
  element.append(target);
  let result;
  try {
    result = await vegaEmbed(target, spec, options);
  } catch (error) {
    target.remove();
    throw new Error(`The chart could not be drawn: ${error.message}`);
  }
  if (mine !== drawing) { result.finalize(); target.remove(); return false; }
  if (current) current.result.finalize();
  for (const old of [...element.children]) if (old !== target) old.remove();
  target.classList.remove("pending");
  current = { element, result, specJson };
  window.loupeCharts.lastSpec = spec;
  count();
  return true;
}

async function image(specJson, format) {
  const { vega, vegaLite } = await load();
  const compiled = vegaLite.compile(JSON.parse(specJson)).spec;
  const view = new vega.View(vega.parse(compiled, { background: "#ffffff" }), { renderer: "none" });
  try {
    if (format === "svg") return new Blob([await view.toSVG()], { type: "image/svg+xml" });
    const canvas = await view.toCanvas(2); // twice the pixels: sharp on high-density screens
    return await new Promise((resolve, reject) =>
      canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error("The browser could not make a PNG."))), "image/png"));
  } finally {
    view.finalize();
  }
}

function json(specJson) {
  return new Blob([JSON.stringify(JSON.parse(specJson), null, 2) + "\n"], { type: "application/json" });
}

function download(blob, name) {
  if (window.loupeEngine?.download) return window.loupeEngine.download(blob, name);
  const url = URL.createObjectURL(blob);
  const link = Object.assign(document.createElement("a"), { href: url, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

function clear() {
  drawing++;
  if (current) {
    current.result.finalize();
    current.element.replaceChildren();
    current = null;
  }
}

// A change of the preferred colour scheme redraws the chart on screen in the other theme
// (a forced theme stays as it is).
prefersDark.addEventListener("change", () => {
  if (current && !document.documentElement.dataset.theme) render(current.element, current.specJson).catch(() => {});
});

window.loupeCharts = { render, image, json, download, clear, lastSpec: null };
