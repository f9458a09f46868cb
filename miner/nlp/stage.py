"""Tagging step of `miner refresh` (and `miner tag --all`).

Tags every extracted document whose text or taxonomy changed since it was last
tagged (``tagging_state``), replacing its rows in ``annotations`` and
``document_labels``. One transaction per document: an interrupted run keeps
everything tagged so far and picks up the rest next time.
"""
from __future__ import annotations

from collections import Counter

from miner.store import tagging as store
from miner.store.tagging import kamervraag_persons, pending, save  # noqa: F401  (the stage's store API)

DUTCH = ("nl", "und")


def run(cfg, conn, progress: bool = True, force: bool = False, resume_since: str | None = None,
        on_progress=None) -> dict:
    """Tag new/changed documents (all extracted ones with ``force``); returns a summary.
    ``on_progress(summary)`` is called after every document (the run row's progress)."""
    from miner.nlp.tagging.pipeline import tagger_hash, taxonomy_for
    taxonomy = taxonomy_for(cfg)
    th = tagger_hash(cfg, taxonomy)
    todo = pending(conn, th, force, resume_since)
    summary = {"tagged": 0, "not_dutch": 0, "failed": 0, "failures": [], "relevant": 0, "annotations": 0,
               "by_layer": {}, "taxonomy": th}
    if not todo:
        return summary
    dutch = [r for r in todo if (r["language"] or "und") in DUTCH]
    for r in todo:
        if (r["language"] or "und") not in DUTCH:
            save(conn, r["id"], r["extracted_sha256"], th, [], [])  # recorded, so it is not retried
            summary["not_dutch"] += 1
    if not dutch:
        return summary

    from miner.nlp.tagging import evidence, pipeline
    nlp = pipeline.build(cfg, taxonomy)
    nlp.get_pipe("miner_entities").tagger.add_persons(kamervraag_persons(conn), "kamervraag-metadata")
    by_layer: Counter = Counter()

    def texts():
        for r in dutch:
            yield store.document_text(conn, r["id"])

    def pages():
        for r in dutch:
            yield store.pages(conn, r["id"])

    learned = pipeline.learned_settings(cfg)
    rel_threshold = learned["relevance_threshold"] if learned else 0.5
    bar = None
    if progress:
        from tqdm import tqdm
        bar = tqdm(total=len(dutch), desc="tag", unit="doc", leave=False)
    try:
        results = pipeline.tag_records(nlp, texts(), batch_size=cfg["nlp"]["tag_batch_size"], pages=pages())
        for row, res in zip(dutch, results):
            if res.error:
                save(conn, row["id"], row["extracted_sha256"], th, [], [], error=res.error)
                summary["failed"] += 1
                summary["failures"].append({"document_id": row["id"], "error": res.error})
            else:
                # the crawl knows a Kamervraag for what it is; the text's cue words do not decide that
                doc_labels = evidence.from_doc_type(taxonomy, row["doc_type"]) or res.doc_labels
                save(conn, row["id"], row["extracted_sha256"], th, res.records, doc_labels, res.relevance,
                     rel_threshold)
                by_layer.update(r["layer"] for r in res.records)
                summary["tagged"] += 1
                summary["relevant"] += int(res.relevance is None or res.relevance >= rel_threshold)
            if on_progress is not None:
                on_progress(summary)
            if bar is not None:
                bar.update(1)
    finally:
        if bar is not None:
            bar.close()
    summary["annotations"] = sum(by_layer.values())
    summary["by_layer"] = dict(sorted(by_layer.items()))
    return summary
