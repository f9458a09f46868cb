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
"""
from __future__ import annotations

import argparse
import glob
import json
import re
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from miner import config  # noqa: E402
from miner.store import connect, tagging, utcnow  # noqa: E402
from miner.topics import corpus as corpus_mod, model, quality, reports, stage, synthetic  # noqa: E402


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


def lda_baseline(texts, tcfg, k):
    from sklearn.decomposition import LatentDirichletAllocation
    counts, vocab = model.vectorise(texts, tcfg)
    lda = LatentDirichletAllocation(n_components=k, random_state=0)   # defaults otherwise
    w = lda.fit_transform(counts)
    return model._make_fit("lda-default", k, vocab, lda.components_, w, counts, tcfg)


def quality_and_stability(shared: Path, tmp: Path) -> dict:
    cfg = config.from_dict({"store": {"database": "q.sqlite"}}, tmp)
    tcfg = cfg["topics"]
    conn = connect(cfg.database)
    sources = real_corpus(conn, shared)
    t0 = time.perf_counter()
    run = stage.run(cfg, conn, progress=False)
    fit_s = time.perf_counter() - t0
    corpus = corpus_mod.load(conn, tcfg)
    base = lda_baseline(corpus.texts, tcfg, run["n_topics"])
    model_row = stage.active_model(conn)
    out = {"corpus": sources, "documents": run["documents"], "units": run["units"],
           "chosen": {"method": run["method"], "k": run["n_topics"], "npmi": run["npmi"],
                      "diversity": run["diversity"], "unassigned_share": run["unassigned_share"],
                      "candidates": json.loads(model_row["params"])["candidates"], "seconds": round(fit_s, 1)},
           "lda_default": {"k": base.n_topics, "npmi": round(base.npmi, 4), "diversity": round(base.diversity, 4)},
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
        corpus = corpus_mod.load(conn, cfg["topics"])
        t_read = time.perf_counter() - t0
        t0 = time.perf_counter()
        run = stage.run(cfg, conn, progress=False, force=True)
        total = time.perf_counter() - t0
        words = sum(len(u.tokens) for u in corpus.units)
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


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    default_shared = next((p for p in (ROOT.parent / "shared", ROOT.parent.parent / "shared") if p.is_dir()),
                          ROOT.parent / "shared")
    ap.add_argument("--shared", type=Path, default=default_shared)
    ap.add_argument("--sizes", default="100,1000,10000")
    ap.add_argument("--skip-quality", action="store_true")
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
        if args.gaps_documents:
            result["gaps_timing"] = gaps_timing(args.gaps_documents, tmp)
    print(json.dumps(result, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
