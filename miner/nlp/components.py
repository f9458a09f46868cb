"""spaCy pieces the shipped pipeline (models/nl_miner) refers to by name.

Importing this module registers them; ``miner.nlp.loader`` imports it before loading.
- ``miner.policy_tokenizer.v1``: the Dutch tokenizer adjusted for policy text.
- ``miner_lemma_fallback``: corrects the trained lemmatizer with a domain lemma list and the
  Dutch lookup table of spacy-lookups-data.
- ``miner_policy_sentences``: sentence starts of policy text the parser then respects.
- ``miner_verb_function``: AUX/VERB made consistent with the parse (UD's definition of AUX).
- ``miner_particle_lemmas``: separated verb particles join the verb's lemma (UD convention).
"""
from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.util import compile_prefix_regex, compile_suffix_regex

RESOURCES = Path(__file__).parent / "resources"

# Abbreviations common in Dutch policy text that spaCy's Dutch exceptions lack.
EXTRA_ABBREVIATIONS = ("z.g.a.n.", "o.b.v.", "o.l.v.", "m.u.v.", "t.b.v.", "i.o.m.", "p.p.", "vgl.",
                       "incl.", "excl.", "o.m.", "m.i.", "i.h.a.", "i.c.m.", "t.z.t.", "z.s.m.")
# spaCy's Dutch exceptions include abbreviations that are also ordinary words ("dat.", "al.",
# "pas."): kept, they glue a sentence-final full stop to the word and break sentence splitting.
WORD_LIKE_ABBREVIATIONS = ("dat", "al", "kon", "pas", "bel", "hand", "me", "top", "ver", "min", "pers",
                           "best", "vol", "tom", "red", "mon", "lat")
# "(inter)culturele", "(on)mogelijk": one word, not four tokens.
BRACKETED_PREFIX_WORD = r"\([A-Za-zÀ-ÿ]+\)[a-zà-ÿ]"
# Footnote numbers glued to a word or punctuation: "gestuurd4", "toelicht?1".
FOOTNOTE_SUFFIXES = (r"(?<=[a-zà-ÿ]{2})\d{1,2}$", r"(?<=[a-zà-ÿ][\?\!\.\,\;\:\)])\d{1,2}$")
# "12,5%" stays one token, as in UD Dutch (the treebanks the pipeline is trained on).


def customise_tokenizer(nlp: Language) -> None:
    tokenizer = nlp.tokenizer
    rules = {key: value for key, value in tokenizer.rules.items()
             if not (key.endswith(".") and key[:-1].lower() in WORD_LIKE_ABBREVIATIONS)}
    tokenizer.rules = rules
    # UD Dutch tokens the default rules split: ",," (a low opening quote typed as two commas)
    # and decades written "'30" / "’30".
    for special in (",,", *(f"{q}{d:02d}" for q in "'’" for d in range(100))):
        tokenizer.add_special_case(special, [{"ORTH": special}])
    for abbreviation in EXTRA_ABBREVIATIONS:
        for variant in {abbreviation, abbreviation[0].upper() + abbreviation[1:]}:
            tokenizer.add_special_case(variant, [{"ORTH": variant}])
    prefixes = compile_prefix_regex(nlp.Defaults.prefixes).pattern
    tokenizer.prefix_search = re.compile(f"^(?!{BRACKETED_PREFIX_WORD})(?:{prefixes})").search
    suffixes = list(nlp.Defaults.suffixes) + list(FOOTNOTE_SUFFIXES)
    tokenizer.suffix_search = compile_suffix_regex(suffixes).search
    tokenizer.token_match = re.compile(f"^{BRACKETED_PREFIX_WORD}+$").match


@spacy.registry.tokenizers("miner.policy_tokenizer.v1")
def create_policy_tokenizer():
    make_default = spacy.registry.tokenizers.get("spacy.Tokenizer.v1")()

    def make(nlp: Language):
        nlp.tokenizer = make_default(nlp)
        customise_tokenizer(nlp)
        return nlp.tokenizer
    return make


def _read_table(path: Path) -> dict[str, str]:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return json.load(handle)


def _write_table(path: Path, table) -> None:
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        json.dump(table, handle, ensure_ascii=False, sort_keys=True)


def read_domain_lemmas(path: Path = RESOURCES / "domain_lemmas.tsv") -> dict[str, str]:
    table = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            form, lemma = line.split("\t")
            table[form.strip().lower()] = lemma.strip()
    return table


OPEN_CLASSES = {"NOUN", "VERB", "ADJ", "ADV", "AUX"}


