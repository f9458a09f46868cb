"""Benchmark of the topic model: quality against plain LDA, refit stability, fitting time.

    PYTHONPATH=. .venv/bin/python scripts/bench_topics.py [--shared ../shared] [--sizes 100,1000,10000]

1. Quality, on real Dutch text from ../shared (read-only, nothing copied): the seeds, the
   eval passages, the shared PDFs (extracted with miner.extract, no OCR) and the UD Dutch
   treebank documents (sentences regrouped into their source documents).  The configured
   model (auto k by NPMI) is compared with scikit-learn's LatentDirichletAllocation with
   default settings on the same vocabulary and the same number of topics: NPMI (top 10
   terms, document co-occurrence on this corpus) and diversity (unique share of top 25).
2. Stability on the same corpus: fit on 90% of the documents, add the other 10%, refresh;
   the share of topic ids kept, and kept with (at least 5 of 10) the same top terms.
   With k chosen again (auto), k fixed, and k fixed without warm start (refit from scratch).
   Also: a refresh without change keeps the model; a refit from scratch gives the same topics.
3. Time: `miner refresh`'s topics step (read, lemmatise, choose k, fit, store) on synthetic
   Dutch-like corpora of the given sizes, and the gaps step on 10,000 annotated documents.
4. Memory (``--memory-sizes 10000,50000``): peak RSS (``ru_maxrss`` of the child process, from
   ``os.wait4``) and CPU time of `miner topics --refit` on synthetic stores built from really
   tagged real sentences by ``scripts/synth_store.py`` (built once per size under
   ``--store-dir``, reused afterwards), next to the in-memory fit of ``--baseline-rev`` (the
   topics package before it went out of core, run from ``git archive`` against the same store)
   up to ``--baseline-max-docs`` documents; beyond that the baseline is projected from its RSS
   per MB of text at the largest size measured.
"""
from __future__ import annotations

import argparse
import glob
import io
import json
import os
import re
import subprocess
import sys
import tarfile
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from miner import config  # noqa: E402
from miner.store import connect, tagging, utcnow  # noqa: E402
from miner.topics import corpus as corpus_mod, quality, reports, stage, synthetic  # noqa: E402


def add(conn, key, text, doc_type="rapport"):
    now = utcnow()
    conn.execute("INSERT INTO documents (doc_key, source, doc_type, language, is_dutch, status, text, "
                 "extracted_sha256, first_seen, updated_at) VALUES (?, 'bench', ?, 'nl', 1, 'extracted', ?, ?, ?, ?)",
                 (key, doc_type, text, key, now, now))


def ud_documents(shared: Path, min_words: int = 80) -> dict[str, str]:
    docs: dict[str, list[str]] = defaultdict(list)
    for f in sorted(glob.glob(str(shared / "data" / "ud_dutch" / "*.conllu"))):
        key, tokens = None, []
        for line in open(f, encoding="utf-8"):
            if line.startswith("# sent_id = "):
                sid = line[12:].strip()
                key = sid.split("_")[1] if sid.startswith("LassySmall") else re.split(r"\.", sid)[0]
            elif line.startswith("# wiki-"):          # lassysmall v2.0: no sent_id/text lines
                key = line[2:].split(".")[0]
            elif line.startswith("#"):
                continue
            elif line.strip():
                cols = line.split("\t")
                if cols[0].isdigit():
                    tokens.append(cols[1])
            elif key:
                docs[key].append(" ".join(tokens))
                tokens = []
    return {k: " ".join(v) for k, v in docs.items() if len(" ".join(v).split()) >= min_words}


