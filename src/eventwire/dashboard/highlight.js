// Article text with its annotated spans. The text is cut at every span boundary
// and each piece is inserted with textContent, so markup in an article shows as
// the characters it is made of and never runs.
import { el } from "./dom.js";

export const KINDS = ["event", "quote", "actor", "place", "time"];

export function annotations(record, inTitle) {
  const out = [];
  const want = (item) => Boolean(item.in_title) === inTitle;
  for (const actor of record.actors || []) {
    if (inTitle) continue; // actor mentions index the body only
    for (const [start, end] of actor.mentions || []) out.push({ kind: "actor", start, end, item: actor, key: actor.id });
  }
  (record.quotes || []).forEach((q, i) => {
    if (want(q)) out.push({ kind: "quote", start: q.span[0], end: q.span[1], item: q, key: q.id ?? "q" + i });
    const ms = q.speaker && q.speaker.mention_span;
    if (ms && want(q)) out.push({ kind: "speaker", start: ms[0], end: ms[1], item: q, key: q.id ?? "q" + i });
  });
  (record.events || []).forEach((e, i) => {
    if (want(e)) out.push({ kind: "event", start: e.span[0], end: e.span[1], item: e, key: e.id ?? "e" + i });
  });
  for (const p of record.places || []) if (want(p)) out.push({ kind: "place", start: p.span[0], end: p.span[1], item: p });
  for (const t of record.times || []) if (want(t)) out.push({ kind: "time", start: t.span[0], end: t.span[1], item: t });
  return out.filter((a) => Number.isInteger(a.start) && Number.isInteger(a.end) && a.end > a.start);
}

// Cut text into segments; each knows the annotations that cover it.
export function segments(text, anns) {
  const cuts = new Set([0, text.length]);
  for (const a of anns) {
    cuts.add(Math.max(0, Math.min(text.length, a.start)));
    cuts.add(Math.max(0, Math.min(text.length, a.end)));
  }
  const points = [...cuts].sort((x, y) => x - y);
  const segs = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const [start, end] = [points[i], points[i + 1]];
    if (end <= start) continue;
    segs.push({ start, end, text: text.slice(start, end), covers: anns.filter((a) => a.start <= start && a.end >= end) });
  }
  return segs;
}

export function renderText(text, anns, { onPick, tag = "div", className = "article-text" } = {}) {
  const container = el(tag, { class: className });
  for (const seg of segments(text, anns)) {
    if (!seg.covers.length) {
      container.append(document.createTextNode(seg.text));
      continue;
    }
    const kinds = new Set(seg.covers.map((a) => a.kind));
    const span = el("span", { class: ["seg", ...[...kinds].map((k) => "hl-" + k)].join(" ") });
    span.textContent = seg.text;
    const events = seg.covers.filter((a) => a.kind === "event").map((a) => a.key);
    const quotes = seg.covers.filter((a) => a.kind === "quote").map((a) => a.key);
    if (events.length) span.dataset.events = " " + events.join(" ") + " ";
    if (quotes.length) span.dataset.quotes = " " + quotes.join(" ") + " ";
    span.addEventListener("click", () => onPick && onPick(seg.covers));
    container.append(span);
  }
  return container;
}

export function describe(ann) {
  const item = ann.item;
  switch (ann.kind) {
    case "actor":
      return `actor: ${item.name} (${item.code})`;
    case "speaker":
      return `speaker: ${item.speaker ? item.speaker.name : "?"}`;
    case "quote":
      return `quote (${item.kind})` + (item.speaker ? ` by ${item.speaker.name}` : ", unattributed");
    case "event": {
      const tgt = item.target ? item.target.code : "–";
      const flags = [item.negated ? "negated" : null, item.modality !== "asserted" ? item.modality : null].filter(Boolean);
      return `event ${item.cameo} ${item.plover || ""}: ${item.source.code} → ${tgt}, Goldstein ${item.goldstein}` +
        (item.date ? `, ${item.date}` : "") + (flags.length ? ` (${flags.join(", ")})` : "");
    }
    case "place":
      return `place: ${item.name}` + (item.country ? ` (${item.country})` : "");
    case "time":
      return `time: “${item.text}” = ${item.value || "?"}`;
    default:
      return ann.kind;
  }
}
