// The actor network: a small deterministic force layout drawn in SVG. Edges are
// coloured by mean Goldstein (red conflictual .. green cooperative) and sized by
// event count; clicking an actor opens its profile.
import { svg, goldsteinColour, fmtNumber } from "./dom.js";

const W = 920;
const H = 600;

export function layout(nodes, edges, iterations = 300) {
  const n = nodes.length;
  const pos = nodes.map((_, i) => {
    const a = (2 * Math.PI * i) / Math.max(1, n);
    return { x: W / 2 + (W / 3) * Math.cos(a), y: H / 2 + (H / 3) * Math.sin(a) };
  });
  const index = new Map(nodes.map((node, i) => [node.id, i]));
  const links = edges
    .map((e) => [index.get(e.source), index.get(e.target), e])
    .filter(([s, t]) => s !== undefined && t !== undefined && s !== t);
  const k = Math.sqrt((W * H) / Math.max(1, n)) * 0.8;
  for (let step = 0; step < iterations; step++) {
    const temp = 30 * (1 - step / iterations) + 0.5;
    const disp = pos.map(() => ({ x: 0, y: 0 }));
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        let dx = pos[i].x - pos[j].x;
        let dy = pos[i].y - pos[j].y;
        let d = Math.hypot(dx, dy) || 0.01;
        const f = (k * k) / d;
        dx /= d;
        dy /= d;
        disp[i].x += dx * f;
        disp[i].y += dy * f;
        disp[j].x -= dx * f;
        disp[j].y -= dy * f;
      }
    }
    for (const [s, t] of links) {
      let dx = pos[s].x - pos[t].x;
      let dy = pos[s].y - pos[t].y;
      const d = Math.hypot(dx, dy) || 0.01;
      const f = (d * d) / k;
      dx /= d;
      dy /= d;
      disp[s].x -= dx * f;
      disp[s].y -= dy * f;
      disp[t].x += dx * f;
      disp[t].y += dy * f;
    }
    for (let i = 0; i < n; i++) {
      disp[i].x += (W / 2 - pos[i].x) * 0.02;
      disp[i].y += (H / 2 - pos[i].y) * 0.02;
      const d = Math.hypot(disp[i].x, disp[i].y) || 1;
      pos[i].x += (disp[i].x / d) * Math.min(d, temp);
      pos[i].y += (disp[i].y / d) * Math.min(d, temp);
      pos[i].x = Math.max(40, Math.min(W - 40, pos[i].x));
      pos[i].y = Math.max(30, Math.min(H - 30, pos[i].y));
    }
  }
  return { pos: fit(pos), links };
}

// Scale the layout (same factor both ways, at most 1.6x) to fill the drawing,
// centred, with room for the labels.
function fit(pos) {
  if (pos.length < 2) return pos;
  const xs = pos.map((p) => p.x);
  const ys = pos.map((p) => p.y);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const scale = Math.min((W - 160) / Math.max(1, x1 - x0), (H - 110) / Math.max(1, y1 - y0), 1.6);
  const dx = (W - (x1 - x0) * scale) / 2;
  const dy = 45 + (H - 110 - (y1 - y0) * scale) / 2;
  return pos.map((p) => ({ x: dx + (p.x - x0) * scale, y: dy + (p.y - y0) * scale }));
}

// Dense graphs (every pair of countries has some events) become a hairball: keep
// each actor's strongest relations and the strongest overall, up to ``max``.
export function strongestEdges(edges, perNode = 4, max = 120) {
  const sorted = [...edges].sort((a, b) => (b.events || 0) - (a.events || 0));
  const kept = [];
  const degree = new Map();
  for (const e of sorted) {
    if (kept.length >= max) break;
    const ds = degree.get(e.source) || 0;
    const dt = degree.get(e.target) || 0;
    if (ds < perNode || dt < perNode) {
      kept.push(e);
      degree.set(e.source, ds + 1);
      degree.set(e.target, dt + 1);
    }
  }
  return kept;
}

export function networkChart(graph, { onActor } = {}) {
  const nodes = graph.nodes;
  const edges = strongestEdges(graph.edges);
  const { pos, links } = layout(nodes, edges);
  const maxEvents = Math.max(1, ...nodes.map((d) => d.events || 0));
  const maxEdge = Math.max(1, ...edges.map((e) => e.events || 0));
  const root = svg("svg", { class: "network-chart", viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": "Actor network" });
  const edgeLayer = svg("g", { class: "edges" });
  const nodeLayer = svg("g", { class: "nodes" });
  root.append(edgeLayer, nodeLayer);
  for (const [s, t, e] of links) {
    const width = 1 + 7 * Math.sqrt((e.events || 0) / maxEdge);
    const line = svg("line", {
      class: "edge",
      x1: pos[s].x,
      y1: pos[s].y,
      x2: pos[t].x,
      y2: pos[t].y,
      stroke: goldsteinColour(e.goldstein_mean),
      "stroke-width": width.toFixed(2),
      dataset: { source: e.source, target: e.target, events: e.events },
    });
    line.append(svg("title", {}, `${e.source} – ${e.target}: ${e.events} events, mean Goldstein ${fmtNumber(e.goldstein_mean)}`));
    edgeLayer.append(line);
  }
  nodes.forEach((node, i) => {
    const r = 6 + 16 * Math.sqrt((node.events || 0) / maxEvents);
    const g = svg("g", {
      class: "node",
      tabindex: 0,
      role: "link",
      transform: `translate(${pos[i].x.toFixed(1)},${pos[i].y.toFixed(1)})`,
      dataset: { actor: node.id },
      "aria-label": `${node.label || node.id}: ${node.events} events`,
    });
    g.append(svg("circle", { r: r.toFixed(1) }));
    g.append(svg("text", { y: -r - 4, "text-anchor": "middle" }, node.id));
    if (node.label && node.label !== node.id) g.append(svg("text", { class: "sub", y: r + 12, "text-anchor": "middle" }, node.label));
    g.append(svg("title", {}, `${node.label || node.id} (${node.id}): ${node.events} events`));
    const open = () => onActor && onActor(node.id);
    g.addEventListener("click", open);
    g.addEventListener("keydown", (e) => {
      if (e.key === "Enter") open();
    });
    nodeLayer.append(g);
  });
  return root;
}

export function networkLegend() {
  const root = svg("svg", { class: "network-legend", viewBox: "0 0 320 34", width: 320, height: 34 });
  for (let i = 0; i <= 20; i++) {
    const g = -10 + i;
    root.append(svg("rect", { x: 10 + i * 14, y: 4, width: 14, height: 10, fill: goldsteinColour(g) }));
  }
  root.append(svg("text", { x: 10, y: 28 }, "conflict −10"));
  root.append(svg("text", { x: 157, y: 28, "text-anchor": "middle" }, "0"));
  root.append(svg("text", { x: 304, y: 28, "text-anchor": "end" }, "+10 cooperation"));
  return root;
}
