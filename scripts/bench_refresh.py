"""Benchmark `miner refresh` against a local fixture corpus of a few hundred documents.

Starts the loopback fixture server of the test suite (OData, SRU, officielebekendmakingen pages,
publication sites with generated PDFs), then runs, each as a separate `python -m miner refresh`:

1. a first refresh into an empty store;
2. a second refresh with nothing changed (should be conditional requests only, nothing re-extracted);
3. with --kills N: a fresh store, N runs killed with SIGKILL at random moments, one run to the end,
   then PRAGMA integrity_check, duplicates and a comparison with the store of run 1.

Figures are measured at the server (requests, body bytes) and from the runs table (re-extracted).
Usage:  PYTHONPATH=$PWD .venv/bin/python scripts/bench_refresh.py [--questions 150] [--publications 150]
        [--kills 10] [--workers 1]
"""
from __future__ import annotations

import argparse
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

import crawl_corpus  # noqa: E402
from crawl_helpers import integrity, snapshot  # noqa: E402
from fixture_server import FixtureServer  # noqa: E402


def refresh(config: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-m", "miner", "refresh", "--config", str(config)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def timed_run(server: FixtureServer, config: Path, db: Path) -> dict:
    server.reset_log()
    t = time.monotonic()
    proc = refresh(config)
    out, err = proc.communicate()
    wall = time.monotonic() - t
    if proc.returncode != 0:
        raise SystemExit(f"refresh failed ({proc.returncode}):\n{out}\n{err}")
    conn = sqlite3.connect(db)
    summary = json.loads(conn.execute("SELECT summary FROM runs WHERE command = 'refresh' ORDER BY id DESC LIMIT 1"
                                      ).fetchone()[0])
    docs = conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
    conn.close()
    hits = list(server.hits)
    return {"wall_s": round(wall, 2), "requests": len(hits),
            "bodies_200": sum(1 for h in hits if h.status == 200),
            "not_modified_304": sum(1 for h in hits if h.status == 304),
            "bytes_downloaded": sum(h.bytes for h in hits),
            "re_extracted": summary["extraction"]["extracted"] + summary["extraction"]["needs_ocr"],
            "documents_in_store": docs}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--questions", type=int, default=150, help="extra Kamervragen (OData Zaak + SRU record + page)")
    ap.add_argument("--publications", type=int, default=150, help="extra publication pages with a PDF each")
    ap.add_argument("--kills", type=int, default=10, help="SIGKILLs for the resume check (0 to skip)")
    ap.add_argument("--workers", type=int, default=1, help="extract.workers")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="bench-refresh-") as tmp, FixtureServer() as server:
        tmp = Path(tmp)
        t = time.monotonic()
        crawl_corpus.install(server, extra_questions=args.questions, extra_publications=args.publications,
                             odata_page_size=50)
        print(f"fixture corpus ready in {time.monotonic() - t:.1f} s", file=sys.stderr)
        config = crawl_corpus.write_config(tmp / "a.toml", server, tmp / "a", workers=args.workers, page_size=50,
                                           read_timeout=30)
        first = timed_run(server, config, tmp / "a" / "miner.sqlite")
        second = timed_run(server, config, tmp / "a" / "miner.sqlite")
        result = {"first": first, "second": second,
                  "second_over_first_wall": round(second["wall_s"] / first["wall_s"], 3)}
        if args.kills:
            config_b = crawl_corpus.write_config(tmp / "b.toml", server, tmp / "b", workers=args.workers,
                                                 page_size=50, read_timeout=30)
            moments = []
            for _ in range(args.kills):
                moment = rng.uniform(0.5, first["wall_s"])
                moments.append(round(moment, 2))
                proc = refresh(config_b)
                time.sleep(moment)
                proc.send_signal(signal.SIGKILL)
                proc.communicate()
            proc = refresh(config_b)
            out, err = proc.communicate()
            ok, dups = integrity(tmp / "b" / "miner.sqlite")
            same = snapshot(tmp / "b" / "miner.sqlite") == snapshot(tmp / "a" / "miner.sqlite")
            result["kills"] = {"kill_moments_s": moments, "final_exit": proc.returncode, "integrity_check": ok,
                               "duplicate_documents": dups, "same_store_as_uninterrupted": same}
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
