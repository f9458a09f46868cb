"""Turn the taxonomy's cue lists into hits on a spaCy Doc.

Single-word cues are looked up per token (form and lemma, prefixes for stems,
substrings for compound parts) with a per-word cache, so the cost per token is a
dictionary lookup for every word seen before. Multi-word cues go through spaCy's
PhraseMatcher (exact words) or Matcher (words ending in ``*`` are stems).
"""
from __future__ import annotations

from dataclasses import dataclass

from spacy.attrs import IS_PUNCT, IS_SPACE, LEMMA, LOWER
from spacy.matcher import Matcher, PhraseMatcher

from miner.nlp.tagging.taxonomy import Taxonomy

# kind of a hit: how strong the cue is
# HINT: a cue the learned tagger sees as a feature but the rules never decide on (broad words such as
# "partners" or "aanspreken" that point to a mechanism only in the right sentence)
BASIC, WEAK, STRONG, EXCLUDE, GROUP, HINT = "basic", "weak", "strong", "exclude", "group", "hint"
_KINDS = {"": BASIC, "weak_": WEAK, "strong_": STRONG, "exclude_": EXCLUDE, "group_": GROUP, "hint_": HINT}


@dataclass(frozen=True)
class Hit:
    start: int          # token index
    end: int            # token index (exclusive)
    layer: str
    label: str
    kind: str
    pattern: str        # the cue that matched, for the annotation's source

    @property
    def source(self) -> str:
        kind = "" if self.kind == BASIC else f"{self.kind}:"
        return f"{self.layer}.{self.label}:{kind}{self.pattern}"


