"""sources stage."""

from __future__ import annotations

from hadath.document import Document


def annotate(doc: Document) -> Document:
    return doc
