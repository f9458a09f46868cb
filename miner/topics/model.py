"""Fitting the topic model: vocabulary, NMF or LDA, the number of topics by coherence.

Deterministic by construction: units come in doc_key order, the vocabulary is sorted,
NMF starts from NNDSVD (no randomness) and LDA from a fixed ``random_state``.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

from miner.topics import quality


class TopicError(Exception):
    """A problem a person can act on (too few documents, empty vocabulary ...)."""


def _identity(tokens):
    return tokens


@dataclass
class Fit:
    method: str
    n_topics: int
    vocabulary: list[str]
    components: np.ndarray            # topics x terms, rows sum to 1
    unit_weights: np.ndarray          # units x topics, rows sum to 1 (or 0 when a unit has no known term)
    npmi: float
    npmi_per_topic: list[float]
    diversity: float
    estimator: object = None
    candidates: list[dict] = field(default_factory=list)   # k tried -> npmi, diversity

    def top_terms(self, n: int) -> list[list[str]]:
        return [[self.vocabulary[i] for i in idx] for idx in quality.top_term_indices(self.components, n)]


def vectorise(texts: list[list[str]], tcfg: dict):
    """Count matrix (units x terms) and the sorted vocabulary."""
    from sklearn.feature_extraction.text import CountVectorizer

    n = len(texts)
    min_df = min(tcfg["min_df"], max(1, n // 10))   # tiny corpora: keep some vocabulary
    vec = CountVectorizer(analyzer=_identity, min_df=min_df, max_df=tcfg["max_df"] if n >= 10 else 1.0,
                          max_features=tcfg["max_features"])
    try:
        counts = vec.fit_transform(texts)
    except ValueError:
        raise TopicError("no usable vocabulary: the documents have too few shared content words "
                         "(check topics.min_df / topics.max_df)") from None
    return sparse.csr_matrix(counts, dtype=np.float64), list(vec.get_feature_names_out())


def _normalise_rows(m: np.ndarray) -> np.ndarray:
    sums = m.sum(axis=1, keepdims=True)
    return np.divide(m, sums, out=np.zeros_like(m), where=sums > 0)


@dataclass
class Start:
    """A previous model to continue from (warm start): its vocabulary and topic-term weights."""
    vocabulary: list[str]
    components: np.ndarray


def _warm_init(x, vocabulary: list[str], start: Start, k: int, tcfg: dict):
    """Initial W, H for NMF from the previous topics mapped onto the new vocabulary."""
    from sklearn.decomposition import non_negative_factorization
    pos = {t: i for i, t in enumerate(start.vocabulary)}
    h0 = np.full((k, len(vocabulary)), 1e-6)
    for j, term in enumerate(vocabulary):
        i = pos.get(term)
        if i is not None:
            h0[:, j] = np.maximum(start.components[:, i], 1e-6)
    w0, _, _ = non_negative_factorization(x, H=h0, n_components=k, update_H=False, init="custom",
                                          max_iter=tcfg["max_iter"])
    return np.maximum(w0, 1e-9), h0


def fit_one(counts, vocabulary: list[str], k: int, method: str, tcfg: dict, binary=None,
            start: Start | None = None) -> Fit:
    if method == "nmf":
        import warnings
        from sklearn.decomposition import NMF
        from sklearn.exceptions import ConvergenceWarning
        from sklearn.feature_extraction.text import TfidfTransformer
        x = TfidfTransformer(sublinear_tf=True).fit_transform(counts)
        warm = start is not None and start.components.shape[0] == k
        est = NMF(n_components=k, init="custom" if warm else "nndsvd", random_state=tcfg["random_state"],
                  max_iter=tcfg["max_iter"], tol=1e-3)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)   # the iteration cap is a setting, not an error
            if warm:
                w0, h0 = _warm_init(x, vocabulary, start, k, tcfg)
                w = est.fit_transform(x, W=w0, H=h0)
            else:
                w = est.fit_transform(x)
    elif method == "lda":
        from sklearn.decomposition import LatentDirichletAllocation
        est = LatentDirichletAllocation(n_components=k, learning_method="batch", random_state=tcfg["random_state"],
                                        max_iter=min(tcfg["max_iter"], 50))
        w = est.fit_transform(counts)
    else:
        raise TopicError(f"unknown topic method {method!r}")
    return _make_fit(method, k, vocabulary, est.components_, w, counts, tcfg, est, binary)


def _make_fit(method, k, vocabulary, components, unit_weights, counts, tcfg, est=None, binary=None) -> Fit:
    components = _normalise_rows(np.asarray(components, dtype=np.float64))
    if binary is None:
        binary = (counts > 0).astype(np.float64)
    idx = quality.top_term_indices(components, tcfg["coherence_top_n"])
    per_topic = quality.npmi_per_topic(binary, idx)
    div = quality.diversity(quality.top_term_indices(components, tcfg["diversity_top_n"]))
    return Fit(method=method, n_topics=k, vocabulary=vocabulary, components=components,
               unit_weights=_normalise_rows(np.asarray(unit_weights, dtype=np.float64)),
               npmi=float(np.mean(per_topic)) if per_topic else 0.0, npmi_per_topic=per_topic,
               diversity=div, estimator=est)


def candidate_ks(tcfg: dict, n_units: int) -> list[int]:
    if tcfg["n_topics"]:
        ks = [tcfg["n_topics"]]
    else:
        lo, hi = tcfg["n_topics_min"], max(tcfg["n_topics_min"], tcfg["n_topics_max"])
        ks = list(range(lo, hi + 1, tcfg["n_topics_step"]))
    usable = [k for k in ks if k < n_units]
    if not usable:
        raise TopicError(f"{n_units} text unit(s) are too few for {ks[0]} or more topics "
                         "(lower topics.n_topics_min or add documents)")
    return usable


def fit(texts: list[list[str]], tcfg: dict, progress: bool = False, start: Start | None = None,
        keep_k: int | None = None) -> Fit:
    """Fit the configured method; when n_topics = 0 try each k and keep the best NPMI
    (ties, to 4 decimals, go to the smaller k).  ``keep_k`` skips the search (a small
    corpus change keeps the number of topics); ``start`` warm-starts NMF from a previous model."""
    from tqdm import tqdm

    counts, vocabulary = vectorise(texts, tcfg)
    binary = (counts > 0).astype(np.float64)
    ks = candidate_ks(dict(tcfg, n_topics=keep_k) if keep_k else tcfg, counts.shape[0])
    if len(vocabulary) < max(ks):
        raise TopicError(f"vocabulary of {len(vocabulary)} terms is too small for {max(ks)} topics")
    tried = []
    if len(ks) > 1:
        # Choosing k on an evenly spaced sample of units keeps a 10,000-document corpus fast;
        # the chosen k is then fitted on everything.
        rows = search_sample(counts.shape[0], tcfg["k_search_units"])
        s_counts, s_binary = counts[rows], binary[rows]
        s_mass = np.asarray(s_counts.sum(axis=0)).ravel()
        best_k, best_score, best_fit = None, None, None
        for k in tqdm(ks, desc="topics: choosing k", unit="k", disable=not progress, leave=False):
            f = fit_one(s_counts, vocabulary, k, tcfg["method"], tcfg, s_binary, start)
            covered = quality.term_coverage(s_mass, quality.top_term_indices(f.components, tcfg["coherence_top_n"]))
            score = round(selection_score(f.npmi, covered, tcfg["selection"]), 4)
            tried.append({"k": k, "npmi": round(f.npmi, 4), "diversity": round(f.diversity, 4),
                          "covered": round(covered, 4), "score": score, "units": len(rows)})
            if best_score is None or score > best_score:
                best_k, best_score, best_fit = k, score, f
        if len(rows) == counts.shape[0]:      # the sample was the whole corpus: no second fit
            best_fit.candidates = tried
            return best_fit
        ks = [best_k]
    best = fit_one(counts, vocabulary, ks[0], tcfg["method"], tcfg, binary, start)
    best.candidates = tried
    return best


def search_sample(n: int, limit: int) -> np.ndarray:
    """At most ``limit`` unit indices, evenly spaced (deterministic)."""
    if n <= limit:
        return np.arange(n)
    return np.unique(np.linspace(0, n - 1, limit).round().astype(int))


def selection_score(npmi: float, covered: float, selection: str) -> float:
    """How k is chosen.  'npmi': coherence alone, which rewards few topics (a handful of
    pure topics score well while whole themes go unmodelled).  'npmi_coverage':
    coherence times the share of all word occurrences that fall on some topic's top terms,
    so a k that leaves themes out pays for it, while extra topics that only repeat terms
    add nothing.  NPMI is shifted to 0..1 first so the product keeps its order."""
    if selection == "npmi":
        return npmi
    return (npmi + 1) / 2 * covered
