"""What the topics stage reads and writes: the documents it models (streamed in chunks, never
all at once), the names it leaves out, and the fitted model (topic_models, topics,
document_topics); and what `miner topics` reads back (current topics, per year, per source,
the members of one topic)."""
from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator

from miner.store.db import transaction, utcnow

# Rows fetched from SQLite per step while streaming documents: a few MB of text at most.
FETCH_ROWS = 64


def _where(dutch_only: bool) -> str:
    where = "status = 'extracted' AND text IS NOT NULL AND length(text) > 0"
    if dutch_only:
        where += " AND (is_dutch = 1 OR language = 'nl')"
    return where


def document_ids(conn: sqlite3.Connection, dutch_only: bool, among: Iterable[int] | None = None) -> list[int]:
    """Ids of the documents the model sees, in doc_key order (no text); with ``among`` those of
    these documents that have text (whatever their language)."""
    if among is None:
        return [r[0] for r in conn.execute(f"SELECT id FROM documents WHERE {_where(dutch_only)} ORDER BY doc_key")]
    wanted, keys = sorted(set(among)), {}
    for i in range(0, len(wanted), 500):
        part = wanted[i:i + 500]
        keys.update(conn.execute(f"SELECT id, doc_key FROM documents WHERE {_where(False)} "
                                 f"AND id IN ({','.join('?' * len(part))})", part).fetchall())
    return sorted(keys, key=keys.get)


def document_versions(conn: sqlite3.Connection, dutch_only: bool) -> Iterator[tuple[str, str, str]]:
    """(doc_key, text version, doc_type) of every modelled document in doc_key order, streamed."""
    cur = conn.execute(f"SELECT doc_key, COALESCE(extracted_sha256, '') AS v, COALESCE(doc_type, '') AS t "
                       f"FROM documents WHERE {_where(dutch_only)} ORDER BY doc_key")
    while rows := cur.fetchmany(FETCH_ROWS * 16):
        for r in rows:
            yield r[0], r[1], r[2]


def texts(conn: sqlite3.Connection, ids: list[int]) -> Iterator[tuple[int, str | None, str]]:
    """(id, doc_type, text) of these documents in this order, ``FETCH_ROWS`` at a time (the order
    comes from ``document_ids``: sorting by doc_key here would copy every text into a temp B-tree)."""
    for i in range(0, len(ids), FETCH_ROWS):
        part = ids[i:i + FETCH_ROWS]
        rows = {r[0]: r for r in conn.execute(
            f"SELECT id, doc_type, COALESCE(text, '') FROM documents WHERE id IN ({','.join('?' * len(part))})", part)}
        for doc_id in part:
            r = rows.get(doc_id)
            if r is not None:
                yield r[0], r[1], r[2]


def person_names(conn: sqlite3.Connection) -> Iterator[str]:
    """Names of Kamerleden, other Kamervraag actors and document authors (raw strings)."""
    has_actors = conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'kamervraag_actors'").fetchone()
    if has_actors:
        for (name,) in conn.execute("SELECT name FROM kamervraag_actors"):
            if name:
                yield name
    for (authors,) in conn.execute("SELECT authors FROM documents WHERE authors != '[]'"):
        try:
            found = json.loads(authors)
        except (TypeError, ValueError):
            continue
        if isinstance(found, list):
            yield from (a for a in found if isinstance(a, str))


def titles(conn: sqlite3.Connection, ids: list[int]) -> dict[int, str]:
    out = {}
    for i in range(0, len(ids), 500):
        part = ids[i:i + 500]
        out.update({r[0]: r[1] for r in conn.execute(
            f"SELECT id, COALESCE(title, '') FROM documents WHERE id IN ({','.join('?' * len(part))})", part)})
    return out


# --- the fitted model ---------------------------------------------------------------------------

def active_model(conn: sqlite3.Connection) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM topic_models WHERE active = 1 ORDER BY id DESC LIMIT 1").fetchone()


def modelled_document_ids(conn: sqlite3.Connection) -> set[int]:
    """Documents the active model gave topic weights."""
    return {r[0] for r in conn.execute("SELECT DISTINCT document_id FROM document_topics")}


def active_term_weights(conn: sqlite3.Connection) -> dict[int, dict[str, float]]:
    """Stable topic id -> term weights, for the topics of the active model."""
    rows = conn.execute("SELECT t.id, t.term_weights FROM topics t JOIN topic_models m ON m.id = t.model_id "
                        "WHERE m.active = 1").fetchall()
    return {r["id"]: json.loads(r["term_weights"]) for r in rows}


def next_topic_id(conn: sqlite3.Connection) -> int:
    """Topic ids are never reused: one more than any id ever given."""
    return conn.execute("SELECT COALESCE(MAX(id), 0) FROM topics").fetchone()[0] + 1


