"""Statistics: a number with its unit and what it measures.

"38 procent van de bevraagde buurtwerkers heeft zelf uitsluiting meegemaakt en
64 procent zag het bij bewoners" gives two: each with
number, unit and the words up to the next statistic or the end of the clause as
what it measures (or, when nothing follows, the clause before the number).
"""
from __future__ import annotations

import re

from spacy.tokens import Doc

from miner.nlp.tagging.annotation import Annotation, add
from miner.nlp.tagging.taxonomy import Taxonomy

_CLAUSE_END = re.compile(r"[;?!]|[.:](?=\s|$)|\s[–—-]\s|\(")
_NUM = r"\d+(?:[.,]\d+)*"


def _alt(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


class StatisticTagger:
    def __init__(self, taxonomy: Taxonomy):
        s = taxonomy.statistic
        numwords = _alt(s["number_words"]) or "(?!)"
        units = _alt(s["units"]) or "(?!)"
        nouns = _alt(s["count_nouns"]) or "(?!)"
        shares = _alt(s["share_phrases"]) or "(?!)"
        number = rf"(?:{_NUM}|(?:{numwords}))"
        self.patterns = [
            ("ratio", re.compile(rf"\b(?P<num>{number})\s+op\s+de\s+(?P<unit>{number})\b", re.I)),
            ("unit", re.compile(rf"(?<![\w.,])(?P<num>{_NUM}(?:\s*(?:tot|à|-|–)\s*{_NUM})?)\s*(?P<unit>{units})(?!\w)", re.I)),
            ("unit", re.compile(rf"\b(?P<num>{numwords}(?:\s*(?:tot|à)\s*{numwords})?)\s+(?P<unit>keer|maal|procent)\b", re.I)),
            ("count", re.compile(rf"(?<![\w.,])(?P<num>{_NUM}|{numwords})\s+(?:\w+\s+)?(?P<unit>{nouns})\b", re.I)),
            ("share", re.compile(rf"\b(?P<num>(?:bijna |ruim |meer dan |minder dan |ongeveer )?(?:{shares}))\b(?P<unit>)", re.I)),
        ]

    def find(self, text: str) -> list[tuple[int, int, dict]]:
        found: list[tuple[int, int, str, re.Match]] = []
        for kind, pat in self.patterns:
            for m in pat.finditer(text):
                if kind == "count" and re.fullmatch(r"(19|20)\d\d", m.group("num")):
                    continue  # a year, not a count
                if any(a < m.end() and m.start() < b for a, b, _, _ in found):
                    continue
                found.append((m.start(), m.end(), kind, m))
        found.sort()
        out = []
        for idx, (a, b, kind, m) in enumerate(found):
            nxt = found[idx + 1][0] if idx + 1 < len(found) else len(text)
            measure = self._measure(text, a, b, nxt)
            unit = m.group("unit") or ""
            if kind == "ratio":
                unit = f"op de {unit}"
            elif kind == "share":
                unit = "aandeel"
            out.append((a, b, {"number": _number(m.group("num")), "unit": unit.lower(), "measure": measure,
                               "kind": kind}))
        return out

    @staticmethod
    def _measure(text: str, a: int, b: int, nxt: int) -> str:
        after = text[b:nxt]
        stop = _CLAUSE_END.search(after)
        if stop:
            after = after[:stop.start()]
        after = re.sub(r"\s+(en|of|,)\s*$", "", after.strip(" ,")).strip()
        if len(after.split()) >= 2:
            return after
        before = text[:a]
        cut = max(before.rfind(c) for c in (".", ";", "?", "!", ":", "\n"))
        before = before[cut + 1:].strip(" ,")
        return " ".join(x for x in (before, after) if x)

    def __call__(self, doc: Doc, component: str) -> None:
        sent_of = doc._.miner_sent_of
        for i, (ts, te) in enumerate(doc._.miner_sents):
            span = doc[ts:te]
            base = span.start_char
            for a, b, value in self.find(span.text):
                tok = doc.char_span(base + a, base + b, alignment_mode="expand")
                if tok is None or sent_of[tok.start] != i:
                    continue
                kind = value.pop("kind")
                add(doc, Annotation("statistic", _label(kind, value["unit"]), tok.start, tok.end, i,
                                    f"{component}:{kind}", value=value))


def _label(kind: str, unit: str) -> str:
    if kind != "unit":
        return kind
    if unit in ("procent", "%") or unit.startswith("procentpunt"):
        return "percentage"
    if unit in ("keer", "maal"):
        return "factor"
    return "amount"


_WORD_NUMBERS = {"een": 1, "één": 1, "eén": 1, "twee": 2, "drie": 3, "vier": 4, "vijf": 5, "zes": 6, "zeven": 7, "acht": 8,
                 "negen": 9, "tien": 10, "elf": 11, "twaalf": 12, "twintig": 20, "dertig": 30, "veertig": 40,
                 "vijftig": 50, "zestig": 60, "zeventig": 70, "tachtig": 80, "negentig": 90, "honderd": 100,
                 "duizend": 1000, "tienduizend": 10000}
_SHARES = {"de helft": 0.5, "een derde": 1 / 3, "een kwart": 0.25, "twee derde": 2 / 3, "driekwart": 0.75,
           "drie kwart": 0.75}


def _number(raw: str):
    """The numeric value where it is clear; the words themselves otherwise."""
    s = raw.strip().lower()
    m = re.fullmatch(r"(\d+(?:[.,]\d+)*)", s)
    if m:
        digits = m.group(1)
        if re.fullmatch(r"\d{1,3}(\.\d{3})+", digits):
            return int(digits.replace(".", ""))
        try:
            return float(digits.replace(",", ".")) if "," in digits else int(digits.replace(".", ""))
        except ValueError:
            return s
    if s in _WORD_NUMBERS:
        return _WORD_NUMBERS[s]
    for phrase, value in _SHARES.items():
        if s.endswith(phrase):
            return round(value, 3) if s == phrase else s
    return s
