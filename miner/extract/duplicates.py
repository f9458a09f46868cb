"""Near-duplicate detection: the same text in different formats or from different sources.

Each extracted text becomes a set of 5-word shingles (lowercased words, so layout,
hyphenation and markup differences between an HTML page and its PDF hardly matter),
summarised as a MinHash signature of 128 values; locality-sensitive hashing (32 bands of
4 rows) proposes candidate pairs, whose similarity is estimated from the signatures.
Pairs at or above the threshold are one work; the work is represented by the richest
manifestation (a PDF before HTML before plain text, then the longest text, then the oldest).
"""
from __future__ import annotations

import re
import zlib
from collections import defaultdict

import numpy as np

SHINGLE = 5
PERMUTATIONS = 128
BANDS = 32
METHOD = f"minhash-{SHINGLE}shingle"
MIN_SHINGLES = 20          # shorter texts are never merged: too little to tell
_PRIME = np.uint64((1 << 31) - 1)
_rng = np.random.RandomState(20260)
_A = _rng.randint(1, (1 << 31) - 1, size=PERMUTATIONS).astype(np.uint64)
_B = _rng.randint(0, (1 << 31) - 1, size=PERMUTATIONS).astype(np.uint64)
_WORD = re.compile(r"\w+", re.UNICODE)
_MIME_RANK = {"application/pdf": 0, "text/html": 1, "application/xhtml+xml": 1, "text/plain": 2}


MAX_WORDS = 50_000         # longer texts are compared on their first 50,000 words


def shingles(text: str) -> set[int]:
    words = _WORD.findall(text.lower())[:MAX_WORDS]
    return {zlib.crc32(" ".join(words[i:i + SHINGLE]).encode("utf-8")) & 0x7FFFFFFF
            for i in range(max(0, len(words) - SHINGLE + 1))}


def signature(sh: set[int]) -> np.ndarray:
    x = np.fromiter(sh, dtype=np.uint64, count=len(sh))
    return ((np.outer(_A, x) + _B[:, None]) % _PRIME).min(axis=1)


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.mean(a == b))


def text_signature(text: str) -> np.ndarray | None:
    sh = shingles(text or "")
    return signature(sh) if len(sh) >= MIN_SHINGLES else None


def find(texts, threshold: float, splits: set[frozenset] = frozenset()) -> list[tuple[int, int, float]]:
    """texts: iterable of (doc_id, rank_key, text or signature). Returns merges (document, work, similarity)."""
    sigs, keys = {}, {}
    for doc_id, key, value in texts:
        sig = value if isinstance(value, np.ndarray) or value is None else text_signature(value)
        if sig is not None:
            sigs[doc_id] = sig
            keys[doc_id] = key
    rows = PERMUTATIONS // BANDS
    buckets: dict[tuple, list[int]] = defaultdict(list)
    for doc_id, sig in sigs.items():
        for b in range(BANDS):
            buckets[(b, sig[b * rows:(b + 1) * rows].tobytes())].append(doc_id)
    parent = {d: d for d in sigs}

    def root(d):
        while parent[d] != d:
            parent[d] = parent[parent[d]]
            d = parent[d]
        return d

    best: dict[frozenset, float] = {}
    for members in buckets.values():
        for i, a in enumerate(members):
            for b in members[i + 1:]:
                pair = frozenset((a, b))
                if pair in best or pair in splits:
                    continue
                best[pair] = similarity(sigs[a], sigs[b])
    for pair, sim in best.items():
        if sim >= threshold:
            a, b = tuple(pair)
            parent[root(a)] = root(b)
    groups: dict[int, list[int]] = defaultdict(list)
    for d in sigs:
        groups[root(d)].append(d)
    out = []
    for members in groups.values():
        if len(members) < 2:
            continue
        work = min(members, key=lambda d: keys[d])
        for d in members:
            if d != work:
                sim = best.get(frozenset((d, work)))
                if sim is None:
                    sim = similarity(sigs[d], sigs[work])
                out.append((d, work, sim))
    return sorted(out)


def rank_key(doc_id: int, mime: str | None, text_length: int) -> tuple:
    return (_MIME_RANK.get((mime or "").split(";")[0].strip(), 3), -text_length, doc_id)


def run(cfg, conn, progress: bool = True) -> dict:
    """The duplicates step of `miner refresh` / `miner add`: recompute the automatic merges."""
    from miner.store import works
    threshold = cfg["export"]["duplicate_similarity"]
    decided = works.decisions(conn)
    splits = {frozenset((d, w)) for d, (w, decision) in decided.items() if decision == "split"}
    rows = works.extracted(conn)
    cached = works.signatures(conn)
    fresh = []
    for r in rows:     # a signature is computed once per text version
        if r["id"] not in cached or cached[r["id"]][0] != r["extracted_sha256"]:
            sig = text_signature(works.text(conn, r["id"]))
            fresh.append((r["id"], r["extracted_sha256"], 0 if sig is None else PERMUTATIONS,
                          None if sig is None else sig.astype("<u8").tobytes()))
    if fresh:
        works.save_signatures(conn, fresh)
        cached = works.signatures(conn)
    sigs = {d: (np.frombuffer(blob, dtype="<u8").astype(np.uint64) if blob else None)
            for d, (_, _, blob) in cached.items()}
    merges = find(((r["id"], rank_key(r["id"], r["mime"], r["n_chars"]), sigs.get(r["id"])) for r in rows),
                  threshold, splits)
    works.replace_merges(conn, merges, METHOD)
    return {"merged": len(merges), "works_with_duplicates": len({w for _, w, _ in merges}),
            "signatures_computed": len(fresh)}
