"""Writing a fitted model to the store, the labels file and models/ (JSON + numpy, never pickle).

A model file is ``models_dir/topics/topic_model_<id>.json`` (method, topic ids, vocabulary,
corpus hash, and the name and sha256 of its ``.npy`` topic-term matrix).  The store records
the JSON's path and sha256.  Loading (the warm start of a refit) refuses a path outside
``models_dir`` and any file whose hash differs from what miner wrote; the matrix is read
with ``np.load(allow_pickle=False)``.  Nothing the store names can make miner run code.
"""
from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

import numpy as np

from miner.atomic import write_bytes
from miner.store import topics as store
from miner.topics import align, labels as labels_mod
from miner.topics.corpus import Corpus
from miner.topics.model import Fit, TopicError

N_TERM_WEIGHTS = 50
N_TOP_TERMS = 20
MIN_STORED_WEIGHT = 0.01


def document_weights(fit: Fit) -> tuple[list[int], np.ndarray]:
    """Per document (that has units): the length-weighted mean of its units' topic weights."""
    return fit.document_ids, fit.document_weights


def term_weights(fit: Fit, topic: int) -> dict[str, float]:
    row = fit.components[topic]
    idx = np.lexsort((np.arange(row.size), -row))[:N_TERM_WEIGHTS]
    return {fit.vocabulary[i]: round(float(row[i]), 6) for i in idx if row[i] > 0}


def save(conn, cfg, corpus: Corpus, fit: Fit, unassigned: float) -> dict:
    """Store the model as the active one; returns a summary (model id, ids kept / new)."""
    tcfg = cfg["topics"]
    new_terms = [term_weights(fit, t) for t in range(fit.n_topics)]
    old = store.active_term_weights(conn)
    ids, sims = align.align(old, new_terms, tcfg["match_threshold"], store.next_topic_id(conn))
    doc_ids, weights = document_weights(fit)
    dominant = weights.argmax(axis=1) if len(doc_ids) else np.array([], dtype=int)
    clear = weights.max(axis=1) >= tcfg["min_topic_weight"] if len(doc_ids) else np.array([], dtype=bool)
    top_terms = fit.top_terms(N_TOP_TERMS)
    user_labels = labels_mod.read(tcfg["labels_file"])
    n_docs = [int(np.sum(clear & (dominant == t))) for t in range(fit.n_topics)]
    params = {"n_units": corpus.n_units, "n_documents": len(doc_ids), "vocabulary_size": len(fit.vocabulary),
              "candidates": fit.candidates, "npmi_per_topic": [round(x, 4) for x in fit.npmi_per_topic],
              "stream_passes": fit.passes, "cpu_seconds": fit.cpu_seconds, "terms_pruned": corpus.terms_pruned,
              "settings": {k: (str(v) if isinstance(v, Path) else v) for k, v in tcfg.items()}}
    topics = [{"id": topic_id, "top_terms": top_terms[t], "label": labels_mod.display_label(topic_id, top_terms[t], user_labels),
               "n_documents": n_docs[t], "term_weights": new_terms[t], "match_similarity": sims[t]}
              for t, topic_id in enumerate(ids)]

    def rows():
        for d, doc_id in enumerate(doc_ids):
            for t, topic_id in enumerate(ids):
                w = float(weights[d, t])
                if w >= MIN_STORED_WEIGHT:
                    yield doc_id, topic_id, round(w, 6), int(bool(clear[d]) and dominant[d] == t)

    model = {"method": fit.method, "n_topics": fit.n_topics, "npmi": round(fit.npmi, 6),
             "diversity": round(fit.diversity, 6), "unassigned_share": round(unassigned, 6),
             "corpus_hash": corpus.signature, "params": params}
    model_id = store.save_model(conn, model, topics, rows(),
                                lambda model_id: _save_model_file(cfg, model_id, fit, ids, corpus.signature))
    labels_mod.write(tcfg["labels_file"], [(i, top_terms[t][:10]) for t, i in enumerate(ids)], user_labels)
    kept = sum(s is not None for s in sims)
    return {"model_id": model_id, "kept_ids": kept, "new_ids": len(ids) - kept,
            "retired_ids": len(set(old) - set(ids))}


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _models_dir(cfg) -> Path:
    return Path(cfg["store"]["models_dir"])


