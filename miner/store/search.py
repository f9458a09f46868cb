"""Full-text search in the store: the FTS5 tables over passages and annotation sentences, ranked by bm25.

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
    # One row per sentence: a sentence with three annotations is one hit listing all three labels.
    "annotations": """
        WITH hits AS MATERIALIZED (
            SELECT bm25(annotations_fts) AS rank,
                   snippet(annotations_fts, 0, :open, :close, '…', :tokens) AS snippet,
                   a.document_id, d.title, d.url, a.page_no, d.date, a.layer, a.label, a.sentence_start,
                   d.local_path
            FROM annotations_fts JOIN effective_annotations a ON a.id = annotations_fts.rowid
            JOIN documents d ON d.id = a.document_id
            WHERE annotations_fts MATCH :query)
        SELECT MIN(rank) AS rank, snippet, document_id, title, url, page_no, date,
               group_concat(DISTINCT layer || ':' || label) AS labels, local_path
        FROM hits GROUP BY document_id, sentence_start
        ORDER BY rank LIMIT :limit""",
}


def hits(conn: sqlite3.Connection, target: str, params: dict) -> list[sqlite3.Row]:
    """Best hits in ``target`` (passages | annotations) for ``params`` (query, open, close, tokens, limit)."""
    if target not in _SQL:
        raise ValueError(f"unknown search target {target!r}")
    return conn.execute(_SQL[target], params).fetchall()
