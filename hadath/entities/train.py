"""Train and evaluate the CRF tagger on ../shared/data/ner.

Evaluation protocol (entity level, exact span and type, PER / ORG / LOC with
LOC taking GPE and FAC; MISC is trained but not scored):
- in-corpus: ANERcorp train minus its last 10 % (contiguous, so no article
  straddles the split) → that last 10 % (the dev split);
- cross-corpus: ANERcorp train → the last 20 % of WikiFANE, and WikiFANE's
  first 80 % → the ANERcorp dev split (a proxy for the unseen second corpus).
The shipped model is then trained on everything (`--final`).
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Sequence
from pathlib import Path

import pycrfsuite

from hadath.entities.corpora import Sentence, entity_spans, read_anercorp, read_wikifane
from hadath.entities.features import sentence_features
from hadath.text.normalise import normalise_string

DATA = Path("../shared/data/ner")
SCORED = ("PER", "ORG", "LOC")
DEFAULT_WIKI_WEIGHT = 0.0  # measured: WikiFANE in training lowers ANERcorp dev F1 (see model.json)
DEFAULT_DOMAINS = False
PARAMS = {"c1": 0.05, "c2": 0.05, "max_iterations": 150, "feature.possible_transitions": True}


def normalise_tokens(tokens: Sequence[str]) -> list[str]:
    out = []
    for t in tokens:
        n = normalise_string(t).strip()
        out.append(n.replace(" ", "") or t)
    return out


def featurise(sents: Sequence[Sentence], domain: str | None = None) -> list[tuple[list[list[str]], list[str]]]:
    return [(sentence_features(normalise_tokens([t for t, _ in s]), domain), [y for _, y in s]) for s in sents]


def train(sents: Sequence[Sentence], model: Path, params: dict | None = None, verbose: bool = False,
          domains: Sequence[str | None] | None = None) -> None:
    """Train a CRF; `domains` (one per sentence) turns on domain-augmented features."""
    trainer = pycrfsuite.Trainer(algorithm="lbfgs", verbose=verbose)
    for k, s in enumerate(sents):
        dom = domains[k] if domains is not None else None
        trainer.append(sentence_features(normalise_tokens([t for t, _ in s]), dom), [y for _, y in s])
    trainer.set_params({**PARAMS, **(params or {})})
    model.parent.mkdir(parents=True, exist_ok=True)
    trainer.train(str(model))


def score(gold: Sequence[Sequence[str]], pred: Sequence[Sequence[str]]) -> dict[str, dict[str, float]]:
    """Entity-level precision, recall, F1 per scored type, micro and macro."""
    tp = dict.fromkeys(SCORED, 0)
    fp = dict.fromkeys(SCORED, 0)
    fn = dict.fromkeys(SCORED, 0)
    for g, p in zip(gold, pred, strict=True):
        gs = {s for s in entity_spans(list(g)) if s[2] in SCORED}
        ps = {s for s in entity_spans(list(p)) if s[2] in SCORED}
        for s in gs & ps:
            tp[s[2]] += 1
        for s in ps - gs:
            fp[s[2]] += 1
        for s in gs - ps:
            fn[s[2]] += 1
    out: dict[str, dict[str, float]] = {}

    def prf(t: int, f_p: int, f_n: int) -> dict[str, float]:
        p = t / (t + f_p) if t + f_p else 0.0
        r = t / (t + f_n) if t + f_n else 0.0
        return {"p": round(p, 4), "r": round(r, 4), "f1": round(2 * p * r / (p + r) if p + r else 0.0, 4),
                "n": t + f_n}

    for k in SCORED:
        out[k] = prf(tp[k], fp[k], fn[k])
    out["micro"] = prf(sum(tp.values()), sum(fp.values()), sum(fn.values()))
    out["macro"] = {"f1": round(sum(out[k]["f1"] for k in SCORED) / len(SCORED), 4)}
    return out


def evaluate(model: Path, sents: Sequence[Sentence], domain: str | None = None) -> dict[str, dict[str, float]]:
    from hadath.entities.tagger import decode_bio

    tagger = pycrfsuite.Tagger()
    tagger.open(str(model))
    gold, pred = [], []
    for s in sents:
        words = normalise_tokens([t for t, _ in s])
        gold.append([y for _, y in s])
        pred.append(decode_bio(tagger.tag(sentence_features(words, domain))))
    return score(gold, pred)


def splits(data: Path) -> dict[str, list[Sentence]]:
    aner = read_anercorp(data / "anercorp" / "train.txt")
    wiki = read_wikifane(data / "wikifane_gold" / "wikifane_gold.tsv")
    a_cut = int(len(aner) * 0.9)
    w_cut = int(len(wiki) * 0.8)
    return {"aner_train": aner[:a_cut], "aner_dev": aner[a_cut:], "aner_all": aner,
            "wiki_train": wiki[:w_cut], "wiki_test": wiki[w_cut:], "wiki_all": wiki}


def _report(name: str, res: dict[str, dict[str, float]]) -> None:
    per_type = "  ".join(f"{k} {res[k]['f1']:.3f}" for k in SCORED)
    print(f"{name:38s} {per_type}  micro {res['micro']['f1']:.3f}  macro {res['macro']['f1']:.3f}", flush=True)


def main(argv: Sequence[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--work", type=Path, default=Path("/tmp/hadath-ner"))
    ap.add_argument("--eval", nargs="*", default=["dev"],
                    help="experiments: dev (ANERcorp dev), mixed (ANERcorp+WikiFANE → dev), cross")
    ap.add_argument("--final", type=Path, help="train on all data and write the model here")
    ap.add_argument("--iterations", type=int, default=PARAMS["max_iterations"])
    ap.add_argument("--wiki-weight", type=float, default=DEFAULT_WIKI_WEIGHT,
                    help="fraction of WikiFANE sentences added to the final / mixed training set")
    ap.add_argument("--domains", action="store_true",
                    help="domain-augmented features for the final model (news = ANERcorp domain)")
    ap.add_argument("--json", type=Path, help="write the figures as JSON here")
    args = ap.parse_args(argv)
    params = {"max_iterations": args.iterations}
    sp = splits(args.data)
    results: dict[str, dict] = {}

    def wiki_part(sents: list[Sentence]) -> list[Sentence]:
        step = max(1, round(1 / args.wiki_weight)) if args.wiki_weight > 0 else 0
        return sents[::step] if step else []

    def run(name: str, train_set: list[Sentence], test_sets: dict[str, list[Sentence]]) -> None:
        if not train_set:
            return
        t = time.time()
        model = args.work / f"{name}.crfsuite"
        train(train_set, model, params)
        print(f"[{name}] trained on {len(train_set)} sentences in {time.time() - t:.0f}s", flush=True)
        for tname, ts in test_sets.items():
            res = evaluate(model, ts)
            results[f"{name} -> {tname}"] = res
            _report(f"{name} -> {tname}", res)

    for exp in args.eval:
        if exp == "dev":
            run("aner", sp["aner_train"], {"aner_dev": sp["aner_dev"], "wiki_test": sp["wiki_test"]})
        elif exp == "mixed":
            mix_weight = args.wiki_weight or 1.0
            step = max(1, round(1 / mix_weight))
            run("aner+wiki", sp["aner_train"] + sp["wiki_train"][::step],
                {"aner_dev": sp["aner_dev"], "wiki_test": sp["wiki_test"]})
        elif exp == "cross":
            run("wiki", sp["wiki_train"], {"aner_dev": sp["aner_dev"]})
    if args.final:
        t = time.time()
        wiki = wiki_part(sp["wiki_all"])
        domains = (["A"] * len(sp["aner_all"]) + ["W"] * len(wiki)) if args.domains else None
        train(sp["aner_all"] + wiki, args.final, params, domains=domains)
        print(f"[final] wrote {args.final} in {time.time() - t:.0f}s", flush=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
