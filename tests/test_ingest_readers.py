"""RSS/Atom and WARC readers, and the ingest command line end to end."""

from __future__ import annotations

import argparse
import io
import json
from pathlib import Path

import pytest

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>وكالة الأنباء</title><link>https://news.example/</link>
<item><title>انفجار في بغداد</title><link>https://news.example/1</link>
<guid>news-1</guid><pubDate>Sun, 07 Nov 2021 09:30:00 +0300</pubDate>
<description>&lt;p&gt;استهدفت طائرة مسيرة منزل رئيس الوزراء في &lt;b&gt;بغداد&lt;/b&gt; فجر الأحد.&lt;/p&gt;</description>
</item>
<item><title>بلا نص</title><link>https://news.example/2</link></item>
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>أخبار</title><id>urn:feed</id>
<updated>2021-11-08T00:00:00Z</updated>
<entry><title>تظاهرات في البصرة</title><id>urn:entry:7</id>
<link href="https://news.example/atom/7"/><published>2021-11-08T10:00:00Z</published>
<updated>2021-11-09T10:00:00Z</updated>
<content type="html">&lt;p&gt;تظاهر المئات في البصرة احتجاجا على انقطاع الكهرباء.&lt;/p&gt;</content>
</entry></feed>"""

PAGE = """<html><head><title>هجوم بطائرة مسيرة</title>
<meta property="article:published_time" content="2021-11-07T08:00:00+03:00"></head>
<body><nav>الرئيسية | أخبار</nav><article><h1>هجوم بطائرة مسيرة على منزل الكاظمي</h1>
<p>استهدفت طائرة مسيرة مفخخة منزل رئيس الوزراء العراقي مصطفى الكاظمي في المنطقة الخضراء ببغداد فجر الأحد.</p>
<p>وقال الجيش العراقي في بيان إن رئيس الوزراء لم يصب بأذى وإن عددا من أفراد الحماية أصيبوا بجروح.</p>
</article></body></html>"""


def test_rss_entries_become_articles(tmp_path):
    from hadath.readers import Article
    from hadath.readers.feeds import iter_feed

    path = tmp_path / "feed.rss"
    path.write_text(RSS, encoding="utf-8")
    items = list(iter_feed(path))
    assert len(items) == 2 and all(isinstance(i, Article) for i in items)
    first = items[0]
    assert first.title == "انفجار في بغداد" and first.id == "news-1"
    assert first.url == "https://news.example/1" and first.source == "وكالة الأنباء"
    assert first.date == "2021-11-07" and "<b>" not in first.text and "بغداد" in first.text
    assert items[1].text == "" and items[1].origin.endswith("#2")  # batch reports it as empty


def test_atom_entries_and_not_a_feed(tmp_path):
    from hadath.readers import ReadError
    from hadath.readers.feeds import iter_feed

    path = tmp_path / "feed.atom"
    path.write_text(ATOM, encoding="utf-8")
    (entry,) = list(iter_feed(path))
    assert entry.id == "urn:entry:7" and entry.date == "2021-11-08"
    assert entry.text.startswith("تظاهر المئات في البصرة")
    bad = tmp_path / "bad.xml"
    bad.write_text("<html><body>ليس خلاصة</body></html>", encoding="utf-8")
    (err,) = list(iter_feed(bad))
    assert isinstance(err, ReadError) and "no feed entries" in err.error
    (missing,) = list(iter_feed(tmp_path / "missing.rss"))
    assert isinstance(missing, ReadError)


def _warc(path: Path) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as fh:
        w = WARCWriter(fh, gzip=True)
        for uri, status, ctype, body in (
            ("https://news.example/a", "200 OK", "text/html; charset=utf-8", PAGE.encode("utf-8")),
            ("https://news.example/logo.png", "200 OK", "image/png", b"\x89PNG...."),
            ("https://news.example/gone", "404 Not Found", "text/html", b"<html>404</html>"),
            ("https://news.example/w1256", "200 OK", "text/html; charset=windows-1256",
             PAGE.replace("</article>", "<p>وفتحت السلطات تحقيقا في الهجوم.</p></article>").encode("cp1256")),
        ):
            headers = StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1")
            w.write_record(w.create_warc_record(uri, "response", payload=io.BytesIO(body),
                                                http_headers=headers))


def test_warc_html_responses_become_articles(tmp_path):
    from hadath.readers import Article
    from hadath.readers.warc import iter_warc

    path = tmp_path / "crawl.warc.gz"
    _warc(path)
    items = list(iter_warc(path))
    assert len(items) == 2 and all(isinstance(i, Article) for i in items)
    a = items[0]
    assert a.url == a.id == "https://news.example/a"
    assert a.title.startswith("هجوم بطائرة مسيرة") and "الرئيسية" not in a.text
    assert "المنطقة الخضراء" in a.text and a.date == "2021-11-07"
    assert "المنطقة الخضراء" in items[1].text  # decoded from windows-1256
    (err,) = list(iter_warc(tmp_path / "missing.warc"))
    assert not isinstance(err, Article)


def _run_cli(argv: list[str]) -> int:
    from hadath.store.commands import register

    parser = argparse.ArgumentParser(prog="hadath")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.func(args)


def test_cli_ingest_search_export_stats(tmp_path, capsys):
    pytest.importorskip("warcio")
    feed = tmp_path / "in" / "feed.rss"
    feed.parent.mkdir()
    feed.write_text(RSS, encoding="utf-8")
    _warc(tmp_path / "in" / "crawl.warc.gz")
    db = f"sqlite:///{tmp_path / 'h.db'}"
    assert _run_cli(["ingest", str(tmp_path / "in"), "--db", db, "--workers", "1", "-q"]) == 0
    err = capsys.readouterr().err
    assert "read 4 from 2 file(s)" in err
    assert _run_cli(["ingest", str(tmp_path / "in"), "--db", db, "--workers", "1", "-q"]) == 0
    assert "added 0 articles" in capsys.readouterr().err
    assert _run_cli(["search", "الخضراء", "--db", db, "--articles", "--json"]) == 0
    rows = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert {r["id"] for r in rows} == {"https://news.example/a", "https://news.example/w1256"}
    assert _run_cli(["search", "--db", db, "--type", "ASSAULT", "--from", "2021-01-01"]) == 0
    assert "match(es)" in capsys.readouterr().err
    assert _run_cli(["stats", "--db", db]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["articles"] == 3 and stats["errors"] == 1 and stats["integrity_ok"]
    # The two WARC copies of one page are near-duplicates.
    assert stats["near_duplicate_groups"] == 1
    out = tmp_path / "e.csv"
    assert _run_cli(["export", "--db", db, "--format", "acled-csv", "-o", str(out)]) == 0
    assert out.read_text(encoding="utf-8").startswith("event_id_cnty,event_date,year,")
    assert _run_cli(["dedup", "--db", db]) == 0
    with pytest.raises(SystemExit):
        _run_cli(["export", "--db", db, "--format", "xlsx"])
    missing = f"sqlite:///{tmp_path / 'missing.db'}"
    assert _run_cli(["search", "بغداد", "--db", missing]) == 1
    assert "no database" in capsys.readouterr().err
    assert not (tmp_path / "missing.db").exists()


def test_gzipped_feed_bomb_is_refused(tmp_path):
    import gzip

    from hadath.readers import ReadError, iter_articles

    p = tmp_path / "bomb.rss.gz"
    with gzip.open(p, "wb", compresslevel=9) as fh:
        fh.write(b"<?xml version='1.0'?><rss><channel>")
        fh.write(b" " * (40 * 1024 * 1024))
    items = list(iter_articles(p))
    assert len(items) == 1 and isinstance(items[0], ReadError)
    assert "bomb" in items[0].error  # refused by the guard, not parsed to the end
