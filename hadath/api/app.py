"""The FastAPI application: routes over the Store, the dashboard at `/`.

Security defaults (see also security.py): the server binds to 127.0.0.1
unless told otherwise (commands.py); writing needs a bearer token; request
bodies are capped; page sizes, offsets and query strings are bounded; no
CORS headers are sent unless origins are configured; the dashboard is served
with a strict Content-Security-Policy.
"""

from __future__ import annotations

import hashlib
import os
import re
import time
from datetime import date as Date
from pathlib import Path
from typing import Annotated, Any

import orjson
from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import FileResponse, JSONResponse, Response, StreamingResponse
from fastapi.staticfiles import StaticFiles

from hadath import __version__
from hadath.api import schemas
from hadath.api.evidence import evidence
from hadath.api.security import DEFAULT_MAX_BODY, BodySizeLimit, SecurityHeaders, require_token
from hadath.store.readcache import GenerationCache

WEB_DIR = Path(__file__).resolve().parent.parent / "web"
BASEMAP = Path(__file__).resolve().parent.parent / "resources" / "basemap" / "countries-50m.json"

MAX_LIMIT = 500
PAGE_CACHE_ENTRIES = 4096
PAGE_CACHE_BYTES = 64 << 20  # per server process
WARM_WAIT_EVENTS = 300_000  # stores up to this size load their filter columns before serving
MAX_OFFSET = 100_000  # deep offsets cost a scan; page by date filters beyond
MAX_TEXT_FILTER = 200
TIMELINE_CAP = 50_000
MAX_PLACES = 20_000
MAX_EXPORT = 250_000  # events in one download
CHART_SHARE = 0.8  # of the events the timeline's suggested range holds
_ISO_WEEK = re.compile(r"^\d{4}-W\d{2}$")
_ISO_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")  # map markers returned at most
MAX_EVIDENCE_REPORTS = 10  # reports of one canonical event whose evidence is gathered  # events scanned at most for a timeline without store support

# The dashboard loads only its own files: scripts, styles, the basemap and
# API data all come from this origin; article text is inserted as text.
DASHBOARD_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
    "form-action 'self'"
)


