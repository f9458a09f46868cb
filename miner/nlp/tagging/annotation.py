"""The annotation record and the Doc/Span extensions the tagging components write.

Every component appends ``Annotation`` objects to ``doc._.miner_annotations``;
``span._.miner_annotations`` gives those inside a span, ``doc._.miner_sents``
the sentence units (token ranges) annotations point to, and
``doc._.miner_doc_labels`` the document-level labels (evidence_type).
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span

from miner.nlp.tagging.taxonomy import LAYERS  # noqa: F401  (re-exported)


@dataclass
class Annotation:
    layer: str
    label: str
    start: int            # token indices into the Doc
    end: int
    sent: int             # index into doc._.miner_sents
    source: str           # component:pattern
    actor: list[str] = field(default_factory=list)
    hedge: bool = False
    negated: bool = False
    value: dict | None = None
    confidence: float | None = None   # calibrated probability (learned layers) or the rule prior


def register_extensions() -> None:
    for name, default in (("miner_sents", None), ("miner_sent_of", None), ("miner_hits", None),
                          ("miner_annotations", None), ("miner_doc_labels", None), ("miner_pages", None),
                          ("miner_relevance", None)):
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=default)
    if not Span.has_extension("miner_annotations"):
        Span.set_extension("miner_annotations", getter=lambda span: [
            a for a in (span.doc._.miner_annotations or []) if a.start >= span.start and a.end <= span.end])


def add(doc: Doc, ann: Annotation) -> None:
    if doc._.miner_annotations is None:
        doc._.miner_annotations = []
    doc._.miner_annotations.append(ann)


def page_of(pages, char: int):
    """pages: sorted list of (page_no, start, end); the page the character is on."""
    if not pages:
        return None
    starts = [p[1] for p in pages]
    i = bisect_right(starts, char) - 1
    if i < 0:
        return pages[0][0]
    return pages[i][0]


def to_records(doc: Doc) -> list[dict]:
    """Annotations as plain dicts with character offsets into doc.text (the JSON/store shape)."""
    out = []
    sents = doc._.miner_sents or []
    pages = doc._.miner_pages
    for a in sorted(doc._.miner_annotations or [], key=lambda a: (a.start, a.layer, a.label)):
        span = doc[a.start:a.end]
        s_start, s_end = sents[a.sent]
        sent = doc[s_start:s_end]
        out.append({
            "layer": a.layer, "label": a.label,
            "start": span.start_char, "end": span.end_char, "text": span.text,
            "sentence_start": sent.start_char, "sentence_end": sent.end_char, "sentence": sent.text,
            "page": page_of(pages, span.start_char),
            "actor": list(a.actor) if a.layer == "recommendation" else None,
            "hedge": a.hedge, "negated": a.negated, "value": a.value, "source": a.source,
            "confidence": a.confidence,
        })
    return out
