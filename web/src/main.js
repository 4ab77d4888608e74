// hadath dashboard: filters → /events, /timeline → map, timeline, table;
// an event → /events/{id} → article view with the evidence highlighted.
import "leaflet/dist/leaflet.css";
import "./style.css";
import L from "leaflet";
import { feature } from "topojson-client";
import { clear, el, svg } from "./dom.js";
import { cssName, highlightedText } from "./highlight.js";
import { MODES, STRINGS, TYPE_COLOURS, TYPES } from "./i18n.js";

const PAGE = 50;
const FILTER_KEYS = ["q", "type", "mode", "date_from", "date_to", "country", "admin1", "actor"];

const state = {
  lang: localStorage.getItem("hadath.lang") === "en" ? "en" : "ar",
  filters: {},
  inView: false,
  mentions: false,
  offset: 0,
  total: 0,
  mapPlaces: null,
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
const placeOf = (ev) => {
  const p = ev.place && typeof ev.place === "object" ? ev.place : null;
  if (p && typeof p.lat === "number") return p;
  if (typeof ev.lat === "number" && typeof ev.lon === "number") {
    return { ...(p || {}), lat: ev.lat, lon: ev.lon, country: ev.country, admin1: ev.admin1 };
  }
  return p;
};
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
  map.on("zoomend", () => renderMarkers());
}

// Places closer than this on screen share one marker (Baghdad and its Green
// Zone at country zoom); recomputed on zoom, so zooming in separates them.
const CLUSTER_PX = 28;

function clusterGroups(groups) {
  const sorted = [...groups].sort((a, b) => b.count - a.count);
  const clusters = [];
  for (const g of sorted) {
    const pt = map.latLngToLayerPoint([g.place.lat, g.place.lon]);
    const near = clusters.find((c) => c.point.distanceTo(pt) < CLUSTER_PX);
    if (near) near.groups.push(g);
    else clusters.push({ point: pt, groups: [g] });
  }
  return clusters;
}

function renderMap() {
  if (!map) return;
  const groups = (state.mapPlaces?.places || []).map((p) => ({ place: p, count: p.count, types: p.types }));
  if (!state.fitted && groups.length) {
    state.fitted = true;
    const bounds = L.latLngBounds(groups.map((g) => [g.place.lat, g.place.lon]));
    map.fitBounds(bounds.pad(0.3), { maxZoom: 6, animate: false });
  }
  state.placeGroups = groups;
  renderMarkers();
  const placed = state.mapPlaces?.placed ?? 0;
  document.getElementById("map-note").textContent = t("map_note", placed, state.total, state.total - placed);
}

function renderMarkers() {
  markerLayer.clearLayers();
  for (const c of clusterGroups(state.placeGroups || [])) {
    const lead = c.groups[0];
    const counts = {};
    for (const g of c.groups) {
      for (const [ty, k] of Object.entries(g.types)) counts[ty] = (counts[ty] || 0) + k;
    }
    const main = Object.entries(counts).sort((a, b) => b[1] - a[1])[0][0];
    const n = c.groups.reduce((k, g) => k + g.count, 0);
    const size = Math.round(18 + Math.min(26, Math.sqrt(n) * 4));
    const label = c.groups.slice(0, 4).map((g) => placeName(g.place)).join("، ") + (c.groups.length > 4 ? "…" : "");
    const dot = el("div", {
      class: "event-marker",
      "data-place": lead.place.name || "",
      "data-places": `|${c.groups.map((g) => g.place.name || "").join("|")}|`,
      "data-count": n,
      "data-types": Object.keys(counts).join(" "),
      role: "button",
      tabindex: "0",
      "aria-label": `${label}: ${t("at_place", n)}`,
      text: n > 1 ? (n > 999 ? `${Math.round(n / 100) / 10}k` : n) : "",
    });
    dot.style.background = TYPE_COLOURS[main] || "#555";
    dot.style.width = dot.style.height = `${size}px`;
    dot.style.lineHeight = `${size}px`;
    const icon = L.divIcon({ className: "event-marker-icon", html: dot, iconSize: [size, size] });
    const marker = L.marker([lead.place.lat, lead.place.lon], { icon, riseOnHover: true, keyboard: true });
    // Leaflet calls a content function again on every update(): build the
    // popup (and fetch its events) once per opening.
    let content = null;
    marker.on("popupclose", () => { content = null; });
    marker.bindPopup(() => (content ||= placePopup(c.groups, n, label, () => marker.getPopup()?.update())), { maxWidth: 380, className: "place-popup" });
    marker.bindTooltip(`${label} · ${t("at_place", n)}`, { direction: "top", offset: [0, -size / 2] });
    markerLayer.addLayer(marker);
  }
}

