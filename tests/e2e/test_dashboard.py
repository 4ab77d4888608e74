"""End to end: the dashboard in headless Chromium over a store holding the seed.

Needs Debian's chromium at /usr/bin/chromium and the Python `playwright`
package (scripts/ci/install_browser.sh installs both; Playwright's own
browser downloads are never used).  Skipped, saying why, when either is
missing.  The screenshot is kept under artifacts/e2e/ (path printed).
"""

from __future__ import annotations

import csv
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from e2e_browser import REPO, playwright_api, serve  # noqa: E402,F401

ARTIFACTS = Path(os.environ.get("HADATH_ARTIFACTS", REPO / "artifacts")) / "e2e"

sys.path.insert(0, str(REPO / "tests"))
from test_api_fixtures import SEED, fill_store  # noqa: E402


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`hadath serve`'s app over a fresh store holding the seed article."""
    if not SEED.exists():
        pytest.skip(f"seed article missing: {SEED}")
    url = f"sqlite:///{tmp_path_factory.mktemp('e2e') / 'store.db'}"
    fill_store(url, 0)
    with serve(url) as base:
        yield base


def test_drone_attack_at_baghdad_with_evidence(server: str, browser) -> None:  # noqa: ANN001
    page = browser.new_page(viewport={"width": 1440, "height": 960})
    problems: list[str] = []
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("console", lambda m: m.type == "error" and problems.append(f"console: {m.text}"))
    # Offline: the page may load nothing from anywhere but this server.
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(server)
               else (problems.append(f"external request: {route.request.url}"), route.abort()))

    page.goto(server)
    assert page.evaluate("document.documentElement.dir") == "rtl"
    page.wait_for_selector("body[data-loaded=true]", timeout=20_000)
    # The basemap is drawn (country outlines as SVG paths).
    assert page.locator(".leaflet-overlay-pane path").count() > 100

    # Generous waits: on a loaded two-core host each step (a popup, two API
    # calls and a render) has taken over ten seconds.
    marker = page.locator('.event-marker[data-places*="|Baghdad|"]')
    marker.wait_for(timeout=30_000)
    assert "ASSAULT" in (marker.get_attribute("data-types") or "").split()
    marker.click()
    drone = page.locator(
        '.popup-event[data-type="ASSAULT"][data-mode="drone"][data-place="Baghdad"]').first
    drone.wait_for(timeout=15_000)
    drone.click()

    trigger = page.locator("#article-text mark.hl-trigger").first
    trigger.wait_for(timeout=30_000)
    fields = set(page.eval_on_selector_all(
        "#article-view mark", "ms => ms.flatMap(m => m.dataset.fields.split(' '))"))
    assert {"trigger", "place", "date"} <= fields, fields
    assert "recipient" in fields or "actor" in fields, fields
    # Highlights are the article's own words, at the offsets the API gave.
    text = page.locator("#article-text").inner_text()
    place = page.locator('#article-view mark[data-fields~="place"]').first.inner_text()
    assert place and place in text and "بغداد" in place
    date = page.locator('#article-view mark[data-fields~="date"]').first.inner_text()
    assert date and date in text
    detail = page.locator("#detail-fields").inner_text()
    assert "2021-11-07" in detail
    assert page.locator("#events-table tbody tr.selected").count() == 1

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / "dashboard-drone-attack.png"
    page.screenshot(path=str(shot), full_page=False)
    print(f"\nscreenshot: {shot}")

    # English toggle: left-to-right, English labels, same event still open.
    page.click("#lang-toggle")
    assert page.evaluate("document.documentElement.dir") == "ltr"
    assert page.locator("#detail-title").inner_text().startswith("Assault")
    page.screenshot(path=str(ARTIFACTS / "dashboard-drone-attack-en.png"))
    assert not problems, problems
    page.close()


def test_filters_reach_the_map_and_table(server: str, browser) -> None:  # noqa: ANN001
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(server + "?type=ASSAULT&mode=drone")
    page.wait_for_selector("body[data-loaded=true]", timeout=20_000)
    rows = page.locator("#events-table tbody tr[data-event-id]")
    assert rows.count() >= 1
    assert page.input_value("#f-type") == "ASSAULT"
    # The download links carry the same filters, and serve the same events.
    href = page.get_attribute('#exports a[data-format="csv"]', "href") or ""
    assert "type=ASSAULT" in href and "mode=drone" in href
    with page.expect_download() as dl:
        page.click('#exports a[data-format="csv"]')
    with open(dl.value.path(), encoding="utf-8", newline="") as fh:
        exported = list(csv.DictReader(fh))
    assert len(exported) == rows.count()
    assert {r["type"] for r in exported} == {"ASSAULT"}
    page.fill('input[name="q"]', "كلمةغيرموجودةابدا")
    page.click('button[type="submit"]')
    # (no wait_for_function: the page's CSP rightly forbids string eval)
    playwright_api.expect(rows).to_have_count(0, timeout=10_000)
    playwright_api.expect(page.locator(".event-marker")).to_have_count(0)
    page.close()