def save_model(conn: sqlite3.Connection, model: dict, topics: list[dict],
               document_rows: Iterable[tuple[int, int, float, int]],
               write_files: Callable[[int], tuple[str, str]]) -> int:
    """Store a fitted model as the active one, in one transaction; returns its id.

    model: method, n_topics, npmi, diversity, unassigned_share, corpus_hash, params (JSON-able).
    topics: per topic id, top_terms, label, n_documents, term_weights, match_similarity (None =
    a new id).  document_rows: (document_id, topic_id, weight, dominant).  ``write_files(model_id)``
    writes the model file(s) and returns (path, sha256); it runs inside the transaction, so a
    failure there leaves the previous model active."""
    with transaction(conn):
        conn.execute("UPDATE topic_models SET active = 0 WHERE active = 1")
        model_id = conn.execute(
            "INSERT INTO topic_models (created_at, method, n_topics, npmi, diversity, unassigned_share, "
            "corpus_hash, params, active) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)",
            (utcnow(), model["method"], model["n_topics"], model["npmi"], model["diversity"],
             model["unassigned_share"], model["corpus_hash"],
             json.dumps(model["params"], ensure_ascii=False))).lastrowid
        conn.execute("DELETE FROM document_topics")
        for t in topics:
            values = (model_id, json.dumps(t["top_terms"], ensure_ascii=False), t["label"], t["n_documents"],
                      json.dumps(t["term_weights"], ensure_ascii=False), t["match_similarity"])
            if t["match_similarity"] is None:
                conn.execute("INSERT INTO topics (model_id, top_terms, label, n_documents, term_weights, "
                             "match_similarity, id, first_model_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                             values + (t["id"], model_id))
            else:
                conn.execute("UPDATE topics SET model_id = ?, top_terms = ?, label = ?, n_documents = ?, "
                             "term_weights = ?, match_similarity = ? WHERE id = ?", values + (t["id"],))
        conn.executemany("INSERT INTO document_topics (document_id, topic_id, weight, dominant) "
                         "VALUES (?, ?, ?, ?)", document_rows)
        path, sha = write_files(model_id)
        conn.execute("UPDATE topic_models SET path = ?, sha256 = ? WHERE id = ?", (path, sha, model_id))
    return model_id


def active_topic_terms(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    """id, top_terms (JSON), label of the active model's topics."""
    return conn.execute("SELECT t.id, t.top_terms, t.label FROM topics t JOIN topic_models m ON m.id = t.model_id "
                        "WHERE m.active = 1").fetchall()


def set_labels(conn: sqlite3.Connection, labels: dict[int, str]) -> None:
    with transaction(conn):
        conn.executemany("UPDATE topics SET label = ? WHERE id = ?", [(v, k) for k, v in labels.items()])


# --- reading it back ----------------------------------------------------------------------------

def current_topics(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    return conn.execute("SELECT t.* FROM topics t JOIN topic_models m ON m.id = t.model_id "
                        "WHERE m.active = 1 ORDER BY t.id").fetchall()


def per_year(conn: sqlite3.Connection) -> dict[int, dict[str, int]]:
    """topic id -> {year: documents whose clear main topic it is} ('onbekend' = no date)."""
    out: dict[int, dict[str, int]] = defaultdict(dict)
    for r in conn.execute(
            "SELECT dt.topic_id, COALESCE(substr(d.date, 1, 4), 'onbekend') AS year, COUNT(*) AS n "
            "FROM document_topics dt JOIN documents d ON d.id = dt.document_id "
            "JOIN topics t ON t.id = dt.topic_id JOIN topic_models m ON m.id = t.model_id AND m.active = 1 "
            "WHERE dt.dominant = 1 GROUP BY dt.topic_id, year ORDER BY dt.topic_id, year"):
        out[r["topic_id"]][r["year"]] = r["n"]
    return dict(out)


def per_source(conn: sqlite3.Connection, parliamentary_doc_types: list[str]) -> dict[int, dict[str, int]]:
    """topic id -> {'kamervragen': n, 'research': n} over documents whose clear main topic it is.
    A document is a Kamervraag when its doc_type is one of ``parliamentary_doc_types`` or the
    kamervragen table links it as question or answer."""
    from miner.store.gaps import source_kind_sql   # the one definition of a Kamervraag
    kind = source_kind_sql("d", parliamentary_doc_types)
    out: dict[int, dict[str, int]] = defaultdict(lambda: {"kamervragen": 0, "research": 0})
    for r in conn.execute(
            f"SELECT dt.topic_id, {kind} AS kind, COUNT(*) AS n "
            "FROM document_topics dt JOIN documents d ON d.id = dt.document_id "
            "JOIN topics t ON t.id = dt.topic_id JOIN topic_models m ON m.id = t.model_id AND m.active = 1 "
            "WHERE dt.dominant = 1 GROUP BY dt.topic_id, kind", parliamentary_doc_types):
        out[r["topic_id"]][r["kind"]] = r["n"]
    return dict(out)


def members(conn: sqlite3.Connection, topic_id: int, min_weight: float) -> list[int]:
    """Documents whose largest topic share is ``topic_id`` and at least ``min_weight``."""
    return [r[0] for r in conn.execute(
        "SELECT dt.document_id FROM document_topics dt JOIN topics t ON t.id = dt.topic_id "
        "JOIN topic_models m ON m.id = t.model_id AND m.active = 1 "
        "WHERE dt.topic_id = ? AND dt.weight >= ? AND dt.weight = "
        "(SELECT MAX(x.weight) FROM document_topics x WHERE x.document_id = dt.document_id) "
        "ORDER BY dt.document_id", (topic_id, min_weight))]
