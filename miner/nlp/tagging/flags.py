"""Hedge and negation flags on annotations.

A hedge cue ("vermoedelijk", "niet bewezen") anywhere within ``flag_window``
tokens of the annotation in its sentence sets ``hedge``; a negation word in the
same clause just before the annotation ("geen racisme", "niet effectief"), or a
negation phrase over it, sets ``negated``. With a parse, a negation attached to
the annotation's head or to the verb it depends on counts too.
"""
from __future__ import annotations

from spacy.tokens import Doc

from miner.nlp.tagging.taxonomy import Taxonomy



class FlagTagger:
    def __init__(self, taxonomy: Taxonomy):
        f = taxonomy.flags
        self.hedge_words = set(f["hedge_words"])
        self.hedge_phrases = [p.split() for p in f["hedge_phrases"]]
        self.neg_words = set(f["negation_words"])
        self.neg_phrases = [p.split() for p in f["negation_phrases"]]
        self.window = taxonomy.settings["flag_window"]
        self.clause_breaks = set(f["clause_breaks"])

    @staticmethod
    def _phrase_spans(words: list[str], phrases: list[list[str]], offset: int) -> list[tuple[int, int]]:
        out = []
        for p in phrases:
            n = len(p)
            for i in range(len(words) - n + 1):
                if words[i:i + n] == p:
                    out.append((offset + i, offset + i + n))
        return out

    def __call__(self, doc: Doc) -> None:
        anns = doc._.miner_annotations or []
        if not anns:
            return
        units = doc._.miner_sents
        parsed = doc.has_annotation("DEP")
        cache: dict[int, tuple] = {}
        for a in anns:
            if a.sent not in cache:
                s, e = units[a.sent]
                words = [t.lower_ for t in doc[s:e]]
                cache[a.sent] = (s, e, self._phrase_spans(words, self.hedge_phrases, s),
                                 self._phrase_spans(words, self.neg_phrases, s))
            s, e, hedge_spans, neg_spans = cache[a.sent]
            lo, hi = max(s, a.start - self.window), min(e, a.end + self.window)
            a.hedge = any(doc[i].lower_ in self.hedge_words for i in range(lo, hi)) or any(
                hs < hi and lo < he for hs, he in hedge_spans)
            a.negated = self._negated(doc, a, s, neg_spans, parsed)

    def _negated(self, doc, a, sent_start: int, neg_spans, parsed: bool) -> bool:
        # "X is niet bewezen effectief": a negation phrase in the same clause, within the window
        for ns, ne in neg_spans:
            if ns < a.end + self.window and a.start - self.window < ne:
                lo, hi = (a.end, ns) if ns >= a.end else (ne, a.start)
                if not any(doc[k].lower_ in self.clause_breaks for k in range(lo, hi)):
                    return True
        i = a.start - 1
        while i >= max(sent_start, a.start - self.window):
            tok = doc[i]
            if tok.lower_ in self.clause_breaks:
                break
            if tok.lower_ in self.neg_words:
                return True
            i -= 1
        if parsed and a.layer in ("mechanism", "ground"):
            head = doc[a.start]
            for t in (head, head.head):
                if any(c.lower_ in self.neg_words and c.dep_ in ("advmod", "det") for c in t.children):
                    return True
        return False
