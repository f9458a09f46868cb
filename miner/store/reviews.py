"""SQL of the review stage (``miner/review``): the ``reviews`` table and what it is decided on.

A review is keyed on (doc_key, sentence_start, sentence_end, sentence_hash, layer, label),
never on an annotation id.  The table is append-only: the latest row of a reviewer for a key
is that reviewer's decision; the latest row of anyone is the effective one
(view ``review_decisions``, migration 011).
"""
from __future__ import annotations

import hashlib
import json
import sqlite3
from typing import Iterable

from miner.store.db import transaction, utcnow

KEY_COLUMNS = ("doc_key", "sentence_start", "sentence_end", "sentence_hash", "layer", "label")
SENTENCE_DECISIONS = ("accept", "reject", "add")
SEEN = "seen"            # layer 'sentence', label 'sentence': the reviewer finished this sentence
DOCUMENT_DECISIONS = ("relevant", "not_relevant")


def sentence_hash(sentence: str) -> str:
    return hashlib.sha256(sentence.encode("utf-8")).hexdigest()[:16]


# -- writing -------------------------------------------------------------------------------

_LATEST_OF_REVIEWER = (
    "SELECT decision, actor, note FROM reviews WHERE doc_key = ? AND sentence_start = ? AND sentence_end = ? "
    "AND sentence_hash = ? AND layer = ? AND label = ? AND reviewer = ? ORDER BY decided_at DESC, id DESC LIMIT 1")


def record(conn: sqlite3.Connection, reviews: Iterable[dict]) -> tuple[list[int], int]:
    """Store decisions in ONE transaction.  A decision equal to the reviewer's current one for
    the same key (decision, actor, note) is not stored again.  Returns (new ids, unchanged)."""
    new_ids, unchanged = [], 0
    now = utcnow()
    with transaction(conn):
        for r in reviews:
            actor = json.dumps(sorted(r.get("actor") or []), ensure_ascii=False)
            note = r.get("note") or None
            key = (r["doc_key"], r.get("sentence_start", 0), r.get("sentence_end", 0),
                   r.get("sentence_hash", ""), r["layer"], r["label"])
            cur = conn.execute(_LATEST_OF_REVIEWER, key + (r["reviewer"],)).fetchone()
            if cur is not None and cur["decision"] == r["decision"] and cur["actor"] == actor \
                    and (cur["note"] or None) == note:
                unchanged += 1
                continue
            c = conn.execute(
                "INSERT INTO reviews (doc_key, sentence_start, sentence_end, sentence_hash, sentence, layer, label,"
                " decision, actor, reviewer, note, model_suggested, model_confidence, model_version, via, decided_at)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                key[:4] + (r.get("sentence", ""),) + key[4:] + (
                    r["decision"], actor, r["reviewer"], note,
                    None if r.get("model_suggested") is None else int(bool(r["model_suggested"])),
                    r.get("model_confidence"), r.get("model_version"), r.get("via", "web"),
                    r.get("decided_at") or now))
            new_ids.append(c.lastrowid)
    return new_ids, unchanged


def delete(conn: sqlite3.Connection, review_id: int, reviewer: str) -> bool:
    """Undo: remove one of the reviewer's own rows (the earlier decision, if any, counts again)."""
    with transaction(conn):
        cur = conn.execute("DELETE FROM reviews WHERE id = ? AND reviewer = ?", (review_id, reviewer))
    return cur.rowcount > 0


# -- reading -------------------------------------------------------------------------------

def document_by_key(conn, doc_key: str):
    return conn.execute("SELECT id, doc_key, source, title, url, date, doc_type, text FROM documents "
                        "WHERE doc_key = ?", (doc_key,)).fetchone()


def page_of(conn, document_id: int, offset: int):
    row = conn.execute("SELECT page_no FROM pages WHERE document_id = ? AND char_start <= ? AND ? < char_end",
                       (document_id, offset, offset)).fetchone()
    return row[0] if row else None


def model_version(conn, document_id: int):
    row = conn.execute("SELECT taxonomy_hash FROM tagging_state WHERE document_id = ?", (document_id,)).fetchone()
    return row[0] if row else None


def _filter_document(where: list[str], args: list, document: str | None, source: str | None) -> None:
    """Add the queue's document (doc_key or id) and source conditions on ``d``."""
    if document:
        where.append("(d.doc_key = ? OR CAST(d.id AS TEXT) = ?)")
        args += [document, document]
    if source:
        where.append("d.source = ?")
        args.append(source)


def sentences(conn, layers: list[str], *, label: str | None = None, document: str | None = None,
              source: str | None = None) -> list[sqlite3.Row]:
    """Distinct tagged sentences with a model label in ``layers``, with the confidences of those
    labels as a JSON list (NULL, not scored, read as 0.5)."""
    ph = ",".join("?" * len(layers))
    where, args = [f"a.layer IN ({ph})"], list(layers)
    if label:
        where.append("EXISTS (SELECT 1 FROM annotations b WHERE b.document_id = a.document_id AND "
                     "b.sentence_start = a.sentence_start AND b.sentence_end = a.sentence_end AND b.label = ?)")
        args.append(label)
    _filter_document(where, args, document, source)
    return conn.execute(
        "SELECT a.document_id, d.doc_key, d.source, a.sentence_start, a.sentence_end, s.text AS sentence, "
        "json_group_array(COALESCE(a.confidence, 0.5)) AS confidences "
        "FROM annotations a JOIN sentences s ON s.id = a.sentence_id JOIN documents d ON d.id = a.document_id "
        f"WHERE {' AND '.join(where)} "
        "GROUP BY a.document_id, a.sentence_start, a.sentence_end, s.text "
        "ORDER BY a.document_id, a.sentence_start", args).fetchall()


