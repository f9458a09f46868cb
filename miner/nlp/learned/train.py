"""``miner tag train``: fit the learned tagger on labelled passages, reproducibly.

1. every passage is tagged by the rule pipeline and each gold sentence featurized
   (``data.featurize``);
2. level 1 (logistic regression per label) is cross-validated by passage (GroupKFold);
   its out-of-fold probabilities train level 2 (gradient-boosted trees per label);
3. level 2 is cross-validated the same way; its out-of-fold probabilities fit the
   calibration (isotonic, per layer) and the per-layer thresholds (best F1);
4. document relevance: a logistic regression over each passage's lemma bag and the
   summary of its calibrated sentence probabilities (label: the passage has a ground
   or mechanism), scored out-of-fold too;
5. everything is refitted on all data and saved with the seed, data hashes, settings
   and the cross-validated scores (``model.json``).

Own passages (``[nlp] own_train_dir``, written for the project) are train-only: every fold
trains on them, but the scores, calibration and thresholds come from the other passages alone,
so the cross-validated figures stay those of real text. They get out-of-fold predictions of their
own (a second split among them) only as input to level 2 and relevance.
"""
from __future__ import annotations

import platform
import time
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
from scipy import sparse

from miner.nlp.learned.data import Passage, data_hash, featurize, read_passages
from miner.nlp.learned.model import (SCORED, SentenceVectors, TaggerModel, _Trees, doc_hasher, hasher,
                                     level2_features, relevance_aggregate)
from miner.nlp.learned.vectors import WordVectors

SETTINGS = {"seed": 0, "folds": 5, "levels": 1, "l1_C": 3.0, "l1_class_weight": "balanced",
            # level 1's inverse regularisation per layer where it differs from l1_C: recommendation is a
            # matter of sentence form (mood, modal, subject) and overfits the words of its few hundred
            # positives sooner (README "Tagging quality": cross-validated and dev F1 both best at 1)
            "l1_C_layers": {"recommendation": 1.0},
            # per layer: take the highest threshold whose cross-validated F1 is within this of the best.
            # Recommendation's F1 is flat from 0.225 to 0.475 (0.590 / 0.582) while its low-confidence band
            # holds many sentences that are far less precise on new text (dev: 0.1) than in cross-validation
            # (0.3): the precise end of the optimum is the safer one (README "Tagging quality")
            "threshold_tolerance": {"recommendation": 0.01},
            "l2_max_iter": 120, "l2_learning_rate": 0.08, "l2_max_leaf_nodes": 15, "l2_min_samples_leaf": 20,
            "l2_l2_regularization": 1.0, "relevance_C": 1.0, "relevance_top_share": 1.0,
            # A document is relevant when the mean score of its chunks reaches this. Chosen on long documents
            # (the government PDFs in ../shared/pdfs: off-topic ones score 0.17-0.43 with the word-vector model,
            # the CoronaMelder ethical analysis highest; the bias advisory and the seeds 0.60-0.99) and on
            # passages (one chunk each: cross-validated F1 is flat from 0.40 to 0.55, "by_threshold" in the report).
            "relevance_threshold": 0.5,
            # per-label thresholds (ground, mechanism): each label's best threshold for its layer's micro F1 on
            # the out-of-fold probabilities, shrunk toward the layer threshold by label_shrink_k positives
            "label_thresholds": False, "label_shrink_k": 40, "label_threshold_range": [0.2, 0.8],
            # the sentence vector of a word-vector table (when one is given), in level 1 of these layers only,
            # scaled by vector_weight (README "Tagging quality": it helps ground and mechanism, not recommendation)
            "vector_weight": 1.0, "vector_layers": ["ground", "mechanism"],
            # the recommendation's actor: candidate actors ranked by a logistic regression over what the
            # actor symbols of actors.actor_features say about each (the rule finder's answer among them);
            # README "Tagging quality", *The actor*
            "actor_model": True, "actor_C": 1.0}
PER_LABEL = ("ground", "mechanism")


def label_space(passages: list[Passage], taxonomy) -> list[tuple[str, str]]:
    """Every ground and mechanism of the taxonomy (in its order), then recommendation."""
    labels = [("ground", g) for g in taxonomy.labels("ground")] + \
             [("mechanism", m) for m in taxonomy.labels("mechanism")]
    known = set(labels)
    for p in passages:  # labels in the data the taxonomy lacks are a data error
        for lab in p.labels:
            for layer in ("ground", "mechanism"):
                for x in lab[layer]:
                    if (layer, x) not in known:
                        raise ValueError(f"passage {p.id}: label {layer}:{x} is not in the taxonomy")
    return labels + [("recommendation", "recommendation")]


