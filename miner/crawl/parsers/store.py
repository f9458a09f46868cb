"""Write a parsed Kamervraag into the store (tables of migration 002_crawl).

Idempotent: saving the same record again writes nothing; a changed record replaces its items,
actors and footnotes.  One transaction, so a kill halfway leaves the previous version intact.
"""
from __future__ import annotations

import json
import sqlite3
from contextlib import contextmanager, nullcontext

from miner.crawl.parsers.errors import ParseError
from miner.crawl.parsers.model import Kamervraag
from miner.store import transaction

_FIELDS = ("zaak_nummer", "question_id", "answer_id", "title", "submitted", "answered", "days_to_answer",
           "vergaderjaar", "aanhangselnummer", "receiver", "answered_by", "postponed", "postponement_date",
           "postponement_text", "metadata")


def _row(kv: Kamervraag) -> dict:
    p = kv.postponement
    postponed = p is not None or bool(kv.metadata.get("mededeling_documents"))
    return {"zaak_nummer": kv.zaak_nummer, "question_id": kv.question_id, "answer_id": kv.answer_id,
            "title": kv.title, "submitted": kv.submitted, "answered": kv.answered,
            "days_to_answer": kv.days_to_answer, "vergaderjaar": kv.vergaderjaar,
            "aanhangselnummer": kv.aanhangselnummer, "receiver": kv.receiver, "answered_by": kv.answered_by,
            "postponed": int(postponed), "postponement_date": p.date if p else None,
            "postponement_text": p.text if p else None,
            "metadata": json.dumps(kv.metadata, ensure_ascii=False, sort_keys=True)}


def _actors(kv: Kamervraag) -> set[tuple]:
    rows = {}
    for a in kv.submitters:
        rows.setdefault((a.role, a.name), (a.role, a.name, a.party, a.function))
    if kv.receiver:
        rows.setdefault(("gericht_aan", kv.receiver), ("gericht_aan", kv.receiver, None, None))
    if kv.answered_by:
        rows.setdefault(("beantwoord_door", kv.answered_by),
                        ("beantwoord_door", kv.answered_by, None, kv.metadata.get("answered_by_function")))
    return set(rows.values())


def _items(kv: Kamervraag) -> set[tuple]:
    return {(i.number, i.question or "", i.answer, i.answer_refers_to,
             ",".join(map(str, i.answered_together)) or None) for i in kv.items}


def _footnotes(kv: Kamervraag) -> set[tuple]:
    return {(f.part, f.number, f.text, f.url) for f in kv.footnotes}


def _find(conn: sqlite3.Connection, kv: Kamervraag):
    for column in ("zaak_nummer", "question_id"):
        value = getattr(kv, column)
        if value:
            row = conn.execute(f"SELECT * FROM kamervragen WHERE {column} = ?", (value,)).fetchone()
            if row is not None:
                return row
    return None


def _sync(conn, table: str, kid: int, columns: tuple[str, ...], wanted: set[tuple]) -> bool:
    have = {tuple(r) for r in conn.execute(f"SELECT {', '.join(columns)} FROM {table} WHERE kamervraag_id = ?",
                                           (kid,))}
    if have == wanted:
        return False
    conn.execute(f"DELETE FROM {table} WHERE kamervraag_id = ?", (kid,))
    marks = ", ".join("?" * (len(columns) + 1))
    conn.executemany(f"INSERT INTO {table} (kamervraag_id, {', '.join(columns)}) VALUES ({marks})",
                     [(kid, *row) for row in sorted(wanted, key=lambda r: tuple("" if v is None else str(v) for v in r))])
    return True


@contextmanager
def _atomic(conn):
    # Join the caller's transaction when there is one (a source saving document + Kamervraag together).
    with (nullcontext(conn) if conn.in_transaction else transaction(conn)):
        yield


def save_kamervraag(conn: sqlite3.Connection, kv: Kamervraag, question_document_id: int | None = None,
                    answer_document_id: int | None = None) -> tuple[int, str]:
    """Upsert ``kv``; returns (kamervragen.id, change) with change ``new``, ``changed`` or ``unchanged``.
    Document ids left None keep what is stored."""
    if not kv.zaak_nummer and not kv.question_id:
        raise ParseError("a Kamervraag needs a Zaak nummer or a question id to be stored")
    row = _row(kv)
    with _atomic(conn):
        existing = _find(conn, kv)
        if existing is None:
            cols = list(_FIELDS) + ["question_document_id", "answer_document_id"]
            values = [row[c] for c in _FIELDS] + [question_document_id, answer_document_id]
            cur = conn.execute(f"INSERT INTO kamervragen ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                               values)
            kid, change = cur.lastrowid, "new"
        else:
            kid, change = existing["id"], "unchanged"
            updates = {c: row[c] for c in _FIELDS if existing[c] != row[c] and not (row[c] is None and c in
                                                                                   ("zaak_nummer", "question_id"))}
            for column, value in (("question_document_id", question_document_id),
                                  ("answer_document_id", answer_document_id)):
                if value is not None and existing[column] != value:
                    updates[column] = value
            if updates:
                conn.execute(f"UPDATE kamervragen SET {', '.join(c + ' = ?' for c in updates)} WHERE id = ?",
                             [*updates.values(), kid])
                change = "changed"
        touched = [
            _sync(conn, "kamervraag_actors", kid, ("role", "name", "party", "function"), _actors(kv)),
            _sync(conn, "kamervraag_items", kid, ("number", "question", "answer", "answer_refers_to",
                                                  "answered_together"), _items(kv)),
            _sync(conn, "kamervraag_footnotes", kid, ("part", "number", "text", "url"), _footnotes(kv)),
        ]
        if change == "unchanged" and any(touched):
            change = "changed"
    return kid, change
