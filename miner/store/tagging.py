"""What the tagging stage reads and writes: documents to tag, their pages, and the
annotations (each sentence once, as a span of the document's text in ``sentence_spans``),
document labels, relevance and tagging state of one tagged document."""
from __future__ import annotations

import json
import sqlite3
from bisect import bisect_right

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
        "SELECT page_no, char_start, char_end FROM pages WHERE document_id = ? ORDER BY char_start, page_no",
        (doc_id,))]


def _page_of(starts: list[int], numbers: list[int], char: int) -> int | None:
    """The page a character is on (pages sorted by start): the last one starting at or before it."""
    if not numbers:
        return None
    return numbers[max(bisect_right(starts, char) - 1, 0)]


def delete_annotations(conn: sqlite3.Connection, doc_id: int) -> None:
    """Remove a document's annotations and the sentences they name (inside the caller's transaction)."""
    conn.execute("DELETE FROM annotations WHERE document_id = ?", (doc_id,))
    conn.execute("DELETE FROM sentence_spans WHERE document_id = ?", (doc_id,))


def forget_tags(conn: sqlite3.Connection, doc_id: int) -> None:
    """The document's text is about to change: its annotations (spans of the old text), sentences,
    document labels and tagging state go, so the next `tag`/`refresh` tags it again (inside the
    caller's transaction)."""
    _clear_results(conn, doc_id)
    conn.execute("DELETE FROM tagging_state WHERE document_id = ?", (doc_id,))


def _clear_results(conn: sqlite3.Connection, doc_id: int) -> None:
    """A document's annotations, their sentences and its document labels (not its tagging state)."""
    delete_annotations(conn, doc_id)
    conn.execute("DELETE FROM document_labels WHERE document_id = ?", (doc_id,))


def _sentence_id(conn: sqlite3.Connection, doc_id: int, start: int, end: int, page: int | None) -> int:
    """The id of the document's sentence at start..end (a span of its text), written when new."""
    row = conn.execute("SELECT id, page_no FROM sentence_spans WHERE document_id = ? AND char_start = ? "
                       "AND char_end = ?", (doc_id, start, end)).fetchone()
    if row is None:
        return conn.execute(
            "INSERT INTO sentence_spans(document_id, char_start, char_end, page_no) VALUES (?,?,?,?)",
            (doc_id, start, end, page)).lastrowid
    if row[1] != page:
        conn.execute("UPDATE sentence_spans SET page_no = ? WHERE id = ?", (page, row[0]))
    return row[0]


def _source_ids(conn: sqlite3.Connection, sources: set[str]) -> dict[str, int]:
    """Ids of annotation sources (component and pattern ids), each stored once."""
    conn.executemany("INSERT OR IGNORE INTO annotation_sources(source) VALUES (?)", [(s,) for s in sorted(sources)])
    ids = {}
    for s in sources:
        ids[s] = conn.execute("SELECT id FROM annotation_sources WHERE source = ?", (s,)).fetchone()[0]
    return ids


def write_annotations(conn: sqlite3.Connection, doc_id: int, records: list[dict]) -> None:
    """Add a document's annotations (records in the shape of ``miner tag --json``, made on the
    document's stored text): each distinct sentence once in ``sentence_spans`` (with the page of
    its first character; a sentence already stored at the same span is reused), every annotation
    as a row naming its sentence and its source (``annotation_sources``).  The words themselves
    are read from documents.text (the views ``sentences``, ``annotation_evidence``,
    ``effective_annotations``).  Inside the caller's transaction; ``save`` first removes the
    document's old rows."""
    page_rows = pages(conn, doc_id)
    starts, numbers = [p[1] for p in page_rows], [p[0] for p in page_rows]
    sentence_ids: dict[tuple[int, int], int] = {}
    for r in records:
        span = (r["sentence_start"], r["sentence_end"])
        if span not in sentence_ids:
            page = _page_of(starts, numbers, span[0]) if numbers else r.get("page")
            sentence_ids[span] = _sentence_id(conn, doc_id, span[0], span[1], page)
    source_ids = _source_ids(conn, {r["source"] for r in records})
    conn.executemany(
        "INSERT INTO annotations(document_id, layer, label, char_start, char_end, sentence_start, "
        "sentence_end, sentence_id, page_no, actor, hedge, negated, value, source_id, confidence) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        [(doc_id, r["layer"], r["label"], r["start"], r["end"], r["sentence_start"],
          r["sentence_end"], sentence_ids[(r["sentence_start"], r["sentence_end"])], r.get("page"),
          json.dumps(r.get("actor") or [], ensure_ascii=False), int(r.get("hedge") or 0),
          int(r.get("negated") or 0),
          json.dumps(r["value"], ensure_ascii=False) if r.get("value") is not None else None,
          source_ids[r["source"]], r.get("confidence"))
         for r in records])


def save(conn: sqlite3.Connection, doc_id: int, sha: str | None, taxonomy_hash: str, records: list[dict],
         doc_labels: list[dict], relevance: float | None = None, relevance_threshold: float = 0.5,
         error: str | None = None) -> bool:
    """Replace one document's tagging results in one transaction: its sentences and annotations
    (each sentence once), document labels, relevance and tagging state.  Annotations are spans
    of the stored text: when that text is no longer the one they were made on (the document was
    extracted again while it was being tagged), nothing is written and False is returned; the
    document stays pending for the next run."""
    with transaction(conn):
        if records and not _made_on_stored_text(conn, doc_id, records):
            return False
        _clear_results(conn, doc_id)
        write_annotations(conn, doc_id, records)
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
    return True


def _made_on_stored_text(conn: sqlite3.Connection, doc_id: int, records: list[dict]) -> bool:
    """Whether the records' sentences (where they carry them) are the document's text at their spans."""
    text = document_text(conn, doc_id)
    return all(text[r["sentence_start"]:r["sentence_end"]] == r["sentence"] for r in records if "sentence" in r)


def save_many(conn: sqlite3.Connection, items: list[dict]) -> list[int]:
    """Several tagged documents in one transaction (the parallel tagging stage writes a task's
    documents together); each item holds ``save``'s keyword arguments (without ``conn``).
    Returns the ids of documents not written because their text changed meanwhile."""
    with transaction(conn):
        return [item["doc_id"] for item in items if not save(conn, **item)]


def kamervraag_persons(conn: sqlite3.Connection) -> list[str]:
    """Members of parliament and ministers the crawl knows from Kamervraag metadata."""
    rows = conn.execute("SELECT name FROM kamervraag_actors UNION SELECT answered_by FROM kamervragen "
                        "WHERE answered_by IS NOT NULL").fetchall()
    # answered_by falls back to a function ("Minister van Justitie en Veiligheid"): no name
    return sorted({r[0] for r in rows if r[0] and r[0].split()[0].lower() not in _FUNCTION_WORDS})


def document_text(conn: sqlite3.Connection, doc_id: int) -> str:
    row = conn.execute("SELECT text FROM documents WHERE id = ?", (doc_id,)).fetchone()
    return row[0] if row and row[0] is not None else ""
