"""The Document: one text, and every annotation as spans into it.

Each pipeline stage adds one kind of annotation to a Document; nothing else
owns the text.  Offsets are Python string indices (code points) into
`Document.text`, the article body exactly as read.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from hadath.text.normalise import NormalisedText, normalise


@dataclass(slots=True)
class Span:
    """A stretch of the original text with a label and free attributes."""

    start: int
    end: int
    label: str = ""
    attrs: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class Token:
    """A token of the original text and its normalised, clitic-aware forms.

    `norm` is the normalised surface form; `base` the form with proclitics
    (و ف ب ل ك ال) removed where that is safe; `sentence` the sentence index.
    """

    start: int
    end: int
    norm: str
    base: str
    prefix: str
    sentence: int = 0
    is_word: bool = True


def content_id(text: str, title: str | None = None) -> str:
    """A stable id for an article without one: a hash of its content."""
    h = hashlib.sha256(((title or "") + "\n" + text).encode("utf-8", "surrogatepass"))
    return h.hexdigest()[:16]


class Document:
    """An article's text and all its annotations.

    Annotation lists hold plain dicts shaped like the contract's JSON (with
    `start`/`end` offsets) so that `to_dict()` is a cheap copy and stages need
    no bespoke classes; `sentences` and `tokens` are the structural layers.
    """

    __slots__ = (
        "text", "title", "id", "date", "source", "url", "reference_date",
        "_norm", "sentences", "tokens", "entities", "times", "places",
        "sources", "quotes", "events", "meta", "title_doc",
    )

    def __init__(
        self,
        text: str,
        title: str | None = None,
        id: str | None = None,
        date: str | None = None,
        source: str | None = None,
        url: str | None = None,
    ) -> None:
        self.text = text
        self.title = title
        self.id = id or content_id(text, title)
        self.date = date
        self.source = source
        self.url = url
        self.reference_date: str | None = date
        self._norm: NormalisedText | None = None
        self.sentences: list[Span] = []
        self.tokens: list[Token] = []
        self.entities: list[dict[str, Any]] = []
        self.times: list[dict[str, Any]] = []
        self.places: list[dict[str, Any]] = []
        self.sources: list[dict[str, Any]] = []
        self.quotes: list[dict[str, Any]] = []
        self.events: list[dict[str, Any]] = []
        self.meta: dict[str, Any] = {}
        # The title is analysed as a Document of its own; spans found there
        # are reported with "field": "title" and offsets into the title.
        self.title_doc: Document | None = None

    @property
    def norm(self) -> NormalisedText:
        """The normalised matching view, computed once on first use."""
        if self._norm is None:
            self._norm = normalise(self.text)
        return self._norm

    def sentence_of(self, offset: int) -> int:
        """Index of the sentence containing `offset` (or the nearest before)."""
        from bisect import bisect_right

        starts = self.meta.get("_sentence_starts")
        if starts is None or len(starts) != len(self.sentences):
            starts = [s.start for s in self.sentences]
            self.meta["_sentence_starts"] = starts
        return max(bisect_right(starts, offset) - 1, 0)

    def tokens_in(self, start: int, end: int) -> list[Token]:
        """Tokens lying within [start, end)."""
        from bisect import bisect_left

        starts = self.meta.get("_token_starts")
        if starts is None or len(starts) != len(self.tokens):
            starts = [t.start for t in self.tokens]
            self.meta["_token_starts"] = starts
        i = bisect_left(starts, start)
        out = []
        while i < len(self.tokens) and self.tokens[i].start < end:
            if self.tokens[i].end <= end:
                out.append(self.tokens[i])
            i += 1
        return out

    def to_dict(self) -> dict[str, Any]:
        """The contract's JSON object for this article."""
        out: dict[str, Any] = {
            "id": self.id,
            "title": self.title,
            "text": self.text,
            "date": self.date or self.reference_date,
            "language": "ar",
        }
        if self.source is not None:
            out["source"] = self.source
        if self.url is not None:
            out["url"] = self.url
        if self.reference_date and self.reference_date != out["date"]:
            out["reference_date"] = self.reference_date
        out["sentences"] = [{"start": s.start, "end": s.end} for s in self.sentences]
        for name in ("sources", "entities", "times", "places", "quotes", "events"):
            items = [_public(x) for x in getattr(self, name)]
            if self.title_doc is not None:
                items = [
                    {**_public(x), "field": "title"} for x in getattr(self.title_doc, name)
                ] + items
            out[name] = items
        return out


def _public(item: dict[str, Any]) -> dict[str, Any]:
    """Drop private keys (leading underscore) that stages keep for each other."""
    return {k: v for k, v in item.items() if not k.startswith("_")}
