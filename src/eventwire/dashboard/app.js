// eventwire dashboard: ties, network, quotes, articles. Plain ES modules served by
// the API itself; nothing is fetched from anywhere else.
import { el, clear, api, status, hashParams, link, fmtNumber, goldsteinColour, eventItem, quoteItem, QUAD_NAMES } from "./dom.js";
import { tiesChart, legend, fillGaps } from "./chart.js";
import { networkChart, networkLegend, strongestEdges } from "./network.js";
import { annotations, renderText, describe, KINDS } from "./highlight.js";

const main = () => document.getElementById("main");

const VIEWS = {
  ties: renderTies,
  network: renderNetwork,
  quotes: renderQuotes,
  articles: renderArticles,
  article: renderArticle,
  actor: renderActor,
};

async function route() {
  const { path, params } = hashParams();
  const [, name, ...rest] = path.split("/");
  const view = VIEWS[name] || renderTies;
  for (const a of document.querySelectorAll("nav a")) {
    a.classList.toggle("active", a.dataset.view === name || (name === "article" && a.dataset.view === "articles"));
  }
  const container = clear(main());
  container.dataset.view = name || "ties";
  container.removeAttribute("data-ready");
  status("loading…");
  try {
    await view(container, decodeURIComponent(rest.join("/")), params);
    status("");
  } catch (err) {
    status("");
    container.append(el("div", { class: "error", role: "alert" }, `${err.code || "error"}: ${err.message}`));
  }
  container.dataset.ready = "1";
}

window.addEventListener("hashchange", route);
window.addEventListener("DOMContentLoaded", route);

// ---------------------------------------------------------------- ties

function actorOptions(actors, selected) {
  return actors.map((a) =>
    el("option", { value: a.code, selected: a.code === selected }, `${a.code}${a.name ? " — " + a.name : ""} (${a.events})`),
  );
}

async function renderTies(root, _arg, params) {
  const interval = params.get("interval") || "week";
  const [ties, actorList] = await Promise.all([
    api("/api/ties", { a: params.get("a"), b: params.get("b"), interval, top: 0 }),
    api("/api/actors", { limit: 500 }),
  ]);
  const actors = actorList.items;
  for (const code of [ties.a, ties.b]) {
    if (code && !actors.some((a) => a.code === code)) actors.unshift({ code, name: "", events: "?" });
  }
  const selA = el("select", { id: "actor-a", "aria-label": "first actor" }, actorOptions(actors, ties.a));
  const selB = el("select", { id: "actor-b", "aria-label": "second actor" }, actorOptions(actors, ties.b));
  const selI = el(
    "select",
    { id: "interval", "aria-label": "interval" },
    el("option", { value: "week", selected: interval === "week" }, "weekly"),
    el("option", { value: "day", selected: interval === "day" }, "daily"),
    el("option", { value: "month", selected: interval === "month" }, "monthly"),
  );
  const go = () => {
    window.location.hash = link("/ties", { a: selA.value, b: selB.value, interval: selI.value });
  };
  for (const s of [selA, selB, selI]) s.addEventListener("change", go);
  root.append(
    el("h1", {}, "Ties"),
    el("div", { class: "controls" }, el("label", {}, "Actor ", selA), el("label", {}, "and ", selB), el("label", {}, "series ", selI)),
  );
  if (!ties.a || !ties.b) {
    root.append(el("p", { class: "muted" }, "No pair of actors with events in the store yet."));
    return;
  }
  const csv = `/api/ties?a=${encodeURIComponent(ties.a)}&b=${encodeURIComponent(ties.b)}&interval=${interval}&format=csv`;
  root.append(
    el(
      "p",
      { class: "summary", id: "ties-summary" },
      el("strong", {}, ties.a), " and ", el("strong", {}, ties.b), `: ${ties.events} events`,
      ties.goldstein_mean !== null ? `, mean Goldstein ${fmtNumber(ties.goldstein_mean)}` : "",
      " · ",
      [1, 2, 3, 4].map((q) => `${QUAD_NAMES[q]} ${ties.quad_classes[String(q)] || 0}`).join(" · "),
      ". ",
      el("a", { href: csv }, "CSV"),
    ),
  );
  const periods = fillGaps(ties.series, interval);
  const unit = interval === "day" ? "day" : interval;
  const detail = el("section", { id: "period-detail", class: "detail" }, el("p", { class: "muted" }, `Click a ${unit} to see the events and quotes behind it.`));
  const chartBox = el("div", { class: "chart-box", id: "ties-chart" });
  const select = (i) => {
    draw(i);
    showPeriod(detail, ties, periods[i], interval);
  };
  const draw = (selected) => {
    clear(chartBox).append(tiesChart(periods, { selected, onSelect: select }));
  };
  draw(null);
  root.append(legend(), chartBox, detail);
  const wanted = params.get("period");
  if (wanted) {
    const i = periods.findIndex((p) => p.start === wanted);
    if (i >= 0) select(i);
  }
}

