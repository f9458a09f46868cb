"""Full-text search in the store: the FTS5 tables over passages and tagged sentences (each indexed once), ranked by bm25.

The query given is already FTS5 syntax (``miner.export.search.to_fts_query`` builds it from a person's words).
"""
from __future__ import annotations

import sqlite3

_SQL = {
    "passages": """
        SELECT bm25(passages_fts) AS rank,
               snippet(passages_fts, 0, :open, :close, '…', :tokens) AS snippet,
               p.document_id, d.title, d.url, p.page_no, d.date,
               (SELECT group_concat(DISTINCT a.layer || ':' || a.label) FROM effective_annotations a
                 WHERE a.document_id = p.document_id AND a.char_start >= p.char_start
                   AND a.char_start < p.char_end AND a.layer NOT IN ('organisation', 'person')) AS labels,
               d.local_path
        FROM passages_fts JOIN passages p ON p.id = passages_fts.rowid JOIN documents d ON d.id = p.document_id
        WHERE passages_fts MATCH :query
        ORDER BY rank LIMIT :limit""",
    # One row per sentence (each sentence is indexed once), listing the labels of the model's
    # annotations in it that stand after review.
    "annotations": """
        WITH hits AS MATERIALIZED (
            SELECT bm25(sentences_fts) AS rank,
                   snippet(sentences_fts, 0, :open, :close, '…', :tokens) AS snippet,
                   s.id AS sentence_id, s.document_id, s.char_start, s.char_end, s.page_no
            FROM sentences_fts JOIN sentences s ON s.id = sentences_fts.rowid
            WHERE sentences_fts MATCH :query)
        SELECT h.rank, h.snippet, h.document_id, d.title, d.url, h.page_no, d.date,
               group_concat(DISTINCT a.layer || ':' || a.label) AS labels, d.local_path
        FROM hits h JOIN documents d ON d.id = h.document_id
        JOIN effective_annotations a ON a.document_id = h.document_id AND a.id > 0
         AND a.sentence_start = h.char_start AND a.sentence_end = h.char_end
        GROUP BY h.sentence_id
        ORDER BY h.rank LIMIT :limit""",
}


def hits(conn: sqlite3.Connection, target: str, params: dict) -> list[sqlite3.Row]:
    """Best hits in ``target`` (passages | annotations) for ``params`` (query, open, close, tokens, limit)."""
    if target not in _SQL:
        raise ValueError(f"unknown search target {target!r}")
    return conn.execute(_SQL[target], params).fetchall()
