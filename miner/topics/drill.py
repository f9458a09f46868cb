"""Drill-down within one topic: a second-level model on the documents whose main topic it is.

A mixed corpus often puts every document of the theme under one topic ("all 18 theme
documents share one topic"); fitting the same kind of model again on just those documents
shows the sub-themes inside it.  The sub-model is fitted on the fly with the configured method
and vocabulary rules (k chosen by coherence among 2..min(6, documents/3) unless given) and is
not stored: the stable topic ids stay those of the main model.
"""
from __future__ import annotations

import numpy as np

from miner.topics import corpus, model
from miner.topics.model import TopicError

MIN_DOCUMENTS = 6


def members(conn, topic_id: int, min_weight: float) -> list[int]:
    """Documents whose largest topic share is ``topic_id`` and at least ``min_weight``."""
    return [r[0] for r in conn.execute(
        "SELECT dt.document_id FROM document_topics dt JOIN topics t ON t.id = dt.topic_id "
        "JOIN topic_models m ON m.id = t.model_id AND m.active = 1 "
        "WHERE dt.topic_id = ? AND dt.weight >= ? AND dt.weight = "
        "(SELECT MAX(x.weight) FROM document_topics x WHERE x.document_id = dt.document_id) "
        "ORDER BY dt.document_id", (topic_id, min_weight))]


def drill(conn, tcfg: dict, topic_id: int, k: int | None = None, top_n: int = 10) -> dict:
    ids = members(conn, topic_id, tcfg["min_topic_weight"])
    if len(ids) < MIN_DOCUMENTS:
        raise TopicError(f"topic {topic_id} is the main topic of {len(ids)} document(s); a drill-down needs at "
                         f"least {MIN_DOCUMENTS}")
    marks = ",".join("?" * len(ids))
    rows = conn.execute(f"SELECT id, doc_type, text, COALESCE(title, '') AS title FROM documents "
                        f"WHERE id IN ({marks}) ORDER BY id", ids).fetchall()
    units = corpus.build_units([(r["id"], r["doc_type"], r["text"] or "") for r in rows], tcfg,
                               corpus.known_names(conn))
    if not units:
        raise TopicError(f"the documents of topic {topic_id} have no usable words")
    k_max = max(2, min(6, len(ids) // 3))
    sub = dict(tcfg, n_topics=k or 0, n_topics_min=2, n_topics_max=k_max, n_topics_step=1, min_df=2)
    fit = model.fit([u.tokens for u in units], sub)
    # Document shares: unit weights averaged per document, weighted by unit length.
    shares: dict[int, np.ndarray] = {}
    lengths: dict[int, float] = {}
    for u, w in zip(units, fit.unit_weights):
        shares[u.document_id] = shares.get(u.document_id, 0) + w * len(u.tokens)
        lengths[u.document_id] = lengths.get(u.document_id, 0) + len(u.tokens)
    titles = {r["id"]: r["title"] for r in rows}
    subtopics = []
    terms = fit.top_terms(top_n)
    for j in range(fit.n_topics):
        docs = sorted(((d, float(v[j] / lengths[d])) for d, v in shares.items() if lengths[d]),
                      key=lambda x: -x[1])
        main = [(d, s) for d, s in docs if s == max(shares[d] / lengths[d])]
        subtopics.append({"subtopic": j + 1, "top_terms": terms[j], "n_documents": len(main),
                          "documents": [{"id": d, "title": titles.get(d, ""), "share": round(s, 3)}
                                        for d, s in main[:8]]})
    return {"topic_id": topic_id, "n_documents": len(ids), "k": fit.n_topics, "npmi": round(fit.npmi, 4),
            "subtopics": subtopics,
            "note": "second-level model on the documents whose main topic this is; not stored"}