def cv_folds(groups: np.ndarray, train_only: np.ndarray, k: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """(train rows, test rows) per fold; every row is tested once. The scored rows are split by group
    (GroupKFold) and the train-only rows join every one of those training parts; then the train-only
    rows are split among themselves, each part tested by a model of all scored rows and the other parts."""
    from sklearn.model_selection import GroupKFold
    idx = np.arange(len(groups))
    scored, own = idx[~train_only], idx[train_only]
    folds = []
    if len(scored):
        n = len(set(groups[scored]))
        if n < 2:
            raise ValueError("cross-validation needs at least two scored passages")
        for a, b in GroupKFold(n_splits=min(k, n)).split(scored, groups=groups[scored]):
            folds.append((np.sort(np.concatenate([scored[a], own])), scored[b]))
    if len(own):
        n = len(set(groups[own]))
        parts = GroupKFold(n_splits=min(k, n)).split(own, groups=groups[own]) if n >= 2 else \
            [(np.array([], dtype=int), np.arange(len(own)))]
        for a, b in parts:
            folds.append((np.sort(np.concatenate([scored, own[a]])), own[b]))
    return folds


def matrices(passages: list[Passage], labels):
    feats, Y, groups, spans, weights = [], [], [], [], []
    for p in passages:
        spans.append((len(feats), len(p.features)))
        for f, lab in zip(p.features, p.labels):
            feats.append(f)
            Y.append([lab["recommendation"] if layer == "recommendation" else (label in lab[layer])
                      for layer, label in labels])
            groups.append(p.id)
            weights.append(p.weight)
    return feats, np.array(Y, dtype=bool).reshape(len(feats), len(labels)), np.array(groups), spans, \
        np.array(weights, dtype=float)


def check_actors(passages: list[Passage], taxonomy) -> None:
    """An actor id in the gold data that the taxonomy lacks is a data error (checked before featurizing)."""
    from miner.nlp.learned.actors import UNDETERMINED
    known = set(taxonomy.labels("actor")) | {UNDETERMINED}
    for p in passages:
        for lab in p.labels:
            bad = [a for a in lab["actor"] if a not in known]
            if bad:
                raise ValueError(f"passage {p.id}: actor {bad[0]} is not in the taxonomy")


def actor_rows(passages: list[Passage], taxonomy) -> dict:
    """The gold recommendations with actor features, as columns: ``feats``, ``target`` (the first gold
    actor, ``onbepaald`` when none), ``gold`` (the gold set), ``rule`` (the rule finder's ids),
    ``groups`` (passage ids), ``only`` (train-only) and ``weights``. An actor id the taxonomy lacks is
    a data error."""
    from miner.nlp.learned.actors import UNDETERMINED
    check_actors(passages, taxonomy)
    rows = {k: [] for k in ("feats", "target", "gold", "rule", "groups", "only", "weights")}
    for p in passages:
        for i, (f, rule) in sorted(p.actors.items()):
            gold = list(p.labels[i]["actor"]) or [UNDETERMINED]
            for key, value in (("feats", f), ("target", gold[0]), ("gold", sorted(set(gold))),
                               ("rule", sorted(set(rule))), ("groups", p.id), ("only", p.train_only),
                               ("weights", p.weight)):
                rows[key].append(value)
    rows["groups"] = np.array(rows["groups"])
    rows["only"] = np.array(rows["only"], dtype=bool)
    rows["weights"] = np.array(rows["weights"], dtype=float)
    return rows


def _train_actor(passages, taxonomy, s, report, log):
    """The actor model (None when switched off or without gold recommendations), and in
    ``report["actor"]`` its cross-validated accuracy next to the rule finder's on the same sentences."""
    from miner.nlp.learned.actors import UNDETERMINED, ActorModel
    r = actor_rows(passages, taxonomy)
    classes = list(taxonomy.labels("actor")) + [UNDETERMINED]
    feats, target = r["feats"], r["target"]
    if not s["actor_model"] or not feats:
        return None
    log(f"tag train: actor ({len(feats)} recommendations) …")
    try:
        folds = cv_folds(r["groups"], r["only"], s["folds"])
    except ValueError:   # too few passages with recommendations to cross-validate
        folds = []
    oof: dict[int, str] = {}
    for a, b in folds:
        m = ActorModel.fit([feats[i] for i in a], [target[i] for i in a], classes, C=s["actor_C"],
                           weights=r["weights"][a])
        oof.update(zip(b.tolist(), m.predict([feats[i] for i in b])))
    scored = [i for i in np.flatnonzero(~r["only"]).tolist() if i in oof]
    if scored:
        report["actor"] = {"n": len(scored),
                           "accuracy": round(float(np.mean([[oof[i]] == r["gold"][i] for i in scored])), 4),
                           "rules_accuracy": round(float(np.mean([r["rule"][i] == r["gold"][i] for i in scored])), 4)}
    return ActorModel.fit(feats, target, classes, C=s["actor_C"], weights=r["weights"])


def _fit_l1(X, Y, w, s, dense=None, use_dense=None, layers=None):
    """One logistic regression per column of Y over X; with ``dense`` (rows x d), the columns
    ``use_dense`` marks see it as extra features after X's (the others get zero coefficients there).
    ``layers`` (one per column) picks each column's C from ``l1_C_layers``, else ``l1_C``."""
    from sklearn.linear_model import LogisticRegression
    coefs, intercepts = [], []
    width = X.shape[1] + (dense.shape[1] if dense is not None else 0)
    Xd = sparse.hstack([X, sparse.csr_matrix(dense)]).tocsr() if dense is not None else X
    for j in range(Y.shape[1]):
        y = Y[:, j]
        if y.all() or not y.any():
            coefs.append(np.zeros(width))
            intercepts.append(8.0 if y.all() else -8.0)
            continue
        with_dense = dense is not None and use_dense[j]
        C = s.get("l1_C_layers", {}).get(layers[j], s["l1_C"]) if layers is not None else s["l1_C"]
        m = LogisticRegression(C=C, solver="liblinear", class_weight=s["l1_class_weight"],
                               random_state=s["seed"])
        m.fit(Xd if with_dense else X, y, sample_weight=w)
        c = m.coef_[0]
        coefs.append(c if with_dense or dense is None else np.concatenate([c, np.zeros(dense.shape[1])]))
        intercepts.append(m.intercept_[0])
    coef = sparse.csr_matrix(np.vstack(coefs))
    coef.eliminate_zeros()
    return coef, np.array(intercepts)


def _p1(X, coef, intercept, dense=None):
    if dense is not None:
        X = sparse.hstack([X, sparse.csr_matrix(dense)]).tocsr()
    z = np.asarray((X @ coef.T).todense()) + intercept
    return 1.0 / (1.0 + np.exp(-z))


def _fit_l2(Z, Y, w, s):
    from sklearn.ensemble import HistGradientBoostingClassifier
    models = []
    for j in range(Y.shape[1]):
        m = HistGradientBoostingClassifier(
            max_iter=s["l2_max_iter"], learning_rate=s["l2_learning_rate"], max_leaf_nodes=s["l2_max_leaf_nodes"],
            min_samples_leaf=s["l2_min_samples_leaf"], l2_regularization=s["l2_l2_regularization"],
            early_stopping=False, random_state=s["seed"])
        y = Y[:, j].copy()
        if y.all() or not y.any():
            y[0] = not y[0]  # a constant label still gets a (near-constant) model
        m.fit(Z, y, sample_weight=w)
        models.append(m)
    return _Trees.from_sklearn(models)


def prf(Y: np.ndarray, P: np.ndarray) -> dict:
    tp = int((P & Y).sum()); fp = int((P & ~Y).sum()); fn = int((~P & Y).sum())
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(2 * p * r / (p + r) if p + r else 0.0, 4),
            "tp": tp, "fp": fp, "fn": fn}


