#!/usr/bin/env python3
"""`miner tag --all` on N documents with one process and with all cores: CPU time over wall time.

    PYTHONPATH=. .venv/bin/python scripts/bench_parallel.py [--documents 200] [--workers 2] [--words 1500]

Builds a temporary store (`miner add --no-tag` of N plain-text documents), then runs
`miner tag --all` on a copy of it once with `[compute] workers = 1` and once with
`--workers` processes, each as its own `python -m miner` process.  Reported per run:
wall time, CPU time of the command and all its workers (measured from outside, by the
operating system: process start and model loading included), CPU/wall, documents and
tokens per wall second, and miner's own throughput line.  Both stores must be equal.

Texts: the gold dev passages and seeds from ../shared when present (read into the temporary
store, never into the repository), else the test fixture sentences; each document is a
pseudo-random mix of about --words words of them.  Pipeline: the configured one
(`nlp.pipeline = auto`: the shipped models/nl_miner) with the shipped learned tagger.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def texts() -> tuple[list[str], str]:
    for base in (ROOT.parent / "shared", Path("/work/shared")):
        gold = base / "eval" / "dev_gold.jsonl"
        if gold.exists():
            out = [json.loads(line)["text"] for line in gold.read_text(encoding="utf-8").splitlines() if line]
            out += [p.read_text(encoding="utf-8") for p in sorted((base / "seeds").glob("*.txt"))]
            return out, f"{gold} + seeds"
    from tests.test_compute import SENTENCES
    return SENTENCES, "test fixture sentences"


def write_documents(folder: Path, n: int, words: int, seed: int = 11) -> str:
    base, source = texts()
    rng = random.Random(seed)
    folder.mkdir(parents=True)
    for i in range(n):
        parts, count = [], 0
        while count < words:
            t = rng.choice(base)
            parts.append(t)
            count += len(t.split())
        (folder / f"doc{i:04d}.txt").write_text(f"Document {i}\n\n" + "\n\n".join(parts) + "\n", encoding="utf-8")
    return source


def write_config(folder: Path, workers: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "config.toml"
    path.write_text(f'[store]\ndata_dir = "data"\ndatabase = "data/miner.sqlite"\nmodels_dir = "{ROOT / "models"}"\n'
                    f"[extract]\nworkers = 1\nocr = false\n[compute]\nworkers = {workers}\n", encoding="utf-8")
    return path


def miner(config: Path, *args) -> tuple[float, float, str]:
    """(wall s, CPU s of the process and every worker it waited for, output)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "miner", *args, "--config", str(config)], env=env,
                          capture_output=True, text=True)
    wall = time.monotonic() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"miner {' '.join(args)} failed:\n{proc.stdout}\n{proc.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, proc.stdout


def snapshot(db: Path) -> list:
    conn = sqlite3.connect(db)
    rows = sorted(conn.execute("SELECT document_id, layer, label, char_start, char_end, confidence FROM annotations"))
    rows += sorted(conn.execute("SELECT id, relevance, relevant FROM documents"))
    conn.close()
    return rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--documents", type=int, default=200)
    ap.add_argument("--words", type=int, default=1500, help="about this many words per document")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="miner-bench-parallel-") as tmp:
        tmp = Path(tmp)
        source = write_documents(tmp / "docs", args.documents, args.words)
        base = write_config(tmp / "base", 1)
        miner(base, "add", "--no-tag", str(tmp / "docs"))
        conn = sqlite3.connect(tmp / "base" / "data" / "miner.sqlite")
        words = sum(len((r[0] or "").split()) for r in conn.execute("SELECT text FROM documents"))
        conn.close()
        results, stores = {}, {}
        for workers in (1, args.workers):
            folder = tmp / f"w{workers}"
            config = write_config(folder, workers)
            (folder / "data").mkdir()
            src, dst = sqlite3.connect(tmp / "base" / "data" / "miner.sqlite"), sqlite3.connect(folder / "data" / "miner.sqlite")
            src.backup(dst)
            src.close()
            dst.close()
            wall, cpu, out = miner(config, "tag", "--all")
            line = next((x for x in out.splitlines() if x.startswith("throughput")), "")
            results[workers] = {"wall_s": round(wall, 1), "cpu_s": round(cpu, 1), "cpu_per_wall": round(cpu / wall, 2),
                                "docs_per_s": round(args.documents / wall, 2), "words_per_s": round(words / wall),
                                "miner": line}
            stores[workers] = snapshot(folder / "data" / "miner.sqlite")
    same = stores[1] == stores[args.workers]
    load = os.getloadavg()
    if args.json:
        print(json.dumps({"documents": args.documents, "words": words, "texts": source, "same_store": same,
                          "loadavg": load, "runs": results}, indent=1))
    else:
        print(f"tag --all on {args.documents} documents ({words:,} words; texts: {source}), "
              f"{os.cpu_count()} cores, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
        for workers, r in results.items():
            print(f"  {workers} process(es): wall {r['wall_s']:7.1f} s  CPU {r['cpu_s']:7.1f} s  "
                  f"CPU/wall {r['cpu_per_wall']:.2f}  {r['docs_per_s']:.2f} docs/s  {r['words_per_s']:,} words/s")
            print(f"      miner: {r['miner']}")
        speedup = results[1]["wall_s"] / results[args.workers]["wall_s"]
        print(f"  wall-time speed-up {speedup:.2f}×; stores equal: {'yes' if same else 'NO'}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