def real_corpus(conn, shared: Path) -> dict:
    from miner.extract import ExtractOptions, extract_file
    counts = defaultdict(int)
    for p in sorted((shared / "seeds").glob("*.txt")):
        add(conn, f"seed:{p.name}", p.read_text(encoding="utf-8"), "kamervraag" if p.name.startswith("001") else "rapport")
        counts["seeds"] += 1
    for line in open(shared / "eval" / "dev_gold.jsonl", encoding="utf-8"):
        d = json.loads(line)
        add(conn, f"eval:{d['id']}", d["text"], "webpagina")
        counts["eval passages"] += 1
    opts = ExtractOptions(ocr=False)
    for p in sorted((shared / "pdfs").glob("*.pdf")):
        try:
            ext = extract_file(p, opts)
        except Exception as exc:  # a broken shared PDF must not stop the benchmark
            print(f"  skipped {p.name}: {exc}", file=sys.stderr)
            continue
        if len(ext.text.split()) >= 50:
            add(conn, f"pdf:{p.name}", ext.text)
            counts["pdfs"] += 1
    for key, text in ud_documents(shared).items():
        add(conn, f"ud:{key}", text, "webpagina")
        counts["UD treebank documents"] += 1
    return dict(counts)


def lda_baseline(corpus, tcfg, k):
    """scikit-learn's LDA with default settings on the same units and vocabulary, scored the same way."""
    import numpy as np
    from sklearn.decomposition import LatentDirichletAllocation
    counts = corpus.select(np.arange(corpus.n_units))
    lda = LatentDirichletAllocation(n_components=k, random_state=0)   # defaults otherwise
    lda.fit(counts)
    comp = lda.components_ / lda.components_.sum(axis=1, keepdims=True)
    npmi = quality.npmi_per_topic((counts > 0).astype(float), quality.top_term_indices(comp, tcfg["coherence_top_n"]))
    return {"k": k, "npmi": round(float(np.mean(npmi)), 4),
            "diversity": round(quality.diversity(quality.top_term_indices(comp, tcfg["diversity_top_n"])), 4)}


def quality_and_stability(shared: Path, tmp: Path) -> dict:
    cfg = config.from_dict({"store": {"database": "q.sqlite"}}, tmp)
    tcfg = cfg["topics"]
    conn = connect(cfg.database)
    sources = real_corpus(conn, shared)
    t0 = time.perf_counter()
    run = stage.run(cfg, conn, progress=False)
    fit_s = time.perf_counter() - t0
    with corpus_mod.load(conn, tcfg, tmp / "spill") as corpus:
        base = lda_baseline(corpus, tcfg, run["n_topics"])
    model_row = stage.active_model(conn)
    out = {"corpus": sources, "documents": run["documents"], "units": run["units"],
           "chosen": {"method": run["method"], "k": run["n_topics"], "npmi": run["npmi"],
                      "diversity": run["diversity"], "unassigned_share": run["unassigned_share"],
                      "candidates": json.loads(model_row["params"])["candidates"], "seconds": round(fit_s, 1)},
           "lda_default": base,
           "topics": [{"id": t["id"], "terms": t["top_terms"][:8], "n": t["n_documents"]}
                      for t in reports.current_topics(conn)]}
    # refresh without change, and a refit from scratch
    before = [(t["id"], t["top_terms"]) for t in reports.current_topics(conn)]
    again = stage.run(cfg, conn, progress=False)
    forced = stage.run(cfg, conn, progress=False, force=True)
    out["unchanged_refresh"] = again["status"]
    out["refit_from_scratch_identical"] = before == [(t["id"], t["top_terms"]) for t in reports.current_topics(conn)]
    del forced
    rows = conn.execute("SELECT doc_key, doc_type, text FROM documents ORDER BY doc_key").fetchall()
    out["stability_auto_k"] = stability(rows, tmp / "auto", {})
    out["stability_fixed_k"] = stability(rows, tmp / "fixed", {"n_topics": run["n_topics"]})
    out["stability_fixed_k_cold"] = stability(rows, tmp / "cold", {"n_topics": run["n_topics"], "warm_start": False})
    return out


