"""Keeping topic ids stable across refits.

New topics are matched one-to-one to the previous model's topics by the Hungarian
algorithm on the cosine similarity of their term-weight vectors (over the union of
both vocabularies).  A pair at or above the threshold keeps the old id; every other new
topic gets a fresh id (never reused: ids of retired topics stay retired).
"""
from __future__ import annotations

import math

import numpy as np
from scipy.optimize import linear_sum_assignment


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    dot = sum(w * b[t] for t, w in a.items() if t in b)
    na = math.sqrt(sum(w * w for w in a.values()))
    nb = math.sqrt(sum(w * w for w in b.values()))
    return dot / (na * nb) if na and nb else 0.0


def align(old: dict[int, dict[str, float]], new: list[dict[str, float]], threshold: float,
          next_id: int) -> tuple[list[int], list[float | None]]:
    """Ids for the new topics (in their order) and the similarity each matched at (None = new id)."""
    ids: list[int | None] = [None] * len(new)
    sims: list[float | None] = [None] * len(new)
    old_ids = sorted(old)
    if old_ids and new:
        sim = np.array([[cosine(n, old[o]) for o in old_ids] for n in new])
        rows, cols = linear_sum_assignment(-sim)
        for r, c in zip(rows, cols):
            if sim[r, c] >= threshold:
                ids[r], sims[r] = old_ids[c], float(sim[r, c])
    for i in range(len(new)):
        if ids[i] is None:
            ids[i] = next_id
            next_id += 1
    return ids, sims
