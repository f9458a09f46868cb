"""Topic quality measures, all computed on the corpus the model was fitted on.

- NPMI coherence: for each topic, the mean normalised pointwise mutual information of
  all pairs among its top-n terms, with probabilities from document (unit) co-occurrence:
  NPMI(a, b) = log(P(a,b) / (P(a) P(b))) / -log P(a,b); pairs that never co-occur score -1.
  The model's NPMI is the mean over topics (range -1..1, higher = more coherent).
- Diversity: the share of unique terms among all topics' top-n terms (1 = no overlap).
- Unassigned share: documents whose strongest topic has less than the threshold share.
"""
from __future__ import annotations

import math

import numpy as np
from scipy import sparse


def top_term_indices(components: np.ndarray, n: int) -> list[list[int]]:
    """Indices of the n heaviest terms of each topic, best first (ties by index, deterministic)."""
    out = []
    for row in components:
        order = np.lexsort((np.arange(row.size), -row))
        out.append([int(i) for i in order[:n] if row[i] > 0])
    return out


def npmi_per_topic(binary: sparse.spmatrix, topics: list[list[int]]) -> list[float]:
    """binary: units x terms occurrence matrix (0/1); topics: term indices per topic."""
    binary = sparse.csc_matrix(binary, dtype=np.float64)
    terms = sorted({i for t in topics for i in t})
    pos = {t: j for j, t in enumerate(terms)}
    sub = binary[:, terms]
    co = (sub.T @ sub).toarray() if terms else np.zeros((0, 0))
    return npmi_from_cooccurrence(co, binary.shape[0], [[pos[i] for i in t] for t in topics])


def npmi_from_cooccurrence(co: np.ndarray, n_docs: int, topics: list[list[int]]) -> list[float]:
    """The same from counts gathered elsewhere (e.g. chunk by chunk): co[i, j] = units with
    terms i and j, co[i, i] = units with term i; topics index into co."""
    scores = []
    for terms in topics:
        if len(terms) < 2 or n_docs == 0:
            scores.append(0.0)
            continue
        values = []
        for a in range(len(terms)):
            for b in range(a + 1, len(terms)):
                i, j = terms[a], terms[b]
                values.append(_npmi(co[i, j], co[i, i], co[j, j], n_docs))
        scores.append(float(np.mean(values)))
    return scores


def _npmi(co: float, df_a: float, df_b: float, n: int) -> float:
    if co == 0:
        return -1.0
    p_ab = co / n
    if p_ab >= 1.0:
        return 1.0
    pmi = math.log(p_ab / ((df_a / n) * (df_b / n)))
    return pmi / -math.log(p_ab)


def diversity(topics: list[list[int]]) -> float:
    total = sum(len(t) for t in topics)
    return len({i for t in topics for i in t}) / total if total else 0.0


def unassigned_share(doc_weights: np.ndarray, min_weight: float) -> float:
    """doc_weights: documents x topics, rows summing to 1 (or all zero)."""
    if doc_weights.shape[0] == 0:
        return 0.0
    return float(np.mean(doc_weights.max(axis=1) < min_weight))


def term_coverage(term_mass: np.ndarray, topics: list[list[int]]) -> float:
    """Share of all word occurrences (term_mass: count per term) on some topic's top terms."""
    total = float(term_mass.sum())
    covered = {i for t in topics for i in t}
    return float(term_mass[list(covered)].sum()) / total if total and covered else 0.0
