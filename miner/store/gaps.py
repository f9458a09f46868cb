"""What the gap analysis reads and writes: the documents that count, their effective labels,
the cell counts of the evidence matrices (SQL aggregates), topics for attention, and the
stored analysis (tables ``gaps`` and ``attention``).

Every read is parameterised by the ``[gaps]`` settings (``gcfg``): which documents are
Kamervragen, research or effect studies, the periods, whether negated mentions count.
The classification of a document lives here once, in SQL (``_documents_cte``), and both
the per-document rows and the cell counts use it.
"""
from __future__ import annotations

import sqlite3
from contextlib import contextmanager

from miner.store.db import transaction
from miner.store.texts import DocumentTexts

GAP_LAYERS = ("ground", "mechanism", "setting")
NO_EVIDENCE = "onbekend"          # the evidence type of a document without one (not a Kamervraag)


def source_kind_sql(alias: str, parliamentary_doc_types: list[str]) -> str:
    """A SQL expression giving 'kamervragen' or 'research' for documents aliased ``alias``;
    bind ``parliamentary_doc_types`` as its parameters.  A document is a Kamervraag when its
    doc_type is one of those types or the kamervragen table links it as question or answer."""
    marks = ", ".join("?" for _ in parliamentary_doc_types) or "NULL"
    return (f"(CASE WHEN {alias}.doc_type IN ({marks}) "
            f"OR EXISTS (SELECT 1 FROM kamervragen k WHERE k.question_document_id = {alias}.id) "
            f"OR EXISTS (SELECT 1 FROM kamervragen k WHERE k.answer_document_id = {alias}.id) "
            "THEN 'kamervragen' ELSE 'research' END)")


def period_labels(bounds: list[int]) -> list[str]:
    """The period names of ``bounds`` in order, then 'onbekend' (no year)."""
    if not bounds:
        return ["alle jaren", "onbekend"]
    return ([f"<{bounds[0]}"] + [f"{lo}-{hi - 1}" for lo, hi in zip(bounds, bounds[1:])]
            + [f"{bounds[-1]}+", "onbekend"])


def _period_index_sql(year: str, bounds: list[int]) -> str:
    """Index into ``period_labels(bounds)`` of the year expression ``year`` (NULL = unknown)."""
    unknown = len(period_labels(bounds)) - 1
    if not bounds:
        return f"(CASE WHEN {year} IS NULL THEN {unknown} ELSE 0 END)"
    whens = " ".join(f"WHEN {year} < {int(b)} THEN {i}" for i, b in enumerate(bounds))
    return f"(CASE WHEN {year} IS NULL THEN {unknown} {whens} ELSE {len(bounds)} END)"


def _marks(values) -> str:
    return ", ".join("?" for _ in values) or "NULL"


# Above this many reviewed documents the gap labels are read from the view for all documents
# (one scan); below, the reviewed ones are named in the query so SQLite restricts the view to them.
MAX_NAMED_REVIEWED = 5000


def reviewed_documents(conn: sqlite3.Connection) -> list[int]:
    """Documents with at least one review decision in force (on a label, not on relevance)."""
    return [r[0] for r in conn.execute("SELECT DISTINCT document_id FROM review_decisions ORDER BY 1")]


def _labels_select(conn: sqlite3.Connection, gcfg: dict) -> tuple[str, list]:
    """``SELECT DISTINCT document_id, layer, label FROM effective_annotations`` for the gap layers
    (negated mentions left out when ``ignore_negated``), computed cheaply.

    A document without a review decision has its annotations as effective labels: those are read
    from ``document_gap_labels`` (migration 018: the distinct gap labels per document with their
    counts, kept by triggers on annotations; one scan in document order, no sort).  The documents with decisions are read from the view itself, named by id so that SQLite
    pushes the condition into the view instead of joining every annotation with the reviews.  The
    two parts hold different documents, so they are simply appended."""
    neg = " AND negated = 0" if gcfg["ignore_negated"] else ""
    layers = list(GAP_LAYERS)
    reviewed = reviewed_documents(conn)
    if len(reviewed) > MAX_NAMED_REVIEWED:
        return (f"SELECT DISTINCT document_id, layer, label FROM effective_annotations "
                f"WHERE layer IN ({_marks(layers)}){neg}", layers)
    # the pairs kept by migration 018's triggers, in primary-key (document) order
    plain = " WHERE n_plain > 0" if gcfg["ignore_negated"] else ""
    model = f"SELECT document_id, layer, label FROM document_gap_labels{plain}"
    if not reviewed:
        return model, []
    # the reviewed documents are left out after grouping (a few hundred thousand rows), not per annotation
    sql = f"""WITH gap_model AS MATERIALIZED ({model})
  SELECT document_id, layer, label FROM gap_model WHERE document_id NOT IN ({_marks(reviewed)})
  UNION ALL
  SELECT DISTINCT document_id, layer, label FROM effective_annotations
   WHERE document_id IN ({_marks(reviewed)}) AND layer IN ({_marks(layers)}){neg}"""
    return sql, reviewed + reviewed + layers


