"""The coded evidence as exports need it, read once from the store's views.

A *code* is a (layer, label) on a document: grounds, mechanisms, settings and target
groups from the annotations, recommendation actors from the ``recommendations`` view,
and the document-level evidence type.  Each code carries its quotes (sentence, page,
matched span) so every export can cite.
"""
from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field

from miner.export import labels as L
from miner.textsafe import for_display

QUOTED_LAYERS = ("ground", "mechanism", "setting", "target_group")


@dataclass
class Quote:
    sentence: str
    page_no: int | None
    matched: str
    start: int          # matched span inside the sentence
    end: int
    char_start: int     # offsets into documents.text
    char_end: int
    annotation_id: int
    hedge: bool = False
    negated: bool = False
    origin: str = "model"        # 'model' or 'reviewed' (effective_annotations, issue 13)
    reviewer: str | None = None


@dataclass
class Document:
    id: int
    title: str
    url: str | None
    date: str | None
    year: int | None
    source: str
    doc_type: str | None
    authors: list[str]
    evidence_types: list[str]              # best first
    codes: dict[tuple[str, str], list[Quote]] = field(default_factory=dict)
    summary: str = ""

    @property
    def evidence(self) -> str:
        return self.evidence_types[0] if self.evidence_types else L.UNKNOWN_EVIDENCE

    @property
    def is_research(self) -> bool:
        return any(t not in L.NON_RESEARCH_TYPES for t in self.evidence_types)

    def labels(self, layer: str) -> list[str]:
        return sorted({label for (lay, label) in self.codes if lay == layer})


def load(conn: sqlite3.Connection) -> list[Document]:
    """Every document that has at least one code or evidence type, with its quotes."""
    docs: dict[int, Document] = {}
    for r in conn.execute("""
            SELECT o.document_id, o.title, o.url, o.date, o.year, o.source, o.doc_type, o.authors,
                   COALESCE(CASE WHEN json_valid(d.metadata) THEN COALESCE(json_extract(d.metadata, '$.abstract'),
                                                                           json_extract(d.metadata, '$.summary')) END,
                            (SELECT text FROM passages p WHERE p.document_id = o.document_id
                              AND p.kind <> 'heading' ORDER BY seq LIMIT 1)) AS summary
            FROM documents_overview o JOIN documents d ON d.id = o.document_id
            WHERE o.n_annotations > 0 OR o.evidence_types IS NOT NULL
               OR o.document_id IN (SELECT document_id FROM review_decisions WHERE decision IN ('accept', 'add'))
            ORDER BY o.document_id"""):
        # bidi overrides and control characters in a title could make the map, report or RIS
        # show other text than the document's; the raw file and documents.title keep them
        docs[r[0]] = Document(id=r[0], title=for_display(r[1]) or "(zonder titel)", url=r[2], date=r[3], year=r[4],
                              source=r[5], doc_type=r[6], authors=_authors(r[7]), evidence_types=[],
                              summary=r[8] or "")
    for doc_id, label in conn.execute("SELECT document_id, label FROM document_labels WHERE layer = 'evidence_type'"
                                      " ORDER BY document_id, score DESC, label"):
        if doc_id in docs:
            docs[doc_id].evidence_types.append(label)
    placeholders = ",".join("?" * len(QUOTED_LAYERS))
    rows = conn.execute(f"""
        SELECT a.id, a.document_id, a.layer, a.label, a.sentence, a.page_no, a.text, a.char_start, a.char_end,
               a.char_start - a.sentence_start, a.hedge, a.negated, a.origin, a.reviewer
        FROM effective_annotations a WHERE a.layer IN ({placeholders})
        UNION ALL
        SELECT r.annotation_id, r.document_id, 'recommendation_actor', r.actor, r.sentence, r.page_no, a.text,
               a.char_start, a.char_end, a.char_start - a.sentence_start, r.hedge, r.negated, a.origin, a.reviewer
        FROM recommendations r JOIN effective_annotations a ON a.id = r.annotation_id
        ORDER BY 2, 8""", QUOTED_LAYERS).fetchall()
    for (ann_id, doc_id, layer, label, sentence, page, matched, c0, c1, rel, hedge, negated, origin, reviewer) in rows:
        if doc_id not in docs:
            continue
        start = rel if 0 <= rel <= len(sentence) else 0
        end = min(len(sentence), start + (c1 - c0))
        docs[doc_id].codes.setdefault((layer, label), []).append(
            Quote(sentence, page, matched, start, end, c0, c1, ann_id, bool(hedge), bool(negated), origin, reviewer))
    return list(docs.values())


def _authors(raw) -> list[str]:
    try:
        value = json.loads(raw or "[]")
    except json.JSONDecodeError:
        return [str(raw)]
    return [str(a) for a in value] if isinstance(value, list) else [str(value)]


def layer_labels(docs: list[Document], layer: str) -> list[str]:
    return L.ordered(layer, {label for d in docs for (lay, label) in d.codes if lay == layer})


def safe_url(url: str | None) -> str | None:
    """Only web links become clickable; 'javascript:' and the like stay text."""
    if url and url.split(":", 1)[0].lower() in ("http", "https"):
        return url
    return None