// The events behind a marker, fetched when it is opened: every place of the
// cluster lies in the bounding box of their coordinates.
function placePopup(groups, n, label, relayout) {
  const box = el("div", { class: "popup", dir: state.lang === "ar" ? "rtl" : "ltr" });
  box.append(el("h4", { text: `${label} — ${t("at_place", n)}` }));
  const list = el("ul", { class: "popup-events" }, el("li", { class: "muted", text: t("loading") }));
  box.append(list);
  const eps = 1e-4;
  const lats = groups.map((g) => g.place.lat), lons = groups.map((g) => g.place.lon);
  const bbox = [Math.min(...lons) - eps, Math.min(...lats) - eps, Math.max(...lons) + eps, Math.max(...lats) + eps]
    .map((v) => v.toFixed(5)).join(",");
  const many = groups.length > 1;
  getJSON("events", { ...queryParams(), bbox, limit: 100 }).then((page) => {
    clear(list);
    for (const ev of page.events) {
      const place = placeOf(ev) || {};
      const swatch = el("span", { class: "swatch" });
      swatch.style.background = TYPE_COLOURS[ev.type] || "#555";
      list.append(el("li", {},
        el("button", {
          type: "button", class: "popup-event", "data-event-id": ev.id, "data-type": ev.type,
          "data-mode": ev.mode || "", "data-place": place.name || "", onclick: () => openEvent(ev.id),
        }, swatch, el("b", { text: typeLabel(ev.type) }), ev.mode ? ` · ${ev.mode}` : "",
        el("span", { class: "muted", text: ` ${dateOf(ev)} ` }),
        many ? el("span", { class: "muted", text: `${placeName(place)} ` }) : "",
        summaryOf(ev))));
    }
    if (page.total > page.events.length) {
      list.append(el("li", { class: "muted", text: t("showing", page.events.length, page.total) }));
    }
    relayout(); // grown: re-measure and pan so the whole list shows
  }).catch((err) => { clear(list).append(el("li", { class: "error", text: err.message })); });
  return box;
}

function summaryOf(ev) {
  const a = names(ev.actors).join("، ");
  const r = names(ev.recipients).join("، ");
  return [a, r ? `→ ${r}` : ""].filter(Boolean).join(" ");
}

// ------------------------------------------------------------------- timeline

