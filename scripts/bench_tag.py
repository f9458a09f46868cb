"""Throughput of the tagging pipeline per CPU second on one core: bare spaCy pipeline vs. full tagging
(rules + the learned tagger), side by side in one run.

Texts: the gold dev passages and seeds from ../shared when present (read, not copied),
else the test fixture; repeated until --tokens tokens.

    PYTHONPATH=. .venv/bin/python scripts/bench_tag.py [--config config.toml] [--tokens 100000] [--json]
"""
from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # one core

import argparse  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from miner import config as config_mod  # noqa: E402
from miner.nlp import tagging  # noqa: E402
from miner.nlp.tagging import pipeline  # noqa: E402


def corpus() -> tuple[list[str], str]:
    for base in (ROOT.parent / "shared", Path("/work/shared")):
        gold = base / "eval" / "dev_gold.jsonl"
        if gold.exists():
            texts = [json.loads(line)["text"] for line in gold.read_text(encoding="utf-8").splitlines() if line]
            texts += [p.read_text(encoding="utf-8") for p in sorted((base / "seeds").glob("*.txt"))]
            return texts, f"{gold} + seeds"
    from tests.test_tag_support import KAMERVRAAG
    return [KAMERVRAAG], "test fixture"


def run(nlp, texts, batch_size, disable) -> tuple[int, float]:
    with nlp.select_pipes(disable=disable):
        t0 = time.process_time()
        n = sum(len(doc) for doc in nlp.pipe(texts, batch_size=batch_size))
        return n, time.process_time() - t0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--config", type=Path, default=None)
    ap.add_argument("--tokens", type=int, default=100_000, help="tokens to process per measurement")
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    cfg = config_mod.load(args.config)
    nlp = pipeline.build(cfg)
    base, source = corpus()
    per_round = sum(len(nlp.make_doc(t)) for t in base)
    texts = base * max(1, -(-args.tokens // per_round))
    unused = pipeline.disabled(nlp)
    ours = [n for n in nlp.pipe_names if n in tagging.COMPONENTS or n == "miner_learned"]
    run(nlp, base[:5], args.batch_size, unused)  # warm-up: caches, lemma tables
    bare_n, bare_s = run(nlp, texts, args.batch_size, unused + ours)
    full_n, full_s = run(nlp, texts, args.batch_size, unused)
    # the components alone, on docs the bare pipeline already processed (no noise from the model)
    with nlp.select_pipes(disable=unused + ours):
        docs = list(nlp.pipe(base, batch_size=args.batch_size))
    components = [proc for name, proc in nlp.pipeline if name in ours]
    comp_n, t0 = 0, time.process_time()
    for _ in range(max(1, -(-args.tokens // per_round))):
        for doc in docs:
            fresh = doc.copy()
            for proc in components:
                fresh = proc(fresh)
            comp_n += len(fresh)
    comp_s = time.process_time() - t0
    result = {
        "pipeline": [p for p in nlp.pipe_names if p not in unused and p not in ours],
        "tagger": pipeline.describe_tagger(cfg),
        "texts": source, "documents": len(texts), "tokens": full_n,
        "bare_tokens_per_s": round(bare_n / bare_s), "full_tokens_per_s": round(full_n / full_s),
        "tagging_components_tokens_per_s": round(comp_n / comp_s),
    }
    if args.json:
        print(json.dumps(result, indent=1))
    else:
        print(f"texts: {source} ({len(texts)} documents, {full_n} tokens per run, one core)")
        print(f"bare spaCy pipeline {'+'.join(result['pipeline'])}: {result['bare_tokens_per_s']:,} tokens per CPU second")
        print(f"full tagging pipeline ({result['tagger']}):  {result['full_tokens_per_s']:,} tokens per CPU second")
        print(f"tagging components alone: {result['tagging_components_tokens_per_s']:,} tokens per CPU second")
    return 0


if __name__ == "__main__":
    sys.exit(main())
