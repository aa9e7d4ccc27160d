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
