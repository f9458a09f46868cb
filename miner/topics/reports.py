"""Reading the active topic model back: topics, topics per year, topics per source kind."""
from __future__ import annotations

import json
from collections import defaultdict

from miner.gaps.sources import source_kind_sql


def current_topics(conn) -> list[dict]:
    rows = conn.execute("SELECT t.* FROM topics t JOIN topic_models m ON m.id = t.model_id "
                        "WHERE m.active = 1 ORDER BY t.id").fetchall()
    return [{"id": r["id"], "label": r["label"], "top_terms": json.loads(r["top_terms"]),
             "n_documents": r["n_documents"], "match_similarity": r["match_similarity"]} for r in rows]


def per_year(conn) -> dict[int, dict[str, int]]:
    """topic id -> {year: documents whose clear main topic it is} ('onbekend' = no date)."""
    out: dict[int, dict[str, int]] = defaultdict(dict)
    for r in conn.execute(
            "SELECT dt.topic_id, COALESCE(substr(d.date, 1, 4), 'onbekend') AS year, COUNT(*) AS n "
            "FROM document_topics dt JOIN documents d ON d.id = dt.document_id "
            "JOIN topics t ON t.id = dt.topic_id JOIN topic_models m ON m.id = t.model_id AND m.active = 1 "
            "WHERE dt.dominant = 1 GROUP BY dt.topic_id, year ORDER BY dt.topic_id, year"):
        out[r["topic_id"]][r["year"]] = r["n"]
    return dict(out)


def per_source(conn, parliamentary_doc_types: list[str]) -> dict[int, dict[str, int]]:
    """topic id -> {'kamervragen': n, 'research': n} over documents whose clear main topic it is."""
    kind = source_kind_sql("d", parliamentary_doc_types)
    out: dict[int, dict[str, int]] = defaultdict(lambda: {"kamervragen": 0, "research": 0})
    for r in conn.execute(
            f"SELECT dt.topic_id, {kind} AS kind, COUNT(*) AS n "
            "FROM document_topics dt JOIN documents d ON d.id = dt.document_id "
            "JOIN topics t ON t.id = dt.topic_id JOIN topic_models m ON m.id = t.model_id AND m.active = 1 "
            "WHERE dt.dominant = 1 GROUP BY dt.topic_id, kind", parliamentary_doc_types):
        out[r["topic_id"]][r["kind"]] = r["n"]
    return dict(out)
