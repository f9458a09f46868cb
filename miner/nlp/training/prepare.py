"""Turn the UD Dutch treebanks into spaCy training data (train/dev .spacy files).

What it does and why:
- The Alpino v2.16 test file is never read for training: it is the untouched test set.
  Every training sentence whose normalised text occurs in it is dropped.
- Older (2017) trees are brought to the current UD conventions where that is cheap:
  punctuation attached projectively (udapi ud.FixPunct), ``cc`` attached to the following
  conjunct, ``flat:name`` → ``flat``, possessive pronouns as ``nmod:poss`` with ``Poss=Yes``,
  inherent reflexives (``zich`` as obj) as ``expl:pv``. Sentences of the old files that also
  occur in the current files are dropped (the current annotation wins).
- The 2017 LassySmall train copies UPOS into the XPOS column, so its tags are treated as missing.
- Gold lemmas lose UD's compound/particle markers (basis_niveau → basisniveau, mee_doen → meedoen).
- Sentences are grouped into documents of several sentences, so the parser learns sentence
  boundaries.
"""
from __future__ import annotations

import random
import re
from functools import lru_cache
from dataclasses import dataclass, field
from pathlib import Path

TEST_FILE = "alpino-v2.16-test.conllu"


@dataclass(frozen=True)
class Source:
    filename: str
    old_conventions: bool = False
    xpos_missing: bool = False
    weight: int = 1          # how often its sentences are repeated in train
    dev_share: float = 0.0   # share held out for model selection (taken from the end)


SOURCES = (
    Source("alpino-v2.16-dev.conllu", weight=3, dev_share=0.12),
    Source("lassysmall-v2.16-dev.conllu", dev_share=0.04),
    Source("lassysmall-v2.16-test.conllu"),
    Source("alpino-2017-train.conllu", old_conventions=True, weight=2),
    Source("lassysmall-v2.0-train.conllu", old_conventions=True, xpos_missing=True),
)

POSSESSIVE_PERSON = {"mijn": "1", "ons": "1", "onze": "1", "jouw": "2", "uw": "2",
                     "zijn": "3", "haar": "3", "hun": "3"}


def normalise_text(words: list[str]) -> str:
    return re.sub(r"[\W_]+", "", "".join(words).lower())


def lemma_without_markers(lemma: str, form: str) -> str:
    if "_" in lemma and "_" not in form and len(lemma) > 1:
        return lemma.replace("_", "")
    return lemma


@dataclass
class Sentence:
    words: list[str]
    spaces: list[bool]
    tags: list[str]
    pos: list[str]
    morphs: list[str]
    lemmas: list[str]
    heads: list[int]          # 0-based index in the sentence; root points to itself
    deps: list[str]
    key: str = field(default="")


def _well_formed(block: str) -> bool:
    """False for sentences with a token attached to itself (three occur in the 2017 LassySmall train)."""
    for line in block.splitlines():
        cols = line.split("\t")
        if len(cols) == 10 and cols[0].isdigit() and cols[0] == cols[6]:
            return False
    return True


def read_trees(path: Path):
    from udapi.core.document import Document
    blocks = [b for b in path.read_text(encoding="utf-8").split("\n\n") if b.strip()]
    document = Document()
    document.from_conllu_string("\n\n".join(b for b in blocks if _well_formed(b)) + "\n\n")
    return document


def _lemma(node) -> str:
    return node.lemma.replace("_", "").lower()


def _case_word(node) -> str | None:
    marks = [c.lemma.lower() for c in node.children if c.deprel == "case"]
    return marks[0] if marks else None


ORDINAL = re.compile(r"^(\d+(e|ste|de)|eerst|eerste|.+(de|ste))$")


