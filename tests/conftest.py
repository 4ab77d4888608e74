from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("HADATH_SHARED", REPO.parent / "shared"))
SEED = SHARED / "seed" / "kadhimi-drone-attack.txt"


@pytest.fixture(scope="session")
def seed_raw() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def seed_parts(seed_raw: str) -> tuple[str, str]:
    """(title, body) of the seed article as the .txt reader splits it."""
    from hadath.readers import split_title

    title, body = split_title(seed_raw)
    assert title is not None
    return title, body


@pytest.fixture(scope="session")
def seed_doc(seed_parts: tuple[str, str]):
    import hadath

    title, body = seed_parts
    return hadath.extract(body, title=title)


@pytest.fixture(scope="session")
def seed_result(seed_doc) -> dict:
    return seed_doc.to_dict()