def _save_model_file(cfg, model_id: int, fit: Fit, ids: list[int], signature: str) -> tuple[str, str]:
    """Write the matrix (.npy) and the description (.json), each atomically; returns the JSON's
    path (relative to the config folder when inside it) and sha256."""
    folder = _models_dir(cfg) / "topics"
    buf = io.BytesIO()
    np.save(buf, np.ascontiguousarray(fit.components, dtype=np.float64), allow_pickle=False)
    matrix = buf.getvalue()
    npy = folder / f"topic_model_{model_id}.components.npy"
    write_bytes(npy, matrix)
    doc = {"format": "miner-topic-model/1", "method": fit.method, "n_topics": fit.n_topics, "topic_ids": ids,
           "vocabulary": list(fit.vocabulary), "corpus_hash": signature,
           "components": {"file": npy.name, "sha256": _sha256(matrix), "shape": list(fit.components.shape)}}
    data = json.dumps(doc, ensure_ascii=False).encode("utf-8")
    target = folder / f"topic_model_{model_id}.json"
    write_bytes(target, data)
    try:
        return str(target.relative_to(cfg.root)), _sha256(data)
    except ValueError:
        return str(target), _sha256(data)


def model_file(cfg, row) -> Path | None:
    if not row or not row["path"]:
        return None
    p = Path(row["path"])
    return p if p.is_absolute() else cfg.root / p


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve(strict=True).relative_to(folder.resolve(strict=True))
    except (OSError, ValueError):
        return False
    return True


def load_model(cfg, row) -> dict:
    """The saved model of a topic_models row: {'vocabulary': [...], 'components': ndarray, ...}.
    Raises TopicError (and reads nothing more) when the path lies outside models_dir, the
    file is not what miner wrote (sha256), or the format is wrong."""
    path = model_file(cfg, row)
    folder = _models_dir(cfg)
    if path is None:
        raise TopicError("the topic model has no saved file")
    if not _inside(path, folder):
        raise TopicError(f"refused the topic model file {path}: it is not inside models_dir ({folder})")
    expected = row["sha256"] if "sha256" in row.keys() else None
    data = path.resolve().read_bytes()
    if not expected or _sha256(data) != expected:
        raise TopicError(f"refused the topic model file {path}: its sha256 does not match the one miner recorded")
    try:
        doc = json.loads(data)
        comp = doc["components"]
        npy = path.resolve().parent / comp["file"]
    except (ValueError, KeyError, TypeError) as exc:
        raise TopicError(f"refused the topic model file {path}: not a miner topic model ({exc})") from None
    if Path(comp["file"]).name != comp["file"] or not _inside(npy, folder):
        raise TopicError(f"refused the topic model file {path}: its matrix lies outside models_dir")
    matrix = npy.resolve().read_bytes()
    if _sha256(matrix) != comp.get("sha256"):
        raise TopicError(f"refused {npy}: its sha256 does not match the model file")
    try:
        components = np.load(io.BytesIO(matrix), allow_pickle=False)
    except ValueError as exc:
        raise TopicError(f"refused {npy}: {exc}") from None
    if list(components.shape) != [len(doc["topic_ids"]), len(doc["vocabulary"])]:
        raise TopicError(f"refused {npy}: its shape does not match the vocabulary and topics")
    return {**doc, "components": components}


def refresh_labels(conn, cfg) -> int:
    """Re-read the labels file into topics.label (no refit); returns topics updated."""
    user_labels = labels_mod.read(cfg["topics"]["labels_file"])
    changed = {}
    for r in store.active_topic_terms(conn):
        label = labels_mod.display_label(r["id"], json.loads(r["top_terms"]), user_labels)
        if label != r["label"]:
            changed[r["id"]] = label
    if changed:
        store.set_labels(conn, changed)
    return len(changed)
