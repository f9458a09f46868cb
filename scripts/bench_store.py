#!/usr/bin/env python3
"""Store size per document, by table, before and after migrations 016 (sentences stored once) and
017 (the document text stored once: passages and sentences are spans of documents.text) and 018
(gap labels per document instead of a partial index over the annotations).

    PYTHONPATH=. .venv/bin/python scripts/bench_store.py --demo                 # `miner demo`'s store
    PYTHONPATH=. .venv/bin/python scripts/bench_store.py --synth 2000           # scripts/synth_store.py
    PYTHONPATH=. .venv/bin/python scripts/bench_store.py --synth-demo 10000     # ... demo corpus seeds only
    PYTHONPATH=. .venv/bin/python scripts/bench_store.py --store corpora/miner.sqlite   # a copy of yours

Each store is built by the real pipeline (``miner demo``: crawl of the loopback mirror, extraction,
tagging; ``synth_store.py``: really tagged documents replicated through the store API) with this
miner, so in the new layout.  From it the script makes, in one run:

* **before** — the same rows in the schema of a miner without migrations 016 and 017 (every
  annotation repeating its sentence and matched words, the full-text index per annotation, every
  passage its own copy of its text), as that miner would have written them;
* **migrated** — that store after this miner's migrations (016 moves the sentences, 017 makes
  passages and sentences spans of the document text), then VACUUM;
* **built new** — the store as built (VACUUM).

and prints the bytes per document of every table with its indexes (full-text indexes with their
shadow tables), from SQLite's ``dbstat`` (page counts when dbstat is missing), and the totals.
Tables that do not grow with the corpus (gaps, topics, the schema) are listed too: at a few dozen
documents they weigh a lot per document, at 10,000 they vanish.  The stores are copies in a
temporary folder; a ``--store`` given is only read.
"""
from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from miner.store import connect  # noqa: E402
from miner.store import db as store_db  # noqa: E402

SENTENCES_MIGRATION = 16
BEFORE = max(v for v, _, _ in store_db.migrations() if v < SENTENCES_MIGRATION)
# tables whose size does not depend on the number of documents
# (annotation_sources grows with the tagger's patterns, a few thousand at most, not with documents)
FIXED = {"gaps", "attention", "topics", "topic_models", "schema", "schema_migrations", "runs", "annotation_sources"}


def _log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# -- building stores ----------------------------------------------------------------------------

def demo_store(work: Path) -> Path:
    """`miner demo` into ``work``: the real refresh against the loopback mirror."""
    _log("building the demo store (miner demo) …")
    r = subprocess.run([sys.executable, "-m", "miner", "demo", "--dir", str(work / "demo")], cwd=ROOT,
                       capture_output=True, text=True, env=_env())
    if r.returncode != 0:
        raise SystemExit(f"miner demo failed ({r.returncode}): {r.stderr.strip()[-500:]}")
    return work / "demo" / "miner.sqlite"


def synth_store(work: Path, n: int, demo_only: bool = False) -> Path:
    script = ROOT / "scripts" / "synth_store.py"
    if not script.exists():
        raise SystemExit(f"{script} is missing (it builds the synthetic store)")
    _log(f"building a synthetic store of {n} documents (scripts/synth_store.py) …")
    out = work / ("synth-demo" if demo_only else "synth")
    args = ["--shared-pdfs", "0", "--train-docs", "0"] if demo_only else []
    r = subprocess.run([sys.executable, str(script), "--docs", str(n), "--out", str(out), *args], cwd=ROOT,
                       capture_output=True, text=True, env=_env())
    if r.returncode != 0:
        raise SystemExit(f"synth_store.py failed ({r.returncode}): {r.stderr.strip()[-500:]}")
    return out / "corpora" / "miner.sqlite"


def _env() -> dict:
    import os
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


def backup(src: Path, dst: Path) -> None:
    """A consistent copy of a store (its WAL included) with SQLite's backup API."""
    s = sqlite3.connect(f"file:{src}?mode=ro", uri=True)
    d = sqlite3.connect(dst)
    with d:
        s.backup(d)
    s.close()
    d.close()


def _apply_migrations(conn: sqlite3.Connection, upto: int) -> None:
    conn.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
                 "applied_at TEXT NOT NULL)")
    for version, name, sql in store_db.migrations():
        if version > upto:
            break
        conn.execute("BEGIN")
        for stmt in store_db._statements(sql):
            conn.execute(stmt)
        conn.execute("INSERT INTO schema_migrations VALUES (?, ?, ?)", (version, name, store_db.utcnow()))
        conn.execute("COMMIT")