def _scope_key(gcfg: dict, include_irrelevant: bool) -> str:
    import json
    return json.dumps([gcfg, include_irrelevant], sort_keys=True)


def _in_scope(conn: sqlite3.Connection, gcfg: dict, include_irrelevant: bool) -> bool:
    if not conn.execute("SELECT 1 FROM sqlite_temp_master WHERE type = 'table' AND name = 'gap_scope'").fetchone():
        return False
    row = conn.execute("SELECT key FROM temp.gap_scope").fetchone()
    return row is not None and row[0] == _scope_key(gcfg, include_irrelevant)


def _ctes(conn: sqlite3.Connection, gcfg: dict, include_irrelevant: bool) -> tuple[str, list]:
    """CTEs ``lab(document_id, layer, label)`` (the effective gap labels, ``_labels_select``) and
    ``docs`` (the counted documents, ``_documents_cte``), or the tables ``read_once`` made of them."""
    if _in_scope(conn, gcfg, include_irrelevant):
        return ("lab AS (SELECT document_id, layer, label FROM temp.gap_lab), "
                "docs AS (SELECT * FROM temp.gap_docs)"), []
    lab_sql, lab_args = _labels_select(conn, gcfg)
    docs_sql, docs_args = _documents_cte(gcfg, include_irrelevant)
    return f"lab AS MATERIALIZED ({lab_sql}), {docs_sql}", lab_args + docs_args


_SCOPE_TABLES = ("gap_scope", "gap_lab", "gap_docs")


@contextmanager
def read_once(conn: sqlite3.Connection, gcfg: dict, include_irrelevant: bool = False):
    """Inside the block every read of this module with these settings uses the effective gap
    labels and the counted documents computed once (TEMP tables of this connection, dropped at
    the end): `miner gaps` reads them for the documents and again for the cell counts.  On a
    read-only connection (exports) each read computes them itself."""
    lab_sql, lab_args = _labels_select(conn, gcfg)
    docs_sql, docs_args = _documents_cte(gcfg, include_irrelevant)
    try:
        for name in _SCOPE_TABLES:
            conn.execute(f"DROP TABLE IF EXISTS temp.{name}")
        conn.execute(f"CREATE TEMP TABLE gap_lab AS {lab_sql}", lab_args)
        conn.execute(f"CREATE TEMP TABLE gap_docs AS WITH {docs_sql} SELECT * FROM docs", docs_args)
        conn.execute("CREATE UNIQUE INDEX temp.gap_docs_id ON gap_docs(id)")
        conn.execute("CREATE TEMP TABLE gap_scope (key TEXT NOT NULL)")
        conn.execute("INSERT INTO temp.gap_scope VALUES (?)", (_scope_key(gcfg, include_irrelevant),))
    except sqlite3.DatabaseError as exc:   # read-only: the file, query_only, or an authorizer refusing it
        if not any(w in str(exc).lower() for w in ("readonly", "read-only", "not authorized")):
            raise
        yield
        return
    try:
        yield
    finally:
        for name in _SCOPE_TABLES:
            conn.execute(f"DROP TABLE IF EXISTS temp.{name}")


