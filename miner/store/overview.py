"""What is in the store, for `miner status`: counts per column, pages, problems, work left to do,
and how fresh the later stages' tables are.  Read-only; every function works on a store from an
older miner too (tables a migration has not made yet are left out)."""
from __future__ import annotations

import sqlite3

# The document columns `miner status` groups by (name -> SQL expression; a fixed list, never user input).
_GROUPINGS = {"source": "source", "doc_type": "COALESCE(doc_type, '-')",
              "language": "COALESCE(language, '-')", "status": "status"}
# The tables whose rows `miner status` counts.
_COUNTED = ("annotations", "kamervragen", "topics", "gaps")


def names(conn: sqlite3.Connection) -> set[str]:
    """Names of the store's tables and views."""
    return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")}


def document_count(conn: sqlite3.Connection) -> int:
    """How many documents the store holds."""
    return conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0]


def documents_by(conn: sqlite3.Connection, column: str) -> list[tuple[str, int]]:
    """(value, documents) per value of ``column`` (source, doc_type, language or status), most first."""
    if column not in _GROUPINGS:
        raise ValueError(f"cannot group documents by {column!r} (one of {', '.join(_GROUPINGS)})")
    return [(r[0], r[1]) for r in conn.execute(
        f"SELECT {_GROUPINGS[column]} AS k, COUNT(*) AS n FROM documents GROUP BY k ORDER BY n DESC")]


def page_counts(conn: sqlite3.Connection) -> tuple[int, int, int]:
    """(pages, pages that need OCR, pages read by OCR)."""
    row = conn.execute("SELECT COUNT(*), COALESCE(SUM(needs_ocr), 0), COALESCE(SUM(ocr), 0) FROM pages").fetchone()
    return row[0], row[1], row[2]


def problem_documents(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    """Documents that failed or need OCR: id, what (path, url or key), status, error."""
    return conn.execute("SELECT id, COALESCE(local_path, url, doc_key) AS what, status, error FROM documents "
                        "WHERE status IN ('failed', 'needs_ocr') ORDER BY id").fetchall()


def running_run_ids(conn: sqlite3.Connection) -> set[int]:
    """Ids of runs still marked running."""
    return {r[0] for r in conn.execute("SELECT id FROM runs WHERE status = 'running'")}


def not_extracted(conn: sqlite3.Connection) -> int:
    """Documents whose current bytes are not extracted yet."""
    return conn.execute("SELECT COUNT(*) FROM documents WHERE sha256 IS NOT NULL AND "
                        "(extracted_sha256 IS NULL OR extracted_sha256 != sha256)").fetchone()[0]


def not_tagged(conn: sqlite3.Connection) -> int:
    """Extracted documents with text whose current text is not tagged (0 before the tagging tables exist)."""
    if "tagging_state" not in names(conn):
        return 0
    return conn.execute(
        "SELECT COUNT(*) FROM documents d LEFT JOIN tagging_state t ON t.document_id = d.id "
        "WHERE d.status = 'extracted' AND d.text IS NOT NULL AND (t.document_id IS NULL "
        "OR t.extracted_sha256 IS NOT d.extracted_sha256)").fetchone()[0]


def extracted_not_tagged(conn: sqlite3.Connection) -> int:
    """Extracted documents (with or without text) whose current text is not tagged."""
    return conn.execute("SELECT COUNT(*) FROM documents d WHERE d.status = 'extracted' AND NOT EXISTS "
                        "(SELECT 1 FROM tagging_state t WHERE t.document_id = d.id "
                        "AND t.extracted_sha256 IS d.extracted_sha256)").fetchone()[0]


def row_count(conn: sqlite3.Connection, table: str) -> int:
    """Rows of one of the counted tables (annotations, kamervragen, topics, gaps)."""
    if table not in _COUNTED:
        raise ValueError(f"not a counted table: {table!r}")
    return conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


def gap_cells(conn: sqlite3.Connection) -> int:
    """Matrix cells of the latest gap analysis that are a gap."""
    return conn.execute("SELECT COUNT(*) FROM gaps WHERE is_gap = 1").fetchone()[0]


def gaps_computed_at(conn: sqlite3.Connection) -> str | None:
    """When the stored gap analysis was computed (None: never)."""
    return conn.execute("SELECT MAX(computed_at) FROM gaps").fetchone()[0]


def last_change_for_gaps(conn: sqlite3.Connection) -> str | None:
    """The latest tagging or duplicate decision: gaps computed before it are stale."""
    if "document_duplicates" in names(conn):
        return conn.execute("SELECT MAX(t) FROM (SELECT MAX(tagged_at) AS t FROM tagging_state UNION ALL "
                            "SELECT MAX(decided_at) FROM document_duplicates)").fetchone()[0]
    return conn.execute("SELECT MAX(tagged_at) FROM tagging_state").fetchone()[0]