function fillGaps(buckets, granularity) {
  // Zero bars for the days/months with no events, so time reads to scale.
  if (buckets.length < 2 || buckets.length > 2000) return buckets;
  const byDate = new Map(buckets.map((b) => [b.date, b.count]));
  const out = [];
  const step = (d) => {
    if (granularity === "month") {
      const [y, m] = d.split("-").map(Number);
      return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, "0")}`;
    }
    const x = new Date(`${d}T00:00:00Z`);
    x.setUTCDate(x.getUTCDate() + 1);
    return x.toISOString().slice(0, 10);
  };
  const last = buckets[buckets.length - 1].date;
  for (let d = buckets[0].date, i = 0; d <= last && i < 4000; d = step(d), i++) {
    out.push({ date: d, count: byDate.get(d) || 0 });
  }
  return out;
}

function renderTimeline() {
  const box = clear(document.getElementById("timeline"));
  const note = document.getElementById("timeline-note");
  const tl = state.timeline;
  if (!tl || !tl.buckets.length) { note.textContent = ""; return; }
  // Show the bulk of the events; the few far outside (often misread years)
  // are counted in the note instead of stretching the axis over centuries.
  const [lo, hi] = tl.range || [tl.buckets[0].date, tl.buckets[tl.buckets.length - 1].date];
  const shown = tl.buckets.filter((b) => b.date >= lo && b.date <= hi);
  const outside = tl.buckets.reduce((k, b) => k + (b.date < lo || b.date > hi ? b.count : 0), 0);
  note.textContent = t("timeline_note", tl.total, tl.granularity) + (outside ? ` · ${t("outside", outside, lo, hi)}` : "");
  const buckets = fillGaps(shown, tl.granularity);
  const W = Math.max(box.clientWidth - 16 || 600, 300), H = 90, pad = 18;
  const max = Math.max(...buckets.map((b) => b.count));
  const n = buckets.length;
  const bw = Math.min(28, Math.max(2, (W - 2 * pad) / n));
  const x0 = pad + Math.max(0, (W - 2 * pad - bw * n) / 2);
  const chart = svg("svg", { width: W, height: H + 20, viewBox: `0 0 ${W} ${H + 20}`, role: "img", class: "timeline-svg" });
  chart.append(svg("line", { x1: pad, x2: W - pad, y1: H + 0.5, y2: H + 0.5, class: "axis" }));
  buckets.forEach((b, i) => {
    if (!b.count) return;
    const h = Math.max(2, (b.count / max) * (H - 10));
    const x = x0 + i * bw;
    const rect = svg("rect", { x: x + 0.5, y: H - h, width: Math.max(1, bw - 1), height: h, class: "bar", "data-date": b.date, "data-count": b.count });
    const title = svg("title", {});
    title.textContent = `${b.date}: ${b.count}`;
    rect.append(title);
    rect.addEventListener("click", () => filterToBucket(b.date, tl.granularity));
    chart.append(rect);
  });
  const labelEvery = Math.max(1, Math.ceil(80 / bw));
  buckets.forEach((b, i) => {
    const lastFits = i === n - 1 && (n - 1) % labelEvery >= labelEvery * 0.8;
    if (i % labelEvery && !lastFits) return;
    const label = svg("text", { x: x0 + i * bw + bw / 2, y: H + 14, class: "tick", "text-anchor": "middle" });
    label.textContent = b.date;
    chart.append(label);
  });
  const maxLabel = svg("text", { x: pad, y: 10, class: "tick" });
  maxLabel.textContent = String(max);
  chart.append(maxLabel);
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
    el("td", { dir: "auto", text: placeName(placeOf(ev)) || t("none") }),
    el("td", { dir: "auto", text: names(ev.actors).join("، ") || t("none") }),
    el("td", { dir: "auto", text: names(ev.recipients).join("، ") || t("none") }),
    el("td", { class: "num", text: ev.fatalities ?? t("none") }),
    el("td", { class: "num", text: ev.injured ?? t("none") }),
    el("td", { class: "num", text: reportsOf(ev) }));
    tbody.append(row);
  }
  const end = state.offset + state.pageEvents.length;
  count.textContent = state.total ? t("showing", `${state.offset + 1}–${end}`, state.total) : "";
  renderExports();
  document.getElementById("prev-page").disabled = state.offset === 0;
  document.getElementById("next-page").disabled = end >= state.total;
}

// Download links for the events behind the current filters.
const EXPORTS = [["acled-csv", "ACLED CSV"], ["csv", "CSV"], ["geojson", "GeoJSON"], ["plover-jsonl", "PLOVER"]];
function renderExports() {
  const box = clear(document.getElementById("exports"));
  if (!state.total) return;
  box.append(el("span", { class: "muted", text: `${t("download")}: ` }));
  for (const [fmt, label] of EXPORTS) {
    const url = new URL("export", document.baseURI);
    for (const [k, v] of Object.entries({ ...queryParams(), format: fmt })) url.searchParams.set(k, v);
    box.append(el("a", { href: url.pathname + url.search, download: "", "data-format": fmt, text: label }));
  }
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
    state.articleId = ids[0] || null;
    if (state.articleId) await loadArticle(state.articleId);
    renderDetail();
    renderTable();
    if (map) map.invalidateSize();
  } catch (err) {
    document.getElementById("detail-title").textContent = `${t("error")}: ${err.message}`;
  }
}

async function loadArticle(aid) {
  if (state.detailArticles[aid]) return;
  try { state.detailArticles[aid] = await getJSON(`articles/${encodeURIComponent(aid)}`); }
  catch (err) { console.warn(err); }
}

function renderSources(ev) {
  // One button per source article of the event: the analyst can read each
  // report's own words.
  const box = clear(document.getElementById("detail-sources"));
  const arts = ev.articles || [];
  if (arts.length < 2) return;
  box.append(el("span", { class: "muted", text: `${t("reports")}: ` }));
  for (const a of arts) {
    box.append(el("button", {
      type: "button", class: a.id === state.articleId ? "source current" : "source",
      text: [a.source, a.date].filter(Boolean).join(" · ") || a.id,
      title: a.title || "",
      onclick: async () => { state.articleId = a.id; await loadArticle(a.id); renderDetail(); },
    }));
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

  renderSources(ev);
  const aid = state.articleId;
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
  if (first) scrollWithinDetail(first, false, true);
}

// Scroll the detail panel (not the page) so that `node` is in its middle.
function scrollWithinDetail(node, smooth = false, onlyIfHidden = false) {
  const panel = document.getElementById("detail");
  const box = node.getBoundingClientRect(), view = panel.getBoundingClientRect();
  if (onlyIfHidden && box.top >= view.top + 40 && box.bottom <= view.bottom) return;
  const top = box.top - view.top + panel.scrollTop;
  panel.scrollTo({ top: Math.max(0, top - panel.clientHeight / 2), behavior: smooth ? "smooth" : "auto" });
}

function scrollToField(field) {
  const marks = document.querySelectorAll(`#article-view mark[data-fields~="${cssName(field)}"]`);
  for (const m of marks) m.classList.add("flash");
  if (marks[0]) scrollWithinDetail(marks[0], true);
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
      keepOffset ? null : getJSON("places", params),
      keepOffset ? null : getJSON("timeline", params),
    ]);
    if (seq !== refreshSeq) return;
    state.total = page.total;
    state.pageEvents = page.events;
    if (mapPage) state.mapPlaces = mapPage;
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
  let lastWidth = 0;
  new ResizeObserver(() => {
    const w = document.getElementById("timeline").clientWidth;
    if (Math.abs(w - lastWidth) > 4) { lastWidth = w; renderTimeline(); }
  }).observe(document.getElementById("timeline"));
  await initMap();
  getJSON("stats").then((s) => { state.stats = s; renderStats(); }).catch(() => {});
  await refresh();
  const wanted = new URLSearchParams(location.search).get("event");
  if (wanted) openEvent(wanted);
}

main();
