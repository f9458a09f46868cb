"""What the exports read: counted documents with their metadata, evidence types, merged manifestations,
the quotes behind every effective label, and the per-year series of the plots.  Read-only, from the views
(``documents_overview``, ``document_works``, ``document_relevance``, ``effective_annotations``)."""
from __future__ import annotations

import sqlite3
from typing import Iterator

from miner.store.texts import DocumentTexts, row_type

Quote = row_type("id", "document_id", "layer", "label", "sentence", "page_no", "text", "char_start", "char_end",
                 "offset_in_sentence", "hedge", "negated", "confidence", "origin", "reviewer", "sentence_start",
                 "sentence_end")


def documents(conn: sqlite3.Connection, include_irrelevant: bool = False) -> Iterator[sqlite3.Row]:
    """Counted documents (one per work) with an effective label or evidence type, streamed, by id."""
    # columns: id, title, url, date, year, source, doc_type, authors (JSON), summary, organisation,
    # local_path, relevance, is_relevant
    relevant = "" if include_irrelevant else " AND r.is_relevant = 1"
    return conn.execute(f"""
            SELECT o.document_id, o.title, o.url, o.date, o.year, o.source, o.doc_type, o.authors,
                   COALESCE(CASE WHEN json_valid(d.metadata) THEN COALESCE(json_extract(d.metadata, '$.abstract'),
                                                                           json_extract(d.metadata, '$.summary')) END,
                            (SELECT value FROM document_fields f WHERE f.document_id = d.id AND f.field = 'summary'
                              ORDER BY f.origin = 'researcher' DESC LIMIT 1),
                            (SELECT text FROM passages p WHERE p.document_id = o.document_id
                              AND p.kind <> 'heading' ORDER BY seq LIMIT 1)) AS summary,
                   (SELECT value FROM document_fields f WHERE f.document_id = d.id AND f.field = 'organisation'
                     ORDER BY f.origin = 'researcher' DESC LIMIT 1) AS organisation,
                   d.local_path, r.relevance, r.is_relevant
            FROM documents_overview o JOIN documents d ON d.id = o.document_id
            JOIN document_relevance r ON r.document_id = o.document_id
            JOIN document_works w ON w.document_id = o.document_id AND w.counted = 1
            WHERE (EXISTS (SELECT 1 FROM effective_annotations a WHERE a.document_id = o.document_id)
                   OR o.evidence_types IS NOT NULL){relevant}
            ORDER BY o.document_id""")


def evidence_types(conn: sqlite3.Connection) -> list[tuple[int, str]]:
    """(document id, evidence type) of every document, best type first per document."""
    return [(r[0], r[1]) for r in conn.execute(
        "SELECT document_id, label FROM document_labels WHERE layer = 'evidence_type'"
        " ORDER BY document_id, score DESC, label")]


def manifestations(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    """Merged duplicates: work id, document id, url, local_path, mime of every document not counted on its own."""
    return conn.execute("SELECT w.work_id, d.id, d.url, d.local_path, d.mime FROM document_works w "
                        "JOIN documents d ON d.id = w.document_id WHERE w.counted = 0 ORDER BY d.id").fetchall()


def quotes(conn: sqlite3.Connection, layers: tuple[str, ...]) -> list[Quote]:
    """Effective annotations of ``layers`` plus one 'recommendation_actor' row per actor, by document and offset."""
    # columns: id, document, layer, label, sentence, page, matched text, char offsets, offset in the sentence,
    # hedge, negated, confidence, origin, reviewer, sentence offsets; a recommendation without actor: 'onbepaald'.
    # The rows come without their words (effective_annotation_rows): the sentence and the matched text are
    # cut from each document's text once per document (miner.store.texts), not by substr per row.
    placeholders = ",".join("?" * len(layers))
    rows = conn.execute(f"""
        SELECT a.id, a.document_id, a.layer, a.label, a.review_sentence, a.page_no, a.review_text, a.char_start,
               a.char_end, a.char_start - a.sentence_start, a.hedge, a.negated, a.confidence, a.origin, a.reviewer,
               a.sentence_start, a.sentence_end
        FROM effective_annotation_rows a WHERE a.layer IN ({placeholders})
        UNION ALL
        SELECT a.id, a.document_id, 'recommendation_actor', COALESCE(j.value, 'onbepaald'), a.review_sentence,
               a.page_no, a.review_text, a.char_start, a.char_end, a.char_start - a.sentence_start, a.hedge,
               a.negated, a.confidence, a.origin, a.reviewer, a.sentence_start, a.sentence_end
        FROM effective_annotation_rows a
        LEFT JOIN json_each(CASE WHEN json_valid(a.actor) THEN a.actor ELSE '[]' END) j
        WHERE a.layer = 'recommendation'
        ORDER BY 2, 8""", tuple(layers))
    texts = DocumentTexts(conn)
    out = []
    for r in rows:
        doc_id = r[1]
        sentence = r[4] if r[4] is not None else texts.cut(doc_id, r[15], r[16])
        matched = r[6] if r[6] is not None else texts.cut(doc_id, r[7], r[8])
        out.append(Quote((*r[:4], sentence, r[5], matched, *r[7:])))
    return out


def counted_document_ids(conn: sqlite3.Connection, include_irrelevant: bool = False) -> set[int]:
    """Ids of the documents that count (one per work), relevant ones only unless ``include_irrelevant``."""
    relevant = "" if include_irrelevant else " AND r.is_relevant = 1"
    return {r[0] for r in conn.execute("SELECT w.document_id FROM document_works w JOIN document_relevance r "
                                       f"ON r.document_id = w.document_id WHERE w.counted = 1{relevant}")}


def main_topic_years(conn: sqlite3.Connection, min_weight: float) -> list[sqlite3.Row]:
    """Main topic (largest share >= ``min_weight``) of each document in the active model, its label and the year."""
    # label: the researcher's, else the first three top terms; year: None when the date has none
    return conn.execute(
        "SELECT dt.document_id, dt.topic_id, COALESCE(t.label, (SELECT group_concat(value, ', ') FROM "
        "(SELECT value FROM json_each(t.top_terms) LIMIT 3))) AS label, "
        "CASE WHEN d.date GLOB '[12][0-9][0-9][0-9]*' THEN CAST(substr(d.date, 1, 4) AS INTEGER) END AS year "
        "FROM document_topics dt JOIN topics t ON t.id = dt.topic_id JOIN topic_models m ON m.id = t.model_id "
        "AND m.active = 1 JOIN documents d ON d.id = dt.document_id WHERE dt.weight >= ? AND dt.weight = "
        "(SELECT MAX(x.weight) FROM document_topics x WHERE x.document_id = dt.document_id)", (min_weight,)).fetchall()