def _plain_tables(conn: sqlite3.Connection, schema: str = "main") -> list[str]:
    """Ordinary tables (no virtual tables, their shadow tables, or SQLite's own)."""
    rows = conn.execute(f"SELECT name, sql FROM {schema}.sqlite_master WHERE type = 'table' ORDER BY rowid").fetchall()
    virtual = [n for n, sql in rows if (sql or "").upper().startswith("CREATE VIRTUAL TABLE")]
    return [n for n, _ in rows if n not in virtual and not n.startswith("sqlite_") and n != "schema_migrations"
            and not any(n.startswith(v + "_") for v in virtual)]


def _columns(conn, table: str, schema: str = "main") -> list[str]:
    return [r[1] for r in conn.execute(f"PRAGMA {schema}.table_info({table})")]


def before_copy(src: Path, dst: Path) -> None:
    """The rows of ``src`` (new layout) in the schema of the miner before migration 016, written as
    that miner wrote them: the sentence in every annotation row, the index filled by its triggers."""
    conn = sqlite3.connect(dst, isolation_level=None)
    _apply_migrations(conn, BEFORE)
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("ATTACH DATABASE ? AS src", (f"file:{src}?mode=ro",))
    conn.execute("BEGIN")
    # tables and views of the source (since 017 `passages` is a view over passage_spans and documents.text)
    src_tables = set(_plain_tables(conn, "src")) | {
        r[0] for r in conn.execute("SELECT name FROM src.sqlite_master WHERE type = 'view'")}
    for table in _plain_tables(conn):
        if table not in src_tables:
            continue
        cols = _columns(conn, table)
        have = set(_columns(conn, table, "src"))
        if table == "annotations":   # the matched words, the sentence and the source back in every row
            picked = [c for c in cols if c in have and c not in ("sentence", "source", "text")]
            conn.execute(f"INSERT INTO main.annotations ({', '.join(picked + ['text', 'sentence', 'source'])}) "
                         f"SELECT {', '.join('a.' + c for c in picked)}, "
                         "substr(d.text, a.char_start + 1, a.char_end - a.char_start), "
                         "substr(d.text, a.sentence_start + 1, a.sentence_end - a.sentence_start), x.source "
                         "FROM src.annotations a JOIN src.documents d ON d.id = a.document_id "
                         "JOIN src.annotation_sources x ON x.id = a.source_id ORDER BY a.id")
            continue
        picked = [c for c in cols if c in have]
        conn.execute(f"INSERT INTO main.{table} ({', '.join(picked)}) SELECT {', '.join(picked)} FROM src.{table}")
    conn.execute("COMMIT")
    conn.execute("DETACH DATABASE src")
    conn.close()


def vacuum(path: Path) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.execute("VACUUM")
    conn.close()


# -- measuring ----------------------------------------------------------------------------------

