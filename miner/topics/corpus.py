"""The corpus the topic model sees: content words per document, long documents in chunks.

Unit decisions (documented in the README):
- A document is modelled as one unit unless it is long: more than 1.5 x ``chunk_tokens``
  content words.  Then it is cut into consecutive chunks of about ``chunk_tokens`` words
  (roughly two or three report pages), so one 200-page report does not drown a hundred
  Kamervragen and its chapters can carry different topics.  Document types in
  ``unsplit_doc_types`` (Kamervragen and answers) are always one unit.
- A document's topic weights are the length-weighted mean of its chunks' weights.
- Boilerplate: lines that recur in many documents (letterheads, "Tweede Kamer der
  Staten-Generaal", cookie text) or three or more times within one document (running
  headers and footers) are dropped before tokenising.
- Streaming: documents come from the store a few at a time (``miner.store.topics.texts``);
  each is tokenised once and its units go to a spill folder on disk (``units.UnitSpill``),
  so reading 100,000 documents holds one document, the term counts and a few integers
  per unit in memory.  Boilerplate lines are found on an evenly spaced sample of at most
  ``boilerplate_sample_documents`` documents (all of them in a smaller corpus).
- Names: Kamerleden and other actors from the ``kamervraag_actors`` table and document
  authors are removed, and so are capitalised mid-sentence words the Dutch tables
  do not know (see ``lemmas.ContentWords.is_name``).
"""
from __future__ import annotations

import hashlib
import json
from array import array
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
import re

import numpy as np

from miner.store import topics as store
from miner.topics import lemmas
from miner.topics.units import TermCounter, UnitSpill

_DIGITS = re.compile(r"\d+")
_MIN_BOILERPLATE_LINE = 8


@dataclass
class Unit:
    document_id: int
    chunk: int
    tokens: list[str]


@dataclass
class Corpus:
    """The modelled units, on disk; close() (or ``with``) removes the spill folder."""
    document_ids: list[int]                      # documents with at least one unit, in doc_key order
    spill: UnitSpill
    unit_document: np.ndarray                    # per unit: index into document_ids
    unit_length: np.ndarray                      # per unit: content words
    vocabulary: list[str] = field(default_factory=list)
    df: np.ndarray | None = None                 # per vocabulary term: units it occurs in
    signature: str = ""
    terms_pruned: int = 0

    @property
    def n_units(self) -> int:
        return len(self.unit_length)

    def chunks(self, size: int):
        return self.spill.chunks(size)

    def select(self, indices: np.ndarray):
        return self.spill.select(indices)

    def close(self) -> None:
        self.spill.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _fit_settings(tcfg: dict) -> dict:
    """The settings a fit depends on (part of the corpus signature)."""
    keys = ("method", "n_topics", "n_topics_min", "n_topics_max", "n_topics_step", "k_search_units", "selection", "coherence_top_n",
            "min_topic_weight", "chunk_tokens", "unsplit_doc_types", "min_df", "max_df", "max_features",
            "min_token_length", "extra_stop_words", "keep_words", "boilerplate_min_share", "random_state", "max_iter", "warm_start", "keep_k_below_change",
            "dutch_only", "boilerplate_sample_documents", "batch_units", "stream_passes", "count_terms_max")
    return {k: tcfg[k] for k in keys}


def known_names(conn) -> set[str]:
    """Name parts of people and organisations the store knows about."""
    names: set[str] = set()
    for name in store.person_names(conn):
        for part in lemmas.WORD.findall(name):
            if part[:1].isupper() and len(part) > 2:
                names.add(part.lower())
    return names


def signature(conn, tcfg: dict) -> str:
    """A hash of what a fit depends on: the documents (key + text version + type), the names,
    the settings and the token rules.  Unchanged signature -> the existing model stands."""
    h = hashlib.sha256()
    h.update(lemmas.VERSION.encode())
    h.update(json.dumps(_fit_settings(tcfg), sort_keys=True).encode())
    for key, version, doc_type in store.document_versions(conn, tcfg["dutch_only"]):
        h.update(f"{key}\x1f{version}\x1f{doc_type}\x1e".encode())
    h.update("\x1d".join(sorted(known_names(conn))).encode())
    return h.hexdigest()


def _line_key(line: str) -> str | None:
    line = line.strip()
    if len(line) < _MIN_BOILERPLATE_LINE:
        return None
    return _DIGITS.sub("#", line.lower())


def _hash(key: str) -> int:
    return int.from_bytes(hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest(), "little")


def boilerplate_lines(texts, min_share: float, n_texts: int | None = None) -> frozenset[int]:
    """Hashes of the normalised lines that recur in at least ``min_share`` of the texts (and in 3
    or more).  ``texts`` may be any iterable (streamed): per text only its distinct line hashes
    are kept, as 8-byte integers."""
    parts, n = [], 0
    for text in texts:
        n += 1
        keys = {_hash(k) for k in map(_line_key, text.splitlines()) if k}
        if keys:
            parts.append(np.fromiter(keys, dtype=np.uint64, count=len(keys)))
    if not parts:
        return frozenset()
    values, counts = np.unique(np.concatenate(parts), return_counts=True)
    threshold = max(3, min_share * (n_texts or n))
    return frozenset(int(v) for v in values[counts >= threshold])


