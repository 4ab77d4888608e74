"""The ordered pipeline of stages and the `extract` entry point.

A stage is a callable taking a Document and returning it with one more kind
of annotation.  Stages only read what earlier stages wrote and keep their
models in module-level caches that load on first use, so importing hadath
stays cheap.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from hadath.document import Document
from hadath.text.sentences import sentences
from hadath.text.tokens import tokenize

Stage = Callable[[Document], Document]


def normalise_stage(doc: Document) -> Document:
    """Compute the normalised matching view (and its offset map)."""
    doc.norm  # noqa: B018 - computed and cached on first access
    return doc


def _stages() -> list[Stage]:
    # Imported here so that `import hadath` does not load every model.
    from hadath import entities, events, places, quotes, sources, times

    return [
        normalise_stage,
        sentences,
        tokenize,
        entities.annotate,
        times.annotate,
        sources.annotate,  # before places: 'لـ«الرياض»' is the newspaper, not the city
        places.annotate,
        quotes.annotate,
        events.annotate,
    ]


def _title_stages() -> tuple[list[Stage], list[Stage]]:
    """Stages for the title: before the body, and after it.

    The title is tokenised before the body runs, so the body's places stage
    can resolve the title's names with the article's context (it writes
    `title_doc.places`).  Entities, times and sources run after the body, so
    a surname alone in the title is the person the body named in full and
    relative dates use the reference date the body found.
    """
    from hadath import entities, sources, times

    return [normalise_stage, sentences, tokenize], [entities.annotate, times.annotate,
                                                    sources.annotate]


_PIPELINE: list[Stage] | None = None
_TITLE_PIPELINE: tuple[list[Stage], list[Stage]] | None = None


def default_stages() -> list[Stage]:
    global _PIPELINE
    if _PIPELINE is None:
        _PIPELINE = _stages()
    return _PIPELINE


def run(doc: Document, stages: Sequence[Stage] | None = None) -> Document:
    """Run `stages` (default: the full pipeline) over `doc`, title included."""
    global _TITLE_PIPELINE
    title_doc = None
    if stages is None and doc.title and doc.title.strip():
        if _TITLE_PIPELINE is None:
            _TITLE_PIPELINE = _title_stages()
        title_doc = Document(doc.title, id=doc.id, date=doc.date)
        title_doc.meta["is_title"] = True
        title_doc.meta["body"] = doc
        for stage in _TITLE_PIPELINE[0]:
            stage(title_doc)
        doc.title_doc = title_doc
    for stage in stages if stages is not None else default_stages():
        stage(doc)
    if title_doc is not None and _TITLE_PIPELINE is not None:
        title_doc.reference_date = doc.reference_date
        for stage in _TITLE_PIPELINE[1]:
            stage(title_doc)
        del title_doc.meta["body"]  # no reference cycle left behind
    return doc


def extract(
    text: str,
    title: str | None = None,
    date: str | None = None,
    id: str | None = None,
    source: str | None = None,
    url: str | None = None,
    reference_date: str | None = None,
) -> Document:
    """Annotate one article and return its Document (`.to_dict()` for JSON).

    `date` is the article's publication date; `reference_date` (the CLI's
    `--date`) is used for relative expressions only when `date` is absent.
    """
    doc = Document(text, title=title, id=id, date=date, source=source, url=url)
    doc.reference_date = date or reference_date
    return run(doc)
