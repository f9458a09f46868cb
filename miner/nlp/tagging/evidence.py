"""Document-level ``evidence_type``: what kind of document this is, from where its cues stand.

A raw count of cue words over a whole document turns a 131-page policy report that
mentions "experiment" once into an effect study. Instead each cue hit is weighed by
where it stands: in the lead (title, summary, first page) or in a method passage
(a sentence naming "methode", "onderzoeksopzet", "verantwoording" … and the few
sentences after it) it counts more than in the body. A type is kept when

- it has at least ``min_hits`` cue hits (per type, in the taxonomy),
- its weighted score per 1,000 tokens reaches ``evidence_min_density`` (short texts
  count as ``evidence_min_tokens`` long, so one cue in a paragraph is not "dense"),
- its score is at least ``evidence_keep_fraction`` of the best type's score,

and at most ``evidence_max_types`` types are kept, best first. A type marked
``exclusive`` (kamervraag) that is kept is the only label: research words
quoted in a parliamentary question do not make it research. A document whose
crawled ``doc_type`` is listed in a type's ``doc_types`` gets that type outright.
All numbers live in the taxonomy's ``[settings]``; the label's ``source`` says why.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from spacy.tokens import Doc

from miner.nlp.tagging.lexicon import HINT, WEAK
from miner.nlp.tagging.taxonomy import Taxonomy

COMPONENT = "miner_evidence_type"


@dataclass
class _Score:
    hits: int = 0
    score: float = 0.0
    where: Counter = field(default_factory=Counter)  # lead / method / body → hits


def _method_pattern(cues: list[str]) -> re.Pattern | None:
    if not cues:
        return None
    return re.compile(r"\b(?:" + "|".join(re.escape(c) for c in sorted(cues, key=len, reverse=True)) + r")\b")


def method_sentences(doc: Doc, taxonomy: Taxonomy) -> set[int]:
    """Indices of sentences in a method passage: one naming a method cue plus the next few."""
    pattern = _method_pattern(taxonomy.settings["evidence_method_cues"])
    if pattern is None:
        return set()
    window = taxonomy.settings["evidence_method_window"]
    sents = doc._.miner_sents or []
    out: set[int] = set()
    for i, (start, end) in enumerate(sents):
        if pattern.search(doc[start:end].text.lower()):
            out.update(range(i, min(len(sents), i + window + 1)))
    return out


def score_types(doc: Doc, taxonomy: Taxonomy) -> dict[str, _Score]:
    s = taxonomy.settings
    lead_end = s["evidence_lead_tokens"]
    method = None  # computed on first need: most documents have few cue hits
    sent_of = doc._.miner_sent_of
    scores: dict[str, _Score] = defaultdict(_Score)
    seen: set[tuple[str, int]] = set()
    for h in doc._.miner_hits or []:
        # one hit per token and type: "kamerbrief" matches as a word and as a stem
        if h.layer != "evidence_type" or h.kind in (WEAK, HINT) or (h.label, h.start) in seen:
            continue
        seen.add((h.label, h.start))
        if h.start < lead_end:
            where, weight = "lead", s["evidence_lead_weight"]
        else:
            if method is None:
                method = method_sentences(doc, taxonomy)
            if sent_of is not None and sent_of[h.start] in method:
                where, weight = "method", s["evidence_method_weight"]
            else:
                where, weight = "body", 1.0
        sc = scores[h.label]
        sc.hits += 1
        sc.score += weight
        sc.where[where] += 1
    return scores


def from_doc_type(taxonomy: Taxonomy, doc_type: str | None) -> list[dict]:
    """The label a crawled ``documents.doc_type`` decides outright (a type's ``doc_types``), else []."""
    wanted = (doc_type or "").strip().lower()
    for cue in taxonomy.cues:
        if wanted and cue.layer == "evidence_type" and wanted in cue.doc_types:
            return [{"layer": "evidence_type", "label": cue.label, "score": 1.0,
                     "source": f"{COMPONENT}:doc_type={wanted}"}]
    return []


def classify(doc: Doc, taxonomy: Taxonomy, doc_type: str | None = None) -> list[dict]:
    """The document's evidence types, best first, each with its score and why."""
    by_type = from_doc_type(taxonomy, doc_type)
    if by_type:
        return by_type
    s = taxonomy.settings
    per_1000 = 1000.0 / max(len(doc), s["evidence_min_tokens"])
    candidates = []
    for label, sc in score_types(doc, taxonomy).items():
        cue = taxonomy.cue("evidence_type", label)
        if cue is None or sc.hits < cue.min_hits or sc.score * per_1000 < s["evidence_min_density"]:
            continue
        candidates.append((sc.score, label, sc, cue.exclusive))
    if not candidates:
        return []
    candidates.sort(key=lambda c: (-c[0], c[1]))
    best = candidates[0][0]
    candidates = [c for c in candidates if c[0] >= s["evidence_keep_fraction"] * best]
    exclusive = [c for c in candidates if c[3]]
    if exclusive:  # a Kamervraag citing policy or research is still a Kamervraag
        candidates = exclusive[:1]
    labels = []
    for score, label, sc, _ in candidates[:s["evidence_max_types"]]:
        where = ", ".join(f"{n} {k}" for k, n in sorted(sc.where.items()))
        labels.append({"layer": "evidence_type", "label": label, "score": round(score, 2),
                       "source": f"{COMPONENT}:{sc.hits} cue(s) ({where}); "
                                 f"{score * per_1000:.2f} per 1,000 tokens; {score / best:.0%} of best"})
    return labels


def tag_evidence_type(doc: Doc, taxonomy: Taxonomy) -> None:
    doc._.miner_doc_labels = classify(doc, taxonomy)
