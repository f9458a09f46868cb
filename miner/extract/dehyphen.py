"""Repair words hyphenated at line ends, keep real hyphens.

Dutch writes most compounds as one word, so a hyphen at a line end is by
default a break to repair ("discrimi-" + "natie").  It is kept when the
evidence says it is a real hyphen:

* the document itself uses the hyphenated form elsewhere (strongest signal),
  or uses the joined form (then join);
* the next part starts with a capital or digit ("Noord-Holland", "COVID-19");
* the next word is "en", "of", "tot" ... (an elided compound: "vrijwilligers- en
  buurtorganisaties");
* the first part is an abbreviation ("lhbti-", "ggz-", "AI-") or one of the
  prefixes Dutch always hyphenates ("niet-", "ex-", "oud-");
* vowels would clash when joined ("zee-egel", "auto-ongeluk"), unless the joined
  form is a known word;
* two adjectives are coordinated ("sociaal-economisch", "juridisch-technische").

Known words come from the Dutch lemma table of spacy-lookups-data (keys and
lemmas, about 300k forms) when it is installed.
"""
from __future__ import annotations

import functools
import gzip
import json
import re
from pathlib import Path

from miner.extract.normalize import SOFT_HYPHEN

HYPHENS = ("-", SOFT_HYPHEN)
_ELISION_NEXT = {"en", "of", "tot", "noch", "als", "&", "t/m", "e.a."}
_ALWAYS_HYPHEN_PREFIX = {"niet", "ex", "oud", "non", "vice", "adjunct", "interim"}
_ABBREVIATIONS = {"lhbti", "lhbtiq", "lhbt", "lhbtiq+", "ggz", "ggd", "wmo", "mbo", "hbo", "vmbo", "havo", "vwo", "ict",
                  "ai", "zzp", "pgb", "uwv", "svb", "duo", "cbs", "scp", "oeso", "eu", "vng", "bso", "vve", "ivf",
                  "tbs", "jggz", "ivm", "hr", "it", "kvk", "nt2", "cao", "ov", "rivm", "wob", "woo", "avg", "vn"}
# Vowels that would read as one sound when joined: Dutch then writes a hyphen (zee-egel, auto-ongeluk).
_DIPHTHONGS = {"aa", "ai", "au", "ee", "ei", "eu", "ie", "ij", "oe", "oi", "oo", "ou", "ui", "uu"}
_VOWELS = set("aeiouy")
_ADJ_LEFT = re.compile(r"(aal|eel|isch|ief|iek|air|iel)$")
_ADJ_RIGHT = re.compile(r"(isch|ische|eel|ele|aal|ale|ief|ieve|iek|ieke|air|aire|iel|iele|ijk|ijke)$")
# English words inside Dutch compounds keep their hyphen; Dutch parts ending like this take a
# linking s ("ontwikkelings-"), so a left part with these endings that is no Dutch word is English.
_FOREIGN_END = re.compile(r"(ing|ware|ment|ship|ness|ity|data)$")
_WORD_CHARS = re.compile(r"^[^\w]*(.*?)[^\w]*$", re.U)


@functools.lru_cache(maxsize=1)
def lexicon() -> frozenset[str]:
    """Known Dutch word forms (lower case); empty when spacy-lookups-data is missing."""
    try:
        import spacy_lookups_data
    except ImportError:
        return frozenset()
    path = Path(spacy_lookups_data.__file__).parent / "data" / "nl_lemma_lookup.json.gz"
    try:
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            table = json.load(fh)
    except OSError:
        return frozenset()
    return frozenset(w.lower() for w in (*table.keys(), *table.values()))


def _core(token: str) -> str:
    return _WORD_CHARS.match(token).group(1)


