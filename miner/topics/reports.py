"""Reading the active topic model back: topics, topics per year, topics per source kind."""
from __future__ import annotations

import json

from miner.store import topics as store


def current_topics(conn) -> list[dict]:
    return [{"id": r["id"], "label": r["label"], "top_terms": json.loads(r["top_terms"]),
             "n_documents": r["n_documents"], "match_similarity": r["match_similarity"]}
            for r in store.current_topics(conn)]


def per_year(conn) -> dict[int, dict[str, int]]:
    """topic id -> {year: documents whose clear main topic it is} ('onbekend' = no date)."""
    return store.per_year(conn)


def per_source(conn, parliamentary_doc_types: list[str]) -> dict[int, dict[str, int]]:
    """topic id -> {'kamervragen': n, 'research': n} over documents whose clear main topic it is."""
    return store.per_source(conn, parliamentary_doc_types)