class Lexicon:
    def __init__(self, nlp, taxonomy: Taxonomy, layers: tuple[str, ...] | None = None):
        self.taxonomy = taxonomy
        self._words: dict[str, list] = {}
        self._stems: dict[str, list] = {}
        self._infixes: dict[str, list] = {}
        self._parts: dict[str, list] = {}      # compound parts: (label)
        self._cache: dict[tuple[str, str], tuple] = {}
        self._hash_cache: dict[tuple[int, int], tuple] = {}
        self.phrase_matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.matcher = Matcher(nlp.vocab)
        self._phrase_keys: dict[int, tuple] = {}
        self._star_phrases: dict[int, list] = {}
        tokenizer = nlp.tokenizer
        for cue in taxonomy.cues:
            if layers and cue.layer not in layers:
                continue
            for prefix, kind in _KINDS.items():
                for w in cue.get(prefix + "words"):
                    self._words.setdefault(w, []).append((cue.layer, cue.label, kind, w))
                for s in cue.get(prefix + "stems"):
                    self._stems.setdefault(s, []).append((cue.layer, cue.label, kind, s + "-"))
                for s in cue.get(prefix + "infixes"):
                    self._infixes.setdefault(s, []).append((cue.layer, cue.label, kind, "-" + s + "-"))
                for i, phrase in enumerate(cue.get(prefix + "phrases")):
                    self._add_phrase(tokenizer, cue.layer, cue.label, kind, phrase)
            for part in cue.get("compound_parts"):
                self._parts.setdefault(part, []).append((cue.layer, cue.label))
        self._stem_lengths = sorted({len(s) for s in self._stems})
        self._infix_lengths = sorted({len(s) for s in self._infixes})
        self._part_lengths = sorted({len(s) for s in self._parts})
        # context infixes that make a compound strong when a compound part sits beside them
        self._context_infixes = {s for s, entries in self._infixes.items()
                                 if any(e[0] == "context" and e[1] == "discrimination" for e in entries)}

    def _add_phrase(self, tokenizer, layer, label, kind, phrase):
        key = f"{layer}|{label}|{kind}|{phrase}"
        words = [t.lower_ for t in tokenizer(phrase.replace("*", ""))]
        if not words:
            return
        self._phrase_keys[tokenizer.vocab.strings.add(key)] = (layer, label, kind, phrase)
        if phrase.endswith("*") and len(words) == 1:
            self._stems.setdefault(words[0], []).append((layer, label, kind, words[0] + "-"))
        elif phrase.endswith("*") and "*" not in phrase[:-1]:
            # exact words then a stem: indexed by the first word, checked in Python (cheaper than REGEX)
            first = tokenizer.vocab.strings.add(words[0])
            self._star_phrases.setdefault(first, []).append((words[1:], (layer, label, kind, phrase)))
        elif "*" in phrase:
            pattern = [{"LOWER": {"REGEX": "^" + _re_escape(w[:-1])}} if w.endswith("*") else {"LOWER": w}
                       for w in phrase.split()]
            self.matcher.add(key, [pattern])
        else:
            self.phrase_matcher.add(key, [tokenizer(phrase)])

    def token_hits(self, lower: str, lemma: str) -> tuple:
        key = (lower, lemma)
        found = self._cache.get(key)
        if found is not None:
            return found
        out = []
        joined = lower.replace("-", "") if "-" in lower else None   # migratie-achtergrond = migratieachtergrond
        for form in dict.fromkeys(f for f in (lower, lemma, joined) if f):   # in this order: deterministic
            out.extend(self._words.get(form, ()))
        if joined:
            out.extend(h for h in self.token_hits(joined, joined) if h not in out)
        n = len(lower)
        for length in self._stem_lengths:
            if length > n:
                break
            out.extend(self._stems.get(lower[:length], ()))
        context_span = None
        for length in self._infix_lengths:
            for i in range(0, n - length + 1):
                sub = lower[i:i + length]
                entries = self._infixes.get(sub)
                if entries:
                    out.extend(entries)
                    if sub in self._context_infixes and context_span is None:
                        context_span = (i, i + length)
        if context_span is not None and self._parts:
            # leeftijd|discriminatie, gender|vooroordelen: the rest of the word names the basis
            rest = lower[:context_span[0]] + "|" + lower[context_span[1]:]
            for length in self._part_lengths:
                for i in range(0, len(rest) - length + 1):
                    for layer, label in self._parts.get(rest[i:i + length], ()):
                        out.append((layer, label, STRONG, "compound:" + rest[i:i + length]))
        found = tuple(dict.fromkeys(out))
        self._cache[key] = found
        return found

    def hits(self, doc) -> list[Hit]:
        hits: list[Hit] = []
        strings = doc.vocab.strings
        by_hash = self._hash_cache
        # work on attribute hashes: no Python string per token for words seen before
        for i, (lower, lemma, is_space, is_punct) in enumerate(doc.to_array([LOWER, LEMMA, IS_SPACE, IS_PUNCT])):
            if is_space or is_punct:
                continue
            key = (int(lower), int(lemma))
            found = by_hash.get(key)
            if found is None:
                low = strings[key[0]]
                lem = strings[key[1]].lower() if key[1] else low
                found = by_hash[key] = self.token_hits(low, lem or low)
            for layer, label, kind, pattern in found:
                hits.append(Hit(i, i + 1, layer, label, kind, pattern))
            for rest, entry in self._star_phrases.get(key[0], ()):
                end = i + 1 + len(rest)
                if end <= len(doc) and all(doc[i + 1 + k].lower_ == w for k, w in enumerate(rest[:-1])) \
                        and doc[end - 1].lower_.startswith(rest[-1]):
                    hits.append(Hit(i, end, *entry))
        for match_id, start, end in list(self.phrase_matcher(doc)) + list(self.matcher(doc)):
            layer, label, kind, phrase = self._phrase_keys[match_id]
            hits.append(Hit(start, end, layer, label, kind, phrase))
        hits.sort(key=lambda h: (h.start, -h.end))
        return hits


def _re_escape(s: str) -> str:
    import re
    return re.escape(s)


def apply_exclusions(hits: list[Hit]) -> list[Hit]:
    """Drop hits that overlap an exclusion of the same layer and label (and exclusions themselves)."""
    excluded = [h for h in hits if h.kind == EXCLUDE]
    if not excluded:
        return hits
    out = []
    for h in hits:
        if h.kind == EXCLUDE:
            continue
        if any(e.layer == h.layer and e.label == h.label and e.start < h.end and h.start < e.end for e in excluded):
            continue
        out.append(h)
    return out
