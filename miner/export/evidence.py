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
from miner.store import evidence as store_evidence
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
    confidence: float | None = None     # calibrated; None for rule-only layers
    origin: str = "model"               # model | reviewed (effective_annotations)
    reviewer: str | None = None
    sentence_start: int = 0             # offsets of the sentence in documents.text
    sentence_end: int = 0


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
    organisation: str | None = None
    local_path: str | None = None
    relevance: float | None = None
    is_relevant: bool = True
    manifestations: list[dict] = field(default_factory=list)   # merged duplicates: {id, url, local_path, mime}

    @property
    def evidence(self) -> str:
        return self.evidence_types[0] if self.evidence_types else L.UNKNOWN_EVIDENCE

    @property
    def is_research(self) -> bool:
        return any(t not in L.NON_RESEARCH_TYPES for t in self.evidence_types)

    def labels(self, layer: str) -> list[str]:
        return sorted({label for (lay, label) in self.codes if lay == layer})


def load(conn: sqlite3.Connection, include_irrelevant: bool = False) -> list[Document]:
    """Every counted document (one per work: merged duplicates are folded into the document that
    stands for their work) that has at least one effective label or evidence type, with its quotes.
    Documents judged not relevant (``document_relevance.is_relevant = 0``) are left out unless
    ``include_irrelevant``."""
    docs: dict[int, Document] = {}
    for r in store_evidence.documents(conn, include_irrelevant):
        # bidi overrides and control characters in a title could make the map, report or RIS
        # show other text than the document's; the raw file and documents.title keep them
        docs[r[0]] = Document(id=r[0], title=for_display(r[1]) or "(zonder titel)", url=r[2], date=r[3], year=r[4],
                              source=r[5], doc_type=r[6], authors=_authors(r[7]), evidence_types=[],
                              summary=r[8] or "", organisation=r[9], local_path=r[10], relevance=r[11],
                              is_relevant=bool(r[12]))
    for doc_id, label in store_evidence.evidence_types(conn):
        if doc_id in docs:
            docs[doc_id].evidence_types.append(label)
    for r in store_evidence.manifestations(conn):
        if r[0] in docs:
            docs[r[0]].manifestations.append({"id": r[1], "url": r[2], "local_path": r[3], "mime": r[4]})
    rows = store_evidence.quotes(conn, QUOTED_LAYERS)
    for (ann_id, doc_id, layer, label, sentence, page, matched, c0, c1, rel, hedge, negated, conf, origin,
         reviewer, s0, s1) in rows:
        if doc_id not in docs:
            continue
        start = rel if 0 <= rel <= len(sentence) else 0
        end = min(len(sentence), start + (c1 - c0))
        docs[doc_id].codes.setdefault((layer, label), []).append(
            Quote(sentence, page, matched, start, end, c0, c1, ann_id, bool(hedge), bool(negated), conf,
                  origin or "model", reviewer, s0, s1))
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