def strip_boilerplate(text: str, shared: frozenset[int] | set[int]) -> str:
    lines = text.splitlines()
    keys = [_line_key(line) for line in lines]
    within = Counter(k for k in keys if k)
    kept = [line for line, k in zip(lines, keys)
            if not k or (within[k] < 3 and not (shared and _hash(k) in shared))]
    return "\n".join(kept)


def chunk(tokens: list[str], chunk_tokens: int) -> list[list[str]]:
    """Consecutive, nearly equal chunks of about ``chunk_tokens`` words; short lists stay whole."""
    if len(tokens) <= 1.5 * chunk_tokens:
        return [tokens]
    n = round(len(tokens) / chunk_tokens)
    size, extra = divmod(len(tokens), n)
    out, start = [], 0
    for i in range(n):
        end = start + size + (1 if i < extra else 0)
        out.append(tokens[start:end])
        start = end
    return out


def content_words(tcfg: dict, names: set[str]) -> lemmas.ContentWords:
    return lemmas.ContentWords(lemmas.dutch_stop_words(tcfg["extra_stop_words"]), min_length=tcfg["min_token_length"],
                               names=names, keep=set(tcfg["keep_words"]))


def iter_units(docs, tcfg: dict, names: set[str], shared: frozenset[int] | set[int]):
    """docs: (document_id, doc_type, text) in a fixed order -> modelling units, one document at a time."""
    words = content_words(tcfg, names)
    unsplit = set(tcfg["unsplit_doc_types"])
    for doc_id, doc_type, text in docs:
        tokens = words(strip_boilerplate(text or "", shared))
        if not tokens:
            continue
        parts = [tokens] if doc_type in unsplit else chunk(tokens, tcfg["chunk_tokens"])
        yield from (Unit(doc_id, i, part) for i, part in enumerate(parts))


def build_units(docs: list[tuple[int, str | None, str]], tcfg: dict, names: set[str]) -> list[Unit]:
    """All units of a small list of documents (boilerplate found among them)."""
    shared = boilerplate_lines((t or "" for _, _, t in docs), tcfg["boilerplate_min_share"])
    return list(iter_units(docs, tcfg, names, shared))


def _sample(n: int, limit: int) -> np.ndarray:
    """At most ``limit`` indices of 0..n-1, evenly spaced (deterministic)."""
    if n <= limit:
        return np.arange(n)
    return np.unique(np.linspace(0, n - 1, limit).round().astype(int))


def load(conn, tcfg: dict, spill_dir: Path | None = None, ids: list[int] | None = None,
         progress: bool = False) -> Corpus:
    """Read the modelled documents (or only ``ids``) once, streaming: boilerplate on a sample,
    then every document tokenised into units that go to disk while the terms are counted; then
    the vocabulary.  The caller closes the returned corpus."""
    from tqdm import tqdm

    dutch_only = tcfg["dutch_only"]
    all_ids = store.document_ids(conn, dutch_only, among=ids)
    sample = [all_ids[i] for i in _sample(len(all_ids), tcfg["boilerplate_sample_documents"])]
    shared = boilerplate_lines((t for _, _, t in store.texts(conn, sample)), tcfg["boilerplate_min_share"],
                               n_texts=len(sample))
    names = known_names(conn)
    counter = TermCounter(tcfg["count_terms_max"])
    spill = UnitSpill(spill_dir)
    try:
        doc_index: dict[int, int] = {}
        unit_doc, unit_len = array("i"), array("i")
        docs = store.texts(conn, all_ids)
        bar = tqdm(docs, total=len(all_ids), desc="topics: reading", unit="doc", disable=not progress, leave=False)
        for unit in iter_units(bar, tcfg, names, shared):
            d = doc_index.setdefault(unit.document_id, len(doc_index))
            pids, counts = counter.unit(unit.tokens)
            spill.add(pids, counts)
            unit_doc.append(d)
            unit_len.append(len(unit.tokens))
        n = len(unit_len)
        min_df = min(tcfg["min_df"], max(1, n // 10))      # tiny corpora: keep some vocabulary
        vocabulary, df, lookup = counter.vocabulary(n, min_df, tcfg["max_df"] if n >= 10 else 1.0,
                                                    tcfg["max_features"])
        spill.finish(lookup, len(vocabulary))
        corpus = Corpus(document_ids=list(doc_index), spill=spill,
                        unit_document=np.frombuffer(unit_doc, dtype=np.int32).copy(),
                        unit_length=np.frombuffer(unit_len, dtype=np.int32).copy(),
                        vocabulary=vocabulary, df=df, terms_pruned=counter.pruned)
        del counter
        corpus.signature = signature(conn, tcfg) if ids is None else ""
        return corpus
    except BaseException:
        spill.close()
        raise
