"""Content words of a Dutch text, lemmatised fast enough for 10,000 documents.

Why not the spaCy pipeline: a full parse runs at a few thousand tokens/s per core;
a topic model only needs normalised content words, so a lookup lemmatiser gets the
same vocabulary about a hundred times faster.  We use the Dutch tables of
spacy-lookups-data: the ``lemma_lookup`` table (word form -> lemma), then the
exception lists, then the suffix rules of the rule lemmatiser, accepting a rule's
result only when it is a known lemma (``lemma_index``).  Results are cached per
word form, so a corpus costs one dictionary look-up per token after warm-up.

Token rules: words of letters (inner hyphens and apostrophes kept), lowercased,
at least ``min_length`` characters; URLs, e-mail addresses and anything with a
digit dropped; Dutch stop words (spaCy's list plus configured extras) dropped
before and after lemmatisation; names dropped (see ``is_name``).
"""
from __future__ import annotations

import re
from functools import lru_cache

URL_OR_MAIL = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+\.\w+", re.IGNORECASE)
WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
# The last non-space character before a word that starts a sentence or line.
SENTENCE_BREAK = set(".!?:;\n•*\"'“‘(-–")

# Bumped when the token rules change, so a corpus is re-read (it is part of the corpus hash).
VERSION = "lemmas-2"

_POS_ORDER = ("noun", "verb", "adj")
# Word forms remembered per cache; a huge corpus has millions of forms, so a full cache starts over
# (bounded memory; the common forms are back after a few documents).
CACHE_MAX = 500_000
# Stems the noun rules make of common infinitives that are no nouns (topic-term quality).
_VERB_STEMS = frozenset({"geef", "bied", "help", "laat", "stel", "melde", "neem", "spreek", "zoek", "houd",
                         "vind", "hoor", "leid", "kies"})


class Lemmatiser:
    """Lookup + rule lemmatiser over spacy-lookups-data's Dutch tables."""

    def __init__(self):
        from spacy.lookups import load_lookups
        from spacy.strings import get_string_id

        tables = load_lookups("nl", ["lemma_lookup", "lemma_rules", "lemma_index", "lemma_exc"])
        self._lookup = tables.get_table("lemma_lookup")
        rules = tables.get_table("lemma_rules")
        index = tables.get_table("lemma_index")
        exc = tables.get_table("lemma_exc")
        self._rules, self._index, self._exc = {}, {}, {}
        for pos in _POS_ORDER:
            key = get_string_id(pos)
            self._rules[pos] = [tuple(r) for r in rules.get(key, [])]
            self._index[pos] = set(index.get(key, []))
            self._exc[pos] = dict(exc.get(key, {}))
        self._known = set().union(*self._index.values())
        self._cache: dict[str, str] = {}

    def is_known_word(self, lower: str) -> bool:
        """True for a word the Dutch tables know as a common word (used to tell names apart)."""
        return lower in self._known or lower in self._lookup or any(lower in e for e in self._exc.values())

    def lemma(self, lower: str) -> str:
        cached = self._cache.get(lower)
        if cached is not None:
            return cached
        result = self._lemma(lower)
        if len(self._cache) >= CACHE_MAX:
            self._cache.clear()
        self._cache[lower] = result
        return result

    def _lemma(self, word: str) -> str:
        # Nouns first: the lookup table maps ambiguous forms to verbs ("geslacht" ->
        # "slachten", "landen" -> "landen"), which makes poor topic terms.
        # But an infinitive whose noun-rule stem is a bare verb stem is a verb ("melden" ->
        # "melde", "geven" -> "geef", "laten" -> "laat" were topic terms): keep the infinitive.
        noun = self._by_pos(word, "noun")
        if noun and not self._verb_stem_of_infinitive(word, noun):
            return noun
        found = self._lookup.get(word)
        if found:
            return found
        for pos in ("verb", "adj"):
            lemma = self._by_pos(word, pos)
            if lemma:
                return lemma
        return word

    def _verb_stem_of_infinitive(self, word: str, noun: str) -> bool:
        """True when ``word`` is an infinitive (a verb lemma, or the lookup's lemma of itself) and
        the noun candidate is a verb form rather than a noun."""
        if noun == word or not word.endswith("en"):
            return False
        infinitive = word in self._index["verb"] or self._lookup.get(word) == word
        if not infinitive:
            return False
        # "melde": a verb form ending in -e (a noun stem would not); "geef", "laat": listed stems.
        return noun in _VERB_STEMS or (noun in self._index["verb"] and noun.endswith("e"))

    def _by_pos(self, word: str, pos: str) -> str | None:
        if word in self._index[pos]:
            return word
        if word in self._exc[pos]:
            return self._exc[pos][word][0]
        for old, new in self._rules[pos]:
            if old and word.endswith(old):
                candidate = word[: len(word) - len(old)] + new
                if candidate in self._index[pos]:
                    return candidate
        return None


@lru_cache(maxsize=1)
def shared_lemmatiser() -> Lemmatiser:
    return Lemmatiser()


def dutch_stop_words(extra: list[str] | tuple[str, ...] = ()) -> frozenset[str]:
    from spacy.lang.nl.stop_words import STOP_WORDS
    return frozenset(STOP_WORDS) | {w.lower() for w in extra}


class ContentWords:
    """Turns a text into its lemmatised content words (see module doc for the rules)."""

    def __init__(self, stop_words: frozenset[str], min_length: int = 3,
                 names: set[str] | frozenset[str] = frozenset(), lemmatiser: Lemmatiser | None = None,
                 keep: set[str] | frozenset[str] = frozenset()):
        self.stop_words = stop_words
        self.min_length = min_length
        self.keep = {k.lower() for k in keep}
        self.names = {n.lower() for n in names} - self.keep
        self.lemmatiser = lemmatiser or shared_lemmatiser()
        self._name_cache: dict[str, bool] = {}

    def is_name(self, word: str, lower: str) -> bool:
        """A capitalised word in mid-sentence that the Dutch tables do not know: a name
        (person, organisation, place).  Known names (Kamerleden, authors) always count."""
        if lower in self.names:
            return True
        if not word[0].isupper() or lower in self.keep:
            return False
        known = self._name_cache.get(lower)
        if known is None:
            known = self.lemmatiser.is_known_word(lower)
            if len(self._name_cache) >= CACHE_MAX:
                self._name_cache.clear()
            self._name_cache[lower] = known
        return not known

    def __call__(self, text: str) -> list[str]:
        text = URL_OR_MAIL.sub(" ", text)
        out = []
        stop, min_len, lemma = self.stop_words, self.min_length, self.lemmatiser.lemma
        for m in WORD.finditer(text):
            word = m.group()
            if len(word) < min_len:
                continue
            lower = word.lower().replace("’", "'")
            if lower in stop:
                continue
            if word[0].isupper() and not _starts_sentence(text, m.start()) and self.is_name(word, lower):
                continue
            if lower in self.names:
                continue
            lem = lemma(lower)
            if len(lem) < min_len or lem in stop:
                continue
            out.append(lem)
        return out


def _starts_sentence(text: str, pos: int) -> bool:
    i = pos - 1
    while i >= 0 and text[i] in " \t\r":
        i -= 1
    return i < 0 or text[i] in SENTENCE_BREAK