def sizes(path: Path) -> tuple[dict[str, int], int, int]:
    """(bytes per table group, file bytes, documents).  A group is a table with its indexes; a
    full-text index with its shadow tables."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    owner = {}
    rows = conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master").fetchall()
    virtual = [n for t, n, _, sql in rows if t == "table" and (sql or "").upper().startswith("CREATE VIRTUAL")]
    for t, name, tbl, _ in rows:
        shadow = next((v for v in virtual if name.startswith(v + "_")), None)
        owner[name] = shadow or (tbl if t == "index" else name)
    owner["sqlite_schema"] = owner["sqlite_master"] = "schema"
    try:
        stat = conn.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name").fetchall()
    except sqlite3.OperationalError:   # no dbstat in this SQLite: page counts of the file instead
        page = conn.execute("PRAGMA page_size").fetchone()[0]
        used = conn.execute("PRAGMA page_count").fetchone()[0] - conn.execute("PRAGMA freelist_count").fetchone()[0]
        stat = [("(all tables: dbstat not available)", used * page)]
    groups: dict[str, int] = {}
    for name, size in stat:
        g = owner.get(name, name)
        groups[g] = groups.get(g, 0) + size
    n_docs = conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
    conn.close()
    return groups, path.stat().st_size, n_docs


def density(path: Path) -> dict:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    n_docs = conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0] or 1
    n_ann = conn.execute("SELECT COUNT(*) FROM annotations").fetchone()[0]
    cols = _columns(conn, "annotations")
    if "sentence_id" in cols:
        n_sent, sent_bytes = conn.execute("SELECT COUNT(*), COALESCE(SUM(length(CAST(text AS BLOB))), 0) "
                                          "FROM sentences").fetchone()
    else:
        n_sent, sent_bytes = conn.execute(
            "SELECT COUNT(*), COALESCE(SUM(length(CAST(sentence AS BLOB))), 0) FROM (SELECT DISTINCT document_id, "
            "sentence_start, sentence_end, sentence FROM annotations)").fetchone()
    text_bytes = conn.execute("SELECT COALESCE(SUM(length(CAST(text AS BLOB))), 0) FROM documents").fetchone()[0]
    conn.close()
    return {"documents": n_docs, "annotations_per_document": round(n_ann / n_docs, 2),
            "sentences_per_document": round(n_sent / n_docs, 2),
            "sentence_text_bytes_per_document": round(sent_bytes / n_docs),
            "document_text_bytes_per_document": round(text_bytes / n_docs)}


def sentence_read_cost(before: Path, after: Path) -> dict:
    """CPU seconds to read every tagged sentence and every passage: stored text (the layout before
    016/017) vs cut out of documents.text (the `sentences` and `passages` views since 017)."""
    out = {}
    for name, path, sql in (
            ("sentences_stored", before, "SELECT DISTINCT document_id, sentence_start, sentence_end, sentence "
                                         "FROM annotations"),
            ("sentences_cut_from_document", after, "SELECT document_id, char_start, char_end, text FROM sentences"),
            ("passages_stored", before, "SELECT document_id, char_start, text FROM passages"),
            ("passages_cut_from_document", after, "SELECT document_id, char_start, text FROM passages")):
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        best, n = None, 0
        for _ in range(3):
            c0 = time.process_time()
            n = sum(1 for _ in conn.execute(sql))
            t = time.process_time() - c0
            best = t if best is None else min(best, t)
        out[name] = round(best, 3)
        out[name.split("_")[0]] = n
        conn.close()
    return out


def view_cost(path: Path) -> dict:
    """CPU seconds (best of 3) of what downstream reads from effective_annotations: the labels per
    document (gaps, the map) and every row with its sentence (exports)."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    out = {}
    for name, sql in (("labels_per_document", "SELECT COUNT(*) FROM (SELECT DISTINCT document_id, layer, label "
                                              "FROM effective_annotations)"),
                      ("rows_with_sentence", "SELECT COUNT(*), SUM(length(sentence)), SUM(length(source)) "
                                             "FROM effective_annotations")):
        best = None
        for _ in range(3):
            c0 = time.process_time()
            conn.execute(sql).fetchall()
            t = time.process_time() - c0
            best = t if best is None else min(best, t)
        out[name] = round(best, 3)
    conn.close()
    return out


def quotes_cost(path: Path) -> float:
    """CPU seconds (best of 3) of the exports' bulk read (``miner.store.evidence.quotes``, every layer):
    offsets from the view, the words cut per document in Python."""
    from miner.store import evidence
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    layers = tuple(r[0] for r in conn.execute("SELECT DISTINCT layer FROM annotations"))
    best = None
    for _ in range(3):
        c0 = time.process_time()
        evidence.quotes(conn, layers)
        t = time.process_time() - c0
        best = t if best is None else min(best, t)
    conn.close()
    return round(best, 3)


def measure(label: str, built: Path, work: Path) -> dict:
    work.mkdir(parents=True, exist_ok=True)
    new, old, migrated = work / "built.sqlite", work / "before.sqlite", work / "migrated.sqlite"
    backup(built, new)
    connect(new).close()               # a store from an older miner: brought to this schema first
    before_copy(new, old)
    vacuum(old)
    shutil.copy(old, migrated)
    t0 = time.process_time()
    connect(migrated).close()          # this miner's migrations: 016 moves the sentences
    t_migrate = time.process_time() - t0
    vacuum(migrated)
    vacuum(new)
    result = {"store": label, "density_before": density(old), "density_after": density(migrated),
              "migration_cpu_s": round(t_migrate, 2), "read_cpu_s": sentence_read_cost(old, migrated),
              "view_cpu_s": {"before": view_cost(old), "migrated": view_cost(migrated)},
              "quotes_cpu_s": quotes_cost(migrated),
              "layouts": {}}
    for name, path in (("before", old), ("migrated", migrated), ("built new", new)):
        groups, file_bytes, n_docs = sizes(path)
        result["layouts"][name] = {"documents": n_docs, "file_bytes": file_bytes, "tables": groups}
    return result