def _documents_cte(gcfg: dict, include_irrelevant: bool) -> tuple[str, list]:
    """CTE ``docs``: every counted document (one per work; relevant unless ``include_irrelevant``)
    with its kind ('kamervragen', 'research', 'other'), effect (0/1), year, period index and
    evidence types (comma-separated, by label; empty: none)."""
    parl = list(gcfg["parliamentary_doc_types"])
    research_types = list(gcfg["research_evidence_types"])
    research_doc_types = list(gcfg["research_doc_types"])
    effect_types = list(gcfg["effect_evidence_types"])
    relevant = "" if include_irrelevant else " AND r.is_relevant = 1"
    year = "d1.year"
    sql = f"""
ev AS MATERIALIZED (
  SELECT document_id, group_concat(label, ',') AS evidence,
         MAX(label = 'kamervraag') AS has_kv,
         MAX(label IN ({_marks(research_types)})) AS has_research,
         MAX(label IN ({_marks(effect_types)})) AS has_effect
  FROM (SELECT document_id, label FROM document_labels WHERE layer = 'evidence_type' ORDER BY document_id, label)
  GROUP BY document_id),
d0 AS (
  SELECT d.id, COALESCE(d.title, '') AS title, d.date, d.doc_type,
         CASE WHEN substr(d.date, 1, 4) GLOB '[0-9][0-9][0-9][0-9]' THEN CAST(substr(d.date, 1, 4) AS INTEGER)
         END AS year,
         {source_kind_sql('d', parl)} AS source_kind,
         ev.evidence, ev.has_kv, ev.has_research, ev.has_effect
  FROM documents d
  JOIN document_works w ON w.document_id = d.id AND w.counted = 1
  JOIN document_relevance r ON r.document_id = d.id
  LEFT JOIN ev ON ev.document_id = d.id
  WHERE 1 = 1{relevant}),
d1 AS (
  SELECT d0.*,
         CASE WHEN d0.source_kind = 'kamervragen' OR d0.has_kv THEN 'kamervragen'
              WHEN d0.has_research OR (d0.evidence IS NULL AND d0.doc_type IN ({_marks(research_doc_types)}))
              THEN 'research' ELSE 'other' END AS kind
  FROM d0),
docs AS MATERIALIZED (
  SELECT id, title, date, doc_type, year, evidence,
         {_period_index_sql(year, list(gcfg['period_bounds']))} AS period, kind,
         CASE WHEN kind = 'research' AND (d1.has_effect OR (d1.evidence IS NULL AND {int(NO_EVIDENCE in effect_types)}))
              THEN 1 ELSE 0 END AS effect
  FROM d1)"""
    return sql, research_types + effect_types + parl + research_doc_types


def documents(conn: sqlite3.Connection, gcfg: dict, include_irrelevant: bool = False) -> list[sqlite3.Row]:
    """Counted documents (id, title, date, doc_type, year, evidence, period, kind, effect), by id."""
    if _in_scope(conn, gcfg, include_irrelevant):
        return conn.execute("SELECT * FROM temp.gap_docs ORDER BY id").fetchall()
    docs_sql, docs_args = _documents_cte(gcfg, include_irrelevant)
    return conn.execute(f"WITH {docs_sql} SELECT * FROM docs ORDER BY id", docs_args).fetchall()


def labels(conn: sqlite3.Connection, gcfg: dict, include_irrelevant: bool = False) -> list[tuple[int, str, str]]:
    """(document_id, layer, label) tuples, in no particular order: the effective gap-layer labels of
    the counted documents (plain tuples: at 50,000 documents there are half a million)."""
    ctes, args = _ctes(conn, gcfg, include_irrelevant)
    cur = conn.cursor()
    cur.row_factory = None
    return cur.execute(f"WITH {ctes} SELECT lab.document_id, lab.layer, lab.label FROM lab "
                       "JOIN docs ON docs.id = lab.document_id", args).fetchall()


