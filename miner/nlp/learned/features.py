"""Feature strings for a sentence of a tagged Doc.

The rule components have run before (``doc._.miner_hits``, ``doc._.miner_annotations``),
so every cue the taxonomy knows is visible to the model, strong or weak, fired or not.
A sentence is described by
- its words and lemmas (unigrams, lemma bigrams), numbers folded to one symbol;
- its shape (question, heading, opening part of speech, imperative mood, modal verbs);
- the taxonomy cues and rule decisions inside it;
- the cues and decisions of the sentence before and after it (``P:``/``N:``);
- the cues of the passage around it (``D:``, ``window`` sentences either side) so a
  ground the passage makes clear reaches a sentence that does not name it.
Character n-grams of the sentence text are added by the model's second vectorizer.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from spacy.lang.nl.stop_words import STOP_WORDS
from spacy.tokens import Doc

from miner.nlp.tagging.recommendations import LIST_MARKERS, verb_stem_evidence

WINDOW = 6  # sentences either side that make up the local passage


def _num(word: str) -> str:
    if word.isalpha():    # the common case, and no digit in it
        return word
    return "<num>" if any(c.isdigit() for c in word) else word


def sentence_cues(doc: Doc, n_units: int) -> list[list[str]]:
    """Per sentence unit: cue and rule-decision symbols (no words)."""
    out: list[list[str]] = [[] for _ in range(n_units)]
    sent_of = doc._.miner_sent_of or []
    for h in doc._.miner_hits or []:
        i = sent_of[h.start]
        out[i].append(f"H:{h.layer}:{h.label}:{h.kind}")
        out[i].append(f"H:{h.layer}:{h.kind}")
    for a in doc._.miner_annotations or []:
        if a.layer in ("ground", "mechanism", "recommendation", "setting", "target_group", "statistic"):
            out[a.sent].append(f"R:{a.layer}:{a.label}")
            out[a.sent].append(f"R:{a.layer}")
            if a.layer == "recommendation":
                out[a.sent].append("R:rec:" + a.source.split(":", 1)[-1].split("(")[0][:24])
    return [sorted(set(c)) for c in out]


@dataclass(frozen=True)
class FeatureWords:
    """The Dutch grammar words the features use, from the taxonomy's [recommendation] section."""
    modal_lemmas: frozenset
    pronouns_after_stem: frozenset

    @classmethod
    def of(cls, taxonomy) -> "FeatureWords":
        r = taxonomy.recommendation
        return cls(frozenset(r["modal_lemmas"]), frozenset(r["pronouns_after_stem"]))


def unit_features(doc: Doc, units: list[tuple[int, int]], words: FeatureWords,
                  cues: list[list[str]] | None = None) -> list[list[str]]:
    """Feature strings for each token range in ``units`` (the Doc's sentence units or gold spans);
    ``words``: the taxonomy's grammar words (``FeatureWords.of(taxonomy)``).

    ``cues``, when given, are per-unit cue lists computed over the same units (see ``sentence_cues``);
    otherwise they are taken from the doc's own sentence units and mapped by token position."""
    n = len(units)
    if cues is None:
        own = sentence_cues(doc, len(doc._.miner_sents or []))
        sent_of = doc._.miner_sent_of or []
        cues = []
        for a, b in units:
            seen = {sent_of[t] for t in range(a, b)} if b > a else set()
            merged = set()
            for s in seen:
                merged.update(own[s])
            cues.append(sorted(merged))
    # passage context: cue symbols counted over a window of sentences (running window)
    feats: list[list[str]] = []
    window_counts: Counter = Counter()
    lo = hi = 0  # current window [lo, hi)
    for i, (a, b) in enumerate(units):
        new_lo, new_hi = max(0, i - WINDOW), min(n, i + WINDOW + 1)
        while hi < new_hi:
            window_counts.update(c for c in cues[hi] if not c.startswith("R:rec:"))
            hi += 1
        while lo < new_lo:
            window_counts.subtract(c for c in cues[lo] if not c.startswith("R:rec:"))
            lo += 1
        f = _words(doc, a, b, words)
        f.extend(cues[i])
        if i > 0:
            f.extend("P:" + c for c in cues[i - 1] if c.startswith(("R:", "H:context")))
        if i + 1 < n:
            f.extend("N:" + c for c in cues[i + 1] if c.startswith(("R:", "H:context")))
        own = Counter(c for c in cues[i] if not c.startswith("R:rec:"))
        for c, k in window_counts.items():
            k -= own.get(c, 0)
            if k > 0 and not c.startswith(("H:actor", "H:evidence_type")):
                f.append("D:" + c)
                if k >= 3:
                    f.append("D3:" + c)
        feats.append(f)
    return feats