def stability(rows, folder: Path, topics: dict) -> dict:
    """Fit on 90% of the documents (every 10th held out), add the rest, refresh."""
    folder.mkdir(parents=True)
    cfg = config.from_dict({"store": {"database": "s.sqlite"}, "topics": topics}, folder)
    conn = connect(cfg.database)
    held = [r for i, r in enumerate(rows) if i % 10 == 9]
    for r in rows:
        if r not in held:
            add(conn, r["doc_key"], r["text"], r["doc_type"])
    stage.run(cfg, conn, progress=False)
    old = {t["id"]: t["top_terms"][:10] for t in reports.current_topics(conn)}
    for r in held:
        add(conn, r["doc_key"], r["text"], r["doc_type"])
    refit = stage.run(cfg, conn, progress=False)
    new = {t["id"]: t["top_terms"][:10] for t in reports.current_topics(conn)}
    kept = [i for i in old if i in new]
    same = [i for i in kept if len(set(old[i]) & set(new[i])) >= 5]
    return {"k_before": len(old), "k_after": len(new), "added_documents": len(held), "ids_kept": len(kept),
            "ids_kept_same_top_terms": len(same), "share": round(len(same) / len(old), 3),
            "new_ids": refit["new_ids"]}


def timing(sizes: list[int], tmp: Path) -> list[dict]:
    out = []
    for n in sizes:
        cfg = config.from_dict({"store": {"database": f"t{n}.sqlite"},
                                "topics": {"labels_file": f"models/t{n}.toml"}}, tmp)
        conn = connect(cfg.database)
        conn.execute("BEGIN")
        for i, (text, _) in enumerate(synthetic.corpus(n, seed=n, n_sentences=(10, 120), rich=True)):
            add(conn, f"syn-{i:06d}", text)
        conn.execute("COMMIT")
        t0 = time.perf_counter()
        with corpus_mod.load(conn, cfg["topics"], tmp / "spill") as corpus:
            t_read = time.perf_counter() - t0
            words = int(corpus.unit_length.sum())
        t0 = time.perf_counter()
        run = stage.run(cfg, conn, progress=False, force=True)
        total = time.perf_counter() - t0
        out.append({"documents": n, "units": run["units"], "content_words": words, "k": run["n_topics"],
                    "read_lemmatise_s": round(t_read, 1), "topics_step_s": round(total, 1),
                    "npmi": run["npmi"], "diversity": run["diversity"]})
        print(f"  {n} documents: {out[-1]}", file=sys.stderr)
    return out


def gaps_timing(n: int, tmp: Path) -> dict:
    """The gaps step on n documents with random ground/mechanism/setting annotations."""
    import random
    from miner.gaps import stage as gaps_stage
    from miner.gaps.settings import GROUNDS, MECHANISMS, SETTINGS
    cfg = config.from_dict({"store": {"database": "gaps.sqlite"}}, tmp)
    conn = connect(cfg.database)
    rng = random.Random(0)
    conn.execute("BEGIN")
    for i in range(n):
        add(conn, f"g{i:06d}", "tekst", rng.choice(["rapport", "kamervraag"]))
        doc = conn.execute("SELECT last_insert_rowid()").fetchone()[0]
        tagging.write_annotations(conn, doc, [
            {"layer": layer, "label": label, "start": 0, "end": 1, "text": "x", "sentence_start": 0,
             "sentence_end": 1, "sentence": "x", "page": None, "source": "bench"}
            for layer, labels in (("ground", GROUNDS), ("mechanism", MECHANISMS), ("setting", SETTINGS))
            for label in rng.sample(labels, rng.randint(0, 3))])
        conn.execute("INSERT INTO document_labels (document_id, layer, label, source) VALUES "
                     "(?, 'evidence_type', ?, 'bench')", (doc, rng.choice(["interviews", "effectstudie",
                                                                            "beleidsdocument"])))
    conn.execute("COMMIT")
    t0 = time.perf_counter()
    summary = gaps_stage.run(cfg, conn, progress=False)
    return {"documents": n, **summary, "seconds": round(time.perf_counter() - t0, 2)}


