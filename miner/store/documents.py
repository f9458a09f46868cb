"""Documents and their extracted text: the rows every later stage reads."""
from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass

from miner.store.db import transaction, utcnow
from miner.store.tagging import forget_tags

# Columns a caller may set on a document (besides identity, sha and status).
META_COLUMNS = ("source_id", "url", "local_path", "title", "date", "doc_type", "language", "mime")


@dataclass
class Upsert:
    id: int
    change: str   # 'new', 'changed' (other bytes than before), 'unchanged'


def get(conn: sqlite3.Connection, doc_id: int) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM documents WHERE id = ?", (doc_id,)).fetchone()


def get_by_key(conn: sqlite3.Connection, doc_key: str) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM documents WHERE doc_key = ?", (doc_key,)).fetchone()


def upsert(conn: sqlite3.Connection, doc_key: str, source: str, sha256: str | None, *,
           authors: list[str] | None = None, metadata: dict | None = None, **meta) -> Upsert:
    """Insert a document or update its metadata; a new sha256 marks it for re-extraction.

    Metadata given as None keeps what is stored; ``metadata`` is merged key by key.
    """
    unknown = set(meta) - set(META_COLUMNS)
    if unknown:
        raise ValueError(f"unknown document fields: {sorted(unknown)}")
    now = utcnow()
    row = get_by_key(conn, doc_key)
    if row is None:
        cols = {"doc_key": doc_key, "source": source, "sha256": sha256, "first_seen": now, "updated_at": now,
                "authors": json.dumps(authors or [], ensure_ascii=False),
                "metadata": json.dumps(metadata or {}, ensure_ascii=False),
                **{k: v for k, v in meta.items() if v is not None}}
        cur = conn.execute(f"INSERT INTO documents({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                           tuple(cols.values()))
        return Upsert(cur.lastrowid, "new")
    updates = {k: v for k, v in meta.items() if v is not None and row[k] != v}
    if authors:
        updates["authors"] = json.dumps(authors, ensure_ascii=False)
    if metadata:
        merged = {**json.loads(row["metadata"] or "{}"), **metadata}
        updates["metadata"] = json.dumps(merged, ensure_ascii=False)
    change = "unchanged"
    if sha256 is not None and sha256 != row["sha256"]:
        updates.update(sha256=sha256, status="pending", error=None)
        change = "changed"
    if updates:
        updates["updated_at"] = now
        conn.execute(f"UPDATE documents SET {', '.join(f'{k} = ?' for k in updates)} WHERE id = ?",
                     (*updates.values(), row["id"]))
    return Upsert(row["id"], change)


def retry_under_name(conn: sqlite3.Connection, doc_id: int, local_path: str, file_name: str) -> None:
    """The same bytes came back under another name after a failure the old name caused
    (a .pdf that was HTML): keep the new name and extract again."""
    row = get(conn, doc_id)
    meta = {**json.loads(row["metadata"] or "{}"), "file_name": file_name}
    conn.execute("UPDATE documents SET local_path = ?, metadata = ?, status = 'pending', error = NULL, "
                 "extracted_sha256 = NULL, updated_at = ? WHERE id = ?",
                 (local_path, json.dumps(meta, ensure_ascii=False), utcnow(), doc_id))


def needs_extraction(conn: sqlite3.Connection, doc_ids: list[int] | None = None) -> list[sqlite3.Row]:
    """Documents whose current bytes have not been extracted yet (new, changed, or never tried)."""
    sql = ("SELECT id, doc_key, sha256, local_path, url, mime FROM documents WHERE sha256 IS NOT NULL AND "
           "(extracted_sha256 IS NULL OR extracted_sha256 != sha256)")
    rows = conn.execute(sql + " ORDER BY id").fetchall()
    if doc_ids is not None:
        wanted = set(doc_ids)
        rows = [r for r in rows if r["id"] in wanted]
    return rows


def save_extraction(conn: sqlite3.Connection, doc_id: int, sha256: str, ext) -> None:
    """Replace the document's text, pages, passages and tables in one transaction.  Passages are
    spans of documents.text (written first); a text that differs from the stored one also takes
    the document's tags with it (they are spans of the old text), so it is tagged again."""
    status = "needs_ocr" if ext.pages and all(p.needs_ocr for p in ext.pages) else "extracted"
    with transaction(conn):
        _clear_text(conn, doc_id)
        old = conn.execute("SELECT text FROM documents WHERE id = ?", (doc_id,)).fetchone()
        if old is not None and old[0] != ext.text:
            forget_tags(conn, doc_id)
        conn.execute("UPDATE documents SET text = ? WHERE id = ?", (ext.text, doc_id))
        conn.executemany(
            "INSERT INTO pages(document_id, page_no, char_start, char_end, ocr, needs_ocr) VALUES (?,?,?,?,?,?)",
            [(doc_id, p.number, p.start, p.end, int(p.ocr), int(p.needs_ocr)) for p in ext.pages])
        conn.executemany(
            "INSERT INTO passage_spans(document_id, seq, page_no, kind, char_start, char_end) VALUES (?,?,?,?,?,?)",
            [(doc_id, i, p.page, p.kind, p.start, p.end) for i, p in enumerate(ext.passages)])
        conn.executemany(
            "INSERT INTO extracted_tables(document_id, page_no, seq, rows) VALUES (?,?,?,?)",
            [(doc_id, t.page, i, json.dumps(t.rows, ensure_ascii=False)) for i, t in enumerate(ext.tables)])
        row = get(conn, doc_id)
        meta = json.loads(row["metadata"] or "{}")
        if ext.metadata:
            meta.setdefault("extracted", {}).update(ext.metadata)
        if ext.links:
            meta["links"] = ext.links
        warnings = "; ".join(ext.warnings) or None
        conn.execute(
            "UPDATE documents SET n_pages = ?, language = ?, is_dutch = ?, mime = COALESCE(mime, ?), "
            "title = COALESCE(title, ?), date = COALESCE(date, ?), "
            "authors = CASE WHEN authors = '[]' THEN ? ELSE authors END, metadata = ?, "
            "status = ?, error = ?, extracted_sha256 = ?, extracted_at = ?, updated_at = ? WHERE id = ?",
            (ext.n_pages or None, ext.language, int(ext.language == "nl"), ext.mime,
             ext.title, ext.date, json.dumps(ext.authors, ensure_ascii=False),
             json.dumps(meta, ensure_ascii=False), status,
             warnings if status == "extracted" else (warnings or "no text layer and OCR is not available "
                                                    "(install tesseract-ocr and tesseract-ocr-nld)"),
             sha256, utcnow(), utcnow(), doc_id))


def save_failure(conn: sqlite3.Connection, doc_id: int, sha256: str | None, reason: str) -> None:
    with transaction(conn):
        mark_failed(conn, doc_id, sha256, reason)


def mark_failed(conn: sqlite3.Connection, doc_id: int, sha256: str | None, reason: str) -> None:
    """``save_failure`` inside the caller's transaction: the text goes, and with it its spans and tags."""
    _clear_text(conn, doc_id)
    forget_tags(conn, doc_id)
    conn.execute("UPDATE documents SET status = 'failed', error = ?, text = NULL, extracted_sha256 = ?, "
                 "extracted_at = ?, updated_at = ? WHERE id = ?",
                 (reason, sha256, utcnow(), utcnow(), doc_id))


def _clear_text(conn: sqlite3.Connection, doc_id: int) -> None:
    for table in ("pages", "passage_spans", "extracted_tables"):
        conn.execute(f"DELETE FROM {table} WHERE document_id = ?", (doc_id,))


# -- lookups by key (the crawl asks these before it fetches or writes) -----------------------

def identity(conn: sqlite3.Connection, doc_key: str) -> sqlite3.Row | None:
    """(id, sha256) of the document stored under ``doc_key``, or None."""
    return conn.execute("SELECT id, sha256 FROM documents WHERE doc_key = ?", (doc_key,)).fetchone()


def exists(conn: sqlite3.Connection, doc_key: str) -> bool:
    """Whether a document is stored under ``doc_key``."""
    return conn.execute("SELECT 1 FROM documents WHERE doc_key = ?", (doc_key,)).fetchone() is not None


def id_exists(conn: sqlite3.Connection, doc_id: int) -> bool:
    """Whether document ``doc_id`` exists."""
    return conn.execute("SELECT 1 FROM documents WHERE id = ?", (doc_id,)).fetchone() is not None


def metadata_value(conn: sqlite3.Connection, doc_key: str, path: str) -> sqlite3.Row | None:
    """Row whose ``value`` is the metadata at dotted ``path`` (``sru.modified``); None when no such document."""
    return conn.execute("SELECT json_extract(metadata, ?) AS value FROM documents WHERE doc_key = ?",
                        ("$." + path, doc_key)).fetchone()


def where_from(conn: sqlite3.Connection, doc_id: int) -> str | None:
    """Where a document came from: its local path, else its url; None when there is no such document."""
    row = conn.execute("SELECT local_path, url FROM documents WHERE id = ?", (doc_id,)).fetchone()
    return (row["local_path"] or row["url"]) if row else None


def crawl_columns(conn: sqlite3.Connection, doc_id: int) -> sqlite3.Row | None:
    """source, title, date, authors, doc_type of a document (what a crawl may have set)."""
    return conn.execute("SELECT source, title, date, authors, doc_type FROM documents WHERE id = ?",
                        (doc_id,)).fetchone()


def title_local_files_by_name(conn: sqlite3.Connection) -> int:
    """Extracted local files without a title take their file name as title; returns how many."""
    return conn.execute("UPDATE documents SET title = json_extract(metadata, '$.file_name') "
                        "WHERE title IS NULL AND source = 'local' AND status != 'pending' "
                        "AND json_extract(metadata, '$.file_name') IS NOT NULL").rowcount
