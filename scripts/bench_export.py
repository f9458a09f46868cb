#!/usr/bin/env python3
"""Time search, views and every export on a synthetic store of N documents.

    PYTHONPATH=. .venv/bin/python scripts/bench_export.py --documents 2000

Synthetic: each document gets 8 Dutch paragraphs over 3 pages and ~12 annotations drawn
from the contract's labels; it measures the query/export machinery, not the tagger.
"""
from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from miner import config  # noqa: E402
from miner.export import labels as L  # noqa: E402
from miner.export.readonly import ReadOnlyDatabase  # noqa: E402
from miner.export.run import KINDS, export  # noqa: E402
from miner.export.search import search  # noqa: E402
from miner.store import connect, tagging, transaction  # noqa: E402

WORDS = ("discriminatie uitsluiting wijkteam vrijwilligers gemeente bewoners ontmoeting training melden "
         "vooroordelen jongeren ouderen moslimdiscriminatie racisme sportvereniging buurthuis coördinator "
         "geëvalueerd samenwerking beleid onderzoek ervaringen professionals").split()


def build(path: Path, n_docs: int, seed: int = 7) -> None:
    rnd = random.Random(seed)
    conn = connect(path)
    now = "2026-01-01T00:00:00+00:00"
    with transaction(conn):
        for i in range(n_docs):
            paras = [" ".join(rnd.choice(WORDS) for _ in range(rnd.randint(12, 40))).capitalize() + "."
                     for _ in range(8)]
            text = "\n\n".join(paras)
            doc_id = conn.execute(
                "INSERT INTO documents (doc_key, source, url, title, date, doc_type, authors, status, text, "
                "first_seen, updated_at) VALUES (?, ?, ?, ?, ?, ?, '[]', 'extracted', ?, ?, ?)",
                (f"bench:{i}", rnd.choice(["movisie", "kis", "tweedekamer", "web"]), f"https://example.org/{i}",
                 f"Document {i}: {paras[0][:60]}", f"{rnd.randint(2005, 2025)}-01-01",
                 rnd.choice(["rapport", "kamervraag", "webpagina"]), text, now, now)).lastrowid
            pos = 0
            for seq, para in enumerate(paras):
                page = 1 + seq * 3 // len(paras)
                conn.execute("INSERT INTO passage_spans (document_id, seq, page_no, char_start, char_end) "
                             "VALUES (?, ?, ?, ?, ?)", (doc_id, seq, page, pos, pos + len(para)))
                records = []
                for _ in range(rnd.randint(0, 3)):
                    layer = rnd.choice(["ground", "mechanism", "setting", "recommendation"])
                    label = "recommendation" if layer == "recommendation" else rnd.choice(L.BY_LAYER[layer])
                    actor = [rnd.choice(L.ACTORS)] if layer == "recommendation" else []
                    records.append({"layer": layer, "label": label, "start": pos, "end": pos + 10, "text": para[:10],
                                    "sentence_start": pos, "sentence_end": pos + len(para), "sentence": para,
                                    "page": page, "actor": actor, "source": "bench"})
                tagging.write_annotations(conn, doc_id, records)
                pos += len(para) + 2
            conn.execute("INSERT INTO document_labels VALUES (?, 'evidence_type', ?, 1.0, 'bench')",
                         (doc_id, rnd.choice(L.EVIDENCE_TYPES)))
    conn.close()


def timed(fn):
    """Wall-clock and CPU seconds: the machine is shared, so CPU time is the steadier figure."""
    t0, c0 = time.perf_counter(), time.process_time()
    out = fn()
    return out, (time.perf_counter() - t0, time.process_time() - c0)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--documents", type=int, default=2000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "config.toml").write_text("", encoding="utf-8")
        cfg = config.load(root / "config.toml")
        _, (t_build, _) = timed(lambda: build(cfg.database, args.documents))
        db = ReadOnlyDatabase(cfg.database)
        n_ann = db.run("SELECT COUNT(*) FROM annotations").rows[0][0]
        n_pass = db.run("SELECT COUNT(*) FROM passages").rows[0][0]
        print(f"store: {args.documents} documents, {n_pass} passages, {n_ann} annotations (built in {t_build:.1f} s)")
        queries = ["moslimdiscriminatie", "coordinator", "training AND vrijwilligers", '"gemeente bewoners"', "racis*"]
        _, (wall, cpu) = timed(lambda: [search(db.conn, q, limit=20) for q in queries])
        print(f"search: {wall / len(queries) * 1000:.1f} ms wall, {cpu / len(queries) * 1000:.1f} ms CPU per query "
              "(top 20, bm25, snippets)")
        _, (wall, cpu) = timed(lambda: db.run("SELECT * FROM evidence_matrix"))
        print(f"view evidence_matrix: {wall * 1000:.0f} ms wall, {cpu * 1000:.0f} ms CPU")
        db.close()
        for kind in KINDS:
            written, (wall, cpu) = timed(lambda: export(cfg, kind))
            size = sum(p.stat().st_size for p in written.paths) / 1e6
            print(f"export {kind}: {wall:.2f} s wall, {cpu:.2f} s CPU, {size:.1f} MB ({written.note})")


if __name__ == "__main__":
    main()
