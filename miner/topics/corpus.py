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
- Names: Kamerleden and other actors from the ``kamervraag_actors`` table and document
  authors are removed, and so are capitalised mid-sentence words the Dutch tables
  do not know (see ``lemmas.ContentWords.is_name``).
"""
from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from dataclasses import dataclass, field

from miner.topics import lemmas

_DIGITS = re.compile(r"\d+")
_MIN_BOILERPLATE_LINE = 8


@dataclass
class Unit:
    document_id: int
    chunk: int
    tokens: list[str]


@dataclass
class Corpus:
    document_ids: list[int]                      # in doc_key order
    units: list[Unit] = field(default_factory=list)
    signature: str = ""

    @property
    def texts(self) -> list[list[str]]:
        return [u.tokens for u in self.units]


def _fit_settings(tcfg: dict) -> dict:
    """The settings a fit depends on (part of the corpus signature)."""
    keys = ("method", "n_topics", "n_topics_min", "n_topics_max", "n_topics_step", "k_search_units", "selection", "coherence_top_n",
            "min_topic_weight", "chunk_tokens", "unsplit_doc_types", "min_df", "max_df", "max_features",
            "min_token_length", "extra_stop_words", "keep_words", "boilerplate_min_share", "random_state", "max_iter", "warm_start", "keep_k_below_change",
            "dutch_only")
    return {k: tcfg[k] for k in keys}


def _document_rows_sql(tcfg: dict, with_text: bool) -> str:
    where = "status = 'extracted' AND text IS NOT NULL AND length(text) > 0"
    if tcfg["dutch_only"]:
        where += " AND (is_dutch = 1 OR language = 'nl')"
    cols = "id, doc_key, doc_type, COALESCE(extracted_sha256, '') AS text_version, authors"
    if with_text:
        cols += ", text"
    return f"SELECT {cols} FROM documents WHERE {where} ORDER BY doc_key"


def known_names(conn) -> set[str]:
    """Name parts of people and organisations the store knows about."""
    names: set[str] = set()
    has_actors = conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'kamervraag_actors'").fetchone()
    raw = [r[0] for r in conn.execute("SELECT name FROM kamervraag_actors")] if has_actors else []
    for (authors,) in conn.execute("SELECT authors FROM documents WHERE authors != '[]'"):
        try:
            raw.extend(a for a in json.loads(authors) if isinstance(a, str))
        except ValueError:
            continue
    for name in raw:
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
    for row in conn.execute(_document_rows_sql(tcfg, with_text=False)):
        h.update(f"{row['doc_key']}\x1f{row['text_version']}\x1f{row['doc_type'] or ''}\x1e".encode())
    h.update("\x1d".join(sorted(known_names(conn))).encode())
    return h.hexdigest()


def _line_key(line: str) -> str | None:
    line = line.strip()
    if len(line) < _MIN_BOILERPLATE_LINE:
        return None
    return _DIGITS.sub("#", line.lower())


def boilerplate_lines(texts: list[str], min_share: float) -> set[str]:
    """Normalised lines that recur in at least ``min_share`` of the documents (and in 3 or more)."""
    df: Counter[str] = Counter()
    for text in texts:
        df.update({k for k in map(_line_key, text.splitlines()) if k})
    threshold = max(3, min_share * len(texts))
    return {line for line, n in df.items() if n >= threshold}


def strip_boilerplate(text: str, shared: set[str]) -> str:
    keys = [_line_key(line) for line in text.splitlines()]
    within = Counter(k for k in keys if k)
    kept = [line for line, k in zip(text.splitlines(), keys)
            if not k or (k not in shared and within[k] < 3)]
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


def build_units(docs: list[tuple[int, str | None, str]], tcfg: dict, names: set[str],
                progress: bool = False) -> list[Unit]:
    """docs: (document_id, doc_type, text) in a fixed order -> modelling units."""
    from tqdm import tqdm

    shared = boilerplate_lines([t for _, _, t in docs], tcfg["boilerplate_min_share"])
    words = lemmas.ContentWords(lemmas.dutch_stop_words(tcfg["extra_stop_words"]),
                                min_length=tcfg["min_token_length"], names=names, keep=set(tcfg["keep_words"]))
    unsplit = set(tcfg["unsplit_doc_types"])
    units = []
    for doc_id, doc_type, text in tqdm(docs, desc="topics: reading", unit="doc", disable=not progress,
                                       leave=False):
        tokens = words(strip_boilerplate(text, shared))
        if not tokens:
            continue
        parts = [tokens] if doc_type in unsplit else chunk(tokens, tcfg["chunk_tokens"])
        units.extend(Unit(doc_id, i, part) for i, part in enumerate(parts))
    return units


def load(conn, tcfg: dict, progress: bool = False) -> Corpus:
    rows = conn.execute(_document_rows_sql(tcfg, with_text=True)).fetchall()
    docs = [(r["id"], r["doc_type"], r["text"]) for r in rows]
    units = build_units(docs, tcfg, known_names(conn), progress=progress)
    return Corpus(document_ids=[r["id"] for r in rows], units=units, signature=signature(conn, tcfg))