class ConventionLexicon:
    """What the current (2025) treebanks do, learned from them to correct the 2017 trees.

    - which (verb, preposition) pairs are ``obl:arg`` ("wachten op"); the 2017 trees only know ``obl``;
    - the UPOS of frequent words whose tag changed (modals "moet" AUX, "laten" VERB, "als" SCONJ,
      ordinals ADJ ...): a word seen at least ``min_count`` times with one UPOS in ≥ ``upos_share``
      of the cases gets that UPOS in the old trees too.
    """

    def __init__(self, min_count: int = 2, min_share: float = 0.5, upos_min_count: int = 5,
                 upos_share: float = 0.9):
        from collections import Counter, defaultdict
        self.arg = Counter()
        self.total = Counter()
        self.upos = defaultdict(Counter)
        self.min_count, self.min_share = min_count, min_share
        self.upos_min_count, self.upos_share = upos_min_count, upos_share

    def observe(self, root) -> None:
        for node in root.descendants:
            self.upos[node.form.lower()][node.upos] += 1
            if node.deprel in ("obl", "obl:arg"):
                pair = (_lemma(node.parent), _case_word(node))
                self.total[pair] += 1
                self.arg[pair] += node.deprel == "obl:arg"

    def is_argument(self, node) -> bool:
        pair = (_lemma(node.parent), _case_word(node))
        return self.arg[pair] >= self.min_count and self.arg[pair] >= self.min_share * self.total[pair]

    def current_upos(self, form: str) -> str | None:
        counts = self.upos.get(form.lower())
        if not counts:
            return None
        upos, n = counts.most_common(1)[0]
        total = sum(counts.values())
        return upos if total >= self.upos_min_count and n >= self.upos_share * total else None


# Since 2017 only "zijn" is a copula; "worden", "blijven" ... head their predicate as xcomp.
FORMER_COPULAS = {"worden", "blijven", "gaan", "staan", "liggen", "komen", "heten", "blijken",
                  "lijken", "zitten", "raken", "schijnen", "voorkomen", "dunken"}
# ... and these former auxiliaries head their infinitive as xcomp; "moeten" went the other way.
FORMER_AUXILIARIES = {"willen", "laten", "gaan", "blijken", "hoeven", "blijven", "komen", "staan",
                      "zitten", "liggen", "lijken", "schijnen"}
NEW_AUXILIARIES = {"moeten"}
# Dependents that stay inside a (nominal/adjectival) predicate when a verb becomes the head.
PHRASE_INTERNAL = {"det", "amod", "nmod", "nmod:poss", "case", "nummod", "compound", "flat", "fixed",
                   "appos", "acl", "acl:relcl", "clf", "compound:prt", "obl", "obj", "iobj", "xcomp",
                   "ccomp", "expl:pv", "obl:arg", "obl:agent"}


def _swap_head(new_head, old_head, old_head_deprel: str, keep_with_old) -> None:
    """``new_head`` (a dependent of ``old_head``) takes over its place in the tree; ``old_head``
    becomes its ``old_head_deprel`` dependent; dependents for which ``keep_with_old`` is false move."""
    new_head.parent, new_head.deprel = old_head.parent, old_head.deprel
    old_head.parent, old_head.deprel = new_head, old_head_deprel
    for child in list(old_head.children):
        if child is not new_head and not keep_with_old(child):
            child.parent = new_head


def _restructure_verbs(root) -> None:
    for node in list(root.descendants):
        lemma = _lemma(node)
        if node.deprel == "cop" and lemma in FORMER_COPULAS:
            predicate = node.parent
            _swap_head(node, predicate, "xcomp",
                       lambda c: c.deprel in PHRASE_INTERNAL or (c.deprel == "advmod" and c.ord > node.ord))
            node.upos = "VERB"
        elif node.deprel == "aux" and lemma in FORMER_AUXILIARIES and node.parent.upos == "VERB":
            verb = node.parent
            _swap_head(node, verb, "xcomp", lambda c: c.deprel in PHRASE_INTERNAL or c.deprel == "advmod"
                       or (c.deprel in ("aux", "aux:pass") and c.ord > node.ord))
            node.upos = "VERB"
        elif lemma in NEW_AUXILIARIES and node.upos in ("VERB", "AUX"):
            complements = [c for c in node.children if c.deprel == "xcomp" and c.upos in ("VERB", "AUX")]
            if complements:
                _swap_head(complements[0], node, "aux", lambda c: False)
                node.upos = "AUX"


