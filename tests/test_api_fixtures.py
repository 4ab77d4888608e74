"""Helpers (no tests): stores filled with real extraction output, for the API tests.

The seed article plus a slice of the real conflict-news corpus are run
through `hadath.extract` and added to a real Store in a temporary SQLite
file; nothing is hand-made.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
SEED = SHARED / "seed" / "kadhimi-drone-attack.txt"
CONFLICT_NEWS = SHARED / "data" / "news" / "saudinewsnet_conflict.jsonl.gz"


def seed_article() -> tuple[str, str]:
    """(title, body) of the canonical example article."""
    raw = SEED.read_text(encoding="utf-8")
    title, body = raw.split("\n", 1)
    return title.strip(), body


def seed_result() -> dict[str, Any]:
    import hadath

    title, body = seed_article()
    return hadath.extract(body, title=title).to_dict()


def news_results(n: int) -> list[dict[str, Any]]:
    """Extraction output for the first `n` articles of the conflict corpus."""
    import hadath

    out = []
    if not CONFLICT_NEWS.exists():
        return out
    with gzip.open(CONFLICT_NEWS, "rt", encoding="utf-8") as fh:
        for line in fh:
            if len(out) >= n:
                break
            a = json.loads(line)
            date = (a.get("date") or "")[:10] or None
            out.append(hadath.extract(a["text"], title=a.get("title"), date=date, id=a.get("id"),
                                      source=a.get("source"), url=a.get("url")).to_dict())
    return out


def fill_store(url: str, n_news: int) -> dict[str, Any]:
    """A store at `url` holding the seed and `n_news` news articles; the seed's result."""
    from hadath.store import Store

    seed = seed_result()
    store = Store(url)
    store.add_result(seed, origin="seed")
    for result in news_results(n_news):
        store.add_result(result, origin="news")
    store.close()
    return seed
