"""Tagging step of `miner refresh` (and `miner tag --all`).

Tags every extracted document whose text or taxonomy changed since it was last
tagged (``tagging_state``), replacing its rows in ``annotations`` and
``document_labels``. One transaction per document: an interrupted run keeps
everything tagged so far and picks up the rest next time.
"""
from __future__ import annotations

import json
import sqlite3
from collections import Counter

from miner.store.db import transaction, utcnow

DUTCH = ("nl", "und")
_FUNCTION_WORDS = {"minister", "staatssecretaris", "minister-president", "de", "het"}


def pending(conn: sqlite3.Connection, taxonomy_hash: str, force: bool = False,
            resume_since: str | None = None) -> list[sqlite3.Row]:
    """Documents to tag: new/changed ones, or all with ``force``.  ``resume_since`` (the start
    of an interrupted `tag --all`) leaves out what that run already re-tagged with this text
    and taxonomy, so the next `tag --all` finishes the job instead of starting over."""
    sql = ("SELECT d.id, d.extracted_sha256, d.language, d.doc_type FROM documents d "
           "LEFT JOIN tagging_state t ON t.document_id = d.id "
           "WHERE d.status = 'extracted' AND d.text IS NOT NULL")
    if not force:
        sql += (" AND (t.document_id IS NULL OR t.extracted_sha256 IS NOT d.extracted_sha256 "
                "OR t.taxonomy_hash IS NOT ?)")
        return conn.execute(sql + " ORDER BY d.id", (taxonomy_hash,)).fetchall()
    if resume_since:
        sql += (" AND NOT (t.document_id IS NOT NULL AND t.extracted_sha256 IS d.extracted_sha256 "
                "AND t.taxonomy_hash IS ? AND t.tagged_at >= ?)")
        return conn.execute(sql + " ORDER BY d.id", (taxonomy_hash, resume_since)).fetchall()
    return conn.execute(sql + " ORDER BY d.id").fetchall()


def _pages(conn, doc_id: int) -> list[tuple[int, int, int]]:
    return [(r[0], r[1], r[2]) for r in conn.execute(
        "SELECT page_no, char_start, char_end FROM pages WHERE document_id = ? ORDER BY char_start", (doc_id,))]


def save(conn: sqlite3.Connection, doc_id: int, sha: str | None, taxonomy_hash: str, records: list[dict],
         doc_labels: list[dict], relevance: float | None = None, relevance_threshold: float = 0.5,
         error: str | None = None) -> None:
    with transaction(conn):
        conn.execute("DELETE FROM annotations WHERE document_id = ?", (doc_id,))
        conn.execute("DELETE FROM document_labels WHERE document_id = ?", (doc_id,))
        conn.executemany(
            "INSERT INTO annotations(document_id, layer, label, char_start, char_end, text, sentence_start, "
            "sentence_end, sentence, page_no, actor, hedge, negated, value, source, confidence) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [(doc_id, r["layer"], r["label"], r["start"], r["end"], r["text"], r["sentence_start"],
              r["sentence_end"], r["sentence"], r["page"], json.dumps(r["actor"] or [], ensure_ascii=False),
              int(r["hedge"]), int(r["negated"]),
              json.dumps(r["value"], ensure_ascii=False) if r["value"] is not None else None, r["source"],
              r.get("confidence"))
             for r in records])
        conn.execute("UPDATE documents SET relevance = ?, relevant = ? WHERE id = ?",
                     (None if relevance is None else round(relevance, 4),
                      None if relevance is None else int(relevance >= relevance_threshold), doc_id))
        conn.executemany(
            "INSERT INTO document_labels(document_id, layer, label, score, source) VALUES (?,?,?,?,?)",
            [(doc_id, d["layer"], d["label"], d["score"], d["source"]) for d in doc_labels])
        conn.execute(
            "INSERT INTO tagging_state(document_id, extracted_sha256, taxonomy_hash, tagged_at, error) "
            "VALUES (?,?,?,?,?) "
            "ON CONFLICT(document_id) DO UPDATE SET extracted_sha256 = excluded.extracted_sha256, "
            "taxonomy_hash = excluded.taxonomy_hash, tagged_at = excluded.tagged_at, error = excluded.error",
            (doc_id, sha, taxonomy_hash, utcnow(), error))


def kamervraag_persons(conn: sqlite3.Connection) -> list[str]:
    """Members of parliament and ministers the crawl knows from Kamervraag metadata."""
    rows = conn.execute("SELECT name FROM kamervraag_actors UNION SELECT answered_by FROM kamervragen "
                        "WHERE answered_by IS NOT NULL").fetchall()
    # answered_by falls back to a function ("Minister van Justitie en Veiligheid"): no name
    return sorted({r[0] for r in rows if r[0] and r[0].split()[0].lower() not in _FUNCTION_WORDS})


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
            yield conn.execute("SELECT text FROM documents WHERE id = ?", (r["id"],)).fetchone()[0]

    def pages():
        for r in dutch:
            yield _pages(conn, r["id"])

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
