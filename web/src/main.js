// hadath dashboard: filters → /events, /timeline → map, timeline, table;
// an event → /events/{id} → article view with the evidence highlighted.
import "leaflet/dist/leaflet.css";
import "./style.css";
import L from "leaflet";
import { feature } from "topojson-client";
import { clear, el, svg } from "./dom.js";
import { cssName, highlightedText } from "./highlight.js";
import { MODES, STRINGS, TYPE_COLOURS, TYPES } from "./i18n.js";

const MAP_LIMIT = 500;
const PAGE = 50;
const FILTER_KEYS = ["q", "type", "mode", "date_from", "date_to", "country", "admin1", "actor"];

const state = {
  lang: localStorage.getItem("hadath.lang") === "en" ? "en" : "ar",
  filters: {},
  inView: false,
  mentions: false,
  offset: 0,
  total: 0,
  mapEvents: [],
  pageEvents: [],
  timeline: null,
  stats: null,
  detail: null,
  detailArticles: {},
};

const t = (key, ...args) => {
  const value = STRINGS[state.lang][key];
  return typeof value === "function" ? value(...args) : value ?? key;
};
const typeLabel = (type) => STRINGS[state.lang].types[type] || type;
const fieldLabel = (field) => STRINGS[state.lang].fields[field] || field;

// ---------------------------------------------------------------- data access

async function getJSON(path, params = {}) {
  const url = new URL(path, document.baseURI);
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== "") url.searchParams.set(k, v);
  }
  const res = await fetch(url, { headers: { Accept: "application/json" } });
  if (!res.ok) {
    let detail = res.statusText;
    try {
      const body = await res.json();
      detail = typeof body.detail === "string" ? body.detail
        : (body.detail || []).map((d) => `${(d.loc || []).slice(-1)[0]}: ${d.msg}`).join("; ");
    } catch { /* not JSON */ }
    throw new Error(detail || String(res.status));
  }
  return res.json();
}

function queryParams() {
  const params = { ...state.filters };
  if (state.inView && map) {
    const b = map.getBounds();
    const clamp = (v, lim) => Math.max(-lim, Math.min(lim, v));
    params.bbox = [clamp(b.getWest(), 180), clamp(b.getSouth(), 90),
      clamp(b.getEast(), 180), clamp(b.getNorth(), 90)].map((v) => v.toFixed(4)).join(",");
  }
  if (state.mentions) params.canonical = "false";
  return params;
}

// Accessors tolerant of the store's flat or nested shapes.
const dateOf = (ev) => (ev.date && typeof ev.date === "object" ? ev.date.value : ev.date) || "";
const placeOf = (ev) => (ev.place && typeof ev.place === "object" ? ev.place : null);
const placeName = (p) => (p ? (state.lang === "ar" ? p.name_ar || p.name : p.name || p.name_ar) || p.text || "" : "");
const names = (list) => (list || []).map((p) => (typeof p === "string" ? p : p.text || p.name || "")).filter(Boolean);
const reportsOf = (ev) => ev.n_reports ?? ev.n_articles ?? (ev.articles ? ev.articles.length : 1);

// ------------------------------------------------------------------- language

