"""Text units on disk: the bounded-memory matrix behind the streaming topic fit.

Reading the corpus is the expensive part (lemmatising), so it happens once: every unit is
written to a spill folder as its sorted provisional term ids and their counts (two flat
int32 files plus an offset per unit), while ``TermCounter`` counts, per distinct term, the
units it occurs in (df) and its occurrences.  Once all units are read the vocabulary is
chosen from those counts with CountVectorizer's rules (min_df, max_df, max_features,
sorted), and every later pass (the sample for choosing k, the mini-batch passes, the final
weights) reads chunks of units back as sparse count matrices over that vocabulary.  Memory:
the term counter, one chunk, and a few integers per unit; never the corpus.

The term counter is capped (``count_terms_max`` distinct terms): when full, the rarer half is
dropped (ranked by df, then occurrences, then the term), as gensim's ``prune_at`` does.  A term
dropped this way lost its counts so far; only terms that were rare when the cap was reached
can be affected, and none is, below the cap (the demo, the tests, 50,000 synthetic documents).
"""
from __future__ import annotations

import os
import shutil
import tempfile
from array import array
from pathlib import Path

import numpy as np
from scipy import sparse

SPILL_PREFIX = "miner-topics-"


class TermCounter:
    """Term -> provisional id, with units (df) and occurrences (tf) per id; capped."""

    def __init__(self, cap: int):
        self.cap = max(1000, cap)
        self.ids: dict[str, int] = {}
        self.df = np.zeros(1024, dtype=np.int32)
        self.tf = np.zeros(1024, dtype=np.int32)
        self.next_id = 0
        self.pruned = 0

    def unit(self, tokens: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """Count one unit; returns its (sorted unique provisional ids, counts)."""
        ids, get = self.ids, self.ids.get
        pids = []
        for t in tokens:
            p = get(t)
            if p is None:
                p = ids[t] = self.next_id
                self.next_id += 1
            pids.append(p)
        if self.next_id > self.df.size:
            grow = max(self.next_id, 2 * self.df.size)
            self.df = np.concatenate([self.df, np.zeros(grow - self.df.size, dtype=np.int32)])
            self.tf = np.concatenate([self.tf, np.zeros(grow - self.tf.size, dtype=np.int32)])
        u, c = np.unique(np.asarray(pids, dtype=np.int64), return_counts=True)
        self.df[u] += 1
        self.tf[u] += c
        if len(ids) > self.cap:
            self._prune()
        return u.astype(np.int32), c.astype(np.int32)

    def _prune(self) -> None:
        ranked = sorted(self.ids.items(), key=lambda kv: (-self.df[kv[1]], -self.tf[kv[1]], kv[0]))
        for term, pid in ranked[self.cap // 2:]:
            del self.ids[term]
            self.df[pid] = self.tf[pid] = 0
        self.pruned += len(ranked) - self.cap // 2

    def vocabulary(self, n_units: int, min_df: int, max_df: float, max_features: int
                   ) -> tuple[list[str], np.ndarray, np.ndarray]:
        """CountVectorizer's choice: min_df <= df <= max_df * n_units, then the max_features
        most frequent (ties by term), sorted.  Returns (terms, df per term, lookup from
        provisional id to column or -1)."""
        max_count = max_df * n_units
        kept = [(t, p) for t, p in self.ids.items() if min_df <= self.df[p] <= max_count]
        if len(kept) > max_features:
            kept.sort(key=lambda tp: (-self.tf[tp[1]], tp[0]))
            kept = kept[:max_features]
        kept.sort()
        lookup = np.full(self.next_id, -1, dtype=np.int32)
        for col, (_, p) in enumerate(kept):
            lookup[p] = col
        return [t for t, _ in kept], np.array([self.df[p] for _, p in kept], dtype=np.float64), lookup


def clean_stale(folder: Path) -> None:
    """Remove spill folders left by topic fits that were killed (their process is gone)."""
    if not folder.is_dir():
        return
    for p in folder.glob(SPILL_PREFIX + "*"):
        try:
            pid = int(p.name[len(SPILL_PREFIX):].split("-")[0])
        except ValueError:
            continue
        if pid == os.getpid() or _alive(pid):
            continue
        shutil.rmtree(p, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class UnitSpill:
    """Append-only units on disk (provisional ids + counts), read back in chunks of units."""

    def __init__(self, folder: Path | None):
        if folder is not None:
            folder.mkdir(parents=True, exist_ok=True)
            clean_stale(folder)
        self.dir = Path(tempfile.mkdtemp(prefix=f"{SPILL_PREFIX}{os.getpid()}-", dir=folder))
        self._ids = open(self.dir / "ids.i32", "wb")
        self._counts = open(self.dir / "counts.i32", "wb")
        self.offsets = array("q", [0])     # unit i: entries offsets[i]..offsets[i+1]
        self.lookup: np.ndarray | None = None
        self.n_terms = 0

    def add(self, ids: np.ndarray, counts: np.ndarray) -> None:
        self._ids.write(ids.tobytes())
        self._counts.write(counts.tobytes())
        self.offsets.append(self.offsets[-1] + ids.size)

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def finish(self, lookup: np.ndarray, n_terms: int) -> None:
        """Reading is done: from now on units are rows over the chosen vocabulary."""
        self._ids.close()
        self._counts.close()
        self.lookup, self.n_terms = lookup, n_terms

    def _read(self, start: int, end: int) -> tuple[np.ndarray, np.ndarray]:
        a, b = self.offsets[start], self.offsets[end]
        with open(self.dir / "ids.i32", "rb") as f:
            f.seek(4 * a)
            ids = np.fromfile(f, dtype=np.int32, count=b - a)
        with open(self.dir / "counts.i32", "rb") as f:
            f.seek(4 * a)
            counts = np.fromfile(f, dtype=np.int32, count=b - a)
        return ids, counts

    def rows(self, start: int, end: int) -> sparse.csr_matrix:
        """Units start..end-1 as a count matrix over the vocabulary."""
        ids, counts = self._read(start, end)
        lengths = np.diff(np.frombuffer(self.offsets, dtype=np.int64)[start:end + 1])
        return self._matrix(ids, counts, lengths)

    def select(self, indices: np.ndarray) -> sparse.csr_matrix:
        """The units at ``indices`` (in that order), as one count matrix."""
        offsets = np.frombuffer(self.offsets, dtype=np.int64)
        parts_ids, parts_counts, lengths = [], [], []
        with open(self.dir / "ids.i32", "rb") as fi, open(self.dir / "counts.i32", "rb") as fc:
            for i in indices:
                a, b = int(offsets[i]), int(offsets[i + 1])
                fi.seek(4 * a)
                fc.seek(4 * a)
                parts_ids.append(np.fromfile(fi, dtype=np.int32, count=b - a))
                parts_counts.append(np.fromfile(fc, dtype=np.int32, count=b - a))
                lengths.append(b - a)
        if not lengths:
            return sparse.csr_matrix((0, self.n_terms))
        ids, counts = np.concatenate(parts_ids), np.concatenate(parts_counts)
        return self._matrix(ids, counts, np.asarray(lengths))

    def _matrix(self, ids: np.ndarray, counts: np.ndarray, lengths: np.ndarray) -> sparse.csr_matrix:
        rows = np.repeat(np.arange(lengths.size), lengths)
        cols = self.lookup[ids]
        keep = cols >= 0
        return sparse.csr_matrix((counts[keep].astype(np.float64), (rows[keep], cols[keep])),
                                 shape=(lengths.size, self.n_terms))

    def chunks(self, size: int):
        """(first unit, count matrix) for consecutive chunks of ``size`` units."""
        for start in range(0, len(self), size):
            end = min(len(self), start + size)
            yield start, self.rows(start, end)

    def close(self) -> None:
        for f in (self._ids, self._counts):
            if not f.closed:
                f.close()
        shutil.rmtree(self.dir, ignore_errors=True)