class LemmaFallback:
    """Second opinion on lemmas after the trained lemmatizer.

    The domain list always wins. For open-class words the lookup table is used either whenever
    it knows the word (``prefer_lookup``) or only for forms that never occurred in training
    (where the edit-tree lemmatizer can only guess). `miner nlp train` picks the mode that
    scores better on the dev portion.
    """

    def __init__(self, nlp: Language, name: str, prefer_lookup: bool = True):
        self.name = name
        self.prefer_lookup = prefer_lookup
        self.domain: dict[str, str] = {}
        self.lookup: dict[str, str] = {}
        self.known_forms: set[str] = set()

    def initialize(self, get_examples=None, nlp=None, *, lookup=None, known_forms=(), domain=None):
        self.lookup = dict(lookup or {})
        self.known_forms = set(known_forms)
        self.domain = dict(domain if domain is not None else read_domain_lemmas())

    def lemma_for(self, token) -> str | None:
        lower = token.lower_
        if lower in self.domain:
            return self.domain[lower]
        if token.pos_ == "PROPN" and token.lemma_.lower() == lower:
            return token.text  # UD keeps names as written ("Heerenveen", not "heerenveen")
        if token.pos_ in OPEN_CLASSES and (self.prefer_lookup or lower not in self.known_forms):
            return self.lookup.get(token.text) or self.lookup.get(lower)
        return None

    def __call__(self, doc):
        for token in doc:
            lemma = self.lemma_for(token)
            if lemma:
                token.lemma_ = lemma
        return doc

    def to_disk(self, path, exclude=()):
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        _write_table(path / "domain.json.gz", self.domain)
        _write_table(path / "lookup.json.gz", self.lookup)
        _write_table(path / "known_forms.json.gz", sorted(self.known_forms))

    def from_disk(self, path, exclude=()):
        path = Path(path)
        self.domain = _read_table(path / "domain.json.gz")
        self.lookup = _read_table(path / "lookup.json.gz")
        self.known_forms = set(_read_table(path / "known_forms.json.gz"))
        return self

    def to_bytes(self, exclude=()):
        return json.dumps([self.domain, self.lookup, sorted(self.known_forms)]).encode("utf-8")

    def from_bytes(self, data, exclude=()):
        self.domain, self.lookup, forms = json.loads(data.decode("utf-8"))
        self.known_forms = set(forms)
        return self


@Language.factory("miner_lemma_fallback", default_config={"prefer_lookup": True})
def create_lemma_fallback(nlp: Language, name: str, prefer_lookup: bool):
    return LemmaFallback(nlp, name, prefer_lookup)



BULLETS = frozenset("•▪●◦‣■□➢➤►")
LINE_START_BULLETS = frozenset("-–*")


@Language.component("miner_policy_sentences")
def mark_policy_sentence_starts(doc):
    """Sentence starts the parser then respects: an enumeration bullet ("•", or "-" at the start
    of a line) and the first word after a blank line (titles and headings have no full stop).
    Footnote numbers glued to a sentence's final punctuation ("toe?1, 2") stay in that sentence;
    a capitalised word right after them starts the next one."""
    in_footnote = False
    for token in doc[1:]:
        if token.is_space:
            token.is_sent_start = False  # white space belongs to the sentence before it
            continue
        previous = doc[token.i - 1]
        glued_footnote = token.like_num and not previous.whitespace_ and previous.text in (".", "?", "!")
        continued_footnote = in_footnote and (token.text == "," or (token.like_num and previous.text == ","))
        if glued_footnote or continued_footnote:
            token.is_sent_start = False
            in_footnote = True
            continue
        line_start = previous.is_space and "\n" in previous.text
        if (in_footnote and token.is_title) or token.text in BULLETS \
                or (line_start and token.text in LINE_START_BULLETS) \
                or (previous.is_space and previous.text.count("\n") >= 2):
            token.is_sent_start = True
        in_footnote = False
    return doc


# Separated particles that UD Dutch does not make part of the verb's lemma ("tot stand brengen",
# "er van uitgaan", "laten zien"); measured on the current UD Dutch dev/test files.
NON_LEMMA_PARTICLES = frozenset({"tot", "van", "er", "de", "het", "te", "ten", "om", "onder", "zien", "maken",
                                 "laten", "cadeau", "naam"})


@Language.component("miner_particle_lemmas")
def join_separated_particles(doc):
    """UD Dutch lemmatises a verb with its separated particle: "zette ... in" → "inzetten".
    Needs the parse, so it runs after the parser."""
    for token in doc:
        if token.pos_ != "VERB":
            continue
        for child in token.children:
            particle = child.lower_
            if (child.dep_ == "compound:prt" and particle.isalpha() and particle not in NON_LEMMA_PARTICLES
                    and not token.lemma_.startswith(particle)):
                token.lemma_ = particle + token.lemma_
                break
    return doc


AUX_RELATIONS = frozenset({"aux", "aux:pass", "cop"})
MAIN_VERB_ARGUMENTS = frozenset({"nsubj", "nsubj:pass", "obj", "expl"})


@Language.component("miner_verb_function")
def verb_function_from_parse(doc):
    """UD's AUX is a verb in an aux/cop relation; the morphologizer and the parser decide
    separately and sometimes disagree ("is" with its own subject tagged AUX). The parse wins
    where it is clear: a VERB attached as aux/cop is AUX, an AUX with its own subject or object
    is VERB. Runs after the parser (and before miner_particle_lemmas, which looks at VERBs)."""
    for token in doc:
        if token.pos_ == "VERB" and token.dep_ in AUX_RELATIONS:
            token.pos_ = "AUX"
        elif token.pos_ == "AUX" and token.dep_ not in AUX_RELATIONS and \
                any(child.dep_ in MAIN_VERB_ARGUMENTS for child in token.children):
            token.pos_ = "VERB"
    return doc
