// Small DOM helpers. Text from the store is only ever inserted as text nodes
// (textContent), never as HTML: article text may contain markup.

const SVG_NS = "http://www.w3.org/2000/svg";

export function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  setAttrs(node, attrs);
  append(node, children);
  return node;
}

export function svg(tag, attrs, ...children) {
  const node = document.createElementNS(SVG_NS, tag);
  setAttrs(node, attrs);
  append(node, children);
  return node;
}

function setAttrs(node, attrs) {
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") {
      node.addEventListener(key.slice(2), value);
    } else if (key === "dataset") {
      for (const [k, v] of Object.entries(value)) node.dataset[k] = String(v);
    } else if (key === "style") {
      node.style.cssText = String(value); // CSSOM, allowed by the page's CSP
    } else if (key === "text") {
      node.textContent = String(value);
    } else {
      node.setAttribute(key, value === true ? "" : String(value));
    }
  }
}

function append(node, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
  return node;
}

export function status(message) {
  document.getElementById("status").textContent = message || "";
}

export class ApiFailure extends Error {
  constructor(code, message, status) {
    super(message);
    this.code = code;
    this.status = status;
  }
}

export async function api(path, params) {
  const url = new URL(path, window.location.origin);
  for (const [key, value] of Object.entries(params || {})) {
    if (value !== null && value !== undefined && value !== "") url.searchParams.set(key, value);
  }
  const response = await fetch(url, { headers: { Accept: "application/json" } });
  const body = await response.json().catch(() => null);
  if (!response.ok) {
    const err = (body && body.error) || { code: "http_" + response.status, message: response.statusText };
    throw new ApiFailure(err.code, err.message, response.status);
  }
  return body;
}

export function hashParams() {
  const hash = window.location.hash.replace(/^#/, "");
  const [path, query] = hash.split("?");
  return { path: path || "/ties", params: new URLSearchParams(query || "") };
}

export function link(path, params) {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params || {})) {
    if (value !== null && value !== undefined && value !== "") query.set(key, value);
  }
  const q = query.toString();
  return "#" + path + (q ? "?" + q : "");
}

export function fmtNumber(value, digits = 1) {
  if (value === null || value === undefined || Number.isNaN(value)) return "–";
  return Number(value).toFixed(digits);
}

// Goldstein -10 (conflict, red) .. 0 (grey) .. +10 (cooperation, green).
export function goldsteinColour(value) {
  const g = Math.max(-10, Math.min(10, Number(value) || 0)) / 10;
  const grey = [150, 150, 150];
  const target = g >= 0 ? [26, 152, 80] : [215, 48, 39];
  const t = Math.min(1, Math.abs(g) * 1.6);
  const mix = grey.map((c, i) => Math.round(c + (target[i] - c) * t));
  return `rgb(${mix[0]}, ${mix[1]}, ${mix[2]})`;
}

export const QUAD_NAMES = {
  1: "verbal cooperation",
  2: "material cooperation",
  3: "verbal conflict",
  4: "material conflict",
};

export function actorLabel(ref) {
  if (!ref) return "–";
  return ref.name && ref.name !== ref.code ? `${ref.name} (${ref.code})` : ref.code;
}

export function eventItem(ev, onOpen) {
  // One event with its sentence; the sentence links to the article view.
  const flags = [];
  if (ev.negated) flags.push("negated");
  if (ev.modality && ev.modality !== "asserted") flags.push(ev.modality);
  const art = ev.article || {};
  const sentenceLink = el(
    "a",
    { class: "sentence", href: link("/article/" + art.pk, { event: ev.id }), dataset: { event: ev.id } },
    ev.sentence,
  );
  if (onOpen) sentenceLink.addEventListener("click", onOpen);
  return el(
    "li",
    { class: "event q" + ev.quad_class, dataset: { event: ev.id } },
    el(
      "div",
      { class: "event-head" },
      el("span", { class: "date" }, ev.date || ev.day || art.published || "undated"),
      " ",
      el("strong", {}, actorLabel(ev.source)),
      " → ",
      el("strong", {}, actorLabel(ev.target)),
      " ",
      el("span", { class: "code", title: "CAMEO " + ev.cameo }, `${ev.cameo} ${ev.plover || ""}`),
      " ",
      el("span", { class: "gold", style: `color:${goldsteinColour(ev.goldstein)}` }, fmtNumber(ev.goldstein)),
      flags.length ? el("span", { class: "flags" }, " (" + flags.join(", ") + ")") : null,
      ev.place ? el("span", { class: "place" }, " @ " + ev.place.name) : null,
    ),
    sentenceLink,
    el(
      "div",
      { class: "source muted" },
      art.title || "",
      art.published ? " · " + art.published : "",
      ev.num_articles > 1 ? ` · reported by ${ev.num_articles} articles` : "",
    ),
  );
}

export function quoteItem(q) {
  const speaker = q.speaker ? q.speaker.name : "unattributed";
  const art = q.article || {};
  return el(
    "li",
    { class: "quote", dataset: { quote: q.id } },
    el("blockquote", {}, q.text),
    el(
      "div",
      { class: "quote-meta" },
      "— ",
      el("strong", { class: "speaker" }, speaker),
      q.speaker && q.speaker.code ? el("span", { class: "code" }, " " + q.speaker.code) : null,
      " · ",
      el("a", { href: link("/article/" + art.pk, { quote: q.id }) }, art.title || "article"),
      art.published ? " · " + art.published : "",
      " · ",
      el("span", { class: "muted" }, q.kind),
    ),
  );
}
