"""Place resolution on IDRISI-D Arabic tweets (location mention disambiguation).

For every gold location mention (text span + OpenStreetMap toponym), a
predicted place that overlaps the span counts as resolved when its country
matches the OSM country and its point lies within 161 km of the OSM point
(the measure Mordecai 3 reports).  Also reported: detection recall (any
overlapping prediction), accuracy given detection, and the share of
predictions that overlap a gold mention (a lower bound on precision: the
tweets' gold mentions are not exhaustive for every name).

    python benchmarks/bench_places_idrisi.py [--data ../shared/data/places/idrisi]
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from collections import Counter
from pathlib import Path

from hadath.document import Document
from hadath.pipeline import normalise_stage, run
from hadath.places import annotate
from hadath.text.sentences import sentences
from hadath.text.tokens import tokenize

STAGES = [normalise_stage, sentences, tokenize, annotate]


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    la1, lo1, la2, lo2 = map(math.radians, (lat1, lon1, lat2, lon2))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 12742.0 * math.asin(min(1.0, math.sqrt(h)))


def gold_of(lm: dict) -> tuple[str | None, float, float] | None:
    osm = lm.get("osm_json") or {}
    try:
        lat, lon = float(osm["lat"]), float(osm["lon"])
    except (KeyError, TypeError, ValueError):
        return None
    cc = (osm.get("address") or {}).get("country_code")
    return (cc.upper() if cc else None), lat, lon


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path,
                    default=Path(__file__).resolve().parents[2] / "shared/data/places/idrisi")
    ap.add_argument("--radius", type=float, default=161.0)
    ap.add_argument("--errors", type=int, default=0, help="print this many misses")
    args = ap.parse_args()

    totals: Counter = Counter()
    per_event: dict[str, Counter] = {}
    misses = []
    t0 = time.perf_counter()
    n_chars = 0
    for path in sorted(args.data.glob("*/train.jsonl")):
        ev = per_event.setdefault(path.parent.name, Counter())
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                tw = json.loads(line)
                text = tw["text"]
                n_chars += len(text)
                doc = Document(text)
                run(doc, STAGES)
                preds = doc.places
                golds = []
                for lm in tw.get("location_mentions", []):
                    g = gold_of(lm)
                    if g is None:
                        continue
                    golds.append((lm["start_offset"], lm["end_offset"], lm["text"], g))
                for s, e, t, (cc, lat, lon) in golds:
                    over = [p for p in preds if p["start"] < e and s < p["end"]]
                    for c in (totals, ev):
                        c["gold"] += 1
                    if not over:
                        misses.append(("missed", t, cc, text))
                        continue
                    for c in (totals, ev):
                        c["detected"] += 1
                    p = over[0]
                    if p["country"] == cc:
                        for c in (totals, ev):
                            c["country"] += 1
                    ok = p["country"] == cc and km(p["lat"], p["lon"], lat, lon) <= args.radius
                    if ok:
                        for c in (totals, ev):
                            c["resolved"] += 1
                    else:
                        misses.append(("wrong", t, f"{cc} got {p['country']} {p['name']}", text))
                for p in preds:
                    totals["pred"] += 1
                    if any(p["start"] < e and s < p["end"] for s, e, _, _ in golds):
                        totals["pred_on_gold"] += 1
    dt = time.perf_counter() - t0

    def share(a: int, b: int) -> str:
        return f"{a / b:.3f}" if b else "n/a"

    for name, c in sorted(per_event.items()):
        print(f"{name:28s} mentions {c['gold']:5d}  resolved@{args.radius:.0f}km "
              f"{share(c['resolved'], c['gold'])}  detected {share(c['detected'], c['gold'])}")
    print(f"ALL mentions {totals['gold']}: resolved (country + {args.radius:.0f} km) "
          f"{share(totals['resolved'], totals['gold'])}; detected {share(totals['detected'], totals['gold'])}; "
          f"accuracy given detection {share(totals['resolved'], totals['detected'])} "
          f"(right country {share(totals['country'], totals['detected'])}); "
          f"predictions on a gold mention {share(totals['pred_on_gold'], totals['pred'])} "
          f"({totals['pred']} predictions)")
    print(f"speed: {n_chars / dt / 1000:.0f}k chars/s ({dt:.1f} s, tokenising included)")
    for m in misses[: args.errors]:
        print(*m[:3], "|", m[3].replace("\n", " ")[:140], file=sys.stderr)


if __name__ == "__main__":
    main()
