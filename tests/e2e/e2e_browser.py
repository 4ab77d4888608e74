"""Shared set-up of the headless-browser tests: Chromium and a live app.

Needs Debian's chromium at /usr/bin/chromium and the Python `playwright`
package (scripts/ci/install_browser.sh installs both; Playwright's own
browser downloads are never used).  Importing this module skips the calling
test module, saying why, when either is missing.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("HADATH_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
REPO = Path(__file__).resolve().parents[2]

if not Path(CHROMIUM).exists():
    pytest.skip(f"chromium not found at {CHROMIUM}: run scripts/ci/install_browser.sh",
                allow_module_level=True)
playwright_api = pytest.importorskip(
    "playwright.sync_api", reason="Python playwright missing: run scripts/ci/install_browser.sh")
pytest.importorskip("uvicorn")


@contextmanager
def serve(store_url: str) -> Iterator[str]:
    """The API and dashboard over `store_url` on a free loopback port."""
    import uvicorn

    from hadath.api import create_app

    app = create_app(store_url, token="")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the API server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        srv.should_exit = True
        thread.join(timeout=10)


@contextmanager
def chromium() -> Iterator[object]:
    """A headless Debian Chromium driven by Playwright."""
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()
