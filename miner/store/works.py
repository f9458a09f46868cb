"""Works and their manifestations: duplicate documents merged for counting, and split again."""
from __future__ import annotations

import sqlite3

from miner.store.db import transaction, utcnow


def extracted(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    """(id, mime, extracted_sha256, n_chars) of every extracted document, oldest first."""
    return conn.execute("SELECT id, mime, extracted_sha256, length(text) AS n_chars FROM documents "
                        "WHERE status = 'extracted' AND text IS NOT NULL AND length(text) > 0 ORDER BY id").fetchall()


def text(conn: sqlite3.Connection, doc_id: int) -> str:
    row = conn.execute("SELECT text FROM documents WHERE id = ?", (doc_id,)).fetchone()
    return (row[0] or "") if row else ""


def signatures(conn: sqlite3.Connection) -> dict[int, tuple[str | None, int, bytes | None]]:
    return {r[0]: (r[1], r[2], r[3]) for r in conn.execute(
        "SELECT document_id, extracted_sha256, n_shingles, signature FROM document_signatures")}


def save_signatures(conn: sqlite3.Connection, rows: list[tuple[int, str | None, int, bytes | None]]) -> None:
    with transaction(conn):
        conn.executemany("INSERT OR REPLACE INTO document_signatures VALUES (?, ?, ?, ?)", rows)


def decisions(conn: sqlite3.Connection) -> dict[int, tuple[int, str]]:
    """document id -> (work id, 'merged' | 'split')."""
    return {r[0]: (r[1], r[2]) for r in conn.execute("SELECT document_id, work_id, decision FROM document_duplicates")}


def replace_merges(conn: sqlite3.Connection, merges: list[tuple[int, int, float]], method: str) -> None:
    """Store the automatic merges (document, work, similarity); researchers' splits stay."""
    now = utcnow()
    with transaction(conn):
        conn.execute("DELETE FROM document_duplicates WHERE decision = 'merged'")
        conn.executemany("INSERT OR IGNORE INTO document_duplicates (document_id, work_id, similarity, decision, "
                         "method, decided_at) VALUES (?, ?, ?, 'merged', ?, ?)",
                         [(d, w, round(s, 4), method, now) for d, w, s in merges])


def split(conn: sqlite3.Connection, doc_id: int) -> list[int]:
    """Take ``doc_id`` out of its work (or, when it stands for a work, every manifestation
    out of it); the split is remembered.  Returns the documents that were split off."""
    rows = conn.execute("SELECT document_id, work_id, similarity FROM document_duplicates WHERE decision = 'merged' "
                        "AND (document_id = ? OR work_id = ?)", (doc_id, doc_id)).fetchall()
    with transaction(conn):
        for r in rows:
            conn.execute("UPDATE document_duplicates SET decision = 'split', method = 'researcher', decided_at = ? "
                         "WHERE document_id = ?", (utcnow(), r["document_id"]))
    return [r["document_id"] for r in rows]


def merges(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    """Current merges with titles and where each manifestation came from, for `miner status`."""
    return conn.execute(
        "SELECT x.document_id, x.work_id, x.similarity, "
        "COALESCE(d.local_path, d.url, d.doc_key) AS what, d.mime, "
        "COALESCE(w.title, w.local_path, w.url) AS work_title, COALESCE(w.local_path, w.url, w.doc_key) AS work_what, "
        "w.mime AS work_mime FROM document_duplicates x JOIN documents d ON d.id = x.document_id "
        "JOIN documents w ON w.id = x.work_id WHERE x.decision = 'merged' ORDER BY x.work_id, x.document_id"
    ).fetchall()
