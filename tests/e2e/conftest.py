from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """A headless Chromium for the module's tests (see e2e_browser.py)."""
    from e2e_browser import chromium

    with chromium() as b:
        yield b