class JSON(Response):
    """orjson-encoded response (fast, and NaN-free)."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content, option=orjson.OPT_NON_STR_KEYS)


def _new_app(**kwargs: Any) -> FastAPI:
    # Swagger UI and ReDoc from files shipped with fastapi-offline, so /docs
    # works on a machine with no internet (FastAPI's default uses a CDN).
    try:
        from fastapi_offline import FastAPIOffline
    except ImportError:  # pragma: no cover - the docs then load from a CDN
        return FastAPI(**kwargs)
    return FastAPIOffline(**kwargs)


def create_app(
    store_url: str,
    *,
    token: str | None = None,
    cors_origins: list[str] | None = None,
    max_body: int = DEFAULT_MAX_BODY,
    store: Any = None,
) -> FastAPI:
    """The API and dashboard over the store at `store_url`.

    `token` (default: the HADATH_TOKEN environment variable) is the bearer
    token write endpoints require; without one they are refused.
    `cors_origins` lists origins allowed to call the API from other sites
    (default: none, the browser's same-origin policy applies).  `store` may
    pass an already opened Store (tests, embedding).
    """
    if store is None:
        from hadath.store import Store

        store = Store(store_url)
    app = _new_app(
        title="hadath",
        version=__version__,
        description=(
            "Structured, dated, geocoded events from Arabic news. Every event "
            "field is traceable to character offsets in its source article."
        ),
    )
    app.state.store = store
    if hasattr(store, "warm"):
        # Filter columns in memory before the first request; a large store
        # loads them in the background.
        store.warm(wait_limit=WARM_WAIT_EVENTS)
    # Serialised /events pages of the current store generation (bytes held).
    app.state.page_cache = GenerationCache(PAGE_CACHE_ENTRIES, PAGE_CACHE_BYTES, weigh=len)
    app.state.token = token if token is not None else (os.environ.get("HADATH_TOKEN") or None)

    if cors_origins:
        from fastapi.middleware.cors import CORSMiddleware

        app.add_middleware(CORSMiddleware, allow_origins=list(cors_origins),
                           allow_methods=["GET", "POST"],
                           allow_headers=["Authorization", "Content-Type"])
    app.add_middleware(BodySizeLimit, max_body=max_body)
    app.add_middleware(SecurityHeaders, csp=DASHBOARD_CSP)

    _add_routes(app)

    if BASEMAP.is_file():
        @app.get("/basemap.json", include_in_schema=False)
        def basemap() -> FileResponse:
            return FileResponse(BASEMAP, media_type="application/json",
                                headers={"Cache-Control": "public, max-age=86400"})
    if (WEB_DIR / "index.html").is_file():
        app.mount("/", StaticFiles(directory=WEB_DIR, html=True), name="dashboard")
    return app


# ----------------------------------------------------------------------------
# Query parameters shared by /events and /timeline


def _bbox(value: str | None) -> tuple[float, float, float, float] | None:
    if value is None or value == "":
        return None
    parts = value.split(",")
    if len(parts) != 4:
        raise HTTPException(422, "bbox must be min_lon,min_lat,max_lon,max_lat")
    try:
        min_lon, min_lat, max_lon, max_lat = (float(p) for p in parts)
    except ValueError:
        raise HTTPException(422, "bbox values must be numbers") from None
    if not (-180 <= min_lon <= max_lon <= 180 and -90 <= min_lat <= max_lat <= 90):
        raise HTTPException(
            422, "bbox must satisfy -180 <= min_lon <= max_lon <= 180 and "
                 "-90 <= min_lat <= max_lat <= 90")
    return (min_lon, min_lat, max_lon, max_lat)


class EventFilters:
    """Validated event filters, as keyword arguments for Store.events."""

    def __init__(
        self,
        type: Annotated[schemas.EventType | None, Query(
            description="PLOVER event type")] = None,
        mode: Annotated[str | None, Query(
            pattern=r"^[a-z][a-z_-]{0,31}$", description="PLOVER mode, e.g. drone, riot")] = None,
        date_from: Annotated[Date | None, Query(
            description="events on or after this date (YYYY-MM-DD)")] = None,
        date_to: Annotated[Date | None, Query(
            description="events on or before this date (YYYY-MM-DD)")] = None,
        country: Annotated[str | None, Query(
            pattern=r"^[A-Za-z]{2}$", description="ISO 3166-1 alpha-2 code")] = None,
        admin1: Annotated[str | None, Query(
            min_length=1, max_length=MAX_TEXT_FILTER,
            description="first-level division, e.g. Baghdad")] = None,
        bbox: Annotated[str | None, Query(
            pattern=r"^[-+0-9., ]{7,100}$",
            description="min_lon,min_lat,max_lon,max_lat")] = None,
        actor: Annotated[str | None, Query(
            min_length=1, max_length=MAX_TEXT_FILTER,
            description="actor or recipient name (any spelling, clitics allowed)")] = None,
        q: Annotated[str | None, Query(
            min_length=1, max_length=MAX_TEXT_FILTER,
            description="full-text search in the source articles (all words)")] = None,
        canonical: Annotated[bool, Query(
            description="one record per real-world event (merged reports) rather "
                        "than one per article mention")] = True,
    ) -> None:
        if date_from and date_to and date_from > date_to:
            raise HTTPException(422, "date_from is after date_to")
        self.kwargs: dict[str, Any] = {
            "type": type.value if type else None,
            "mode": mode,
            "date_from": date_from.isoformat() if date_from else None,
            "date_to": date_to.isoformat() if date_to else None,
            "country": country.upper() if country else None,
            "admin1": admin1,
            "bbox": _bbox(bbox),
            "actor": actor,
            "q": q,
            "canonical": canonical,
        }


Filters = Annotated[EventFilters, Depends()]


def _store(request: Request) -> Any:
    return request.app.state.store


def _add_routes(app: FastAPI) -> None:
    @app.get("/events", response_model=schemas.EventPage, tags=["events"],
             summary="List events matching filters, newest first")
    def list_events(
        request: Request,
        filters: Filters,
        limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 50,
        offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
    ) -> Response:
        store = _store(request)
        key = ("events", *filters.kwargs.values(), limit, offset)
        return _cached_json(request, store, key, lambda: _events_page(store, filters, limit, offset))

    @app.get("/events/{event_id}", response_model=schemas.EventDetail, tags=["events"],
             summary="One event with its evidence spans and source articles",
             responses={404: {"description": "no such event"}})
    def get_event(
        request: Request,
        event_id: Annotated[str, PathParam(min_length=1, max_length=300)],
    ) -> Response:
        store = _store(request)
        event = store.event(event_id)
        if event is None:
            raise HTTPException(404, "no such event")
        event["evidence"] = _evidence_for(store, event)
        return JSON(event)

    @app.get("/articles/{article_id}", response_model=schemas.Article, tags=["articles"],
             summary="One stored article: text, title and annotations",
             responses={404: {"description": "no such article"}})
    def get_article(
        request: Request,
        article_id: Annotated[str, PathParam(min_length=1, max_length=300)],
    ) -> Response:
        article = _store(request).article(article_id)
        if article is None:
            raise HTTPException(404, "no such article")
        return JSON(article)

    @app.get("/stats", response_model=schemas.Stats, tags=["store"],
             summary="Counts of articles and events in the store")
    def stats(request: Request) -> Response:
        return JSON(_store(request).stats())

    @app.get("/timeline", response_model=schemas.Timeline, tags=["events"],
             summary="Event counts per day or month for the same filters as /events")
    def timeline(
        request: Request,
        filters: Filters,
        granularity: Annotated[str, Query(pattern="^(day|month|auto)$")] = "auto",
    ) -> Response:
        return JSON(_timeline(_store(request), filters.kwargs, granularity))

    @app.get("/places", response_model=schemas.PlaceCounts, tags=["events"],
             summary="Event counts per place (map markers) for the same filters as /events")
    def places(
        request: Request,
        filters: Filters,
        limit: Annotated[int, Query(ge=1, le=MAX_PLACES)] = 5_000,
    ) -> Response:
        return JSON(_place_counts(_store(request), filters.kwargs, limit))

    @app.get("/export", tags=["events"],
             summary="Download the matching events: ACLED CSV, flat CSV, GeoJSON or PLOVER JSONL",
             response_description="a file, streamed",
             responses={200: {"content": {"text/csv": {}, "application/geo+json": {},
                                          "application/x-ndjson": {}}}})
    def export(
        request: Request,
        filters: Filters,
        format: Annotated[str, Query(pattern="^(acled-csv|csv|geojson|plover-jsonl)$")]
        = "acled-csv",
    ) -> StreamingResponse:
        return _export(_store(request), filters.kwargs, format)

    @app.post("/extract", tags=["extract"],
              summary="Extract events from one article (nothing is stored)",
              response_description="the contract's JSON object for the article",
              responses={413: {"description": "request body too large"}})
    def extract(article: schemas.ExtractRequest) -> Response:
        return JSON(_extract(article))

    @app.post("/articles", tags=["articles"], dependencies=[Depends(require_token)],
              summary="Extract one article and add it to the store (bearer token)",
              responses={401: {"description": "missing or wrong token"},
                         403: {"description": "writing disabled (no HADATH_TOKEN)"},
                         413: {"description": "request body too large"}})
    def add_article(request: Request, article: schemas.ExtractRequest) -> Response:
        result = _extract(article)
        if "error" in result:
            return JSON(result, status_code=422)
        stored_id = _store(request).add_result(result, origin="api")
        return JSON({"id": stored_id or result["id"], "stored": stored_id is not None,
                     "events": len(result.get("events") or [])}, status_code=201)

    @app.get("/health", response_model=schemas.Health, tags=["store"],
             summary="Liveness check")
    def health() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

    @app.exception_handler(ValueError)
    async def value_error(_request: Request, exc: ValueError) -> JSONResponse:
        # The store rejects filters it cannot run (e.g. a query with no words).
        return JSONResponse({"detail": str(exc)}, status_code=422)


def _events_page(store: Any, filters: EventFilters, limit: int, offset: int) -> bytes:
    total, items = store.events(**filters.kwargs, limit=limit, offset=offset, json_fragments=True)
    return orjson.dumps({"total": total, "limit": limit, "offset": offset, "events": items},
                        option=orjson.OPT_NON_STR_KEYS)


def _cached_json(request: Request, store: Any, key: tuple[Any, ...], build: Any) -> Response:
    """A JSON body from the page cache, or built and kept for this store generation.

    The same filters come back again and again (every dashboard user pages
    and re-draws the same views), and nothing changes between writes; the
    generation token (Store.generation) changes with every write, in any
    process, so a cached body is never served after new data commit.  The
    ETag lets a client revalidate for free (304).
    """
    cache: GenerationCache = request.app.state.page_cache
    generation = store.generation() if hasattr(store, "generation") else None
    etag = None
    if generation is not None:
        digest = hashlib.blake2b(repr((generation, key)).encode("utf-8", "surrogatepass"),
                                 digest_size=12).hexdigest()
        etag = f'"{digest}"'
        if etag in _if_none_match(request):
            return Response(status_code=304, headers={"ETag": etag})
    body = cache.get(key, generation)
    if body is None:
        body = build()
        cache.put(key, generation, body)
    headers = {"ETag": etag} if etag else None
    return Response(body, media_type="application/json", headers=headers)


def _if_none_match(request: Request) -> set[str]:
    value = request.headers.get("if-none-match")
    if not value:
        return set()
    return {v.strip().removeprefix("W/") for v in value.split(",")}


def _extract(article: schemas.ExtractRequest) -> dict[str, Any]:
    import hadath

    try:
        doc = hadath.extract(article.text, title=article.title, date=_date_only(article.date),
                             id=article.id, source=article.source, url=article.url)
    except Exception as exc:  # noqa: BLE001 - one bad article must not be a 500
        from hadath.document import content_id

        return {"id": article.id or content_id(article.text, article.title),
                "title": article.title, "text": article.text,
                "error": f"extraction failed: {type(exc).__name__}"}
    return doc.to_dict()


def _date_only(value: str | None) -> str | None:
    return value[:10] if value else None


def _evidence_for(store: Any, event: dict[str, Any]) -> list[dict[str, Any]]:
    """Checked evidence spans of a stored event, from each report's article.

    A canonical event lists its article-level `reports`; an article-level
    event is its own report.  The full extracted event (with any extra span
    fields the events stage adds) is read from the article's stored events.
    """
    reports = event.get("reports")
    if reports is None:
        reports = [event]
    out: list[dict[str, Any]] = []
    for report in reports[:MAX_EVIDENCE_REPORTS]:
        article_id = report.get("article_id")
        if not article_id:
            continue
        article = store.article(article_id)
        if article is None:
            continue
        data = next((e for e in article.get("events") or () if e.get("id") == report.get("id")),
                    None)
        if data is None:
            raw = report.get("evidence")
            data = {**raw, "field": report.get("field")} if isinstance(raw, dict) else report
        for span in evidence(data, article):
            span["article_id"] = article_id
            span["event_id"] = report.get("id")
            out.append(span)
    return out


def _timeline(store: Any, kwargs: dict[str, Any], granularity: str) -> dict[str, Any]:
    """Event counts per day or month over the events matching the filters."""
    if hasattr(store, "timeline"):
        result = store.timeline(**kwargs, granularity=granularity)
        if isinstance(result, dict):
            return result
    counts: dict[str, int] = {}
    for value, n in _date_counts(store, kwargs).items():
        key = _bucket_value(value)
        counts[key] = counts.get(key, 0) + n
    total = sum(counts.values())
    if granularity == "auto":
        # The span of the bulk of the events: dates of history mentioned in
        # the news (a 1975 war) must not turn a summer's news into a chart
        # of centuries.
        days = _central_range({d: n for d, n in counts.items() if len(d) == 10})
        try:
            span_days = ((Date.fromisoformat(days[1]) - Date.fromisoformat(days[0])).days
                         if days else 0)
        except ValueError:  # a malformed stored date: judge by the coarse counts
            span_days = 0
        coarse = sum(n for d, n in counts.items() if len(d) == 7)
        n_days = sum(n for d, n in counts.items() if len(d) == 10)
        granularity = "month" if span_days > 120 or coarse > n_days else "day"
    width = 10 if granularity == "day" else 7
    buckets: dict[str, int] = {}
    undated = 0  # no date, or coarser than the buckets (a year, a month per day)
    for value, n in counts.items():
        if len(value) >= width:
            buckets[value[:width]] = buckets.get(value[:width], 0) + n
        else:
            undated += n
    central = _central_range(buckets)
    return {"granularity": granularity, "total": total, "undated": undated,
            "range": list(central) if central else None,
            "buckets": [{"date": k, "count": buckets[k]} for k in sorted(buckets)]}


def _central_range(counts: dict[str, int], share: float = CHART_SHARE) -> tuple[str, str] | None:
    """The shortest run of dates (days or months) holding `share` of the events.

    Articles date old events too (the 2003 invasion, a 1975 war), so the
    full range of a news store spans decades while its news fills months;
    a chart shows this window and counts the rest.
    """
    if not counts:
        return None
    dates = sorted(counts)
    pos = [_ordinal(d) for d in dates]
    need = sum(counts.values()) * share
    best: tuple[int, int, int] | None = None
    held = 0
    lo = 0
    for hi, d in enumerate(dates):
        held += counts[d]
        while lo < hi and held - counts[dates[lo]] >= need:
            held -= counts[dates[lo]]
            lo += 1
        if held >= need and (best is None or pos[hi] - pos[lo] < best[0]):
            best = (pos[hi] - pos[lo], lo, hi)
    if best is None:
        return dates[0], dates[-1]
    return dates[best[1]], dates[best[2]]


def _ordinal(value: str) -> int:
    """Days (YYYY-MM-DD) or months (YYYY-MM) since year 0, for distances."""
    try:
        if len(value) == 10:
            return Date.fromisoformat(value).toordinal()
        return int(value[:4]) * 12 + int(value[5:7])
    except ValueError:
        return 0


def _bucket_value(value: str) -> str:
    """A stored date as YYYY-MM-DD / YYYY-MM / YYYY; ISO weeks to their Monday's month."""
    if _ISO_WEEK.match(value):
        try:
            monday = Date.fromisocalendar(int(value[:4]), int(value[6:8]), 1)
        except ValueError:
            return ""
        return monday.isoformat()[:7]  # a week is coarser than a day bucket
    return value if _ISO_DATE.match(value) else ""


def _date_counts(store: Any, kwargs: dict[str, Any]) -> dict[str, int]:
    """{date value: events} for the filters, grouped in the database when possible."""
    if hasattr(store, "_event_query") and hasattr(store, "engine"):
        # Store has no public aggregate yet: reuse its filter builder so the
        # counts match /events exactly, and GROUP BY in SQL (one query).
        from sqlalchemy import func, select

        filters = {k: v for k, v in kwargs.items() if k != "canonical"}
        table, conds = store._event_query(kwargs.get("canonical", True), **filters)
        query = select(table.c.date, func.count()).where(*conds).group_by(table.c.date)
        with store.engine.connect() as conn:
            return {str(d or ""): n for d, n in conn.execute(query)}
    counts: dict[str, int] = {}
    offset = 0
    while offset < TIMELINE_CAP:
        total, items = store.events(**kwargs, limit=MAX_LIMIT, offset=offset)
        for ev in items:
            value = ev.get("date")
            value = value.get("value") if isinstance(value, dict) else value
            counts[str(value or "")] = counts.get(str(value or ""), 0) + 1
        offset += MAX_LIMIT
        if offset >= total or not items:
            break
    return counts


def _place_counts(store: Any, kwargs: dict[str, Any], limit: int) -> dict[str, Any]:
    """Events per coordinate (with per-type counts), most events first."""
    groups: dict[tuple[float, float], dict[str, Any]] = {}
    if hasattr(store, "_event_query") and hasattr(store, "engine"):
        # As for the timeline: the store's own filters, grouped in SQL.
        from sqlalchemy import func, select

        filters = {k: v for k, v in kwargs.items() if k != "canonical"}
        table, conds = store._event_query(kwargs.get("canonical", True), **filters)
        conds = [*conds, table.c.lat.is_not(None), table.c.lon.is_not(None)]
        query = (select(table.c.lat, table.c.lon, table.c.type, func.count(),
                        func.min(table.c.id))
                 .where(*conds).group_by(table.c.lat, table.c.lon, table.c.type))
        sample: dict[tuple[float, float], str] = {}
        with store.engine.connect() as conn:
            for lat, lon, type_, n, sample_id in conn.execute(query):
                g = groups.setdefault((lat, lon), {"lat": lat, "lon": lon, "count": 0,
                                                   "types": {}})
                g["count"] += n
                g["types"][type_] = n
                sample.setdefault((lat, lon), sample_id)
            # One place record per coordinate kept, for its names (Arabic and
            # English): canonical events keep it as JSON, mentions as columns.
            kept = sorted(groups.values(), key=lambda g: (-g["count"], g["lat"], g["lon"]))[:limit]
            by_id = {sample[(g["lat"], g["lon"])]: g for g in kept}
            ids = list(by_id)
            for i in range(0, len(ids), 500):
                chunk = ids[i:i + 500]
                if "place" in table.c:
                    rows = conn.execute(select(table.c.id, table.c.place)
                                        .where(table.c.id.in_(chunk)))
                    places = ((eid, place) for eid, place in rows)
                else:
                    cols = [table.c.place_name, table.c.place_name_ar, table.c.country,
                            table.c.admin1, table.c.place_feature, table.c.geonameid]
                    rows = conn.execute(select(table.c.id, *cols).where(table.c.id.in_(chunk)))
                    places = ((r[0], {"name": r[1], "name_ar": r[2], "country": r[3],
                                      "admin1": r[4], "feature": r[5], "geonameid": r[6]})
                              for r in rows)
                for eid, place in places:
                    if isinstance(place, dict):
                        _place_names(by_id[eid], place)
    else:
        offset = 0
        while offset < TIMELINE_CAP:
            total, items = store.events(**kwargs, limit=MAX_LIMIT, offset=offset)
            for ev in items:
                lat, lon = ev.get("lat"), ev.get("lon")
                if lat is None or lon is None:
                    continue
                g = groups.setdefault((lat, lon), {"lat": lat, "lon": lon, "count": 0,
                                                   "types": {}})
                g["count"] += 1
                g["types"][ev["type"]] = g["types"].get(ev["type"], 0) + 1
                if "name" not in g and isinstance(ev.get("place"), dict):
                    _place_names(g, ev["place"])
            offset += MAX_LIMIT
            if offset >= total or not items:
                break
    ranked = sorted(groups.values(), key=lambda g: (-g["count"], g["lat"], g["lon"]))
    placed = sum(g["count"] for g in ranked)
    return {"placed": placed, "truncated": len(ranked) > limit, "places": ranked[:limit]}


def _place_names(group: dict[str, Any], place: dict[str, Any]) -> None:
    for key in ("name", "name_ar", "country", "admin1", "feature", "geonameid"):
        group[key] = place.get(key)


_EXPORT_TYPES = {
    "acled-csv": ("text/csv; charset=utf-8", "csv"),
    "csv": ("text/csv; charset=utf-8", "csv"),
    "geojson": ("application/geo+json", "geojson"),
    "plover-jsonl": ("application/x-ndjson", "jsonl"),
}


def _export(store: Any, kwargs: dict[str, Any], fmt: str) -> StreamingResponse:
    """Stream the store's own export rows (hadath.store.export) for the filters."""
    import csv
    import io
    import itertools

    from hadath.store import export as ex

    canonical = kwargs.get("canonical", True)
    filters = {k: v for k, v in kwargs.items() if k != "canonical"}
    events = itertools.islice(store.iter_events(canonical=canonical, **filters), MAX_EXPORT)
    if not canonical and hasattr(ex, "_with_notes"):
        events = ex._with_notes(store, events, canonical)  # evidence sentence as notes

    def csv_lines(columns: list[str], rows: Any) -> Any:
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=columns, extrasaction="ignore",
                                lineterminator="\n")
        writer.writeheader()
        for row in rows:
            if row is not None:
                writer.writerow({k: ("" if v is None else v) for k, v in row.items()})
            if buf.tell() > 64_000:
                yield buf.getvalue().encode("utf-8")
                buf.seek(0)
                buf.truncate()
        yield buf.getvalue().encode("utf-8")

    def body() -> Any:
        if fmt == "acled-csv":
            stamp = int(time.time())
            yield from csv_lines(ex.ACLED_COLUMNS, (ex.acled_row(e, stamp) for e in events))
        elif fmt == "csv":
            yield from csv_lines(ex.FLAT_COLUMNS, (ex.flat_row(e) for e in events))
        elif fmt == "plover-jsonl":
            for e in events:
                yield orjson.dumps(ex.plover_record(e)) + b"\n"
        else:
            yield b'{"type": "FeatureCollection", "features": [\n'
            first = True
            for e in events:
                feature = ex.geojson_feature(e)
                if feature is not None:
                    yield (b"" if first else b",\n") + orjson.dumps(feature)
                    first = False
            yield b"\n]}\n"

    media, ext = _EXPORT_TYPES[fmt]
    name = f"hadath-events.{'acled.' if fmt == 'acled-csv' else ''}{ext}"
    return StreamingResponse(body(), media_type=media,
                             headers={"Content-Disposition": f'attachment; filename="{name}"'})
