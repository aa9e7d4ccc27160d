// The ties chart: per period, cooperation stacked above the axis (QuadClass 1, 2),
// conflict below it (3, 4), and the mean Goldstein score as a line (right axis).
import { svg, el, QUAD_NAMES, fmtNumber } from "./dom.js";

const W = 920;
const H = 340;
const M = { top: 24, right: 48, bottom: 46, left: 44 };
export const QUAD_COLOURS = { 1: "#91cf60", 2: "#1a9850", 3: "#fc8d59", 4: "#d73027" };

export function tiesChart(periods, { onSelect, selected } = {}) {
  const innerW = W - M.left - M.right;
  const innerH = H - M.top - M.bottom;
  const mid = M.top + innerH / 2;
  const count = (p, q) => (p.quad_classes && p.quad_classes[String(q)]) || 0;
  const maxUp = Math.max(1, ...periods.map((p) => count(p, 1) + count(p, 2)));
  const maxDown = Math.max(1, ...periods.map((p) => count(p, 3) + count(p, 4)));
  const maxBar = Math.max(maxUp, maxDown);
  const yCount = (n) => (n / maxBar) * (innerH / 2);
  const yGold = (g) => mid - (g / 10) * (innerH / 2);
  const band = innerW / Math.max(1, periods.length);
  const barW = Math.max(2, Math.min(40, band * 0.7));

  const root = svg("svg", {
    class: "ties-chart",
    viewBox: `0 0 ${W} ${H}`,
    role: "img",
    "aria-label": "Cooperation and conflict per period",
  });
  root.append(svg("title", {}, "Events per period: cooperation above the axis, conflict below; line: mean Goldstein"));

  // Axes and grid.
  root.append(svg("line", { class: "axis", x1: M.left, x2: W - M.right, y1: mid, y2: mid }));
  for (const frac of [-1, -0.5, 0.5, 1]) {
    const y = mid - frac * (innerH / 2);
    root.append(svg("line", { class: "grid", x1: M.left, x2: W - M.right, y1: y, y2: y }));
    root.append(svg("text", { class: "tick", x: M.left - 6, y: y + 4, "text-anchor": "end" }, String(Math.round(Math.abs(frac) * maxBar))));
    root.append(svg("text", { class: "tick gold", x: W - M.right + 6, y: y + 4 }, fmtNumber(frac * 10, 0)));
  }
  root.append(svg("text", { class: "axis-label", x: M.left, y: M.top - 8 }, "cooperation ↑ events"));
  root.append(svg("text", { class: "axis-label", x: M.left, y: H - 6 }, "conflict ↓"));
  root.append(svg("text", { class: "axis-label gold", x: W - M.right, y: M.top - 8, "text-anchor": "end" }, "mean Goldstein"));

  const labelEvery = Math.max(1, Math.ceil(periods.length / 12));
  const linePoints = [];
  periods.forEach((p, i) => {
    const cx = M.left + band * i + band / 2;
    const g = svg("g", {
      class: "period" + (selected === i ? " selected" : ""),
      tabindex: 0,
      role: "button",
      "aria-label": `${p.start}: ${p.events || 0} events`,
      dataset: { period: p.start, index: i, total: p.events || 0 },
    });
    g.append(svg("rect", { class: "hit", x: cx - band / 2, y: M.top, width: band, height: innerH }));
    let up = mid;
    for (const q of [1, 2]) {
      const h = yCount(count(p, q));
      if (h > 0) {
        up -= h;
        g.append(svg("rect", { class: "bar q" + q, x: cx - barW / 2, y: up, width: barW, height: h, fill: QUAD_COLOURS[q] }));
      }
    }
    let down = mid;
    for (const q of [3, 4]) {
      const h = yCount(count(p, q));
      if (h > 0) {
        g.append(svg("rect", { class: "bar q" + q, x: cx - barW / 2, y: down, width: barW, height: h, fill: QUAD_COLOURS[q] }));
        down += h;
      }
    }
    const tip = [`${p.start}: ${p.events || 0} events`, ...[1, 2, 3, 4].map((q) => `${QUAD_NAMES[q]}: ${count(p, q)}`)];
    if (p.goldstein_mean !== null && p.goldstein_mean !== undefined) tip.push(`mean Goldstein: ${fmtNumber(p.goldstein_mean)}`);
    g.append(svg("title", {}, tip.join("\n")));
    if (i % labelEvery === 0) {
      g.append(svg("text", { class: "tick", x: cx, y: H - M.bottom + 16, "text-anchor": "middle" }, shortLabel(p.start)));
    }
    const select = () => onSelect && onSelect(i);
    g.addEventListener("click", select);
    g.addEventListener("keydown", (e) => {
      if (e.key === "Enter" || e.key === " ") {
        e.preventDefault();
        select();
      }
    });
    root.append(g);
    if (p.goldstein_mean !== null && p.goldstein_mean !== undefined) linePoints.push([cx, yGold(p.goldstein_mean)]);
    else linePoints.push(null); // no events: the line breaks here
  });
  // One polyline per run of periods with events, so an empty week is not drawn as a trend.
  let run = [];
  for (const pt of [...linePoints, null]) {
    if (pt) {
      run.push(pt);
      continue;
    }
    if (run.length > 1) root.append(svg("polyline", { class: "gold-line", points: run.map((q) => q.join(",")).join(" ") }));
    run = [];
  }
  for (const pt of linePoints) if (pt) root.append(svg("circle", { class: "gold-dot", cx: pt[0], cy: pt[1], r: 3 }));
  return root;
}

function shortLabel(period) {
  return String(period).slice(0, 10);
}

// Periods with no events are missing from the API's series: add them as zeros so
// that the x axis is time.
export function fillGaps(series, interval, cap = 400) {
  if (series.length < 2) return series;
  const byStart = new Map(series.map((p) => [p.start, p]));
  const out = [];
  let d = new Date(series[0].start + "T00:00:00Z");
  const last = new Date(series[series.length - 1].start + "T00:00:00Z");
  while (d <= last) {
    const key = d.toISOString().slice(0, 10);
    out.push(byStart.get(key) || { start: key, events: 0, quad_classes: {}, goldstein_mean: null, empty: true });
    if (out.length > cap) return series;
    if (interval === "day") d.setUTCDate(d.getUTCDate() + 1);
    else if (interval === "month") d.setUTCMonth(d.getUTCMonth() + 1);
    else d.setUTCDate(d.getUTCDate() + 7);
  }
  return out;
}

export function legend() {
  return el(
    "div",
    { class: "legend" },
    ...[1, 2, 3, 4].map((q) => el("span", { class: "key" }, el("span", { class: "swatch", style: `background:${QUAD_COLOURS[q]}` }), QUAD_NAMES[q])),
    el("span", { class: "key" }, el("span", { class: "swatch line" }), "mean Goldstein (right axis)"),
  );
}