function applyLanguage() {
  const html = document.documentElement;
  html.lang = state.lang;
  html.dir = state.lang === "ar" ? "rtl" : "ltr";
  document.title = state.lang === "ar" ? "حدث — لوحة الأحداث" : "hadath — event dashboard";
  for (const node of document.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
  for (const node of document.querySelectorAll("[data-i18n-title]")) node.title = t(node.dataset.i18nTitle);
  document.getElementById("lang-toggle").textContent = t("toggle");
  fillTypeSelect();
  fillLegend();
  renderStats();
  renderMap();
  renderTimeline();
  renderTable();
  if (state.detail) renderDetail();
}

function fillTypeSelect() {
  const select = document.getElementById("f-type");
  const current = select.value || state.filters.type || "";
  clear(select).append(el("option", { value: "", text: t("any") }),
    ...TYPES.map((ty) => el("option", { value: ty, text: `${typeLabel(ty)} (${ty})` })));
  select.value = current;
  const modes = clear(document.getElementById("modes"));
  modes.append(...MODES.map((m) => el("option", { value: m })));
}

function fillLegend() {
  const ul = clear(document.getElementById("type-legend"));
  for (const ty of TYPES) {
    const swatch = el("span", { class: "swatch" });
    swatch.style.background = TYPE_COLOURS[ty];
    ul.append(el("li", {}, swatch, typeLabel(ty)));
  }
}

// ------------------------------------------------------------------------ map

let map = null;
let markerLayer = null;

async function initMap() {
  map = L.map("map", { worldCopyJump: true, zoomSnap: 0.5, attributionControl: true, minZoom: 2 })
    .setView([30, 40], 4);
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution("Natural Earth");
  markerLayer = L.layerGroup().addTo(map);
  try {
    const topo = await getJSON("basemap.json");
    const countries = feature(topo, topo.objects.countries);
    L.geoJSON(countries, {
      style: { color: "#8d8a80", weight: 0.7, fillColor: "#f3efe4", fillOpacity: 1 },
      interactive: false,
    }).addTo(map);
    markerLayer.remove();
    markerLayer.addTo(map); // keep markers above the countries
  } catch (err) {
    console.warn("basemap not available", err);
  }
  map.on("moveend", () => { if (state.inView) refresh(); });
}

function groupByPlace(events) {
  const groups = new Map();
  let unplaced = 0;
  for (const ev of events) {
    const p = placeOf(ev);
    if (!p || typeof p.lat !== "number" || typeof p.lon !== "number") { unplaced++; continue; }
    const key = `${p.lat.toFixed(3)},${p.lon.toFixed(3)}`;
    if (!groups.has(key)) groups.set(key, { place: p, events: [] });
    groups.get(key).events.push(ev);
  }
  return { groups: [...groups.values()], unplaced };
}

function renderMap() {
  if (!map) return;
  markerLayer.clearLayers();
  const { groups, unplaced } = groupByPlace(state.mapEvents);
  for (const g of groups) {
    const counts = {};
    for (const ev of g.events) counts[ev.type] = (counts[ev.type] || 0) + 1;
    const main = Object.entries(counts).sort((a, b) => b[1] - a[1])[0][0];
    const n = g.events.length;
    const size = Math.round(18 + Math.min(26, Math.sqrt(n) * 6));
    const dot = el("div", {
      class: "event-marker",
      "data-place": g.place.name || "",
      "data-place-ar": g.place.name_ar || "",
      "data-count": n,
      "data-types": Object.keys(counts).join(" "),
      role: "button",
      tabindex: "0",
      "aria-label": `${placeName(g.place)}: ${t("at_place", n)}`,
      text: n > 1 ? n : "",
    });
    dot.style.background = TYPE_COLOURS[main] || "#555";
    dot.style.width = dot.style.height = `${size}px`;
    dot.style.lineHeight = `${size}px`;
    const icon = L.divIcon({ className: "event-marker-icon", html: dot, iconSize: [size, size] });
    const marker = L.marker([g.place.lat, g.place.lon], { icon, title: placeName(g.place), riseOnHover: true });
    marker.bindPopup(() => placePopup(g), { maxWidth: 360, className: "place-popup" });
    marker.bindTooltip(`${placeName(g.place)} · ${t("at_place", n)}`, { direction: "top", offset: [0, -size / 2] });
    markerLayer.addLayer(marker);
  }
  const shown = state.mapEvents.length - unplaced;
  document.getElementById("map-note").textContent = t("map_note", shown, state.total, unplaced);
}

function placePopup(group) {
  const box = el("div", { class: "popup", dir: state.lang === "ar" ? "rtl" : "ltr" });
  box.append(el("h4", { text: `${placeName(group.place)} — ${t("at_place", group.events.length)}` }));
  const list = el("ul", { class: "popup-events" });
  const sorted = [...group.events].sort((a, b) => dateOf(b).localeCompare(dateOf(a)));
  for (const ev of sorted.slice(0, 30)) {
    const swatch = el("span", { class: "swatch" });
    swatch.style.background = TYPE_COLOURS[ev.type] || "#555";
    list.append(el("li", {},
      el("button", {
        type: "button", class: "popup-event", "data-event-id": ev.id, "data-type": ev.type,
        "data-mode": ev.mode || "", onclick: () => openEvent(ev.id),
      }, swatch, el("b", { text: typeLabel(ev.type) }), ev.mode ? ` · ${ev.mode}` : "",
      el("span", { class: "muted", text: ` ${dateOf(ev)} ` }), summaryOf(ev))));
  }
  box.append(list);
  return box;
}

function summaryOf(ev) {
  const a = names(ev.actors).join("، ");
  const r = names(ev.recipients).join("، ");
  return [a, r ? `→ ${r}` : ""].filter(Boolean).join(" ");
}

// ------------------------------------------------------------------- timeline

function renderTimeline() {
  const box = clear(document.getElementById("timeline"));
  const note = document.getElementById("timeline-note");
  const tl = state.timeline;
  if (!tl || !tl.buckets.length) { note.textContent = ""; return; }
  note.textContent = t("timeline_note", tl.total, tl.granularity);
  const W = Math.max(box.clientWidth || 600, 300), H = 90, pad = 18;
  const max = Math.max(...tl.buckets.map((b) => b.count));
  const n = tl.buckets.length;
  const bw = Math.max(2, (W - 2 * pad) / n);
  const chart = svg("svg", { width: W, height: H + 20, viewBox: `0 0 ${W} ${H + 20}`, role: "img", class: "timeline-svg" });
  tl.buckets.forEach((b, i) => {
    const h = Math.max(1, (b.count / max) * (H - 10));
    const x = pad + i * bw;
    const rect = svg("rect", { x: x + 0.5, y: H - h, width: Math.max(1, bw - 1), height: h, class: "bar", "data-date": b.date });
    const title = svg("title", {});
    title.textContent = `${b.date}: ${b.count}`;
    rect.append(title);
    rect.addEventListener("click", () => filterToBucket(b.date, tl.granularity));
    chart.append(rect);
  });
  const labelEvery = Math.ceil(n / Math.max(1, Math.floor((W - 2 * pad) / 80)));
  tl.buckets.forEach((b, i) => {
    if (i % labelEvery) return;
    const label = svg("text", { x: pad + i * bw + bw / 2, y: H + 14, class: "tick", "text-anchor": "middle" });
    label.textContent = b.date;
    chart.append(label);
  });
  box.append(chart);
}

function filterToBucket(bucket, granularity) {
  const form = document.getElementById("filter-form");
  if (granularity === "month") {
    const [y, m] = bucket.split("-").map(Number);
    const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
    form.date_from.value = `${bucket}-01`;
    form.date_to.value = `${bucket}-${String(last).padStart(2, "0")}`;
  } else {
    form.date_from.value = bucket;
    form.date_to.value = bucket;
  }
  form.requestSubmit();
}

// ---------------------------------------------------------------------- table

function renderTable() {
  const tbody = clear(document.querySelector("#events-table tbody"));
  const count = document.getElementById("table-count");
  if (!state.pageEvents.length) {
    tbody.append(el("tr", {}, el("td", { colspan: 8, class: "empty", text: t("no_events") })));
  }
  for (const ev of state.pageEvents) {
    const swatch = el("span", { class: "swatch" });
    swatch.style.background = TYPE_COLOURS[ev.type] || "#555";
    const row = el("tr", {
      class: state.detail && state.detail.id === ev.id ? "selected" : "",
      "data-event-id": ev.id, tabindex: "0",
      onclick: () => openEvent(ev.id),
      onkeydown: (e) => { if (e.key === "Enter") openEvent(ev.id); },
    },
    el("td", { class: "nowrap", text: dateOf(ev) || t("none") }),
    el("td", {}, swatch, typeLabel(ev.type), ev.mode ? el("span", { class: "muted", text: ` · ${ev.mode}` }) : ""),
    el("td", { text: placeName(placeOf(ev)) || t("none") }),
    el("td", { text: names(ev.actors).join("، ") || t("none") }),
    el("td", { text: names(ev.recipients).join("، ") || t("none") }),
    el("td", { class: "num", text: ev.fatalities ?? t("none") }),
    el("td", { class: "num", text: ev.injured ?? t("none") }),
    el("td", { class: "num", text: reportsOf(ev) }));
    tbody.append(row);
  }
  const end = state.offset + state.pageEvents.length;
  count.textContent = state.total ? t("showing", `${state.offset + 1}–${end}`, state.total) : "";
  document.getElementById("prev-page").disabled = state.offset === 0;
  document.getElementById("next-page").disabled = end >= state.total;
}

// --------------------------------------------------------------------- detail

async function openEvent(id) {
  const panel = document.getElementById("detail");
  panel.hidden = false;
  document.body.classList.add("with-detail");
  document.getElementById("detail-title").textContent = t("loading");
  try {
    const ev = await getJSON(`events/${encodeURIComponent(id)}`);
    state.detail = ev;
    state.detailArticles = {};
    const ids = [...new Set((ev.evidence || []).map((s) => s.article_id).filter(Boolean))];
    if (!ids.length && ev.articles && ev.articles[0]) ids.push(ev.articles[0].id);
    for (const aid of ids.slice(0, 1)) {
      try { state.detailArticles[aid] = await getJSON(`articles/${encodeURIComponent(aid)}`); }
      catch (err) { console.warn(err); }
    }
    renderDetail();
    renderTable();
    if (map) map.invalidateSize();
  } catch (err) {
    document.getElementById("detail-title").textContent = `${t("error")}: ${err.message}`;
  }
}

function renderDetail() {
  const ev = state.detail;
  if (!ev) return;
  const title = document.getElementById("detail-title");
  title.textContent = `${typeLabel(ev.type)}${ev.mode ? ` · ${ev.mode}` : ""}`;
  title.style.borderColor = TYPE_COLOURS[ev.type] || "#555";
  const dl = clear(document.getElementById("detail-fields"));
  const spansBy = (field) => (ev.evidence || []).filter((s) => s.field === field);
  const row = (key, value, field) => {
    const dd = el("dd", {}, value || t("none"));
    if (field && spansBy(field).length) {
      dd.classList.add("has-evidence", `ev-${cssName(field)}`);
      dd.addEventListener("click", () => scrollToField(field));
    }
    dl.append(el("dt", { text: t(key) }), dd);
  };
  const d = ev.date && typeof ev.date === "object" ? ev.date : { value: ev.date };
  const p = placeOf(ev);
  const participant = (x) => [x.text || x.name, x.sector, x.country].filter(Boolean).join(" · ");
  row("status", STRINGS[state.lang].statuses[ev.status] || ev.status);
  row("date", d.value ? `${d.value}${d.precision && d.precision !== "day" ? ` (${d.precision})` : ""}` : "", "date");
  row("place", p ? [placeName(p), p.admin1, p.country].filter(Boolean).join("، ") : "", "place");
  row("actors", (ev.actors || []).map(participant).join(" / ") || t("unknown"), "actor");
  row("recipients", (ev.recipients || []).map(participant).join(" / "), "recipient");
  row("fatalities", ev.fatalities ?? "", spansBy("fatalities").length ? "fatalities" : "casualties");
  row("injured", ev.injured ?? "", spansBy("injured").length ? "injured" : "casualties");
  if (ev.acled) row("acled", `${ev.acled.event_type} / ${ev.acled.sub_event_type}`);
  if (typeof ev.confidence === "number") row("confidence", ev.confidence.toFixed(2));
  row("reports", String(reportsOf(ev)));

  const legend = clear(document.getElementById("detail-legend"));
  const fields = [...new Set((ev.evidence || []).map((s) => s.field))].filter((f) => f !== "sentence");
  legend.append(el("span", { class: "muted", text: `${t("evidence")}: ` }));
  for (const f of fields) {
    legend.append(el("button", {
      type: "button", class: `hl hl-${cssName(f)}`, text: fieldLabel(f), onclick: () => scrollToField(f),
    }));
  }

  const aid = Object.keys(state.detailArticles)[0];
  const article = aid ? state.detailArticles[aid] : null;
  const at = document.getElementById("article-title");
  const meta = document.getElementById("article-meta");
  const body = document.getElementById("article-text");
  clear(at); clear(body); meta.textContent = "";
  if (!article) { body.textContent = t("no_article"); return; }
  const spans = (ev.evidence || []).filter((s) => !s.article_id || s.article_id === aid);
  at.append(highlightedText(article.title || "", spans.filter((s) => s.in === "title"), fieldLabel));
  meta.textContent = [t("source_article"), article.source, article.date, article.url].filter(Boolean).join(" · ");
  body.append(highlightedText(article.text || "", spans.filter((s) => s.in !== "title"), fieldLabel));
  const first = body.querySelector("mark.hl-trigger") || body.querySelector("mark");
  if (first) first.scrollIntoView({ block: "center" });
}

function scrollToField(field) {
  const marks = document.querySelectorAll(`#article-view mark[data-fields~="${cssName(field)}"]`);
  for (const m of marks) m.classList.add("flash");
  if (marks[0]) marks[0].scrollIntoView({ behavior: "smooth", block: "center" });
  setTimeout(() => { for (const m of marks) m.classList.remove("flash"); }, 1200);
}

function closeDetail() {
  state.detail = null;
  document.getElementById("detail").hidden = true;
  document.body.classList.remove("with-detail");
  renderTable();
  if (map) map.invalidateSize();
}

// -------------------------------------------------------------------- refresh

function renderStats() {
  const s = state.stats;
  const node = document.getElementById("stats");
  if (!s) { node.textContent = ""; return; }
  const articles = s.articles ?? s.n_articles ?? 0;
  const events = s.canonical_events ?? s.events ?? s.n_events ?? 0;
  node.textContent = t("stats", articles, events);
}

let refreshSeq = 0;
async function refresh({ keepOffset = false } = {}) {
  const seq = ++refreshSeq;
  if (!keepOffset) state.offset = 0;
  const params = queryParams();
  const error = document.getElementById("filter-error");
  error.textContent = "";
  try {
    const [page, mapPage, timeline] = await Promise.all([
      getJSON("events", { ...params, limit: PAGE, offset: state.offset }),
      keepOffset ? null : getJSON("events", { ...params, limit: MAP_LIMIT, offset: 0 }),
      keepOffset ? null : getJSON("timeline", params),
    ]);
    if (seq !== refreshSeq) return;
    state.total = page.total;
    state.pageEvents = page.events;
    if (mapPage) state.mapEvents = mapPage.events;
    if (timeline) state.timeline = timeline;
    renderTable();
    if (mapPage) renderMap();
    if (timeline) renderTimeline();
    document.body.dataset.loaded = "true";
  } catch (err) {
    error.textContent = `${t("error")}: ${err.message}`;
  }
}

function readForm(form) {
  const filters = {};
  for (const key of FILTER_KEYS) {
    const v = (form.elements[key].value || "").trim();
    if (v) filters[key] = key === "country" ? v.toUpperCase() : v;
  }
  state.filters = filters;
  state.inView = form.elements.in_view.checked;
  state.mentions = form.elements.mentions.checked;
  const url = new URL(location.href);
  url.search = new URLSearchParams({
    ...filters, ...(state.inView ? { in_view: "1" } : {}), ...(state.mentions ? { mentions: "1" } : {}),
  }).toString();
  history.replaceState(null, "", url);
}

function writeForm(form) {
  const params = new URLSearchParams(location.search);
  for (const key of FILTER_KEYS) form.elements[key].value = params.get(key) || "";
  form.elements.in_view.checked = params.get("in_view") === "1";
  form.elements.mentions.checked = params.get("mentions") === "1";
}

async function main() {
  const form = document.getElementById("filter-form");
  applyLanguage();
  writeForm(form);
  readForm(form);
  form.addEventListener("submit", (e) => { e.preventDefault(); readForm(form); refresh(); });
  form.addEventListener("reset", () => setTimeout(() => { readForm(form); refresh(); }, 0));
  document.getElementById("lang-toggle").addEventListener("click", () => {
    state.lang = state.lang === "ar" ? "en" : "ar";
    localStorage.setItem("hadath.lang", state.lang);
    applyLanguage();
  });
  document.getElementById("detail-close").addEventListener("click", closeDetail);
  document.getElementById("prev-page").addEventListener("click", () => {
    state.offset = Math.max(0, state.offset - PAGE); refresh({ keepOffset: true });
  });
  document.getElementById("next-page").addEventListener("click", () => {
    state.offset += PAGE; refresh({ keepOffset: true });
  });
  window.addEventListener("resize", () => renderTimeline());
  await initMap();
  getJSON("stats").then((s) => { state.stats = s; renderStats(); }).catch(() => {});
  await refresh();
  const wanted = new URLSearchParams(location.search).get("event");
  if (wanted) openEvent(wanted);
}

main();