_MARKERS = LIST_MARKERS | {">"}   # the rule layer's list markers, and "A.5>"


def _opening(toks):
    """The sentence without its list marker: "•", "3.", "7)", "A.5>", "Tip 2:", "Stap 1 -"."""
    i = 0
    while i < len(toks) and (toks[i].text in _MARKERS or any(c.isdigit() for c in toks[i].text) or
                             (len(toks[i].text) <= 3 and toks[i].text.endswith((".", ")", ">")))):
        i += 1
    rest = toks[i:]
    if len(rest) >= 3 and rest[0].is_alpha and rest[1].text.isdigit() and rest[2].text in (":", ".", "-", "–"):
        rest = rest[3:]
    return rest


def _syntax(toks, content, pronouns_after_stem: frozenset) -> list[str]:
    """Mood and clause shape, robust to a tagger that reads a sentence-initial imperative as a noun:
    the opening word as a verb stem (Dutch lemma tables), the root's auxiliaries and its subject."""
    f: list[str] = []
    if content:
        first = content[0]
        low = first.lower_
        if first.is_alpha and len(low) > 1 and low not in STOP_WORDS:
            ev = verb_stem_evidence(low)
            if ev:
                nxt = content[1].lower_ if len(content) > 1 else ""
                end = content[-1].text
                f.append("stem:" + ev.replace(" ", "_"))
                f.append("stem:next:" + (content[1].pos_ if len(content) > 1 else "END"))
                f.append("stem:end:" + (end if end in (".", "!", "?", ":") else "none"))
                if nxt in pronouns_after_stem:
                    f.append("stem:subject_after")
    ids = {t.i for t in toks}
    for t in toks:
        if t.dep_ == "ROOT":
            f.append("root:" + t.pos_)
            f.append("root_l:" + t.lemma_.lower())
            subj = [c for c in t.children if c.dep_.startswith("nsubj") and c.i in ids]
            if not subj:
                f.append("subj:none")
            for c in subj:
                f.append("subj:" + (c.lower_ if c.pos_ == "PRON" else c.pos_))
            for c in t.children:
                if c.dep_.startswith("aux") and c.i in ids:
                    f.append("aux:" + c.lemma_.lower())
    return f


def _words(doc: Doc, a: int, b: int, words: "FeatureWords") -> list[str]:
    toks = [t for t in doc[a:b] if not t.is_space]
    f: list[str] = []
    if not toks:
        return ["EMPTY"]
    lemmas = []
    for t in toks:
        if t.is_punct:
            continue
        low = _num(t.lower_)
        lem = _num(t.lemma_.lower()) if t.lemma_ else low
        f.append("w:" + low)
        if lem != low:
            f.append("l:" + lem)
        lemmas.append(lem)
        if t.pos_ in ("AUX", "VERB") and lem in words.modal_lemmas:
            f.append("modal:" + lem)
    f.extend("b:" + x + "_" + y for x, y in zip(lemmas, lemmas[1:]))
    first = next((t for t in toks if not t.is_punct and not t.like_num), toks[0])
    f.append("first_pos:" + first.pos_)
    f.append("first:" + _num(first.lower_))
    if "Imp" in first.morph.get("Mood") or (first.pos_ == "VERB" and first.i == toks[0].i):
        f.append("shape:imperative_start")
    last = toks[-1].text
    if last == "?":
        f.append("shape:question")
    elif last not in (".", "!", ":", ";", "…", ")", '"', "”"):
        f.append("shape:no_final_punct")
    f.extend(_syntax(toks, _opening(toks), words.pronouns_after_stem))
    n = len(lemmas)
    f.append("len:" + ("1-3" if n <= 3 else "4-8" if n <= 8 else "9-20" if n <= 20 else "21+"))
    return f