def passages(conn, *, document: str | None = None, source: str | None = None) -> list[sqlite3.Row]:
    """Body passages of tagged documents (where sentences without any model label come from)."""
    where, args = ["p.kind NOT IN ('heading', 'footnote')"], []
    _filter_document(where, args, document, source)
    return conn.execute(
        "SELECT p.document_id, d.doc_key, d.source, p.char_start, p.char_end, "
        "substr(d.text, p.char_start + 1, p.char_end - p.char_start) AS text FROM passages p "
        "JOIN documents d ON d.id = p.document_id JOIN tagging_state t ON t.document_id = d.id "
        f"WHERE d.text IS NOT NULL AND {' AND '.join(where)} ORDER BY p.document_id, p.char_start", args).fetchall()


def annotations_in(conn, document_id: int, start: int, end: int, layers: list[str]) -> list[sqlite3.Row]:
    """The model's annotations inside a sentence span (the annotations table, not the view)."""
    ph = ",".join("?" * len(layers))
    return conn.execute(
        "SELECT a.id, a.layer, a.label, a.char_start, a.char_end, "
        "substr(d.text, a.char_start + 1, a.char_end - a.char_start) AS text, a.actor, a.confidence, a.hedge, "
        "a.negated FROM annotations a JOIN documents d ON d.id = a.document_id "
        f"WHERE a.document_id = ? AND a.char_start >= ? AND a.char_end <= ? AND a.layer IN ({ph}) "
        "ORDER BY a.layer, a.label, a.char_start", [document_id, start, end, *layers]).fetchall()


def sentence_reviews(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    """Every sentence review row (relevance decisions left out), oldest first: key, sentence, decision, actor."""
    return conn.execute(
        "SELECT doc_key, sentence_start, sentence_end, sentence_hash, sentence, layer, label, decision, "
        "actor, decided_at, id FROM reviews WHERE layer <> 'relevance' ORDER BY decided_at, id").fetchall()


def candidates_version(conn: sqlite3.Connection) -> tuple:
    """Changes whenever a document was tagged or re-tagged (newest annotation, tagged documents, last tagging)."""
    return tuple(conn.execute("SELECT (SELECT MAX(rowid) FROM annotations), (SELECT COUNT(*) FROM tagging_state), "
                              "(SELECT MAX(tagged_at) FROM tagging_state)").fetchone())


def reviewed_sentence_keys(conn, reviewer: str | None = None) -> set[tuple]:
    """(doc_key, start, end, hash) of every sentence someone (or ``reviewer``) decided on."""
    sql = "SELECT DISTINCT doc_key, sentence_start, sentence_end, sentence_hash FROM reviews WHERE layer <> 'relevance'"
    args = []
    if reviewer:
        sql += " AND reviewer = ?"
        args.append(reviewer)
    return {tuple(r) for r in conn.execute(sql, args)}


def latest_per_reviewer(conn, reviewer: str | None = None, doc_key: str | None = None) -> list[sqlite3.Row]:
    """Each reviewer's current decision per key (the latest row), sentence reviews only."""
    where, args = ["r.layer <> 'relevance'"], []
    if reviewer:
        where.append("r.reviewer = ?")
        args.append(reviewer)
    if doc_key:
        where.append("r.doc_key = ?")
        args.append(doc_key)
    return conn.execute(
        "SELECT r.* FROM reviews r WHERE " + " AND ".join(where) + " AND r.id = ("
        "SELECT r2.id FROM reviews r2 WHERE r2.doc_key = r.doc_key AND r2.sentence_start = r.sentence_start "
        "AND r2.sentence_end = r.sentence_end AND r2.sentence_hash = r.sentence_hash AND r2.layer = r.layer "
        "AND r2.label = r.label AND r2.reviewer = r.reviewer ORDER BY r2.decided_at DESC, r2.id DESC LIMIT 1) "
        "ORDER BY r.doc_key, r.sentence_start, r.layer, r.label", args).fetchall()


def effective_decisions(conn) -> list[sqlite3.Row]:
    """The decision that counts per key, on sentences still in their document (view review_decisions)."""
    return conn.execute("SELECT * FROM review_decisions ORDER BY document_id, sentence_start, layer, label").fetchall()


def orphans(conn) -> list[sqlite3.Row]:
    return conn.execute("SELECT * FROM review_orphans ORDER BY doc_key, sentence_start, id").fetchall()


def counts_per_reviewer(conn) -> list[sqlite3.Row]:
    return conn.execute(
        "SELECT reviewer, COUNT(*) AS decisions, "
        "COUNT(DISTINCT doc_key || ':' || sentence_start || ':' || sentence_end) AS sentences, "
        "MAX(decided_at) AS last FROM reviews GROUP BY reviewer ORDER BY reviewer").fetchall()


def model_has(conn, document_id: int, start: int, end: int, layer: str, label: str) -> bool:
    return conn.execute("SELECT 1 FROM annotations WHERE document_id = ? AND layer = ? AND label = ? "
                        "AND char_start >= ? AND char_end <= ? LIMIT 1",
                        (document_id, layer, label, start, end)).fetchone() is not None


def effective_in(conn, document_id: int, start: int, end: int, layers: list[str]) -> list[sqlite3.Row]:
    ph = ",".join("?" * len(layers))
    return conn.execute(
        "SELECT layer, label, actor, origin, reviewer FROM effective_annotations "
        f"WHERE document_id = ? AND char_start >= ? AND char_end <= ? AND layer IN ({ph})",
        [document_id, start, end, *layers]).fetchall()


def review_count(conn) -> int:
    return conn.execute("SELECT COUNT(*) FROM reviews").fetchone()[0]
