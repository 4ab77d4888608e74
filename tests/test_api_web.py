"""Static checks of the dashboard source: data never goes in as markup."""

from __future__ import annotations

import re
from pathlib import Path

WEB_SRC = Path(__file__).resolve().parent.parent / "web" / "src"
BUILT = Path(__file__).resolve().parent.parent / "hadath" / "web"


def test_dashboard_source_never_writes_html() -> None:
    sources = list(WEB_SRC.glob("*.js"))
    assert sources
    for path in sources:
        code = path.read_text(encoding="utf-8")
        for pattern in (r"\.innerHTML\b", r"\.outerHTML\b", r"insertAdjacentHTML",
                        r"document\.write", r"\beval\(", r"new Function\("):
            assert not re.search(pattern, code), f"{path.name}: {pattern}"


def test_built_dashboard_is_shipped_and_small() -> None:
    index = BUILT / "index.html"
    assert index.is_file(), "run `npm run build` in web/"
    total = sum(p.stat().st_size for p in BUILT.rglob("*") if p.is_file())
    assert total < 1_000_000
    html = index.read_text(encoding="utf-8")
    for ref in re.findall(r'(?:src|href)="\./([^"]+)"', html):
        assert (BUILT / ref).is_file(), ref
    assert "<script>" not in html  # no inline script: the CSP forbids it
