"""What the tagging stage reads and writes: documents to tag, their pages, and the
annotations, document labels, relevance and tagging state of one tagged document."""
from __future__ import annotations

import json
import sqlite3

from miner.store.db import transaction, utcnow

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


def pages(conn, doc_id: int) -> list[tuple[int, int, int]]:
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


def save_many(conn: sqlite3.Connection, items: list[dict]) -> None:
    """Several tagged documents in one transaction (the parallel tagging stage writes a task's
    documents together); each item holds ``save``'s keyword arguments (without ``conn``)."""
    with transaction(conn):
        for item in items:
            save(conn, **item)


def kamervraag_persons(conn: sqlite3.Connection) -> list[str]:
    """Members of parliament and ministers the crawl knows from Kamervraag metadata."""
    rows = conn.execute("SELECT name FROM kamervraag_actors UNION SELECT answered_by FROM kamervragen "
                        "WHERE answered_by IS NOT NULL").fetchall()
    # answered_by falls back to a function ("Minister van Justitie en Veiligheid"): no name
    return sorted({r[0] for r in rows if r[0] and r[0].split()[0].lower() not in _FUNCTION_WORDS})


def document_text(conn: sqlite3.Connection, doc_id: int) -> str:
    row = conn.execute("SELECT text FROM documents WHERE id = ?", (doc_id,)).fetchone()
    return row[0] if row and row[0] is not None else ""
