"""Score the tagger on the gold dev set, whole and as two fixed halves.

The halves are fixed by a hash of the document id, so "tune" (used while building
the lexicon) and "heldout" (left alone until the end) never change:

    PYTHONPATH=. .venv/bin/python scripts/eval_dev.py [--gold ../shared/eval/dev_gold.jsonl]
        [--split all|tune|heldout] [--config config.toml] [--json] [--errors N]
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from miner import config as config_mod  # noqa: E402
from miner.nlp.tagging import pipeline  # noqa: E402
from miner.nlp.tagging.evaluate import evaluate  # noqa: E402
from miner.nlp.tagging.scoring import format_table, map_to_sentence, read_gold  # noqa: E402


def half(doc_id: str) -> str:
    return "tune" if int(hashlib.sha1(doc_id.encode()).hexdigest(), 16) % 2 == 0 else "heldout"


def default_gold() -> Path:
    for base in (ROOT.parent / "shared", Path("/work/shared")):
        if (base / "eval" / "dev_gold.jsonl").exists():
            return base / "eval" / "dev_gold.jsonl"
    return ROOT.parent / "shared" / "eval" / "dev_gold.jsonl"


def show_errors(gold, predictions, layer: str, limit: int) -> None:
    shown = 0
    for doc in gold:
        sents = doc["sentences"]
        pred = {}
        for a in predictions[doc["id"]]:
            if a["layer"] == layer:
                i = map_to_sentence(a["start"], a["end"], sents)
                if i is not None:
                    pred.setdefault(i, set()).add("recommendation" if layer == "recommendation" else a["label"])
                    if layer == "recommendation":
                        pred[i].add("actor=" + ",".join(a["actor"]))
        for i, s in enumerate(sents):
            g = set(s[layer]) if layer != "recommendation" else (
                {"recommendation", "actor=" + ",".join(s["actor"] or ["onbepaald"])} if s["recommendation"] else set())
            p = pred.get(i, set())
            if g != p:
                text = doc["text"][s["start"]:s["end"]].replace("\n", " ")[:200]
                print(f"{doc['id']} gold={sorted(g)} pred={sorted(p)} | {text}")
                shown += 1
                if shown >= limit:
                    return


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--gold", type=Path, default=default_gold())
    ap.add_argument("--split", choices=("all", "tune", "heldout"), default="all")
    ap.add_argument("--config", type=Path, default=None)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--errors", type=int, default=0, help="print this many sentence-level differences per layer")
    args = ap.parse_args()
    if not args.gold.exists():
        print(f"no gold file at {args.gold}", file=sys.stderr)
        return 2
    cfg = config_mod.load(args.config)
    gold = read_gold(args.gold)
    if args.split != "all":
        gold = [d for d in gold if half(d["id"]) == args.split]
    nlp = pipeline.build(cfg)
    result, predictions = evaluate(nlp, gold)
    result["split"] = args.split
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=1))
    else:
        print(f"split: {args.split} ({args.gold})")
        print(format_table(result))
    if args.errors:
        for layer in ("ground", "mechanism", "recommendation"):
            print(f"\n--- {layer} differences")
            show_errors(gold, predictions, layer, args.errors)
    return 0


if __name__ == "__main__":
    sys.exit(main())