def keep_hyphen(left: str, right: str, next_word: str = "", doc_words: set[str] | frozenset = frozenset()) -> bool:
    """Is the hyphen at the end of ``left`` (without the hyphen) a real one before ``right``?

    ``left`` is the last word on the line without its hyphen, ``right`` the first
    word on the next line (punctuation attached), ``doc_words`` the lower-case
    words of the whole document (hyphenated words included) for evidence.
    """
    core_right = _core(right)
    if not left or not core_right:
        return True
    if core_right.lower() in _ELISION_NEXT:
        # "wet- en regelgeving", "Staats- en Bestuursrecht" (elided compounds) versus "onderdel-" +
        # "en van" and "mak-" + "en hebben" (broken words): when left + "en" is itself a word, only
        # a long compound after it ("regelgeving") makes it an elision.
        after = _core(next_word.split(" ", 1)[0]) if next_word else ""
        broken_word = (left + core_right).lower() in lexicon() and core_right.lower() == "en"
        if len(after) >= (9 if broken_word else 6) and after.isalpha() and (after.islower() or after.istitle()):
            return True
    lo_left, lo_right = left.lower(), core_right.lower()
    hyphenated, joined = f"{lo_left}-{lo_right}", lo_left + lo_right
    if hyphenated in doc_words:
        return True
    if joined in doc_words:
        return False
    if core_right[0].isupper() or core_right[0].isdigit():
        return True
    if not left[-1].isalpha():  # "2020-" + "2021", "B-" ...
        return True
    part = left.rsplit("-", 1)[-1]          # "CUB-po-" + "pulatie": judge "po"
    last_part = part.lower()
    if any(c.isdigit() for c in part) or (len(part) > 1 and any(c.isupper() for c in part[1:])):
        return True
    if not part[:1].isupper() and (last_part in _ABBREVIATIONS or
                                   (len(last_part) <= 4 and not _VOWELS & set(last_part))):
        return True
    if last_part in _ALWAYS_HYPHEN_PREFIX:
        return True
    words = lexicon()
    if words and _FOREIGN_END.search(last_part) and last_part not in words and lo_right in words \
            and joined not in words:
        return True   # a compound continuation: "machine learning-" + "algoritmes", "software-" + "ontwikkeling"
    if _ADJ_LEFT.search(last_part) and _ADJ_RIGHT.search(lo_right) and (not words or last_part in words):
        return True
    if joined in words:
        return False
    if lo_left[-1] + lo_right[0] in _DIPHTHONGS and lo_left[-1] in _VOWELS and lo_right[0] in _VOWELS:
        return True
    return False


def join_lines(lines: list[str], doc_words: set[str] | frozenset = frozenset()) -> str:
    """Join the lines of one paragraph into one string, repairing line-end hyphenation."""
    out = ""
    for i, line in enumerate(lines):
        line = line.strip()
        if not line:
            continue
        if not out:
            out = line
            continue
        out = join_pair(out, line, doc_words)
    return out.replace(SOFT_HYPHEN, "")


def join_pair(before: str, after: str, doc_words: set[str] | frozenset = frozenset()) -> str:
    """``before`` + ``after`` with the right separator (space, nothing, or the hyphen kept)."""
    if not before:
        return after
    if not after:
        return before
    if before.endswith(SOFT_HYPHEN):
        return before[:-1] + after
    if before.endswith("-") and len(before) > 1 and before[-2].isalnum():
        left = before[:-1].rsplit(" ", 1)[-1]
        first = after.split(" ", 1)
        if keep_hyphen(_core(left) if left else left, first[0], first[1] if len(first) > 1 else "", doc_words):
            sep = " " if _core(first[0]).lower() in _ELISION_NEXT else ""
            return before + sep + after
        return before[:-1] + after
    return before + " " + after


_DOC_WORD = re.compile(r"\w+(?:-\w+)*", re.U)


def document_words(texts) -> set[str]:
    """Lower-case words (hyphenated ones whole) of lines, minus their last token:
    a word at a line end may itself be a hyphenation fragment."""
    words: set[str] = set()
    for t in texts:
        toks = _DOC_WORD.findall(t.lower())
        if t.rstrip().endswith(HYPHENS) and toks:
            toks = toks[:-1]
        words.update(toks)
    return words
