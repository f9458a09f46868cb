"""Fitting the topic model out of core: k on a sample, then mini-batches over all units.

1. **k on a sample.**  An evenly spaced sample of at most ``k_search_units`` units is read
   back from disk (``corpus.Corpus``) and each candidate k is fitted on it with the batch
   method (NMF from NNDSVD, or the previous topics; LDA seeded); the k with the best NPMI on
   the sample wins.  The candidates run side by side on the machine's cores (threads: the
   NMF solver releases the GIL).  When the sample is the whole corpus that fit is the model.
2. **All units, streamed.**  Otherwise the winner's topics start scikit-learn's
   ``MiniBatchNMF`` (``partial_fit`` on chunks of ``batch_units`` units; its forgetting
   spread over one pass, so the last chunks do not outweigh the first), or online LDA
   continues the sample's LDA, for at most ``stream_passes`` passes over the units (fewer
   when the topics stop changing).
3. **Weights and quality, streamed.**  A last pass gives every unit its topic weights (NMF:
   non-negative least squares against the fixed topics; LDA: its document-topic
   distribution), sums them per document (weighted by unit length) and counts the
   co-occurrence of the topics' top terms for the NPMI over all units.

Memory: one chunk, the sample, the topic-term matrix and a weight row per document.
Deterministic: units come in doc_key order, the vocabulary is sorted, NNDSVD has no
randomness and the rest is seeded; chunks are processed in order.
"""
from __future__ import annotations

import os
import time
import warnings
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

from miner.topics import quality


class TopicError(Exception):
    """A problem a person can act on (too few documents, empty vocabulary ...)."""


@dataclass
class Fit:
    method: str
    n_topics: int
    vocabulary: list[str]
    components: np.ndarray            # topics x terms, rows sum to 1
    document_ids: list[int]
    document_weights: np.ndarray      # documents x topics, rows sum to 1 (or 0 when no known term)
    npmi: float
    npmi_per_topic: list[float]
    diversity: float
    candidates: list[dict] = field(default_factory=list)   # k tried -> npmi, diversity
    passes: int = 0                   # streaming passes over all units (0: the sample was the corpus)
    cpu_seconds: dict = field(default_factory=dict)        # per phase: choose_k, stream, weights

    def top_terms(self, n: int) -> list[list[str]]:
        return [[self.vocabulary[i] for i in idx] for idx in quality.top_term_indices(self.components, n)]


@dataclass
class Start:
    """A previous model to continue from (warm start): its vocabulary and topic-term weights."""
    vocabulary: list[str]
    components: np.ndarray


def _normalise_rows(m: np.ndarray) -> np.ndarray:
    sums = m.sum(axis=1, keepdims=True)
    return np.divide(m, sums, out=np.zeros_like(m), where=sums > 0)


class Weighting:
    """Counts -> model input: NMF gets sublinear tf-idf (idf from the whole corpus's document
    frequencies, smoothed as scikit-learn's TfidfTransformer, rows L2-normalised); LDA counts."""

    def __init__(self, method: str, df: np.ndarray, n_units: int):
        self.method = method
        self.idf = np.log((1.0 + n_units) / (1.0 + df)) + 1.0

    def __call__(self, counts: sparse.csr_matrix) -> sparse.csr_matrix:
        if self.method != "nmf":
            return counts
        x = counts.copy()
        x.data = (1.0 + np.log(x.data)) * self.idf[x.indices]
        norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
        x.data /= np.repeat(np.where(norms > 0, norms, 1.0), np.diff(x.indptr))
        return x


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


def fit_one(x, vocabulary: list[str], k: int, method: str, tcfg: dict, start: Start | None = None):
    """The batch model on an in-memory matrix (the sample): a fitted NMF or LDA estimator."""
    from sklearn.exceptions import ConvergenceWarning
    if method == "nmf":
        from sklearn.decomposition import NMF
        warm = start is not None and start.components.shape[0] == k
        est = NMF(n_components=k, init="custom" if warm else "nndsvd", random_state=tcfg["random_state"],
                  max_iter=tcfg["max_iter"], tol=1e-3)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)   # the iteration cap is a setting, not an error
            if warm:
                w0, h0 = _warm_init(x, vocabulary, start, k, tcfg)
                est.fit(x, W=w0, H=h0)
            else:
                est.fit(x)
        return est
    if method == "lda":
        from sklearn.decomposition import LatentDirichletAllocation
        est = LatentDirichletAllocation(n_components=k, learning_method="batch", random_state=tcfg["random_state"],
                                        max_iter=min(tcfg["max_iter"], 50))
        return est.fit(x)
    raise TopicError(f"unknown topic method {method!r}")


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


