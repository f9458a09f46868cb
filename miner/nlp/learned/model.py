"""The learned tagger's model: two stacked levels, saved as JSON + numpy arrays.

Level 1: a logistic regression per label over hashed feature strings
(``features.unit_features``): words, lemmas, lemma bigrams, sentence shape and the
taxonomy's cues and rule decisions in the sentence, its neighbours and its passage;
for the layers the model names, also over the sentence's dense vector from a static Dutch
word-vector table (``vectors.WordVectors``, shipped next to the model in ``models/``).

Level 2: gradient-boosted trees per label over dense features built from level 1:
the sentence's own probabilities, its rule decisions and cue hits, those of the sentences
before and after it, and the maximum / mean probabilities over the passage window.
This is where "the passage is about religion and this sentence speaks of exclusion"
becomes a ground the sentence does not name.

Probabilities are calibrated per layer (isotonic, fitted on cross-validated predictions)
and compared with a threshold per layer. Document relevance is a third small model over
passage chunks. Nothing here unpickles: arrays load with ``allow_pickle=False``, trees are
plain node tables walked by ``_Trees.predict``.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import HashingVectorizer

from miner.nlp.learned.actors import ActorModel
from miner.nlp.learned.checked import read_checked
from miner.nlp.learned.features import WINDOW
from miner.nlp.learned.vectors import VectorsError, WordVectors, load_vectors, vectors_folder
from miner.nlp.tagging.taxonomy import SCORED_LAYERS

FORMAT = 1
N_FEATURES = 2 ** 18
SCORED = SCORED_LAYERS


class ModelError(Exception):
    pass


# Feature groups and their weights in level 1: the taxonomy's cues and the rule decisions carry
# the general Dutch knowledge, so they weigh most; single words and lemmas of a few thousand
# sentences are down-weighted (they overfit to the training sources: measured by passage-grouped
# cross-validation, README "Tagging quality").
WORD_PREFIXES = ("w:", "l:", "b:", "first:", "modal:")
CUE_PREFIXES = ("R:", "H:")
WEIGHTS = {"word": 0.3, "cue": 1.0, "context": 0.3}


@lru_cache(maxsize=1 << 17)
def _weight(f: str) -> float:
    if f.startswith(WORD_PREFIXES):
        return WEIGHTS["word"]
    if f.startswith(CUE_PREFIXES):
        return WEIGHTS["cue"]
    return WEIGHTS["context"]


class _Hasher:
    """Feature strings -> sparse rows (hashed, each distinct feature once, with its group weight)."""

    def __init__(self):
        from sklearn.feature_extraction import FeatureHasher
        self._h = FeatureHasher(n_features=N_FEATURES, input_type="pair", alternate_sign=False)

    def transform(self, feats: list[list[str]]):
        return self._h.transform([[(f, _weight(f)) for f in sorted(set(fs))] for fs in feats]).tocsr()


def hasher() -> _Hasher:
    return _Hasher()


def _identity(x):
    return x


def doc_hasher() -> HashingVectorizer:
    return HashingVectorizer(analyzer=_identity, n_features=N_FEATURES, alternate_sign=False, norm="l2")


# ---------------------------------------------------------------------------- level 2 features
def rule_matrix(feats: list[list[str]], labels: list[tuple[str, str]]) -> np.ndarray:
    keys = {f"R:{layer}:{label}": j for j, (layer, label) in enumerate(labels)}
    hits = {f"H:{layer}:{label}": j for j, (layer, label) in enumerate(labels)}
    r = np.zeros((len(feats), len(labels)), dtype=np.float32)
    h = np.zeros((len(feats), len(labels)), dtype=np.float32)
    c = np.zeros((len(feats), 4), dtype=np.float32)
    for i, f in enumerate(feats):
        for x in f:
            j = keys.get(x)
            if j is not None:
                r[i, j] = 1
            elif x.startswith("H:"):
                parts = x.rsplit(":", 1)[0]
                j = hits.get(parts)
                if j is not None:
                    h[i, j] = 1
                if x.startswith("H:context:discrimination"):
                    c[i, 0] = 1
                elif x.startswith("H:context:exclusion"):
                    c[i, 1] = 1
            elif x == "shape:question":
                c[i, 2] = 1
            elif x == "shape:no_final_punct":
                c[i, 3] = 1
    return np.hstack([r, h, c])


def level2_features(p1: np.ndarray, feats: list[list[str]], labels, passages: list[tuple[int, int]]) -> np.ndarray:
    """p1: level-1 probabilities (rows = sentences); passages: (start_row, n_rows) of each passage."""
    base = np.hstack([p1, rule_matrix(feats, labels)]).astype(np.float32)
    n, k = p1.shape
    prev = np.zeros((n, k + 4), np.float32)
    nxt = np.zeros((n, k + 4), np.float32)
    wmax = np.zeros_like(p1, dtype=np.float32)
    wmean = np.zeros_like(p1, dtype=np.float32)
    pmean = np.zeros_like(p1, dtype=np.float32)
    short = np.hstack([p1, base[:, -4:]])
    for start, count in passages:
        end = start + count
        if count == 0:
            continue
        prev[start + 1:end] = short[start:end - 1]
        nxt[start:end - 1] = short[start + 1:end]
        block = p1[start:end]
        pmean[start:end] = block.mean(0)
        csum = np.vstack([np.zeros((1, k)), np.cumsum(block, 0)])
        for i in range(count):
            lo, hi = max(0, i - WINDOW), min(count, i + WINDOW + 1)
            wmax[start + i] = block[lo:hi].max(0)
            wmean[start + i] = (csum[hi] - csum[lo]) / (hi - lo)
    return np.hstack([base, prev, nxt, wmax, wmean, pmean])


# ---------------------------------------------------------------------------- trees without pickle
class _Trees:
    """Fitted sklearn HistGradientBoostingClassifiers (binary), one per label, as node tables
    evaluated together: every row walks every tree one level per step, in numpy."""

    FIELDS = ("value", "feature_idx", "num_threshold", "left", "right", "is_leaf")

    def __init__(self, baselines: np.ndarray, tables: list[list[np.ndarray]]):
        self.baselines = np.asarray(baselines, dtype=np.float64)
        self.tables = tables                      # per label: list of (n_nodes, 6) arrays
        flat, roots, owner = [], [], []
        offset = 0
        for j, trees in enumerate(tables):
            for t in trees:
                t = t.copy()
                t[:, 3] += offset                 # children as global node indices
                t[:, 4] += offset
                flat.append(t)
                roots.append(offset)
                owner.append(j)
                offset += len(t)
        table = np.concatenate(flat) if flat else np.zeros((0, 6))
        self._value = table[:, 0]
        self._feature = table[:, 1].astype(np.int64)
        self._threshold = table[:, 2]
        self._left = table[:, 3].astype(np.int64)
        self._right = table[:, 4].astype(np.int64)
        self._leaf = table[:, 5] > 0
        self._roots = np.asarray(roots, dtype=np.int64)
        self._owner = np.asarray(owner, dtype=np.int64)

    @classmethod
    def from_sklearn(cls, models) -> "_Trees":
        tables, baselines = [], []
        for model in models:
            trees = []
            for (pred,) in model._predictors:
                nd = pred.nodes
                if nd["is_categorical"].any():
                    raise ModelError("categorical splits are not supported")
                trees.append(np.stack([nd[f].astype(np.float64) for f in cls.FIELDS], axis=1))
            tables.append(trees)
            baselines.append(float(np.ravel(model._baseline_prediction)[0]))
        return cls(np.array(baselines), tables)

    def predict(self, X: np.ndarray, block: int = 256) -> np.ndarray:
        """Probabilities, rows x labels (rows in blocks, so memory stays at block x trees)."""
        if X.shape[0] > block:
            return np.vstack([self.predict(X[i:i + block], block) for i in range(0, X.shape[0], block)])
        n = X.shape[0]
        node = np.broadcast_to(self._roots, (n, len(self._roots))).copy()
        rows = np.arange(n)[:, None]
        while True:
            active = ~self._leaf[node]
            if not active.any():
                break
            go_left = X[rows, self._feature[node]] <= self._threshold[node]
            nxt = np.where(go_left, self._left[node], self._right[node])
            node = np.where(active, nxt, node)
        raw = np.zeros((n, len(self.baselines))) + self.baselines
        values = self._value[node]                  # (n, n_trees)
        for j in range(len(self.baselines)):
            raw[:, j] += values[:, self._owner == j].sum(1)
        return 1.0 / (1.0 + np.exp(-raw))


# ---------------------------------------------------------------------------- the model
@dataclass
class SentenceVectors:
    """Level 1's dense block: ``weight * (table.embed(text) - mean)``, with a coefficient row per label
    (zero for the labels of layers that do not use it)."""
    table: WordVectors
    coef: np.ndarray                       # (n_labels, dim)
    mean: np.ndarray                       # (dim,) mean training vector
    weight: float
    layers: list[str]

    def design(self, texts: list[str]) -> np.ndarray:
        return self.weight * (self.table.embed(texts) - self.mean)


@dataclass
class TaggerModel:
    labels: list[tuple[str, str]]          # (layer, label) per column
    coef: sparse.csr_matrix                # level 1: (n_labels, N_FEATURES)
    intercept: np.ndarray
    trees: _Trees | None                   # level 2 (None: level 1 only)
    calibration: dict[str, tuple[np.ndarray, np.ndarray]]   # layer -> (x, y) isotonic steps
    thresholds: dict[str, float]           # layer -> default threshold on calibrated scores
    relevance: dict                        # coef (sparse row), intercept, agg_coef, threshold, top_share
    meta: dict
    path: Path | None = None
    # "layer:label" -> threshold, overriding the layer's for that label (absent: the layer threshold)
    label_thresholds: dict[str, float] = field(default_factory=dict)
    vectors: SentenceVectors | None = None
    actor: ActorModel | None = None         # the recommendation's actor (None: the rule finder's)

    # -- prediction
    @cached_property
    def _coef_t(self):
        """coef transposed, in CSR once: ``X @ coef.T`` converted the CSC transpose on every call
        (about a tenth of the whole tagging pipeline's time)."""
        return self.coef.T.tocsr()

    @cached_property
    def _relevance_coef_t(self):
        return self.relevance["coef"].T.tocsr()

    def level1(self, feats: list[list[str]], texts: list[str] | None = None) -> np.ndarray:
        X = hasher().transform(feats)
        z = np.asarray((X @ self._coef_t).todense()) + self.intercept
        if self.vectors is not None:
            if texts is None or len(texts) != len(feats):
                raise ModelError("this model reads the sentence texts too (its word-vector table)")
            z += self.vectors.design(texts) @ self.vectors.coef.T
        return 1.0 / (1.0 + np.exp(-z))

    def predict(self, feats: list[list[str]], passages: list[tuple[int, int]] | None = None,
                texts: list[str] | None = None) -> np.ndarray:
        """Calibrated probability per sentence (rows) and label (columns); ``texts``: the sentences'
        text, needed when the model has a word-vector block."""
        if not feats:
            return np.zeros((0, len(self.labels)))
        p1 = self.level1(feats, texts)
        if self.trees:
            Z = level2_features(p1, feats, self.labels, passages or [(0, len(feats))])
            p = self.trees.predict(Z)
        else:
            p = p1
        return self.calibrate(p)

    def calibrate(self, p: np.ndarray) -> np.ndarray:
        out = p.copy()
        for j, (layer, _) in enumerate(self.labels):
            cal = self.calibration.get(layer)
            if cal is not None:
                out[:, j] = np.interp(p[:, j], cal[0], cal[1])
        return out

    def layer_columns(self, layer: str) -> list[int]:
        return [j for j, (l, _) in enumerate(self.labels) if l == layer]

    def relevance_score(self, chunk_feats: list[list[str]], chunk_probs: list[np.ndarray]) -> float:
        """Document relevance: each chunk of about 25 sentences scored, the mean of the top share of
        chunks (``top_share`` 1.0: of all chunks, so a few sentences on discrimination in a long
        document on something else do not make it relevant)."""
        if not chunk_feats:
            return 0.0
        rel = self.relevance
        X = doc_hasher().transform(chunk_feats)
        agg = np.stack([relevance_aggregate(p, self.labels) for p in chunk_probs])
        z = np.asarray((X @ self._relevance_coef_t).todense()).ravel() + agg @ rel["agg_coef"] + rel["intercept"]
        scores = np.sort(1.0 / (1.0 + np.exp(-z)))[::-1]
        k = max(1, int(np.ceil(len(scores) * rel["top_share"])))
        return float(scores[:k].mean())

    # -- persistence
    def save(self, folder: Path) -> None:
        from miner.atomic import atomic_path, write_text
        folder.mkdir(parents=True, exist_ok=True)
        arrays = {"coef_data": self.coef.data.astype(np.float32), "coef_indices": self.coef.indices.astype(np.int32),
                  "coef_indptr": self.coef.indptr.astype(np.int64), "intercept": self.intercept.astype(np.float64),
                  "rel_data": self.relevance["coef"].data.astype(np.float32),
                  "rel_indices": self.relevance["coef"].indices.astype(np.int32),
                  "rel_indptr": self.relevance["coef"].indptr.astype(np.int64),
                  "rel_agg": np.asarray(self.relevance["agg_coef"], dtype=np.float64)}
        if self.vectors is not None:
            arrays["vec_coef"] = self.vectors.coef.astype(np.float64)
            arrays["vec_mean"] = self.vectors.mean.astype(np.float64)
        for layer, (x, y) in self.calibration.items():
            arrays[f"cal_{layer}_x"] = np.asarray(x, dtype=np.float64)
            arrays[f"cal_{layer}_y"] = np.asarray(y, dtype=np.float64)
        if self.trees is not None:
            arrays["tree_baselines"] = self.trees.baselines
            for j, trees in enumerate(self.trees.tables):
                arrays[f"tree_{j}"] = np.concatenate(trees) if trees else np.zeros((0, 6))
                arrays[f"tree_{j}_sizes"] = np.array([len(t) for t in trees], dtype=np.int64)
        with atomic_path(folder / "arrays.npz") as tmp:
            with open(tmp, "wb") as f:
                np.savez_compressed(f, **arrays)
        digest = hashlib.sha256((folder / "arrays.npz").read_bytes()).hexdigest()
        meta = dict(self.meta, format=FORMAT, labels=[list(x) for x in self.labels], thresholds=self.thresholds,
                    label_thresholds={k: float(v) for k, v in self.label_thresholds.items()},
                    levels=2 if self.trees else 1, arrays_sha256=digest,
                    relevance={"intercept": float(self.relevance["intercept"]),
                               "threshold": float(self.relevance["threshold"]),
                               "top_share": float(self.relevance["top_share"])})
        if self.vectors is not None:
            table = self.vectors.table
            meta["vectors"] = {"name": self._place_table(folder),
                               "sha256": table.sha256, "dim": table.dim, "weight": float(self.vectors.weight),
                               "layers": list(self.vectors.layers)}
        else:
            meta.pop("vectors", None)
        if self.actor is not None:
            meta["actor"] = self.actor.to_json()
        else:
            meta.pop("actor", None)
        write_text(folder / "model.json", json.dumps(meta, indent=1, ensure_ascii=False) + "\n")

    def _place_table(self, folder: Path) -> str:
        """The word-vector table must sit next to the model folder (that is where ``load`` looks): a
        table loaded from elsewhere is copied there, byte for byte; a different table of that name
        is never overwritten."""
        from miner.atomic import atomic_path
        table = self.vectors.table
        if table.path is None:
            raise ModelError("the word-vector table has no folder (save it first)")
        name = Path(table.path).name
        try:
            target = vectors_folder(folder.parent, name)
        except VectorsError as exc:
            raise ModelError(str(exc)) from None
        if target.resolve() == Path(table.path).resolve():
            return name
        try:
            found = load_vectors(target)
        except VectorsError:
            found = None
        if found is not None:
            if found.sha256 != table.sha256:
                raise ModelError(f"{target}: a different word-vector table is already there; "
                                 "save the model elsewhere or move that table")
            return name
        target.mkdir(parents=True, exist_ok=True)
        for f in ("vectors.npz", "vectors.json"):     # the checksum file last
            with atomic_path(target / f) as tmp:
                Path(tmp).write_bytes((Path(table.path) / f).read_bytes())
        return name

    @classmethod
    def load(cls, folder: str | Path) -> "TaggerModel":
        folder = Path(folder)
        meta, a = read_checked(folder, "model.json", "arrays.npz", FORMAT, "arrays_sha256", "tagger model",
                               ModelError)
        labels = [tuple(x) for x in meta["labels"]]
        coef = sparse.csr_matrix((a["coef_data"], a["coef_indices"], a["coef_indptr"]),
                                 shape=(len(labels), N_FEATURES))
        trees = None
        if meta.get("levels") == 2:
            tables = []
            for j in range(len(labels)):
                flat, sizes = a[f"tree_{j}"], a[f"tree_{j}_sizes"]
                tables.append(np.split(flat, np.cumsum(sizes)[:-1]) if len(sizes) else [])
            trees = _Trees(a["tree_baselines"], tables)
        calibration = {}
        for layer in SCORED:
            if f"cal_{layer}_x" in a:
                calibration[layer] = (a[f"cal_{layer}_x"], a[f"cal_{layer}_y"])
        rel_meta = meta["relevance"]
        relevance = {"coef": sparse.csr_matrix((a["rel_data"], a["rel_indices"], a["rel_indptr"]),
                                               shape=(1, N_FEATURES)),
                     "agg_coef": a["rel_agg"], "intercept": rel_meta["intercept"],
                     "threshold": rel_meta["threshold"], "top_share": rel_meta["top_share"]}
        vectors = None
        if meta.get("vectors"):
            v = meta["vectors"]
            try:
                # the table lives next to the model folder, under a plain name (never a path from the file)
                table = load_vectors(vectors_folder(folder.parent, str(v.get("name", ""))))
            except VectorsError as exc:
                raise ModelError(f"{folder}: {exc}") from None
            if table.sha256 != v.get("sha256"):
                raise ModelError(f"{folder}: trained with word-vector table {v.get('name')} {str(v.get('sha256'))[:12]}, "
                                 f"found {table.sha256[:12]} (retrain with `miner tag train`)")
            vectors = SentenceVectors(table, a["vec_coef"], a["vec_mean"], float(v["weight"]), list(v["layers"]))
        actor = None
        if meta.get("actor"):
            try:
                actor = ActorModel.from_json(meta["actor"])
            except ValueError as exc:
                raise ModelError(f"{folder}: {exc}") from None
        return cls(labels, coef, a["intercept"], trees, calibration, meta["thresholds"], relevance, meta, folder,
                   label_thresholds={k: float(v) for k, v in (meta.get("label_thresholds") or {}).items()},
                   vectors=vectors, actor=actor)

    @property
    def name(self) -> str:
        name = f"{self.meta.get('name', 'miner_tagger')} {self.meta.get('version', '')}".strip()
        if self.vectors is not None:
            name += f" + word vectors {self.meta.get('vectors', {}).get('name', '')}".rstrip()
        return name


def relevance_aggregate(p: np.ndarray, labels) -> np.ndarray:
    """Dense per-chunk summary of calibrated sentence probabilities: per layer the max, the mean
    and the share of sentences above 0.5."""
    out = []
    for layer in SCORED:
        cols = [j for j, (l, _) in enumerate(labels) if l == layer]
        block = p[:, cols].max(1) if len(p) else np.zeros(1)
        out.extend([float(block.max()), float(block.mean()), float((block >= 0.5).mean())])
    return np.array(out)


def chunk_rows(n: int, size: int = 25) -> list[tuple[int, int]]:
    """Row ranges of about ``size`` sentences that make up a document's relevance chunks."""
    if n <= 0:
        return []
    k = max(1, round(n / size))
    bounds = np.linspace(0, n, k + 1).astype(int)
    return [(int(a), int(b)) for a, b in zip(bounds, bounds[1:]) if b > a]