def cell_counts(conn: sqlite3.Connection, gcfg: dict, row_layers: list[str], columns: list[tuple[str, str]],
                include_irrelevant: bool = False) -> list[sqlite3.Row]:
    """Documents per cell of the evidence matrices, counted in SQL with one aggregate pass over
    the (document, row label) pairs: per document the column labels it has are a bit mask
    (``columns``: the (layer, label) of every matrix column, bit i = columns[i]), and each row
    ``c{i}`` is how many documents of the group have row label and column label i.

    One row per (row_layer, row_label, kind, effect, period, evidence): ``n`` documents with the
    row label in that group, ``c0..``: those of them in each column's cell.  A document has one
    kind, effect flag, period and evidence list, so summing the groups of a cell gives its
    distinct documents, research documents, effect studies, Kamervragen, and its documents per
    period and per evidence type."""
    ctes, args = _ctes(conn, gcfg, include_irrelevant)
    chunks = [columns[i:i + 60] for i in range(0, len(columns), 60)] or [[]]
    masks, mask_args = [], []
    for k, chunk in enumerate(chunks):
        bits = " ".join(f"WHEN lab.layer = ? AND lab.label = ? THEN {1 << j}" for j in range(len(chunk)))
        masks.append(f"SUM(CASE {bits} ELSE 0 END) AS m{k}" if chunk else f"0 AS m{k}")
        mask_args += [x for col in chunk for x in col]
    sums = ", ".join(f"SUM((p.m{i // 60} >> {i % 60}) & 1) AS c{i}" for i in range(len(columns)))
    col_layers = sorted({layer for layer, _ in columns})
    sql = f"""
WITH {ctes},
piv AS MATERIALIZED (SELECT lab.document_id, {', '.join(masks)} FROM lab
                     WHERE lab.layer IN ({_marks(col_layers)}) GROUP BY lab.document_id)
SELECT r.layer AS row_layer, r.label AS row_label, d.kind, d.effect, d.period, d.evidence, COUNT(*) AS n
       {', ' + sums if sums else ''}
FROM lab r JOIN docs d ON d.id = r.document_id JOIN piv p ON p.document_id = r.document_id
WHERE r.layer IN ({_marks(row_layers)})
GROUP BY r.layer, r.label, d.kind, d.effect, d.period, d.evidence"""
    return conn.execute(sql, args + mask_args + col_layers + list(row_layers)).fetchall()


# -- the gap map's documents and quotes, read in chunks ---------------------------------------------

def map_documents(conn: sqlite3.Connection, ids: list[int]) -> list[sqlite3.Row]:
    """(id, title, url, source, doc_type) of the documents ``ids`` (a chunk: at most a few hundred)."""
    return conn.execute(f"SELECT id, title, url, source, doc_type FROM documents WHERE id IN ({_marks(ids)}) "
                        "ORDER BY id", ids).fetchall()


def map_quotes(conn: sqlite3.Connection, ids: list[int], layers: list[str]) -> list[sqlite3.Row]:
    """Effective annotations of ``layers`` in the documents ``ids`` (a chunk), by document and
    position: the quotes the map shows.  The ids are named in the query so SQLite restricts
    ``effective_annotation_rows`` to them instead of reading every annotation.  Rows are dicts; the
    sentence is cut from each document's text once per document (``miner.store.texts``)."""
    cur = conn.execute(
        "SELECT document_id, layer, label, review_sentence, page_no, char_start, char_end, sentence_start, "
        f"sentence_end, confidence, origin, reviewer FROM effective_annotation_rows WHERE document_id IN ({_marks(ids)}) "
        f"AND layer IN ({_marks(layers)}) ORDER BY document_id, char_start", ids + list(layers))
    names = [c[0] for c in cur.description]
    texts = DocumentTexts(conn)
    out = []
    for r in cur:
        q = dict(zip(names, r))
        review = q.pop("review_sentence")
        q["sentence"] = review if review is not None else texts.cut(q["document_id"], q["sentence_start"],
                                                                   q["sentence_end"])
        out.append(q)
    return out


# -- attention by topic ---------------------------------------------------------------------------

def dominant_topics(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    """(document_id, topic_id, label) of every document's clear main topic in the active model."""
    return conn.execute("SELECT dt.document_id, dt.topic_id, t.label FROM document_topics dt "
                        "JOIN topics t ON t.id = dt.topic_id JOIN topic_models m ON m.id = t.model_id "
                        "AND m.active = 1 WHERE dt.dominant = 1").fetchall()


def active_topics(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    return conn.execute("SELECT t.id, t.label FROM topics t JOIN topic_models m ON m.id = t.model_id "
                        "AND m.active = 1").fetchall()


# -- the stored analysis --------------------------------------------------------------------------

def replace(conn: sqlite3.Connection, gap_rows: list[dict], attention_rows: list[tuple]) -> None:
    """Replace the stored analysis (tables gaps and attention) in one transaction."""
    with transaction(conn):
        conn.execute("DELETE FROM gaps")
        conn.execute("DELETE FROM attention")
        if gap_rows:
            cols = list(gap_rows[0])
            conn.executemany(f"INSERT INTO gaps ({', '.join(cols)}) VALUES ({', '.join('?' for _ in cols)})",
                             [tuple(r[c] for c in cols) for r in gap_rows])
        conn.executemany(
            "INSERT INTO attention (computed_at, kind, key, n_kamervragen, n_research, kamervragen_share, "
            "research_share, ratio, outruns_research, label, definition) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            attention_rows)
