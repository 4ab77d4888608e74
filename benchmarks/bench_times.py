"""Benchmark the times stage: accuracy per category, and speed.

Accuracy: over the hand-written test set in tests/data/times/ (expressions
from real articles of ../shared/data/news, each with its reference date and
the value a person wrote down), an expression counts as correct when
`find_times` returns a time whose span covers the expression's key words
and whose value (and granularity) equal the expected ones.  Optionally
compares dateparser's `search_dates` on the same items (--dateparser).

Speed: over the conflict subset of the news data, the time of reading +
normalising + sentence splitting + tokenising, against the extra time of
time recognition on the same documents.

    .venv/bin/python benchmarks/bench_times.py [--news PATH] [--limit N] [--dateparser]
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hadath.document import Document  # noqa: E402
from hadath.pipeline import normalise_stage  # noqa: E402
from hadath.text.sentences import sentences  # noqa: E402
from hadath.text.tokens import tokenize  # noqa: E402
from hadath.times import annotate, find_times  # noqa: E402

TESTSET = ROOT / "tests" / "data" / "times"
NEWS = ROOT.parent / "shared" / "data" / "news" / "saudinewsnet_conflict.jsonl.gz"


def load_cases(directory: Path = TESTSET) -> list[dict]:
    """Test items: one TSV line each (see tests/data/times/README.md)."""
    cases = []
    for path in sorted(directory.glob("*.tsv")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip() or line.startswith("#"):
                continue
            cols = line.split("\t")
            category, ref, context, expr, value, gran = cols[:6]
            # "-" marks a negative item: a look-alike that is not a time
            cases.append({"file": path.name, "line": n, "category": category,
                          "ref": ref, "context": context, "expr": expr,
                          "value": value, "granularity": gran})
    return cases


def judge(case: dict, found: list[dict]) -> bool:
    """Correct if a found time overlapping the expression has the value."""
    ctx, expr = case["context"], case["expr"]
    at = ctx.find(expr)
    if at < 0:
        raise ValueError(f"{case['file']}:{case['line']}: expression not in context")
    lo, hi = at, at + len(expr)
    if case["value"] == "-":  # a negative item: nothing may be found there
        return not any(t["start"] < hi and t["end"] > lo for t in found)
    for t in found:
        if t["start"] < hi and t["end"] > lo and t["value"] == case["value"] \
                and t["granularity"] == case["granularity"]:
            return True
    return False


def accuracy(cases: list[dict], verbose: bool) -> float:
    per: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for c in cases:
        found = find_times(c["context"], c["ref"])
        ok = judge(c, found)
        per[c["category"]][0] += ok
        per[c["category"]][1] += 1
        if not ok and verbose:
            got = [(t["text"], t["value"]) for t in found]
            print(f"  MISS {c['file']}:{c['line']} [{c['category']}] {c['expr']!r} "
                  f"want {c['value']} got {got}")
    total_ok = sum(v[0] for v in per.values())
    total = sum(v[1] for v in per.values())
    print(f"{'category':<22}{'correct':>8}{'total':>7}{'acc':>8}")
    for cat in sorted(per):
        ok, n = per[cat]
        print(f"{cat:<22}{ok:>8}{n:>7}{ok / n:>8.1%}")
    print(f"{'ALL':<22}{total_ok:>8}{total:>7}{total_ok / max(total, 1):>8.1%}")
    return total_ok / max(total, 1)


def dateparser_accuracy(cases: list[dict]) -> None:
    """The same items through dateparser.search_dates (for comparison)."""
    from datetime import datetime

    from dateparser.search import search_dates

    ok = 0
    for c in cases:
        ref = datetime.fromisoformat(c["ref"])
        try:
            hits = search_dates(c["context"], languages=["ar"],
                                settings={"RELATIVE_BASE": ref,
                                          "PREFER_DATES_FROM": "past"}) or []
        except Exception:  # noqa: BLE001 - a crash counts as a miss
            hits = []
        for text, dt in hits:
            if text.strip() and (text in c["expr"] or c["expr"] in text):
                fmt = {"day": "%Y-%m-%d", "month": "%Y-%m", "year": "%Y"}.get(c["granularity"])
                if fmt and dt.strftime(fmt) == c["value"]:
                    ok += 1
                    break
    print(f"dateparser.search_dates: {ok}/{len(cases)} = {ok / max(len(cases), 1):.1%}")


def speed(news: Path, limit: int | None) -> None:
    """Read-and-segment time against the times stage's extra time.

    The two are timed article by article, interleaved, so that load from
    other processes on a shared machine weighs on both alike.
    """
    t0 = time.perf_counter()
    with gzip.open(news, "rt", encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh]
    if limit:
        rows = rows[:limit]
    t_read = time.perf_counter() - t0
    annotate(Document("اليوم", date="2015-07-21"))  # load the lexicon, compile the grammar
    clock = time.perf_counter
    t_base = t_times = 0.0
    n_times = chars = 0
    for r in rows:
        t0 = clock()
        doc = Document(r.get("text") or "", title=r.get("title"), date=r.get("date"))
        normalise_stage(doc)
        sentences(doc)
        tokenize(doc)
        t1 = clock()
        annotate(doc)
        t2 = clock()
        t_base += t1 - t0
        t_times += t2 - t1
        n_times += len(doc.times)
        chars += len(doc.text)
    base = t_read + t_base
    print(f"{len(rows)} articles, {chars / 1e6:.1f} M chars, {n_times} times found")
    print(f"read {t_read:.2f}s + normalise/sentences/tokens {t_base:.2f}s = {base:.2f}s")
    print(f"times stage {t_times:.2f}s = +{t_times / base:.1%} of read-and-segment")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--testset", type=Path, default=TESTSET)
    ap.add_argument("--news", type=Path, default=NEWS)
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--dateparser", action="store_true")
    ap.add_argument("--no-speed", action="store_true")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    cases = load_cases(args.testset)
    if cases:
        accuracy(cases, args.verbose)
        if args.dateparser:
            dateparser_accuracy(cases)
    if not args.no_speed:
        speed(args.news, args.limit)


if __name__ == "__main__":
    main()