def _isotonic(scores: np.ndarray, truth: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    from sklearn.isotonic import IsotonicRegression
    iso = IsotonicRegression(out_of_bounds="clip", y_min=0.0, y_max=1.0).fit(scores, truth)
    x = np.asarray(iso.X_thresholds_, dtype=float)
    y = np.asarray(iso.y_thresholds_, dtype=float)
    if len(x) < 2:
        x, y = np.array([0.0, 1.0]), np.array([0.0, 1.0])
    return x, y


def _best_threshold(Y, P, tolerance: float = 0.0) -> float:
    """The threshold of best micro F1 on the grid 0.1 .. 0.9 (ties: the one nearest 0.5); with a
    ``tolerance``, the highest threshold whose F1 is within it of the best (the precise end of a flat
    optimum)."""
    grid = np.round(np.arange(0.1, 0.91, 0.025), 3)
    scores = [(prf(Y, P >= t)["f1"], -abs(t - 0.5), t) for t in grid]
    best = max(scores)
    if tolerance > 0:
        return float(max(t for f1, _, t in scores if f1 >= best[0] - tolerance))
    return float(best[2])


def _label_thresholds(Y, P, t_layer: float, k: float, lo: float, hi: float) -> list[float]:
    """Per column: the threshold that maximises the layer's micro F1 with the other columns at
    ``t_layer``, shrunk toward ``t_layer`` by ``k`` pseudo-positives, clipped to [lo, hi]."""
    base = P >= t_layer
    tp0 = int((base & Y).sum()); fp0 = int((base & ~Y).sum()); fn0 = int((~base & Y).sum())
    grid = np.round(np.arange(0.1, 0.91, 0.025), 3)
    out = []
    for j in range(Y.shape[1]):
        y, p, b = Y[:, j], P[:, j], base[:, j]
        tpo = tp0 - int((b & y).sum()); fpo = fp0 - int((b & ~y).sum()); fno = fn0 - int((~b & y).sum())
        best = None
        for t in grid:
            m = p >= t
            tp = tpo + int((m & y).sum()); fp = fpo + int((m & ~y).sum()); fn = fno + int((~m & y).sum())
            f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
            key = (round(f1, 6), -abs(t - t_layer), t)
            best = key if best is None or key > best else best
        n = int(y.sum())
        t = (n * best[2] + k * t_layer) / (n + k) if n + k else t_layer
        out.append(round(float(min(hi, max(lo, t))), 3))
    return out


def calibration_table(Y: np.ndarray, P: np.ndarray, bands=(0.0, 0.2, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0001)) -> list:
    """Predicted confidence band -> observed precision (share of predictions in the band that are right)."""
    rows = []
    for lo, hi in zip(bands, bands[1:]):
        m = (P >= lo) & (P < hi)
        n = int(m.sum())
        rows.append({"band": f"{lo:.1f}-{min(hi, 1.0):.1f}", "n": n,
                     "precision": round(float(Y[m].mean()), 4) if n else None})
    return rows


def relevance_rows(passages: list[Passage], probs: np.ndarray, spans, labels):
    feats, aggs, ys = [], [], []
    for p, (start, n) in zip(passages, spans):
        feats.append([x for f in p.features for x in f if x.startswith(("w:", "l:"))])
        aggs.append(relevance_aggregate(probs[start:start + n], labels))
        ys.append(any(lab["ground"] or lab["mechanism"] for lab in p.labels))
    return feats, np.array(aggs), np.array(ys, dtype=bool)


def train(nlp, taxonomy, train_paths: list[Path], extra: list[Passage] | None = None, settings: dict | None = None,
          log=print, passages: list[Passage] | None = None, own_paths: list[Path] | None = None,
          own_weight: float | None = None, vectors: WordVectors | None = None) -> tuple[TaggerModel, dict]:
    """Train on the passages of ``train_paths`` (+ ``extra``) and the train-only own passages of
    ``own_paths`` (each weighted ``own_weight`` when given); ``passages`` given instead are used as
    they are (already featurized ones are not featurized again: the learning-curve script).
    ``vectors``: a word-vector table whose sentence vectors join level 1 (settings ``vector_*``)."""
    from threadpoolctl import threadpool_limits
    # one thread per fit: the same numbers on any machine, and no OpenMP oversubscription on a busy one
    with threadpool_limits(limits=1):
        return _train(nlp, taxonomy, train_paths, extra, settings, log, passages, list(own_paths or []),
                      own_weight, vectors)


def _train(nlp, taxonomy, train_paths, extra, settings, log, given=None, own_paths=(), own_weight=None,
           vectors=None):
    from sklearn.linear_model import LogisticRegression

    s = dict(SETTINGS, **(settings or {}))
    # settings naming layers, checked before the minutes of featurizing
    for key in ("l1_C_layers", "threshold_tolerance") + (("vector_layers",) if vectors is not None else ()):
        unknown = set(s[key]) - set(SCORED)
        if unknown:
            raise ValueError(f"{key}: {sorted(unknown)} are not scored layers ({', '.join(SCORED)})")
    s["vectors"] = "" if vectors is None else (Path(vectors.path).name if vectors.path else vectors.meta.get("name", ""))
    t0 = time.time()
    np.random.seed(s["seed"])
    passages = list(given) if given is not None else \
        read_passages(train_paths) + read_passages(own_paths, train_only=True, weight=own_weight) + list(extra or [])
    if not passages:
        raise ValueError("no training passages")
    check_actors(passages, taxonomy)
    own = [p for p in passages if p.train_only]
    log(f"tag train: {len(passages)} passages, {sum(len(p.labels) for p in passages)} sentences"
        + (f" ({len(own)} own passages, train-only)" if own else "") + "; featurizing …")
    done = [0]

    def tick(_):
        done[0] += 1
        if done[0] % 50 == 0 or done[0] == len(passages):
            log(f"  featurized {done[0]}/{len(passages)} passages")
    todo = [p for p in passages if not p.features]
    if todo:
        featurize(nlp, todo, taxonomy, progress=tick)
    labels = label_space(passages, taxonomy)
    feats, Y, groups, spans, w = matrices(passages, labels)
    X = hasher().transform(feats)
    only = np.array([p.train_only for p in passages for _ in p.labels], dtype=bool).reshape(len(feats))
    scored = ~only  # the rows cross-validation scores, calibrates and picks thresholds on
    folds = cv_folds(groups, only, s["folds"])
    layer_of = [layer for layer, _ in labels]
    D = use_dense = vec_mean = None
    if vectors is not None:
        E = vectors.embed([t for p in passages for t in p.texts])
        if len(E) != len(feats):
            raise ValueError("passages without their sentence texts (featurize them first)")
        vec_mean = E.mean(0)
        D = s["vector_weight"] * (E - vec_mean)
        use_dense = [layer in s["vector_layers"] for layer, _ in labels]

    def dense(rows):
        return None if D is None else D[rows]

    log(f"tag train: level 1 ({len(labels)} labels, {s['folds']}-fold"
        + (", then folds among the own passages" if own else "")
        + (f", with {s['vectors']} sentence vectors for {'/'.join(s['vector_layers'])}" if D is not None else "")
        + ") …")
    oof1 = np.zeros(Y.shape)
    for k, (a, b) in enumerate(folds, 1):
        coef, icpt = _fit_l1(X[a], Y[a], w[a], s, dense(a), use_dense, layer_of)
        oof1[b] = _p1(X[b], coef, icpt, dense(b))
        log(f"  level 1 fold {k}/{len(folds)}")
    oof2 = oof1
    if s["levels"] == 2:
        Z = level2_features(oof1, feats, labels, spans)
        log("tag train: level 2 …")
        oof2 = np.zeros(Y.shape)
        for k, (a, b) in enumerate(folds, 1):
            trees = _fit_l2(Z[a], Y[a], w[a], s)
            oof2[b] = trees.predict(Z[b])
            log(f"  level 2 fold {k}/{len(folds)}")

    calibration, thresholds, report = {}, {}, {"layers": {}, "labels": {}, "calibration": {}}
    label_thresholds = {}
    cal = np.zeros_like(oof2)
    for layer in SCORED:
        cols = [j for j, (l, _) in enumerate(labels) if l == layer]
        Ym = Y[scored][:, cols]
        x, y = _isotonic(oof2[scored][:, cols].ravel(), Ym.ravel().astype(float))
        calibration[layer] = (x, y)
        cal[:, cols] = np.interp(oof2[:, cols], x, y)
        thresholds[layer] = _best_threshold(Ym, cal[scored][:, cols], s["threshold_tolerance"].get(layer, 0.0))
        report["layers"][layer] = dict(prf(Ym, cal[scored][:, cols] >= thresholds[layer]),
                                       threshold=thresholds[layer],
                                       level1=prf(Ym, oof1[scored][:, cols] >= 0.5)["f1"])
        report["calibration"][layer] = calibration_table(Ym.ravel(), cal[scored][:, cols].ravel())
        for j in cols:
            report["labels"][f"{layer}:{labels[j][1]}"] = prf(Y[scored][:, j], cal[scored][:, j] >= thresholds[layer])
        if layer in PER_LABEL:
            lo, hi = s["label_threshold_range"]
            per = _label_thresholds(Ym, cal[scored][:, cols], thresholds[layer], s["label_shrink_k"], lo, hi)
            for j, t in zip(cols, per):
                label_thresholds[f"{layer}:{labels[j][1]}"] = t
            # optimistic: chosen on these same out-of-fold probabilities
            report["layers"][layer]["per_label_optimistic"] = prf(Ym, cal[scored][:, cols] >= np.array(per))

    log("tag train: document relevance …")
    rfeats, raggs, ry = relevance_rows(passages, cal, spans, labels)
    RX = doc_hasher().transform(rfeats).tocsr()
    rgroups = np.array([p.id for p in passages])
    ronly = np.array([p.train_only for p in passages], dtype=bool)
    roof = np.zeros(len(passages))
    rfolds = cv_folds(rgroups, ronly, s["folds"])

    def fit_rel(idx):
        m = LogisticRegression(C=s["relevance_C"], solver="liblinear", random_state=s["seed"])
        m.fit(sparse.hstack([RX[idx], sparse.csr_matrix(raggs[idx])]).tocsr(), ry[idx])
        return m
    if ry.all() or not ry.any():
        raise ValueError("relevance needs passages with and without grounds/mechanisms")
    for a, b in rfolds:
        roof[b] = fit_rel(a).predict_proba(sparse.hstack([RX[b], sparse.csr_matrix(raggs[b])]).tocsr())[:, 1]
    report["relevance"] = dict(prf(ry[~ronly], roof[~ronly] >= s["relevance_threshold"]), n=int((~ronly).sum()),
                               relevant=int(ry[~ronly].sum()), threshold=s["relevance_threshold"],
                               # what another [nlp] relevance_threshold would give on these passages
                               by_threshold={f"{t:.2f}": prf(ry[~ronly], roof[~ronly] >= t)["f1"]
                                             for t in np.round(np.arange(0.3, 0.61, 0.05), 2)})
    if own:
        report["own"] = {"passages": len(own), "sentences": int(only.sum()),
                         "weight": sorted({p.weight for p in own}), "scored": False}
    rel_model = fit_rel(np.arange(len(passages)))
    rc = rel_model.coef_[0]
    relevance = {"coef": sparse.csr_matrix(rc[:RX.shape[1]].reshape(1, -1)), "agg_coef": rc[RX.shape[1]:],
                 "intercept": float(rel_model.intercept_[0]), "threshold": s["relevance_threshold"],
                 "top_share": s["relevance_top_share"]}
    relevance["coef"].eliminate_zeros()

    actor_model = _train_actor(passages, taxonomy, s, report, log)

    log("tag train: final fit on all data …")
    coef, icpt = _fit_l1(X, Y, w, s, D, use_dense, layer_of)
    sentence_vectors = None
    if D is not None:
        coef = sparse.csr_matrix(coef)
        dense_coef = coef[:, X.shape[1]:].toarray()
        coef = coef[:, :X.shape[1]].tocsr()
        sentence_vectors = SentenceVectors(vectors, dense_coef, vec_mean, float(s["vector_weight"]),
                                           list(s["vector_layers"]))
    # level 2 learns from out-of-fold level-1 probabilities (stacking)
    trees = _fit_l2(Z, Y, w, s) if s["levels"] == 2 else None
    meta = {"name": "miner_tagger", "version": datetime.now(timezone.utc).strftime("%Y%m%d"),
            "trained_at": datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
            "settings": s, "data": {**data_hash(train_paths), **{f"own/{k}": v for k, v in data_hash(own_paths).items()}},
            "extra_passages": len(extra or []), "own_passages": len(own),
            "n_passages": len(passages), "n_sentences": len(feats), "taxonomy_sha256": taxonomy.sha256,
            "python": platform.python_version(), "seconds": round(time.time() - t0, 1),
            "cross_validation": report}
    report["label_thresholds"] = {"used": bool(s["label_thresholds"]), "thresholds": label_thresholds}
    model = TaggerModel(labels, coef, icpt, trees, calibration, thresholds, relevance, meta,
                        label_thresholds=label_thresholds if s["label_thresholds"] else {},
                        vectors=sentence_vectors, actor=actor_model)
    return model, report
