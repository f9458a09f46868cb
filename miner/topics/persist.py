"""Writing a fitted model to the store, the labels file and models/ (joblib)."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from miner.store import transaction, utcnow
from miner.topics import align, labels as labels_mod
from miner.topics.corpus import Corpus
from miner.topics.model import Fit

N_TERM_WEIGHTS = 50
N_TOP_TERMS = 20
MIN_STORED_WEIGHT = 0.01


def document_weights(corpus: Corpus, fit: Fit) -> tuple[list[int], np.ndarray]:
    """Per document (that has units): the length-weighted mean of its chunks' topic weights."""
    order: dict[int, int] = {}
    for u in corpus.units:
        order.setdefault(u.document_id, len(order))
    weights = np.zeros((len(order), fit.n_topics))
    for u, w in zip(corpus.units, fit.unit_weights):
        weights[order[u.document_id]] += w * len(u.tokens)
    sums = weights.sum(axis=1, keepdims=True)
    weights = np.divide(weights, sums, out=np.zeros_like(weights), where=sums > 0)
    return list(order), weights


def term_weights(fit: Fit, topic: int) -> dict[str, float]:
    row = fit.components[topic]
    idx = np.lexsort((np.arange(row.size), -row))[:N_TERM_WEIGHTS]
    return {fit.vocabulary[i]: round(float(row[i]), 6) for i in idx if row[i] > 0}


def previous_topics(conn) -> dict[int, dict[str, float]]:
    rows = conn.execute("SELECT t.id, t.term_weights FROM topics t JOIN topic_models m ON m.id = t.model_id "
                        "WHERE m.active = 1").fetchall()
    return {r["id"]: json.loads(r["term_weights"]) for r in rows}


def save(conn, cfg, corpus: Corpus, fit: Fit, unassigned: float) -> dict:
    """Store the model as the active one; returns a summary (model id, ids kept / new)."""
    tcfg = cfg["topics"]
    new_terms = [term_weights(fit, t) for t in range(fit.n_topics)]
    old = previous_topics(conn)
    next_id = (conn.execute("SELECT COALESCE(MAX(id), 0) FROM topics").fetchone()[0]) + 1
    ids, sims = align.align(old, new_terms, tcfg["match_threshold"], next_id)
    doc_ids, weights = document_weights(corpus, fit)
    dominant = weights.argmax(axis=1) if len(doc_ids) else np.array([], dtype=int)
    clear = weights.max(axis=1) >= tcfg["min_topic_weight"] if len(doc_ids) else np.array([], dtype=bool)
    top_terms = fit.top_terms(N_TOP_TERMS)
    user_labels = labels_mod.read(tcfg["labels_file"])
    n_docs = [int(np.sum(clear & (dominant == t))) for t in range(fit.n_topics)]
    params = {"n_units": len(corpus.units), "n_documents": len(doc_ids), "vocabulary_size": len(fit.vocabulary),
              "candidates": fit.candidates, "npmi_per_topic": [round(x, 4) for x in fit.npmi_per_topic],
              "settings": {k: (str(v) if isinstance(v, Path) else v) for k, v in tcfg.items()}}
    with transaction(conn):
        conn.execute("UPDATE topic_models SET active = 0 WHERE active = 1")
        model_id = conn.execute(
            "INSERT INTO topic_models (created_at, method, n_topics, npmi, diversity, unassigned_share, "
            "corpus_hash, params, active) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)",
            (utcnow(), fit.method, fit.n_topics, round(fit.npmi, 6), round(fit.diversity, 6), round(unassigned, 6),
             corpus.signature, json.dumps(params, ensure_ascii=False))).lastrowid
        conn.execute("DELETE FROM document_topics")
        for t, topic_id in enumerate(ids):
            label = labels_mod.display_label(topic_id, top_terms[t], user_labels)
            values = (model_id, json.dumps(top_terms[t], ensure_ascii=False), label, n_docs[t],
                      json.dumps(new_terms[t], ensure_ascii=False), sims[t])
            if sims[t] is None:
                conn.execute("INSERT INTO topics (model_id, top_terms, label, n_documents, term_weights, "
                             "match_similarity, id, first_model_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                             values + (topic_id, model_id))
            else:
                conn.execute("UPDATE topics SET model_id = ?, top_terms = ?, label = ?, n_documents = ?, "
                             "term_weights = ?, match_similarity = ? WHERE id = ?", values + (topic_id,))
        rows = []
        for d, doc_id in enumerate(doc_ids):
            for t, topic_id in enumerate(ids):
                w = float(weights[d, t])
                if w >= MIN_STORED_WEIGHT:
                    rows.append((doc_id, topic_id, round(w, 6), int(bool(clear[d]) and dominant[d] == t)))
        conn.executemany("INSERT INTO document_topics (document_id, topic_id, weight, dominant) "
                         "VALUES (?, ?, ?, ?)", rows)
        path = _save_model_file(cfg, model_id, fit, ids, corpus.signature)
        conn.execute("UPDATE topic_models SET path = ? WHERE id = ?", (path, model_id))
    labels_mod.write(tcfg["labels_file"], [(i, top_terms[t][:10]) for t, i in enumerate(ids)], user_labels)
    kept = sum(s is not None for s in sims)
    return {"model_id": model_id, "kept_ids": kept, "new_ids": len(ids) - kept,
            "retired_ids": len(set(old) - set(ids))}


def _save_model_file(cfg, model_id: int, fit: Fit, ids: list[int], signature: str) -> str:
    import joblib

    models_dir = Path(cfg["store"]["models_dir"])
    target = models_dir / "topics" / f"topic_model_{model_id}.joblib"
    target.parent.mkdir(parents=True, exist_ok=True)
    joblib.dump({"method": fit.method, "n_topics": fit.n_topics, "topic_ids": ids, "vocabulary": fit.vocabulary,
                 "components": fit.components, "estimator": fit.estimator, "corpus_hash": signature}, target)
    try:
        return str(target.relative_to(cfg.root))
    except ValueError:
        return str(target)


def model_file(cfg, row) -> Path | None:
    if not row or not row["path"]:
        return None
    p = Path(row["path"])
    return p if p.is_absolute() else cfg.root / p


def refresh_labels(conn, cfg) -> int:
    """Re-read the labels file into topics.label (no refit); returns topics updated."""
    user_labels = labels_mod.read(cfg["topics"]["labels_file"])
    rows = conn.execute("SELECT t.id, t.top_terms, t.label FROM topics t JOIN topic_models m ON m.id = t.model_id "
                        "WHERE m.active = 1").fetchall()
    changed = 0
    with transaction(conn):
        for r in rows:
            label = labels_mod.display_label(r["id"], json.loads(r["top_terms"]), user_labels)
            if label != r["label"]:
                conn.execute("UPDATE topics SET label = ? WHERE id = ?", (label, r["id"]))
                changed += 1
    return changed