def report(res: dict) -> str:
    lay = res["layouts"]
    n = lay["before"]["documents"] or 1
    names = sorted(set().union(*(v["tables"] for v in lay.values())),
                   key=lambda t: -max(v["tables"].get(t, 0) for v in lay.values()))
    lines = [f"## {res['store']}: {n} documents, "
             f"{res['density_after']['annotations_per_document']} annotations and "
             f"{res['density_after']['sentences_per_document']} tagged sentences per document "
             f"(same before and after: {res['density_before']['annotations_per_document']} / "
             f"{res['density_before']['sentences_per_document']})",
             "", "| table (+ its indexes) | before B/doc | migrated B/doc | built new B/doc |", "|---|---:|---:|---:|"]
    for t in names:
        cells = [lay[k]["tables"].get(t, 0) / n for k in ("before", "migrated", "built new")]
        if max(cells) < 20:
            continue
        lines.append(f"| {t}{' (fixed)' if t in FIXED else ''} | " + " | ".join(f"{c:,.0f}" for c in cells) + " |")
    tot = {k: sum(v["tables"].values()) for k, v in lay.items()}
    fixed = {k: sum(s for t, s in v["tables"].items() if t in FIXED) for k, v in lay.items()}
    lines.append("| **total (dbstat)** | " + " | ".join(f"**{tot[k] / n:,.0f}**" for k in ("before", "migrated", "built new")) + " |")
    lines.append("| total without fixed-size tables | " + " | ".join(
        f"{(tot[k] - fixed[k]) / n:,.0f}" for k in ("before", "migrated", "built new")) + " |")
    lines.append("| file after VACUUM | " + " | ".join(
        f"{lay[k]['file_bytes'] / n:,.0f}" for k in ("before", "migrated", "built new")) + " |")
    ann = {k: sum(s for t, s in lay[k]["tables"].items() if t in ("annotations", "annotations_fts", "sentences",
                                                                   "sentence_spans", "sentences_fts",
                                                                   "annotation_sources"))
           for k in lay}
    lines.append("| annotations + sentences + sources + their full-text index | " + " | ".join(
        f"{ann[k] / n:,.0f}" for k in ("before", "migrated", "built new")) + " |")
    txt = {k: sum(s for t, s in lay[k]["tables"].items() if t in ("documents", "passages", "passage_spans",
                                                                   "passages_fts"))
           for k in lay}
    lines.append("| documents + passages + their full-text index | " + " | ".join(
        f"{txt[k] / n:,.0f}" for k in ("before", "migrated", "built new")) + " |")
    ratio = (tot["migrated"] - fixed["migrated"]) / max(tot["before"] - fixed["before"], 1)
    d, r = res["density_after"], res["read_cpu_s"]
    lines += ["", f"migrated / before (without fixed-size tables): {ratio:.2f}; migrations 016-018: "
              f"{res['migration_cpu_s']} CPU s; document text {d['document_text_bytes_per_document']:,} B/doc, "
              f"of it in tagged sentences {d['sentence_text_bytes_per_document']:,} B/doc",
              f"reading all {r['sentences']:,} tagged sentences: {r['sentences_stored']} CPU s stored, "
              f"{r['sentences_cut_from_document']} cut out of documents.text; all {r['passages']:,} passages: "
              f"{r['passages_stored']} stored, {r['passages_cut_from_document']} cut out"]
    v = res["view_cpu_s"]
    lines.append(f"effective_annotations, labels per document: {v['before']['labels_per_document']} CPU s before, "
                 f"{v['migrated']['labels_per_document']} after; every row with its sentence: "
                 f"{v['before']['rows_with_sentence']} before, {v['migrated']['rows_with_sentence']} after "
                 f"(the exports' reader, offsets + words cut per document in Python: {res['quotes_cpu_s']})")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--demo", action="store_true", help="measure the store `miner demo` builds")
    ap.add_argument("--synth", type=int, metavar="N", help="measure a synthetic store of N documents (seeds: "
                    "the demo corpus and, when present, ../shared PDFs and train passages)")
    ap.add_argument("--synth-demo", type=int, metavar="N", help="the same with the demo corpus as the only seeds")
    ap.add_argument("--store", type=Path, action="append", default=[], help="measure (a copy of) this store")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = ap.parse_args()
    if not (args.demo or args.synth or args.synth_demo or args.store):
        args.demo = True
    for s in args.store:
        if not s.is_file():
            raise SystemExit(f"no store at {s}")
    results = []
    with tempfile.TemporaryDirectory(prefix="bench_store-") as tmp:
        work = Path(tmp)
        todo = []
        if args.demo:
            todo.append(("miner demo", demo_store(work)))
        if args.synth:
            todo.append((f"synthetic, all seeds ({args.synth} documents, scripts/synth_store.py)",
                         synth_store(work, args.synth)))
        if args.synth_demo:
            todo.append((f"synthetic, demo seeds ({args.synth_demo} documents, scripts/synth_store.py "
                         "--shared-pdfs 0 --train-docs 0)", synth_store(work, args.synth_demo, demo_only=True)))
        todo += [(str(s), s) for s in args.store]
        for i, (label, path) in enumerate(todo):
            _log(f"measuring {label} …")
            results.append(measure(label, path, work / f"m{i}"))
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        print("\n\n".join(report(r) for r in results))


if __name__ == "__main__":
    main()
