"""Learning curve of the learned tagger: sentence-level F1 on the dev set against the number of
training sentences (a seeded share of the training passages, the full `miner tag train` recipe:
cross-validated calibration and thresholds on that share), side by side with the rule layer.

    PYTHONPATH=. .venv/bin/python scripts/learning_curve.py [--shares 0.25 0.5 0.75 1] [--json]

Reads ../shared/train and ../shared/eval (never copied); the dev set only scores.
"""
from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse  # noqa: E402
import json  # noqa: E402
import random  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from miner import config as config_mod  # noqa: E402
from miner.nlp.learned.data import featurize, read_passages  # noqa: E402
from miner.nlp.learned.train import train  # noqa: E402
from miner.nlp.learned.vectors import from_config  # noqa: E402
from miner.nlp.tagging import pipeline  # noqa: E402
from miner.nlp.tagging.evaluate import evaluate  # noqa: E402
from miner.nlp.tagging.scoring import read_gold  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--config", type=Path, default=None)
    ap.add_argument("--shares", type=float, nargs="+", default=[0.125, 0.25, 0.5, 0.75, 1.0])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    cfg = config_mod.load(args.config)
    train_dir = Path(cfg["nlp"]["train_dir"])
    paths = sorted(train_dir.glob("train_*.jsonl"))
    dev = ROOT.parent / "shared" / "eval" / "dev_gold.jsonl"
    if not paths or not dev.exists():
        print("needs ../shared/train and ../shared/eval", file=sys.stderr)
        return 2
    gold = read_gold(dev)
    rules = pipeline.build(cfg, learned=False)
    taxonomy = pipeline.taxonomy_for(cfg)
    vectors = from_config(cfg)            # the word-vector table `miner tag train` would use
    passages = read_passages(paths)
    featurize(rules, passages, taxonomy)
    order = list(passages)
    random.Random(args.seed).shuffle(order)
    rows = []
    base, _ = evaluate(rules, gold)
    rows.append({"share": "rules", "sentences": 0, **{k: v["f1"] for k, v in base["layers"].items()}})
    for share in args.shares:
        part = order[:max(2, round(len(order) * share))]
        model, _ = train(rules, taxonomy, paths, passages=part, log=lambda m: None, vectors=vectors)
        with tempfile.TemporaryDirectory() as tmp:
            model.save(Path(tmp) / "m")
            nlp = pipeline.add_components(pipeline.load_pipeline_for(cfg), taxonomy,
                                          {"model": str(Path(tmp) / "m"), "thresholds": {},
                                           "relevance_threshold": 0.5})
            result, _ = evaluate(nlp, gold)
        rows.append({"share": share, "sentences": sum(len(p.labels) for p in part),
                     **{k: v["f1"] for k, v in result["layers"].items()}})
        if not args.json:
            r = rows[-1]
            print(f"{r['sentences']:>6} sentences: ground {r['ground']:.3f}  mechanism {r['mechanism']:.3f}  "
                  f"recommendation {r['recommendation']:.3f}", flush=True)
    if args.json:
        print(json.dumps(rows, indent=1))
    else:
        r = rows[0]
        print(f"{'rules':>6}          : ground {r['ground']:.3f}  mechanism {r['mechanism']:.3f}  "
              f"recommendation {r['recommendation']:.3f} (tuned on this dev set)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