# main before the topics went out of core (#16): the in-memory fit, for the memory baseline
BASELINE_REV = "f7fbf88"
PYTHON = sys.executable


def synthetic_store(n: int, store_dir: Path) -> Path:
    """scripts/synth_store.py's store of n documents (built when missing); returns the folder."""
    out = store_dir / f"synth{n}"
    if not (out / "corpora" / "miner.sqlite").exists() or not (out / "built").exists():
        subprocess.run([PYTHON, str(ROOT / "scripts" / "synth_store.py"), "--docs", str(n), "--out", str(out)],
                       check=True, cwd=ROOT, env=dict(os.environ, PYTHONPATH=str(ROOT)))
        (out / "built").write_text("ok\n")
    cfg = out / "bench-topics.toml"     # topic model files inside the store folder, not in the repository
    cfg.write_text('[store]\nmodels_dir = "bench-models"\n', encoding="utf-8")
    return out


def old_topics_package(rev: str, tmp: Path) -> Path:
    """``miner/topics`` of ``rev`` as package ``miner_old_topics`` (imports rewritten), so the old
    fit runs against today's store schema; returns the folder to put on sys.path."""
    dest = tmp / f"old-{rev}"
    if not dest.exists():
        data = subprocess.run(["git", "-C", str(ROOT), "archive", rev, "miner/topics"], check=True,
                              capture_output=True).stdout
        with tarfile.open(fileobj=io.BytesIO(data)) as tar:
            tar.extractall(dest / "src", filter="data")
        pkg = dest / "miner_old_topics"
        pkg.mkdir(parents=True)
        for f in (dest / "src" / "miner" / "topics").glob("*.py"):
            text = f.read_text(encoding="utf-8").replace("from miner.topics", "from miner_old_topics")
            (pkg / f.name).write_text(text, encoding="utf-8")
    return dest


def _child(cmd: list[str], env: dict, log: Path) -> dict:
    """Run cmd; its peak RSS (MB), CPU and wall seconds from the kernel's accounting of that child."""
    t0 = time.perf_counter()
    with open(log, "wb") as out:
        p = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
        _, status, ru = os.wait4(p.pid, 0)
        p.returncode = os.waitstatus_to_exitcode(status)
    result = {"peak_rss_mb": round(ru.ru_maxrss / 1024), "cpu_s": round(ru.ru_utime + ru.ru_stime, 1),
              "wall_s": round(time.perf_counter() - t0, 1), "exit": p.returncode}
    if p.returncode:
        result["error"] = log.read_text(encoding="utf-8", errors="replace")[-500:]
    return result


_OLD_DRIVER = """
import json, sys
sys.path.insert(0, sys.argv[2])
from miner import config
from miner.store import connect
from miner_old_topics import stage
cfg = config.load(sys.argv[1])
out = stage.run(cfg, connect(cfg.database), progress=False, force=True, from_scratch=True)
print(json.dumps({k: out.get(k) for k in ("status", "n_topics", "documents", "units", "npmi")}))
"""


