"""What the reviews say: the model's agreement with the reviewers (``miner review stats``),
agreement between two reviewers (``miner review agreement``, Cohen's kappa from scikit-learn)
and the reviewed sentences as training data (``training_examples``, used by ``miner tag train``)."""
from __future__ import annotations

import json
import sqlite3
from collections import Counter, defaultdict
from pathlib import Path

from miner.nlp.tagging.taxonomy import SCORED_LAYERS as TRAIN_LAYERS
from miner.review import core
from miner.store import reviews as store

DEFAULT_TRAIN_WEIGHT = 2.0
POSITIVE = ("accept", "add")


def _prf(tp: int, fp: int, fn: int) -> dict:
    p = tp / (tp + fp) if tp + fp else None
    r = tp / (tp + fn) if tp + fn else None
    f = 2 * p * r / (p + r) if p and r else (0.0 if p is not None and r is not None else None)
    return {"tp": tp, "fp": fp, "fn": fn, "precision": p, "recall": r, "f1": f}


def stats(conn, cfg) -> dict:
    """Per layer, the model's P/R/F1 against the reviewers' decisions, for the model as it was when
    each decision was taken ("at review") and as it is now (after the last re-tag / retrain)."""
    then: dict[str, Counter] = defaultdict(Counter)
    now: dict[str, Counter] = defaultdict(Counter)
    versions_then, versions_now = Counter(), Counter()
    for r in store.effective_decisions(conn):
        if r["decision"] == store.SEEN:
            continue
        truth = r["decision"] in POSITIVE
        pred_now = store.model_has(conn, r["document_id"], r["sentence_start"], r["sentence_end"],
                                   r["layer"], r["label"])
        for counter, pred in ((now, pred_now), (then, bool(r["model_suggested"]))):
            key = "tp" if truth and pred else "fp" if pred else "fn" if truth else "tn"
            counter[r["layer"]][key] += 1
        versions_then[r["model_version"] or "?"] += 1
        versions_now[store.model_version(conn, r["document_id"]) or "?"] += 1
    layers = {}
    for layer in sorted(set(then) | set(now), key=lambda x: (TRAIN_LAYERS + (x,)).index(x)):
        layers[layer] = {
            "decisions": sum(now[layer].values()),
            "at_review": _prf(then[layer]["tp"], then[layer]["fp"], then[layer]["fn"]),
            "now": _prf(now[layer]["tp"], now[layer]["fp"], now[layer]["fn"]),
        }
    orphans = store.orphans(conn)
    return {
        "layers": layers,
        "model_versions": {"at_review": dict(versions_then), "now": dict(versions_now)},
        "reviewers": [dict(r) for r in store.counts_per_reviewer(conn)],
        "orphans": [{"id": o["id"], "doc_key": o["doc_key"], "sentence": o["sentence"], "layer": o["layer"],
                     "label": o["label"], "decision": o["decision"], "reviewer": o["reviewer"]} for o in orphans],
    }


def _vectors(conn, reviewer: str) -> tuple[set, dict, dict]:
    """Sentences a reviewer decided on, their positive labels per sentence key, and their text."""
    sentences, positive, texts = set(), defaultdict(set), {}
    for r in store.latest_per_reviewer(conn, reviewer):
        key = (r["doc_key"], r["sentence_start"], r["sentence_end"], r["sentence_hash"])
        sentences.add(key)
        if r["decision"] in POSITIVE:
            positive[key].add((r["layer"], r["label"]))
        texts[key] = r["sentence"]
    return sentences, positive, texts


def reviewers(conn) -> list[str]:
    return [r["reviewer"] for r in store.counts_per_reviewer(conn)]


def agreement(conn, cfg, a: str, b: str) -> dict:
    """Cohen's kappa (scikit-learn) and percentage agreement of two reviewers on the sentences both
    decided on, per layer (all labels of the layer pooled) and per label; plus the disagreements.
    A label counts as present for a reviewer when accepted or added, absent otherwise."""
    from sklearn.metrics import cohen_kappa_score
    import warnings

    known = reviewers(conn)
    for name in (a, b):
        if name not in known:
            raise core.ReviewError(f"no reviews by {name!r} (reviewers: {', '.join(known) or 'none yet'})")
    if a == b:
        raise core.ReviewError("name two different reviewers")
    sa, pa, texts = _vectors(conn, a)
    sb, pb, _ = _vectors(conn, b)
    shared = sorted(sa & sb)
    taxonomy = core.Taxonomy(cfg)

    def kappa(ya, yb):
        if len(set(ya) | set(yb)) < 2:
            return None  # both always said the same single value: kappa is undefined
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            k = float(cohen_kappa_score(ya, yb))
        return None if k != k else k

    layers, labels, disagreements = {}, [], []
    for layer in taxonomy.layers:
        la, lb = [], []
        for label in taxonomy.labels[layer]:
            ya = [int((layer, label) in pa[k]) for k in shared]
            yb = [int((layer, label) in pb[k]) for k in shared]
            la += ya
            lb += yb
            if not any(ya) and not any(yb):
                continue
            agree = sum(x == y for x, y in zip(ya, yb))
            labels.append({"layer": layer, "label": label, "n": len(shared), "kappa": kappa(ya, yb),
                           "agreement": agree / len(shared) if shared else None,
                           a: sum(ya), b: sum(yb)})
            for k, x, y in zip(shared, ya, yb):
                if x != y:
                    disagreements.append({"doc_key": k[0], "sentence_start": k[1], "sentence_end": k[2],
                                          "sentence": texts.get(k, ""), "layer": layer, "label": label,
                                          a: "yes" if x else "no", b: "yes" if y else "no"})
        layers[layer] = {"n": len(la), "kappa": kappa(la, lb) if la else None,
                         "agreement": (sum(x == y for x, y in zip(la, lb)) / len(la)) if la else None}
    return {"reviewers": [a, b], "sentences": len(shared), "layers": layers, "labels": labels,
            "disagreements": disagreements}