async function showPeriod(detail, ties, p, interval) {
  clear(detail);
  detail.dataset.period = p.start;
  detail.removeAttribute("data-ready");
  const label = interval === "day" ? "Day" : interval === "month" ? "Month of" : "Week of";
  const counts = [1, 2, 3, 4].map((q) => `${QUAD_NAMES[q]} ${(p.quad_classes && p.quad_classes[String(q)]) || 0}`).join(" · ");
  detail.append(
    el("h2", {}, `${label} ${p.start}`),
    el("p", { class: "muted" }, `${p.events || 0} events · ${counts}` + (p.goldstein_mean !== null && p.goldstein_mean !== undefined ? ` · mean Goldstein ${fmtNumber(p.goldstein_mean)}` : "")),
  );
  const behind = await api("/api/ties/period", { a: ties.a, b: ties.b, start: p.start, interval });
  detail.append(el("h3", {}, "Events"));
  detail.append(behind.events.length ? el("ul", { class: "events" }, behind.events.map((e) => eventItem(e))) : el("p", { class: "muted" }, "No events."));
  if (behind.total > behind.events.length) detail.append(el("p", { class: "muted" }, `… and ${behind.total - behind.events.length} more.`));
  detail.append(el("h3", {}, "Quotes"));
  detail.append(behind.quotes.length ? el("ul", { class: "quotes" }, behind.quotes.map(quoteItem)) : el("p", { class: "muted" }, "No quotes by either side in these articles."));
  detail.dataset.ready = "1";
}

// ---------------------------------------------------------------- network

async function renderNetwork(root, _arg, params) {
  const graph = await api("/api/network", { limit: params.get("limit") || 40, min_events: params.get("min_events") });
  root.append(
    el("h1", {}, "Network"),
    el("div", { class: "controls" }, networkLegend()),
    el("p", { class: "muted" }, "Actors are countries (or international bodies). Edge colour: mean Goldstein of the events between two actors; width: number of events. Click an actor for its profile."),
  );
  if (!graph.nodes.length) {
    root.append(el("p", { class: "muted" }, "No events in the store yet."));
    return;
  }
  const shown = strongestEdges(graph.edges).length;
  if (shown < graph.edges.length) {
    root.append(el("p", { class: "muted", id: "network-note" }, `Showing the ${shown} strongest of ${graph.edges.length} relations (each actor's strongest first).`));
  }
  root.append(el("div", { class: "chart-box" }, networkChart(graph, { onActor: (code) => { window.location.hash = link("/actor/" + code); } })));
}

// ---------------------------------------------------------------- actor