def memory(sizes: list[int], store_dir: Path, baseline_rev: str, baseline_max: int, tmp: Path,
           only: str = "") -> list[dict]:
    """Peak RSS and CPU of `miner topics --refit` (streaming) and of the old in-memory fit
    (``only``: 'streaming' or 'in_memory' to run one of them, e.g. both at once in two processes)."""
    import sqlite3
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    old = old_topics_package(baseline_rev, tmp) if baseline_max else None
    out, per_mb = [], None
    for n in sizes:
        folder = synthetic_store(n, store_dir)
        cfg = folder / "bench-topics.toml"
        db = sqlite3.connect(folder / "corpora" / "miner.sqlite")
        text_mb = db.execute("SELECT SUM(length(CAST(text AS BLOB))) FROM documents").fetchone()[0] / 1e6
        db.close()
        row = {"documents": n, "text_mb": round(text_mb)}
        new = {"exit": None} if only == "in_memory" else _child(
            [PYTHON, "-m", "miner", "topics", "--refit", "--from-scratch", "--json", "--config", str(cfg)], env,
            tmp / f"new-{n}.log")
        if new["exit"] == 0:
            model = json.loads((tmp / f"new-{n}.log").read_text(encoding="utf-8").splitlines()[-1])["model"]
            new.update(k=model["n_topics"], npmi=model["npmi"])
            db = sqlite3.connect(folder / "corpora" / "miner.sqlite")
            params = json.loads(db.execute("SELECT params FROM topic_models WHERE id = ?", (model["id"],)).fetchone()[0])
            db.close()
            new.update(units=params["n_units"], stream_passes=params["stream_passes"],
                       cpu_s_by_phase=params["cpu_seconds"], vocabulary=params["vocabulary_size"])
        if only != "in_memory":
            row["streaming"] = new
        if only == "streaming":
            pass    # the baseline runs elsewhere
        elif old is not None and n <= baseline_max:
            base = _child([PYTHON, "-c", _OLD_DRIVER, str(cfg), str(old)], env, tmp / f"old-{n}.log")
            if not base["exit"]:
                base.update(json.loads((tmp / f"old-{n}.log").read_text(encoding="utf-8").splitlines()[-1]))
                per_mb = base["peak_rss_mb"] / text_mb
            row["in_memory"] = base
        elif per_mb:
            row["in_memory"] = {"projected_peak_rss_mb": round(per_mb * text_mb),
                                "note": "not run; projected from the RSS per MB of text at the largest size run"}
        print(f"  memory, {n} documents: {row}", file=sys.stderr)
        out.append(row)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    default_shared = next((p for p in (ROOT.parent / "shared", ROOT.parent.parent / "shared") if p.is_dir()),
                          ROOT.parent / "shared")
    ap.add_argument("--shared", type=Path, default=default_shared)
    ap.add_argument("--sizes", default="100,1000,10000")
    ap.add_argument("--skip-quality", action="store_true")
    ap.add_argument("--memory-sizes", default="", help="e.g. 10000,50000: peak RSS of `miner topics --refit` on "
                    "synthetic stores of these sizes (scripts/synth_store.py)")
    ap.add_argument("--store-dir", type=Path, default=ROOT / "bench-results" / "stores",
                    help="where the synthetic stores are built and kept")
    ap.add_argument("--baseline-rev", default=BASELINE_REV, help="git revision of the in-memory topics fit")
    ap.add_argument("--only", choices=["streaming", "in_memory"], default="",
                    help="memory: run only the streaming fit or only the in-memory baseline")
    ap.add_argument("--baseline-max-docs", type=int, default=50000,
                    help="run the in-memory baseline up to this many documents (0: never), project beyond")
    ap.add_argument("--gaps-documents", type=int, default=10000, help="documents for the gaps timing (0: skip)")
    args = ap.parse_args()
    result = {}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        if not args.skip_quality:
            if not (args.shared / "seeds").is_dir():
                sys.exit(f"bench_topics: no shared texts at {args.shared} (use --shared or --skip-quality)")
            result["quality"] = quality_and_stability(args.shared, tmp)
        result["timing"] = timing([int(s) for s in args.sizes.split(",") if s], tmp)
        if args.memory_sizes:
            result["memory"] = memory([int(s) for s in args.memory_sizes.split(",") if s], args.store_dir,
                                      args.baseline_rev, args.baseline_max_docs, tmp, args.only)
        if args.gaps_documents:
            result["gaps_timing"] = gaps_timing(args.gaps_documents, tmp)
    print(json.dumps(result, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