def write_table(rows: list[dict], dest: Path) -> None:
    """Disagreements (or any list of flat dicts) as CSV or XLSX, by the file's suffix."""
    import csv
    from miner.atomic import atomic_open, atomic_path
    columns = list(rows[0]) if rows else ["doc_key", "sentence_start", "sentence_end", "sentence", "layer", "label"]
    dest.parent.mkdir(parents=True, exist_ok=True)
    if dest.suffix.lower() == ".xlsx":
        from openpyxl import Workbook
        wb = Workbook()
        ws = wb.active
        ws.title = "disagreements"
        ws.append(columns)
        for r in rows:
            ws.append([_safe_cell(r.get(c)) for c in columns])
        with atomic_path(dest) as tmp:
            wb.save(tmp)
    elif dest.suffix.lower() == ".csv":
        with atomic_open(dest, "w", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=columns)
            w.writeheader()
            for r in rows:
                w.writerow({c: _safe_cell(r.get(c)) for c in columns})
    else:
        raise core.ReviewError(f"{dest}: write .csv or .xlsx")


def _safe_cell(v):
    if isinstance(v, str) and v[:1] in ("=", "+", "-", "@"):
        return "'" + v
    return v


# -- learning from reviews ---------------------------------------------------------------------

def _connection(conn_or_store) -> tuple[sqlite3.Connection, object | None]:
    if isinstance(conn_or_store, sqlite3.Connection):
        return conn_or_store, None
    if hasattr(conn_or_store, "database") and hasattr(conn_or_store, "as_dict"):  # a Config
        from miner.store import connect
        return connect(conn_or_store.database, readonly=True), conn_or_store
    if isinstance(conn_or_store, (str, Path)):
        from miner.store import connect
        return connect(conn_or_store, readonly=True), None
    raise TypeError("training_examples wants a sqlite3 connection, a Config or a database path")


def training_examples(conn_or_store, weight: float | None = None, cfg=None) -> list[dict]:
    """Every reviewed sentence in the training-data format of ``../shared/train/*.jsonl``, one dict
    per sentence: {"id", "text", "ground", "mechanism", "recommendation", "actor", "weight"}.

    The labels are the effective ones (the model's labels with every review applied) for sentences
    still in their document; for a sentence that is gone (orphaned reviews) they are what the
    reviewers accepted or added.  ``weight`` defaults to ``[review] train_weight``."""
    conn, own_cfg = _connection(conn_or_store)
    cfg = cfg or own_cfg
    if weight is None:
        weight = cfg["review"]["train_weight"] if cfg is not None else DEFAULT_TRAIN_WEIGHT
    try:
        keys: dict[tuple, dict] = {}
        for r in store.sentence_reviews(conn):
            key = (r["doc_key"], r["sentence_start"], r["sentence_end"], r["sentence_hash"])
            entry = keys.setdefault(key, {"sentence": r["sentence"], "latest": {}})
            entry["latest"][(r["layer"], r["label"])] = (r["decision"], json.loads(r["actor"]))
        out = []
        for key, entry in keys.items():
            doc = store.document_by_key(conn, key[0])
            labels: dict[str, set] = {"ground": set(), "mechanism": set(), "recommendation": set()}
            actors: set = set()
            anchored = doc is not None and doc["text"] is not None and \
                doc["text"][key[1]:key[2]] == entry["sentence"]
            if anchored:
                for e in store.effective_in(conn, doc["id"], key[1], key[2], list(TRAIN_LAYERS)):
                    labels[e["layer"]].add(e["label"])
                    if e["layer"] == "recommendation":
                        actors |= set(json.loads(e["actor"] or "[]"))
            else:
                for (layer, label), (decision, actor) in entry["latest"].items():
                    if layer in labels and decision in POSITIVE:
                        labels[layer].add(label)
                        actors |= set(actor) if layer == "recommendation" else set()
            out.append({"id": f"review:{key[0]}:{key[1]}-{key[2]}", "text": entry["sentence"],
                        "ground": sorted(labels["ground"]), "mechanism": sorted(labels["mechanism"]),
                        "recommendation": bool(labels["recommendation"]), "actor": sorted(actors),
                        "weight": float(weight)})
        return out
    finally:
        if conn is not conn_or_store:
            conn.close()


def as_passages(examples: list[dict]) -> list[dict]:
    """The same examples as passages of one sentence each, in the exact line format of
    ``../shared/train/*.jsonl`` ({"id", "text", "sentences": [{start, end, labels…}], "weight"}),
    for a reader of those files."""
    return [{"id": e["id"], "text": e["text"], "weight": e["weight"],
             "sentences": [{"start": 0, "end": len(e["text"]), "ground": e["ground"], "mechanism": e["mechanism"],
                            "recommendation": e["recommendation"], "actor": e["actor"]}]}
            for e in examples]
