"""Document metadata fields with their origin (document_fields), and the columns they set."""
from __future__ import annotations

import json
import sqlite3

from miner.store.db import transaction, utcnow

COLUMNS = ("title", "date", "authors", "doc_type")      # fields that are also documents columns
PROTECTED = ("researcher", "crawl")                      # never replaced by re-extraction


def _encode(field: str, value) -> str | None:
    if value is None:
        return None
    return json.dumps(value, ensure_ascii=False) if field == "authors" else str(value)


def replace_extracted(conn: sqlite3.Connection, doc_id: int, found: dict, crawl: dict) -> None:
    """Replace what the file said (and the crawl snapshot); researchers' corrections stay."""
    now = utcnow()
    with transaction(conn):
        conn.execute("DELETE FROM document_fields WHERE document_id = ? AND origin <> 'researcher'", (doc_id,))
        conn.executemany("INSERT OR REPLACE INTO document_fields VALUES (?, ?, ?, ?, ?)",
                         [(doc_id, f, _encode(f, v), origin, now) for f, (v, origin) in found.items()]
                         + [(doc_id, f, _encode(f, v), "crawl", now) for f, v in crawl.items()])


def set_field(conn: sqlite3.Connection, doc_id: int, field: str, value: str | None) -> None:
    """A researcher's correction; None removes it."""
    with transaction(conn):
        conn.execute("DELETE FROM document_fields WHERE document_id = ? AND field = ? AND origin = 'researcher'",
                     (doc_id, field))
        if value is not None:
            conn.execute("INSERT INTO document_fields VALUES (?, ?, ?, 'researcher', ?)",
                         (doc_id, field, value, utcnow()))


def winners(conn: sqlite3.Connection, doc_id: int) -> dict[str, tuple[str | None, str]]:
    """field -> (stored value, origin) of the value that counts."""
    out = {}
    for r in conn.execute("SELECT field, value, origin FROM document_fields WHERE document_id = ? "
                          "ORDER BY field, CASE origin WHEN 'researcher' THEN 0 WHEN 'crawl' THEN 1 ELSE 2 END",
                          (doc_id,)):
        out.setdefault(r["field"], (r["value"], r["origin"]))
    return out


def apply_winners(conn: sqlite3.Connection, doc_id: int) -> dict[str, str]:
    win = winners(conn, doc_id)
    updates = {}
    for f in COLUMNS:
        if f in win and (win[f][0] not in (None, "", "[]") or f == "authors"):
            updates[f] = win[f][0] or "[]"   # authors: an empty list beats an account name
    if updates:
        with transaction(conn):
            conn.execute(f"UPDATE documents SET {', '.join(f'{k} = ?' for k in updates)} WHERE id = ?",
                         (*updates.values(), doc_id))
    return {f: origin for f, (_, origin) in win.items()}


def listing(conn: sqlite3.Connection, doc_id: int) -> list[sqlite3.Row]:
    return conn.execute("SELECT field, value, origin, updated_at FROM document_fields WHERE document_id = ? "
                        "ORDER BY field, CASE origin WHEN 'researcher' THEN 0 WHEN 'crawl' THEN 1 ELSE 2 END",
                        (doc_id,)).fetchall()
