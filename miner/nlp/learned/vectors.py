"""Static Dutch word vectors for the learned tagger: a sentence becomes one dense vector.

The table is built offline by ``scripts/build_word_vectors.py`` (multilingual-e5-small, each word
of a Dutch vocabulary embedded alone, centred, projected and quantised to int8) and shipped in
``models/<name>/``. A sentence vector is the frequency-weighted mean of its words' vectors
(SIF weights ``a / (a + p(word))``, stored with the table), L2-normalised. A word missing from the
vocabulary takes its longest known suffix of ``min_suffix`` letters or more: for a Dutch compound
that is its head (``buurtteamwerkers`` -> ``werkers``). Nothing here unpickles.

Files: ``vectors.npz`` (``words``: the vocabulary as UTF-8, one word per line; ``codes``: int8
rows; ``scales``: float32 per row; ``weights``: float32 SIF weight per word) and ``vectors.json``
(recipe, sources, licences and the sha256 of ``vectors.npz``).
"""
from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import numpy as np

from miner.nlp.learned.checked import load_cached, read_checked

FORMAT = 1
WORD = re.compile(r"[^\W\d_]+(?:[-'][^\W\d_]+)*", re.U)
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


class VectorsError(Exception):
    pass


class WordVectors:
    def __init__(self, words: list[str], matrix: np.ndarray, weights: np.ndarray, meta: dict | None = None,
                 path: Path | None = None):
        if len(words) != len(matrix) or len(words) != len(weights):
            raise VectorsError("words, vectors and weights differ in length")
        self.words = words
        self.index = {w: i for i, w in enumerate(words)}
        self.matrix = np.ascontiguousarray(matrix, dtype=np.float32)
        self.weights = np.asarray(weights, dtype=np.float32)
        self.meta = dict(meta or {})
        self.path = path
        self.min_suffix = int(self.meta.get("min_suffix", 4))
        self._oov: dict[str, int] = {}

    @property
    def dim(self) -> int:
        return self.matrix.shape[1]

    @property
    def sha256(self) -> str:
        return self.meta.get("sha256", "")

    def lookup(self, word: str) -> int:
        """Row of ``word`` (lower case), its longest known suffix of ``min_suffix``+ letters, or -1."""
        i = self.index.get(word)
        if i is not None:
            return i
        i = self._oov.get(word)
        if i is not None:
            return i
        i = -1
        for k in range(1, len(word) - self.min_suffix + 1):
            j = self.index.get(word[k:])
            if j is not None:
                i = j
                break
        if len(self._oov) > 200_000:
            self._oov.clear()
        self._oov[word] = i
        return i

    def embed(self, texts: list[str]) -> np.ndarray:
        """One L2-normalised vector per text (zeros for a text without a known word)."""
        rows, owner = [], []
        for n, text in enumerate(texts):
            for w in WORD.findall(text.lower()):
                i = self.lookup(w)
                if i >= 0:
                    rows.append(i)
                    owner.append(n)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if rows:
            rows_a = np.asarray(rows)
            np.add.at(out, np.asarray(owner), self.matrix[rows_a] * self.weights[rows_a, None])
            norm = np.linalg.norm(out, axis=1, keepdims=True)
            np.divide(out, norm, out=out, where=norm > 0)
        return out

    # -- persistence
    def save(self, folder: Path, meta: dict | None = None) -> None:
        from miner.atomic import atomic_path, write_text
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        scales = np.abs(self.matrix).max(1) / 127.0
        scales[scales == 0] = 1.0
        codes = np.clip(np.rint(self.matrix / scales[:, None]), -127, 127).astype(np.int8)
        words = np.frombuffer("\n".join(self.words).encode("utf-8"), dtype=np.uint8)
        with atomic_path(folder / "vectors.npz") as tmp:
            with open(tmp, "wb") as f:
                np.savez_compressed(f, words=words, codes=codes, scales=scales.astype(np.float32),
                                    weights=self.weights.astype(np.float32))
        digest = hashlib.sha256((folder / "vectors.npz").read_bytes()).hexdigest()
        info = dict(self.meta, **(meta or {}), format=FORMAT, n_words=len(self.words), dim=self.dim,
                    min_suffix=self.min_suffix, sha256=digest)
        write_text(folder / "vectors.json", json.dumps(info, indent=1, ensure_ascii=False) + "\n")
        self.meta = info

    @classmethod
    def load(cls, folder: str | Path) -> "WordVectors":
        folder = Path(folder)
        meta, a = read_checked(folder, "vectors.json", "vectors.npz", FORMAT, "sha256", "word-vector table",
                               VectorsError)
        try:
            words = a["words"].tobytes().decode("utf-8").split("\n")
            matrix = a["codes"].astype(np.float32) * a["scales"][:, None]
            return cls(words, matrix, a["weights"], meta, folder)
        except (KeyError, ValueError, UnicodeDecodeError) as exc:
            raise VectorsError(f"{folder}/vectors.npz: unreadable ({exc})") from None


def vectors_folder(models_dir: str | Path, name: str) -> Path:
    """``models_dir/name``; ``name`` must be a plain folder name (no path: a model file cannot point
    outside the models folder)."""
    if not NAME.match(name or ""):
        raise VectorsError(f"word-vector table name {name!r} is not a plain folder name")
    return Path(models_dir) / name


def load_vectors(folder: str | Path) -> WordVectors:
    return load_cached(WordVectors.load, folder, "vectors.json", VectorsError,
                       "no word-vector table here (scripts/build_word_vectors.py builds one)")


def from_config(cfg, name: str | None = None) -> WordVectors | None:
    """The table ``name`` (default ``[nlp] word_vectors``) under ``[store] models_dir``; None for ''."""
    name = cfg["nlp"]["word_vectors"] if name is None else name
    if not name:
        return None
    try:
        return load_vectors(vectors_folder(cfg["store"]["models_dir"], name))
    except VectorsError as exc:
        raise VectorsError(f"[nlp] word_vectors = {name!r}: {exc}") from None
