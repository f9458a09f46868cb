"""Kamervragen in the store (tables of migration 002_crawl): the merged record with its actors,
numbered items and footnotes, the Tweede Kamer Zaak it was merged from (``tk_zaken``), and the
documents that are its parts.

The crawl turns what it parsed into plain rows and calls :func:`upsert`; the parsers never
touch the database.
"""
from __future__ import annotations

import sqlite3
from contextlib import contextmanager, nullcontext
from typing import Iterable, Iterator

from miner.store.db import transaction

FIELDS = ("zaak_nummer", "question_id", "answer_id", "title", "submitted", "answered", "days_to_answer",
          "vergaderjaar", "aanhangselnummer", "receiver", "answered_by", "postponed", "postponement_date",
          "postponement_text", "metadata")
ACTOR_COLUMNS = ("role", "name", "party", "function")
ITEM_COLUMNS = ("number", "question", "answer", "answer_refers_to", "answered_together")
FOOTNOTE_COLUMNS = ("part", "number", "text", "url")
_CHILDREN = {"kamervraag_actors": ACTOR_COLUMNS, "kamervraag_items": ITEM_COLUMNS,
             "kamervraag_footnotes": FOOTNOTE_COLUMNS}
PART_DOC_TYPES = ("kamervraag", "antwoord", "mededeling")


@contextmanager
def _atomic(conn: sqlite3.Connection) -> Iterator[None]:
    """Join the caller's transaction when there is one (a source saving document + Kamervraag together)."""
    with (nullcontext(conn) if conn.in_transaction else transaction(conn)):
        yield


def find(conn: sqlite3.Connection, zaak_nummer: str | None, question_id: str | None) -> sqlite3.Row | None:
    """The stored Kamervraag with this Zaak nummer, else the one with this question id."""
    for column, value in (("zaak_nummer", zaak_nummer), ("question_id", question_id)):
        if value:
            row = conn.execute(f"SELECT * FROM kamervragen WHERE {column} = ?", (value,)).fetchone()
            if row is not None:
                return row
    return None


def _sync(conn: sqlite3.Connection, table: str, kid: int, wanted: set[tuple]) -> bool:
    """Make the child rows of ``kid`` in ``table`` equal ``wanted``; False when they already were."""
    columns = _CHILDREN[table]
    have = {tuple(r) for r in conn.execute(f"SELECT {', '.join(columns)} FROM {table} WHERE kamervraag_id = ?",
                                           (kid,))}
    if have == wanted:
        return False
    conn.execute(f"DELETE FROM {table} WHERE kamervraag_id = ?", (kid,))
    marks = ", ".join("?" * (len(columns) + 1))
    ordered = sorted(wanted, key=lambda r: tuple("" if v is None else str(v) for v in r))
    conn.executemany(f"INSERT INTO {table} (kamervraag_id, {', '.join(columns)}) VALUES ({marks})",
                     [(kid, *row) for row in ordered])
    return True


def upsert(conn: sqlite3.Connection, record: dict, *, actors: Iterable[tuple] = (), items: Iterable[tuple] = (),
           footnotes: Iterable[tuple] = (), question_document_id: int | None = None,
           answer_document_id: int | None = None) -> tuple[int, str]:
    """Insert or update a Kamervraag and its children; returns (id, 'new' | 'changed' | 'unchanged')."""
    # record: FIELDS; children: tuples of *_COLUMNS.  Saving the same again writes nothing (not even
    # identical rows); a document id left None keeps the stored one.
    if not record.get("zaak_nummer") and not record.get("question_id"):
        raise ValueError("a Kamervraag needs a Zaak nummer or a question id to be stored")
    row = {c: record.get(c) for c in FIELDS}
    with _atomic(conn):
        existing = find(conn, row["zaak_nummer"], row["question_id"])
        if existing is None:
            cols = list(FIELDS) + ["question_document_id", "answer_document_id"]
            values = [row[c] for c in FIELDS] + [question_document_id, answer_document_id]
            cur = conn.execute(f"INSERT INTO kamervragen ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                               values)
            kid, change = cur.lastrowid, "new"
        else:
            kid, change = existing["id"], "unchanged"
            updates = {c: row[c] for c in FIELDS if existing[c] != row[c] and not (row[c] is None and c in
                                                                                  ("zaak_nummer", "question_id"))}
            for column, value in (("question_document_id", question_document_id),
                                  ("answer_document_id", answer_document_id)):
                if value is not None and existing[column] != value:
                    updates[column] = value
            if updates:
                conn.execute(f"UPDATE kamervragen SET {', '.join(c + ' = ?' for c in updates)} WHERE id = ?",
                             [*updates.values(), kid])
                change = "changed"
        touched = [_sync(conn, "kamervraag_actors", kid, set(actors)),
                   _sync(conn, "kamervraag_items", kid, set(items)),
                   _sync(conn, "kamervraag_footnotes", kid, set(footnotes))]
        if change == "unchanged" and any(touched):
            change = "changed"
    return kid, change


def part_documents(conn: sqlite3.Connection, zaak_nummer: str) -> list[sqlite3.Row]:
    """Stored question, answer and postponement documents of a Zaak (``metadata.zaak_nummer``)."""
    return conn.execute(
        "SELECT id, source_id, doc_type, url, sha256, metadata FROM documents "
        f"WHERE json_extract(metadata, '$.zaak_nummer') = ? AND doc_type IN ({', '.join('?' * len(PART_DOC_TYPES))}) "
        "ORDER BY source_id", (zaak_nummer, *PART_DOC_TYPES)).fetchall()


def linked_documents(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    """Every Kamervraag's part ids and the documents stored for them (None: not stored yet), oldest first."""
    return conn.execute("SELECT zaak_nummer, question_id, answer_id, question_document_id, "
                        "answer_document_id FROM kamervragen ORDER BY id").fetchall()


# -- tk_zaken: the Tweede Kamer Zaak as fetched ----------------------------------------------

def zaak_json(conn: sqlite3.Connection, nummer: str) -> str | None:
    """The stored OData JSON of Zaak ``nummer``."""
    row = conn.execute("SELECT json FROM tk_zaken WHERE nummer = ?", (nummer,)).fetchone()
    return row["json"] if row else None


def zaken(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    """(nummer, json) of every stored Zaak, by nummer."""
    return conn.execute("SELECT nummer, json FROM tk_zaken ORDER BY nummer").fetchall()


def save_zaak(conn: sqlite3.Connection, nummer: str, zaak_id: str | None, gewijzigd_op: str | None, json_text: str,
              source: str, fetched_at: str) -> None:
    """Insert or replace the fetched Zaak ``nummer``."""
    conn.execute(
        "INSERT INTO tk_zaken(nummer, zaak_id, gewijzigd_op, json, source, fetched_at) "
        "VALUES (?,?,?,?,?,?) ON CONFLICT(nummer) DO UPDATE SET zaak_id = excluded.zaak_id, "
        "gewijzigd_op = excluded.gewijzigd_op, json = excluded.json, fetched_at = excluded.fetched_at",
        (nummer, zaak_id, gewijzigd_op, json_text, source, fetched_at))
