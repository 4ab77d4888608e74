"""Request and response models: what the OpenAPI document tells clients.

Responses are documented with these models but returned as pre-serialised
JSON (orjson) so that pages of events are not validated field by field on
every request; the models allow extra keys because the contract welcomes
extra fields.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

MAX_ARTICLE_CHARS = 200_000


class EventType(StrEnum):
    """The sixteen PLOVER event types."""

    AGREE = "AGREE"
    CONSULT = "CONSULT"
    SUPPORT = "SUPPORT"
    CONCEDE = "CONCEDE"
    COOPERATE = "COOPERATE"
    AID = "AID"
    RETREAT = "RETREAT"
    REQUEST = "REQUEST"
    ACCUSE = "ACCUSE"
    REJECT = "REJECT"
    THREATEN = "THREATEN"
    PROTEST = "PROTEST"
    SANCTION = "SANCTION"
    MOBILIZE = "MOBILIZE"
    COERCE = "COERCE"
    ASSAULT = "ASSAULT"


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class Span(_Open):
    text: str | None = None
    start: int
    end: int


class Participant(_Open):
    text: str
    start: int | None = None
    end: int | None = None
    sector: str | None = None
    country: str | None = None


class Place(_Open):
    name: str | None = None
    name_ar: str | None = None
    country: str | None = None
    admin1: str | None = None
    lat: float | None = None
    lon: float | None = None
    geonameid: int | None = None
    feature: str | None = None


class Event(_Open):
    """One event as the store lists it: the contract's event, flattened a little.

    A canonical event (the default) merges the reports of one real-world
    event across articles; an article-level one is a single mention.
    """

    id: str
    type: str = Field(description="PLOVER event type")
    mode: str | None = None
    status: str | None = None
    date: str | None = Field(default=None, description="YYYY-MM-DD, YYYY-MM or YYYY")
    date_precision: str | None = None
    place: Place | None = None
    country: str | None = None
    admin1: str | None = None
    lat: float | None = None
    lon: float | None = None
    actors: list[Participant] = []
    recipients: list[Participant] = []
    fatalities: int | None = None
    injured: int | None = None
    confidence: float | None = None
    article_id: str | None = Field(default=None, description="(first) source article")
    canonical: bool | None = None


class EventPage(BaseModel):
    total: int = Field(description="events matching the filters, all pages together")
    limit: int
    offset: int
    events: list[Event]


class Evidence(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    article_id: str | None = None
    event_id: str | None = Field(default=None, description="the article-level report")
    field: str = Field(description="trigger, actor, recipient, date, place, sentence, …")
    in_: str = Field(alias="in", description="'text' (the body) or 'title'")
    start: int
    end: int
    text: str


class EventDetail(Event):
    evidence: list[Evidence] = Field(
        default=[], description="the words behind each field, offsets into the article")
    articles: list[dict[str, Any]] = Field(default=[], description="the source articles")


class Article(_Open):
    id: str
    title: str | None = None
    text: str
    date: str | None = None


class Stats(_Open):
    pass


class TimelineBucket(BaseModel):
    date: str
    count: int


class Timeline(BaseModel):
    granularity: str = Field(description="day or month")
    total: int
    undated: int = Field(0, description="events with no date or one coarser than a bucket")
    range: list[str] | None = Field(
        None, description="first and last bucket of the shortest run holding 80% of the "
                          "dated events: what a chart should show (news also dates history)")
    buckets: list[TimelineBucket]


class PlaceCount(BaseModel):
    lat: float
    lon: float
    count: int
    types: dict[str, int] = Field(description="events per PLOVER type")
    name: str | None = None
    name_ar: str | None = None
    country: str | None = None
    admin1: str | None = None
    feature: str | None = None
    geonameid: int | None = None


class PlaceCounts(BaseModel):
    placed: int = Field(description="events with coordinates among those matching")
    truncated: bool = Field(description="more places than `limit`: the smallest were left out")
    places: list[PlaceCount]


class ExtractRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=MAX_ARTICLE_CHARS)
    title: str | None = Field(default=None, max_length=2_000)
    date: str | None = Field(default=None, pattern=r"^\d{4}-\d{2}-\d{2}([T ].*)?$",
                             description="publication date, YYYY-MM-DD or ISO datetime")
    id: str | None = Field(default=None, max_length=200)
    source: str | None = Field(default=None, max_length=200)
    url: str | None = Field(default=None, max_length=2_000)


class Health(BaseModel):
    status: str
    version: str
