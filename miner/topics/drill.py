"""Drill-down within one topic: a second-level model on the documents whose main topic it is.

A mixed corpus often puts every document of the theme under one topic ("all 18 theme
documents share one topic"); fitting the same kind of model again on just those documents
shows the sub-themes inside it.  The sub-model is fitted on the fly with the configured method
and vocabulary rules (k chosen by coherence among 2..min(6, documents/3) unless given) and is
not stored: the stable topic ids stay those of the main model.
"""
from __future__ import annotations

from pathlib import Path

from miner.store import topics as store
from miner.topics import corpus, model
from miner.topics.model import TopicError

MIN_DOCUMENTS = 6


def members(conn, topic_id: int, min_weight: float) -> list[int]:
    """Documents whose largest topic share is ``topic_id`` and at least ``min_weight``."""
    return store.members(conn, topic_id, min_weight)


def drill(conn, tcfg: dict, topic_id: int, k: int | None = None, top_n: int = 10,
          spill_dir: Path | None = None) -> dict:
    ids = members(conn, topic_id, tcfg["min_topic_weight"])
    if len(ids) < MIN_DOCUMENTS:
        raise TopicError(f"topic {topic_id} is the main topic of {len(ids)} document(s); a drill-down needs at "
                         f"least {MIN_DOCUMENTS}")
    k_max = max(2, min(6, len(ids) // 3))
    sub = dict(tcfg, n_topics=k or 0, n_topics_min=2, n_topics_max=k_max, n_topics_step=1, min_df=2)
    with corpus.load(conn, sub, spill_dir, ids=ids) as units:
        if not units.n_units:
            raise TopicError(f"the documents of topic {topic_id} have no usable words")
        fit = model.fit(units, sub)
    titles = store.titles(conn, fit.document_ids)
    shares = dict(zip(fit.document_ids, fit.document_weights))
    subtopics = []
    terms = fit.top_terms(top_n)
    for j in range(fit.n_topics):
        main = sorted(((d, float(v[j])) for d, v in shares.items() if v.sum() > 0 and v[j] == v.max()),
                      key=lambda x: -x[1])
        subtopics.append({"subtopic": j + 1, "top_terms": terms[j], "n_documents": len(main),
                          "documents": [{"id": d, "title": titles.get(d, ""), "share": round(s, 3)}
                                        for d, s in main[:8]]})
    return {"topic_id": topic_id, "n_documents": len(ids), "k": fit.n_topics, "npmi": round(fit.npmi, 4),
            "subtopics": subtopics,
            "note": "second-level model on the documents whose main topic this is; not stored"}