async function renderActor(root, code) {
  const p = await api("/api/actors/" + encodeURIComponent(code), { limit: 20 });
  root.append(el("h1", { class: "actor-title" }, p.actor, p.label ? el("span", { class: "muted" }, " · " + p.label) : null));
  if (p.names && p.names.length) {
    root.append(el("p", { class: "names" }, "Named as: ", p.names.map((n, i) => [i ? ", " : "", el("strong", {}, n.name), ` (${n.code}, ${n.n} articles)`])));
  }
  const days = p.first_day ? ` · ${p.first_day} to ${p.last_day}` : "";
  root.append(el("p", { class: "summary" }, `${p.as_source.events} events as source · ${p.as_target.events} as target${days}`));
  const partners = p.partners || [];
  root.append(el("h2", {}, "Partners"));
  if (partners.length) {
    root.append(
      el(
        "table",
        { class: "partners" },
        el("thead", {}, el("tr", {}, el("th", {}, "actor"), el("th", {}, "events"), el("th", {}, "mean Goldstein"), el("th", {}, ""))),
        el(
          "tbody",
          {},
          partners.map((q) =>
            el(
              "tr",
              {},
              el("td", {}, el("a", { href: link("/actor/" + q.partner) }, q.partner), q.name ? el("span", { class: "muted" }, " " + q.name) : null),
              el("td", {}, String(q.events)),
              el("td", { style: `color:${goldsteinColour(q.goldstein_mean)}` }, fmtNumber(q.goldstein_mean)),
              el("td", {}, el("a", { href: link("/ties", { a: p.actor, b: q.partner }) }, "ties →")),
            ),
          ),
        ),
      ),
    );
  } else root.append(el("p", { class: "muted" }, "No partners."));
  root.append(el("h2", {}, "Quotes"));
  root.append((p.quotes || []).length ? el("ul", { class: "quotes" }, p.quotes.map(quoteItem)) : el("p", { class: "muted" }, "No quotes."));
  const events = await api("/api/events", { actor: p.actor, limit: 10 });
  if (events.items.length) root.append(el("h2", {}, "Latest events"), el("ul", { class: "events" }, events.items.map((e) => eventItem(e))));
}

// ---------------------------------------------------------------- quotes

async function renderQuotes(root, _arg, params) {
  const q = params.get("q") || "";
  const speaker = params.get("speaker") || "";
  const qInput = el("input", { id: "quote-q", type: "search", name: "q", value: q, placeholder: "words in the quote", "aria-label": "search text" });
  const sInput = el("input", { id: "quote-speaker", type: "search", name: "speaker", value: speaker, placeholder: "speaker", "aria-label": "speaker" });
  const form = el("form", { class: "controls", id: "quote-form" }, qInput, sInput, el("button", { type: "submit" }, "Search"));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    window.location.hash = link("/quotes", { q: qInput.value.trim(), speaker: sInput.value.trim() });
  });
  root.append(el("h1", {}, "Quotes"), form);
  const list = el("ul", { class: "quotes", id: "quote-results" });
  const summary = el("p", { class: "summary", id: "quote-count" });
  root.append(summary, list);
  let offset = 0;
  const more = el("button", { type: "button", class: "more" }, "More");
  const load = async () => {
    const page = await api("/api/quotes", { q, speaker, limit: 50, offset });
    summary.textContent = page.total === null || page.total === undefined ? "" : `${page.total} quotes`;
    for (const item of page.items) list.append(quoteItem(item));
    offset += page.items.length;
    more.hidden = !page.next;
  };
  more.addEventListener("click", load);
  root.append(more);
  await load();
}

// ---------------------------------------------------------------- articles

async function renderArticles(root, _arg, params) {
  const offset = Number(params.get("offset") || 0);
  const page = await api("/api/articles", { limit: 50, offset });
  root.append(el("h1", {}, "Articles"), el("p", { class: "summary" }, `${page.total ?? page.items.length} articles`));
  root.append(
    el(
      "ul",
      { class: "articles" },
      page.items.map((a) =>
        el(
          "li",
          {},
          el("a", { href: link("/article/" + a.pk) }, a.title || a.id || String(a.pk)),
          el("span", { class: "muted" }, ` · ${a.published || "undated"}` + (a.source ? ` · ${a.source}` : "") + ` · ${plural(a.events ?? 0, "event")}, ${plural(a.quotes ?? 0, "quote")}`),
        ),
      ),
    ),
  );
  const nav = el("p", { class: "pager" });
  if (offset > 0) nav.append(el("a", { href: link("/articles", { offset: Math.max(0, offset - 50) }) }, "← newer"), " ");
  if (page.next) nav.append(el("a", { href: link("/articles", { offset: offset + 50 }) }, "older →"));
  root.append(nav);
}