def _choose_k(corpus, weigh: Weighting, ks: list[int], tcfg: dict, start: Start | None, progress: bool):
    """Fit every k on the sample; returns (best estimator, the candidates tried, sample rows)."""
    from joblib import Parallel, delayed

    rows = search_sample(corpus.n_units, tcfg["k_search_units"])
    counts = corpus.select(rows)
    x = weigh(counts)
    binary = (counts > 0).astype(np.float64)
    mass = np.asarray(counts.sum(axis=0)).ravel()

    def one(k):
        est = fit_one(x, corpus.vocabulary, k, tcfg["method"], tcfg, start)
        components = _normalise_rows(np.asarray(est.components_, dtype=np.float64))
        per_topic = quality.npmi_per_topic(binary, quality.top_term_indices(components, tcfg["coherence_top_n"]))
        npmi = float(np.mean(per_topic)) if per_topic else 0.0
        div = quality.diversity(quality.top_term_indices(components, tcfg["diversity_top_n"]))
        covered = quality.term_coverage(mass, quality.top_term_indices(components, tcfg["coherence_top_n"]))
        score = round(selection_score(npmi, covered, tcfg["selection"]), 4)
        return est, {"k": k, "npmi": round(npmi, 4), "diversity": round(div, 4), "covered": round(covered, 4),
                     "score": score, "units": len(rows)}

    if progress:
        from tqdm import tqdm
        tqdm.write(f"topics: choosing k among {ks} on {len(rows)} units")
    jobs = min(len(ks), os.cpu_count() or 1)
    results = Parallel(n_jobs=jobs, prefer="threads")(delayed(one)(k) for k in ks) if jobs > 1 else [one(k) for k in ks]
    best = None
    for est, c in results:                       # ties (to 4 decimals) go to the smaller k
        if best is None or c["score"] > best[1]["score"]:
            best = (est, c)
    return best[0], [c for _, c in results] if len(ks) > 1 else [], rows