def _fixed_names_to_flat(root) -> None:
    """2017 "fixed" on content-word heads is "flat" now; capitalised chains are names (PROPN)."""
    for node in root.descendants:
        if node.deprel == "fixed" and node.parent.upos in ("NOUN", "PROPN", "ADJ", "NUM", "DET", "VERB"):
            node.deprel = "flat"
    for head in root.descendants:
        chain = [c for c in head.children if c.deprel == "flat"]
        if chain and head.upos in ("NOUN", "ADJ", "NUM", "PROPN") and all(
                n.form[:1].isupper() or n.form[:1].isdigit() for n in [head, *chain]) \
                and head.form[:1].isupper() and head.ord > 1:
            for n in [head, *chain]:
                n.upos = "PROPN"


def modernise(root, lexicon: ConventionLexicon | None = None) -> None:
    """Bring one 2017 tree to the 2025 conventions (in place)."""
    _restructure_verbs(root)
    _fixed_names_to_flat(root)
    nodes = root.descendants
    for node in nodes:
        if node.deprel == "obl":
            if _case_word(node) == "door" and any(c.deprel == "aux:pass" for c in node.parent.children):
                node.deprel = "obl:agent"
            elif lexicon is not None and lexicon.is_argument(node):
                node.deprel = "obl:arg"
        if node.deprel == "nsubj" and any(c.deprel == "aux:pass" for c in node.parent.children):
            node.deprel = "nsubj:pass"
        lower = node.form.lower()
        if node.deprel == "amod" and node.parent.upos in ("ADV", "ADJ", "PRON", "DET"):
            node.deprel = "advmod"      # "nog steeds", "pas later": modifiers of non-nominals
        if node.deprel == "flat:name":
            node.deprel = "flat"
        if node.deprel == "cc" and node.parent.ord < node.ord:
            later = [c for c in node.parent.children if c.deprel == "conj" and c.ord > node.ord]
            if later:
                node.parent = min(later, key=lambda c: c.ord)
        if node.upos == "NUM" and ORDINAL.match(lower):
            node.upos = "ADJ"
            if node.deprel == "nummod":
                node.deprel = "amod"
        current = lexicon.current_upos(lower) if lexicon is not None else None
        if current and current != node.upos and node.upos not in ("PROPN", "X", "PUNCT") \
                and current not in ("PROPN", "X"):
            node.upos = current
        if node.deprel == "det" and lower in POSSESSIVE_PERSON and node.upos in ("DET", "PRON"):
            node.upos = "PRON"
            node.deprel = "nmod:poss"
            node.feats = f"Person={POSSESSIVE_PERSON[lower]}|Poss=Yes|PronType=Prs"
            node.lemma = node.lemma.lower()
        if node.deprel == "obj" and node.feats["Reflex"] == "Yes" and node.lemma.lower() == "zich":
            node.deprel = "expl:pv"
    from udapi.block.ud.fixpunct import FixPunct
    FixPunct().process_tree(root)


def to_sentence(root, xpos_missing: bool) -> Sentence:
    nodes = root.descendants
    index = {n.ord: i for i, n in enumerate(nodes)}
    words = [n.form for n in nodes]
    return Sentence(
        words=words,
        spaces=[n.misc["SpaceAfter"] != "No" for n in nodes],
        tags=["" if xpos_missing or n.xpos in (None, "_") else n.xpos for n in nodes],
        pos=[n.upos for n in nodes],
        morphs=["" if str(n.feats) == "_" else str(n.feats) for n in nodes],
        lemmas=[lemma_without_markers(n.lemma, n.form) for n in nodes],
        heads=[i if n.parent.is_root() else index[n.parent.ord] for i, n in enumerate(nodes)],
        deps=["ROOT" if n.deprel == "root" else n.deprel for n in nodes],
        key=normalise_text(words),
    )


def load_sentences(path: Path, old_conventions: bool = False, xpos_missing: bool = False,
                   lexicon: ConventionLexicon | None = None) -> list[Sentence]:
    """Sentences of a CoNLL-U file; old files are modernised, current ones feed ``lexicon``."""
    sentences = []
    for bundle in read_trees(path).bundles:
        root = bundle.get_tree()
        if old_conventions:
            modernise(root, lexicon)
        elif lexicon is not None:
            lexicon.observe(root)
        sentences.append(to_sentence(root, xpos_missing))
    return sentences