async function renderArticle(root, id, params) {
  const a = await api("/api/articles/" + encodeURIComponent(id));
  const pick = (covers) => {
    clear(picked);
    picked.append(el("h3", {}, "Selected"), el("ul", {}, covers.map((c) => el("li", { class: "hl-" + c.kind }, describe(c)))));
    const ev = covers.find((c) => c.kind === "event");
    if (ev) picked.append(el("p", { class: "sentence" }, ev.item.sentence));
  };
  const picked = el("aside", { id: "picked", class: "detail" }, el("p", { class: "muted" }, "Click highlighted text for its records."));
  const title = el("h1", { class: "article-title" }, renderText(a.title || "", annotations(a, true), { onPick: pick, tag: "span", className: "title-text" }));
  const meta = el(
    "p",
    { class: "muted" },
    a.published || "undated",
    a.source ? " · " + a.source : "",
    a.url ? [" · ", el("a", { href: safeUrl(a.url), rel: "noopener noreferrer nofollow" }, "original")] : "",
    ` · tone ${fmtNumber(a.tone && a.tone.score, 2)}`,
  );
  const body = renderText(a.text || "", annotations(a, false), { onPick: pick });
  body.id = "article-text";
  const toggles = el(
    "div",
    { class: "legend toggles" },
    KINDS.map((kind) => {
      const box = el("input", { type: "checkbox", checked: true, dataset: { kind } });
      box.addEventListener("change", () => root.classList.toggle("hide-" + kind, !box.checked));
      return el("label", { class: "key hl-" + kind }, box, " " + kind + "s");
    }),
  );
  root.append(title, meta, toggles);
  const focusBox = el("div", { id: "focus" });
  root.append(focusBox, el("div", { class: "article-layout" }, body, picked));

  const focusEvent = params.get("event");
  const focusQuote = params.get("quote");
  let selector = null;
  let focusText = null;
  if (focusEvent) {
    selector = `[data-events~="${CSS.escape(focusEvent)}"]`;
    const ev = (a.events || []).find((e) => String(e.id) === focusEvent);
    if (ev) focusText = ev.sentence;
  } else if (focusQuote) {
    selector = `[data-quotes~="${CSS.escape(focusQuote)}"]`;
  }
  if (selector) {
    const hits = [...root.querySelectorAll(selector)];
    hits.forEach((h) => h.classList.add("focus"));
    if (hits.length) hits[0].scrollIntoView({ block: "center" });
    if (focusText) focusBox.append(el("p", { class: "focus-sentence" }, "Sentence: ", el("q", {}, focusText)));
  }

  const lists = el("section", { class: "records" });
  const ref = { pk: a.pk, title: a.title, published: a.published };
  if ((a.events || []).length) lists.append(el("h2", {}, "Events"), el("ul", { class: "events" }, a.events.map((e) => eventItem({ ...e, article: ref }))));
  if ((a.quotes || []).length) lists.append(el("h2", {}, "Quotes"), el("ul", { class: "quotes" }, a.quotes.map((q) => quoteItem({ ...q, article: ref }))));
  if ((a.actors || []).length) {
    lists.append(el("h2", {}, "Actors"), el("ul", { class: "actors" }, a.actors.map((x) => el("li", {}, el("a", { href: link("/actor/" + x.code) }, x.code), " " + x.name + ` (${plural((x.mentions || []).length, "mention")})`))));
  }
  root.append(lists);
}

function plural(n, word) {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

function safeUrl(url) {
  try {
    const u = new URL(url);
    return u.protocol === "http:" || u.protocol === "https:" ? u.href : "#";
  } catch (_) {
    return "#";
  }
}