def _stream(corpus, weigh: Weighting, est, tcfg: dict, progress: bool):
    """Refine the sample's topics on all units in mini-batches; returns (estimator, passes)."""
    from tqdm import tqdm
    batch = tcfg["batch_units"]
    first = min(batch, corpus.n_units)
    if tcfg["method"] == "nmf":
        from sklearn.decomposition import MiniBatchNMF
        k = est.components_.shape[0]
        h0 = np.maximum(np.asarray(est.components_, dtype=np.float64), 1e-6)   # zeros never move under MU
        # partial_fit forgets forget_factor per call; spread 0.7 over a whole pass, as fit() does
        stream = MiniBatchNMF(n_components=k, init="custom", batch_size=batch, forget_factor=0.7 ** (first / corpus.n_units),
                              max_iter=tcfg["max_iter"], random_state=tcfg["random_state"])
    else:
        stream = est.set_params(learning_method="online", total_samples=corpus.n_units, batch_size=batch)
    passes, previous = 0, np.asarray(est.components_, dtype=np.float64)
    for passes in range(1, tcfg["stream_passes"] + 1):
        chunks = tqdm(corpus.chunks(batch), total=-(-corpus.n_units // batch), desc=f"topics: pass {passes}",
                      unit="chunk", disable=not progress, leave=False)
        for _, counts in chunks:
            x = weigh(counts)
            if x.nnz == 0:
                continue
            if tcfg["method"] == "nmf" and not hasattr(stream, "components_"):
                stream.partial_fit(x, W=np.full((x.shape[0], k), 1e-3), H=h0.copy())
            else:
                stream.partial_fit(x)
        current = np.asarray(stream.components_, dtype=np.float64)
        change = np.linalg.norm(_normalise_rows(current) - _normalise_rows(previous)) / \
            max(np.linalg.norm(_normalise_rows(current)), 1e-12)
        previous = current.copy()
        if change < 1e-3:
            break
    return stream, passes


def _unit_weights(est, x, method: str, tcfg: dict) -> np.ndarray:
    if method == "nmf":
        from sklearn.decomposition import non_negative_factorization
        from sklearn.exceptions import ConvergenceWarning
        h = np.asarray(est.components_, dtype=np.float64)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            w, _, _ = non_negative_factorization(x, H=h, n_components=h.shape[0], update_H=False, solver="cd",
                                                 max_iter=tcfg["max_iter"], tol=1e-4)
        return w
    return est.transform(x)


def _weights_and_npmi(corpus, weigh: Weighting, est, components: np.ndarray, tcfg: dict, progress: bool):
    """Document weights (length-weighted mean of unit weights) and the NPMI over all units."""
    from tqdm import tqdm
    k = components.shape[0]
    doc_w = np.zeros((len(corpus.document_ids), k))
    tops = quality.top_term_indices(components, tcfg["coherence_top_n"])
    terms = sorted({i for t in tops for i in t})
    pos = {t: j for j, t in enumerate(terms)}
    co = np.zeros((len(terms), len(terms)))
    batch = tcfg["batch_units"]
    chunks = tqdm(corpus.chunks(batch), total=-(-corpus.n_units // batch), desc="topics: weights", unit="chunk",
                  disable=not progress, leave=False)
    for start, counts in chunks:
        end = start + counts.shape[0]
        w = _normalise_rows(_unit_weights(est, weigh(counts), tcfg["method"], tcfg))
        np.add.at(doc_w, corpus.unit_document[start:end], w * corpus.unit_length[start:end, None])
        if terms:
            b = (counts[:, terms] > 0).astype(np.float64)
            co += (b.T @ b).toarray()
    per_topic = quality.npmi_from_cooccurrence(co, corpus.n_units, [[pos[i] for i in t] for t in tops])
    return _normalise_rows(doc_w), per_topic


def fit(corpus, tcfg: dict, progress: bool = False, start: Start | None = None,
        keep_k: int | None = None) -> Fit:
    """Fit the configured method on a streamed corpus (``corpus.Corpus``); when n_topics = 0
    try each k on the sample and keep the best NPMI (ties, to 4 decimals, go to the smaller k).
    ``keep_k`` skips the search (a small corpus change keeps the number of topics); ``start``
    warm-starts NMF from a previous model."""
    if not corpus.vocabulary:
        raise TopicError("no usable vocabulary: the documents have too few shared content words "
                         "(check topics.min_df / topics.max_df)")
    ks = candidate_ks(dict(tcfg, n_topics=keep_k) if keep_k else tcfg, corpus.n_units)
    if len(corpus.vocabulary) < max(ks):
        raise TopicError(f"vocabulary of {len(corpus.vocabulary)} terms is too small for {max(ks)} topics")
    weigh = Weighting(tcfg["method"], corpus.df, corpus.n_units)
    clock = [time.process_time()]

    def lap() -> float:
        clock.append(time.process_time())
        return round(clock[-1] - clock[-2], 1)

    est, tried, rows = _choose_k(corpus, weigh, ks, tcfg, start, progress)
    cpu = {"choose_k": lap()}
    passes = 0
    if len(rows) < corpus.n_units:
        est, passes = _stream(corpus, weigh, est, tcfg, progress)
    cpu["stream"] = lap()
    components = _normalise_rows(np.asarray(est.components_, dtype=np.float64))
    doc_w, per_topic = _weights_and_npmi(corpus, weigh, est, components, tcfg, progress)
    cpu["weights"] = lap()
    div = quality.diversity(quality.top_term_indices(components, tcfg["diversity_top_n"]))
    return Fit(method=tcfg["method"], n_topics=components.shape[0], vocabulary=corpus.vocabulary,
               components=components, document_ids=corpus.document_ids, document_weights=doc_w,
               npmi=float(np.mean(per_topic)) if per_topic else 0.0, npmi_per_topic=per_topic, diversity=div,
               candidates=tried, passes=passes, cpu_seconds=cpu)