@lru_cache(maxsize=1)
def blank_dutch():
    import spacy
    return spacy.blank("nl")


def to_docs(vocab, sentences: list[Sentence], per_doc: int):
    from spacy.tokens import Doc
    docs = []
    for start in range(0, len(sentences), per_doc):
        group = sentences[start:start + per_doc]
        words, spaces, tags, pos, morphs, lemmas, heads, deps = ([] for _ in range(8))
        for sent in group:
            offset = len(words)
            words += sent.words
            spaces += sent.spaces[:-1] + [True]
            tags += sent.tags
            pos += sent.pos
            morphs += sent.morphs
            lemmas += sent.lemmas
            heads += [h + offset for h in sent.heads]
            deps += sent.deps
        docs.append(Doc(vocab, words=words, spaces=spaces, tags=tags, pos=pos, morphs=morphs,
                        lemmas=lemmas, heads=heads, deps=deps))
    return docs


@dataclass
class PreparedData:
    train_docs: int
    dev_docs: int
    train_sentences: int
    dev_sentences: int
    dropped_test_overlap: int
    dropped_old_duplicates: int
    per_source: dict


def prepare(ud_dir: Path, out_dir: Path, per_doc: int = 10, seed: int = 0, progress=None) -> PreparedData:
    """Write ``train.spacy`` and ``dev.spacy`` into ``out_dir`` from the treebanks in ``ud_dir``."""
    from spacy.tokens import DocBin

    test_path = ud_dir / TEST_FILE
    if not test_path.exists():
        raise FileNotFoundError(f"{test_path} is missing: it is needed to keep the test sentences out of training")
    test_keys = {s.key for s in load_sentences(test_path)}
    seen_current: set[str] = set()
    train: list[Sentence] = []
    dev: list[Sentence] = []
    dropped_test = dropped_old = 0
    per_source = {}
    lexicon = ConventionLexicon()  # current files come first in SOURCES, so it is complete before old ones
    for source in SOURCES:
        path = ud_dir / source.filename
        if not path.exists():
            raise FileNotFoundError(f"{path} is missing (expected UD Dutch treebank)")
        sentences = load_sentences(path, source.old_conventions, source.xpos_missing, lexicon)
        kept = []
        for sent in sentences:
            if sent.key in test_keys:
                dropped_test += 1
            elif source.old_conventions and sent.key in seen_current:
                dropped_old += 1
            else:
                kept.append(sent)
                seen_current.add(sent.key)
        n_dev = round(len(kept) * source.dev_share)
        source_dev, source_train = kept[len(kept) - n_dev:], kept[:len(kept) - n_dev]
        dev += source_dev
        for _ in range(source.weight):
            train += source_train
        per_source[source.filename] = {"read": len(sentences), "train": len(source_train), "dev": len(source_dev)}
        if progress:
            progress(source.filename, per_source[source.filename])
    # Shuffle groups of sentences (not single sentences) so documents stay coherent.
    groups = [train[i:i + per_doc] for i in range(0, len(train), per_doc)]
    random.Random(seed).shuffle(groups)
    nlp = blank_dutch()
    out_dir.mkdir(parents=True, exist_ok=True)
    train_docs = [doc for group in groups for doc in to_docs(nlp.vocab, group, per_doc)]
    dev_docs = to_docs(nlp.vocab, dev, per_doc)
    DocBin(docs=train_docs, store_user_data=False).to_disk(out_dir / "train.spacy")
    DocBin(docs=dev_docs, store_user_data=False).to_disk(out_dir / "dev.spacy")
    return PreparedData(len(train_docs), len(dev_docs), len(train), len(dev), dropped_test, dropped_old, per_source)


def conllu_to_docbin(path: Path, out_path: Path, per_doc: int = 10) -> int:
    """Convert an evaluation CoNLL-U file with the same lemma and label handling as training."""
    from spacy.tokens import DocBin
    docs = to_docs(blank_dutch().vocab, load_sentences(path), per_doc)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    DocBin(docs=docs).to_disk(out_path)
    return len(docs)
