"""Document relevance in the store: the tagger's score, the decision, a researcher's override,
and the documents the tagger could not tag."""
from __future__ import annotations

import sqlite3

from miner.store.db import transaction


def counts(conn: sqlite3.Connection) -> dict:
    """How many tagged documents are relevant, not relevant, not scored; how many overrides."""
    row = conn.execute(
        "SELECT COUNT(*) AS n, "
        "SUM(CASE WHEN relevance IS NULL AND relevance_override IS NULL THEN 1 ELSE 0 END) AS unscored, "
        "SUM(CASE WHEN COALESCE(relevance_override, relevant, 1) = 1 THEN 1 ELSE 0 END) AS relevant, "
        "SUM(CASE WHEN relevance_override IS NOT NULL THEN 1 ELSE 0 END) AS overridden "
        "FROM documents WHERE status = 'extracted'").fetchone()
    n = row["n"] or 0
    relevant = row["relevant"] or 0
    return {"documents": n, "relevant": relevant, "not_relevant": n - relevant, "unscored": row["unscored"] or 0,
            "overridden": row["overridden"] or 0}


def listing(conn: sqlite3.Connection, doc_ids: list[int] | None = None) -> list[sqlite3.Row]:
    sql = ("SELECT d.id, d.title, COALESCE(d.local_path, d.url, d.doc_key) AS what, d.relevance, d.relevant, "
           "d.relevance_override, COALESCE(d.relevance_override, d.relevant, 1) AS is_relevant "
           "FROM documents d WHERE d.status = 'extracted'")
    params: list = []
    if doc_ids:
        sql += f" AND d.id IN ({','.join('?' * len(doc_ids))})"
        params = list(doc_ids)
    return conn.execute(sql + " ORDER BY d.relevance IS NULL, d.relevance, d.id", params).fetchall()


def set_override(conn: sqlite3.Connection, doc_ids: list[int], value: bool | None) -> list[int]:
    """Set (True/False) or clear (None) the researcher's relevance decision; returns the ids that exist."""
    with transaction(conn):
        found = [r[0] for r in conn.execute(
            f"SELECT id FROM documents WHERE id IN ({','.join('?' * len(doc_ids))})", doc_ids)] if doc_ids else []
        conn.executemany("UPDATE documents SET relevance_override = ? WHERE id = ?",
                         [(None if value is None else int(value), i) for i in found])
    return found


def tagging_failures(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    return conn.execute(
        "SELECT d.id, COALESCE(d.local_path, d.url, d.doc_key) AS what, t.error FROM tagging_state t "
        "JOIN documents d ON d.id = t.document_id WHERE t.error IS NOT NULL ORDER BY d.id").fetchall()
