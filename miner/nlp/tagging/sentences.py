"""Sentence units for citation and scoring.

The parser's (or sentencizer's) sentences, further split at line breaks and
bullets: extracted documents put headings, list items and menu entries on their
own lines, and a heading glued to the next sentence would mix their labels.
Written to ``doc._.miner_sents`` (token ranges) and ``doc._.miner_sent_of``.
"""
from __future__ import annotations

from spacy.tokens import Doc

_ENDS = {".", "?", "!"}
_BULLETS = {"•", "●", "▪", "◦", "–", "·", "-", "*"}


def sentence_units(doc: Doc) -> list[tuple[int, int]]:
    n = len(doc)
    if n == 0:
        return []
    starts = {0}
    if doc.has_annotation("SENT_START"):
        starts.update(s.start for s in doc.sents)
    else:
        for tok in doc[:-1]:
            if tok.text in _ENDS:
                nxt = doc[tok.i + 1]
                if nxt.is_space or nxt.is_title or nxt.is_digit or nxt.text in _BULLETS or nxt.is_quote:
                    starts.add(tok.i + 1)
    for tok in doc:
        if tok.is_space and "\n" in tok.text:
            starts.add(tok.i + 1)
        elif tok.text in _BULLETS and tok.text not in ("-", "–") and tok.i > 0:
            starts.add(tok.i)
    bounds = sorted(s for s in starts if s < n) + [n]
    units = []
    for a, b in zip(bounds, bounds[1:]):
        while a < b and doc[a].is_space:
            a += 1
        while b > a and doc[b - 1].is_space:
            b -= 1
        if a < b:
            units.append((a, b))
    return units


def set_sentences(doc: Doc) -> Doc:
    units = sentence_units(doc)
    sent_of = [0] * len(doc)
    j = 0
    for i in range(len(doc)):
        while j + 1 < len(units) and i >= units[j + 1][0]:
            j += 1
        sent_of[i] = j
    doc._.miner_sents = units
    doc._.miner_sent_of = sent_of
    return doc
