"""Readers: every input kind and encoding gives the same article."""

from __future__ import annotations

import gzip
import html
import json
import subprocess
import sys

import pytest

from hadath.batch import process
from hadath.readers import Article, ReadError, iter_articles
from hadath.readers.decode import DecodeError, decode_bytes

ARABIC = "أعلن الجيش العراقي أن طائرة مسيرة استهدفت مقر إقامة رئيس الوزراء في بغداد."


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be",
                                      "windows-1256"])
def test_decode_encodings(encoding):
    data = ARABIC.encode(encoding)
    text, _ = decode_bytes(data)
    assert text == ARABIC


def test_decode_refuses_binary():
    with pytest.raises(DecodeError):
        decode_bytes(bytes(range(256)) * 20)


def _seed_variants(tmp_path, seed_parts):
    title, body = seed_parts
    paths = {}
    txt = tmp_path / "seed.txt"
    txt.write_text(title + "\n" + body, encoding="utf-8")
    paths["txt"] = txt
    cp = tmp_path / "seed-1256.txt"
    cp.write_bytes((title + "\n" + body).encode("windows-1256"))
    paths["windows-1256"] = cp
    u16 = tmp_path / "seed-16.txt"
    u16.write_bytes((title + "\n" + body).encode("utf-16"))
    paths["utf-16"] = u16
    jl = tmp_path / "seed.jsonl"
    jl.write_text(json.dumps({"title": title, "text": body}, ensure_ascii=False) + "\n",
                  encoding="utf-8")
    paths["jsonl"] = jl
    page = tmp_path / "seed.html"
    paras = "".join(f"<p>{html.escape(line)}</p>\n" for line in body.split("\n"))
    page.write_text(
        "<!doctype html><html><head><meta charset='utf-8'><title>"
        f"{html.escape(title)}</title><script>alert(1)</script></head><body>"
        f"<nav><a href='/'>الرئيسية</a></nav><article><h1>{html.escape(title)}</h1>\n{paras}"
        "</article></body></html>", encoding="utf-8")
    paths["html"] = page
    return paths


def test_all_kinds_give_the_same_annotations(tmp_path, seed_parts):
    paths = _seed_variants(tmp_path, seed_parts)
    results = {}
    for kind, p in paths.items():
        items = list(iter_articles(p))
        assert len(items) == 1 and isinstance(items[0], Article), (kind, items)
        (out,) = list(process(items))
        assert "error" not in out, (kind, out)
        results[kind] = out
    reference = results["txt"]
    assert reference["text"] == seed_parts[1]
    for kind, out in results.items():
        for key in ("title", "text", "sentences", "sources", "entities", "times", "places",
                    "quotes", "events"):
            assert out[key] == reference[key], (kind, key)


def test_jsonl_batch_with_bad_lines(tmp_path):
    p = tmp_path / "batch.jsonl.gz"
    lines = [
        json.dumps({"id": "a", "text": ARABIC}, ensure_ascii=False),
        json.dumps({"id": "empty", "text": ""}),
        "{not json",
        json.dumps({"id": "bin", "text": "\x00\x01\x02\x03\x04\x05 \x06\x07"}),
        json.dumps([1, 2, 3]),
        json.dumps({"id": "en", "text": "The army said a drone attacked the residence."}),
        json.dumps({"id": "b", "text": ARABIC, "date": "2021-11-07T10:00:00Z"}, ensure_ascii=False),
    ]
    with gzip.open(p, "wt", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")
    out = list(process(iter_articles(p)))
    assert len(out) == 7
    assert [o.get("id") for o in out if "error" not in o] == ["a", "b"]
    errors = [o for o in out if "error" in o]
    assert len(errors) == 5
    assert "empty" in errors[0]["error"]
    assert "malformed JSON" in errors[1]["error"]
    assert out[3]["error"] and out[4]["error"] and "not Arabic" in out[5]["error"]
    assert out[6]["date"] == "2021-11-07"


def test_unreadable_paths_are_errors(tmp_path):
    missing = list(iter_articles(tmp_path / "nope.txt"))
    assert isinstance(missing[0], ReadError)
    blob = tmp_path / "blob.bin"
    blob.write_bytes(bytes(range(256)) * 100)
    (item,) = list(iter_articles(blob))
    assert isinstance(item, ReadError) and "binary" in item.error


def test_cli_extract_jsonl_from_stdin():
    data = "\n".join([
        json.dumps({"id": "a", "text": ARABIC}, ensure_ascii=False),
        "{broken",
        json.dumps({"id": "c", "text": "   "}),
    ]) + "\n"
    run = subprocess.run([sys.executable, "-m", "hadath", "extract", "--workers", "1", "-"],
                         input=data.encode(), capture_output=True, timeout=120)
    assert run.returncode == 0, run.stderr.decode()
    rows = [json.loads(line) for line in run.stdout.decode().splitlines()]
    assert [("error" in r) for r in rows] == [False, True, True]


def test_cli_exit_status_when_nothing_readable(tmp_path):
    p = tmp_path / "empty.txt"
    p.write_text("")
    run = subprocess.run([sys.executable, "-m", "hadath", "extract", "--workers", "1", str(p)],
                         capture_output=True, timeout=120)
    assert run.returncode == 1
    assert "error" in json.loads(run.stdout.decode())


def test_workers_keep_order(tmp_path):
    p = tmp_path / "many.jsonl"
    with open(p, "w", encoding="utf-8") as fh:
        for i in range(40):
            fh.write(json.dumps({"id": str(i), "text": ARABIC if i % 7 else ""},
                                ensure_ascii=False) + "\n")
    ids = [o["id"] for o in process(iter_articles(p), workers=2, batch_size=3)]
    assert ids == [str(i) for i in range(40)]
