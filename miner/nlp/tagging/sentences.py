"""Sentence units for citation and scoring.

The parser's (or sentencizer's) sentences, further split at line breaks and
bullets: extracted documents put headings, list items and menu entries on their
own lines, and a heading glued to the next sentence would mix their labels.
Written to ``doc._.miner_sents`` (token ranges) and ``doc._.miner_sent_of``.
"""
from __future__ import annotations

import numpy as np
from spacy.attrs import IS_SPACE, ORTH, SENT_START
from spacy.tokens import Doc

_ENDS = {".", "?", "!"}
_CLOSING = {":", ";", "…", '"', "'", "”", "’", ")", "»"}
_BULLETS = {"•", "●", "▪", "◦", "–", "·", "-", "*"}


def sentence_units(doc: Doc) -> list[tuple[int, int]]:
    n = len(doc)
    if n == 0:
        return []
    attrs = doc.to_array([SENT_START, IS_SPACE, ORTH])
    is_space = attrs[:, 1]
    starts = {0}
    ends = [doc.vocab.strings[e] for e in _ENDS]
    closing = [doc.vocab.strings[e] for e in _CLOSING]
    if doc.has_annotation("SENT_START"):
        # a parser boundary counts after sentence punctuation only: taggers trained on
        # newspaper text cut "Zorg ervoor dat ..." after "Zorg" (read as a heading)
        for i in np.flatnonzero(attrs[:, 0] == 1):
            j = int(i) - 1
            while j > 0 and is_space[j] and "\n" not in doc[j].text:
                j -= 1
            if j >= 0 and (attrs[j, 2] in ends or attrs[j, 2] in closing or (is_space[j] and "\n" in doc[j].text)):
                starts.add(int(i))
    for i in np.flatnonzero(np.isin(attrs[:-1, 2], ends)):
        nxt = doc[int(i) + 1]
        if nxt.is_space or nxt.is_title or nxt.is_digit or nxt.text in _BULLETS or nxt.is_quote:
            starts.add(int(i) + 1)
    for i in np.flatnonzero(is_space):
        if "\n" in doc[int(i)].text:
            starts.add(int(i) + 1)
    bullets = [doc.vocab.strings[b] for b in _BULLETS if b not in ("-", "–")]
    for i in np.flatnonzero(np.isin(attrs[:, 2], bullets)):
        if i > 0:
            starts.add(int(i))
    bounds = sorted(s for s in starts if s < n) + [n]
    units = []
    for a, b in zip(bounds, bounds[1:]):
        while a < b and is_space[a]:
            a += 1
        while b > a and is_space[b - 1]:
            b -= 1
        if a < b:
            units.append((a, b))
    return units


def set_sentences(doc: Doc) -> Doc:
    units = sentence_units(doc)
    if units:
        starts = np.array([u[0] for u in units])
        sent_of = np.maximum(np.searchsorted(starts, np.arange(len(doc)), side="right") - 1, 0).tolist()
    else:
        sent_of = [0] * len(doc)
    doc._.miner_sents = units
    doc._.miner_sent_of = sent_of
    return doc
