"""The learned tagger: training on labelled passages, the saved model (no pickle, checksummed),
calibrated confidence on every annotation, document relevance and its override, long documents
in pieces, one failing document never stopping the others, and determinism."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from spacy.language import Language

from tests.test_tag_support import ROOT, blank_dir  # noqa: F401  (fixture)

FIXTURE_TRAIN = ROOT / "tests" / "fixtures" / "tagger_train"
SHIPPED = ROOT / "models" / "miner_tagger"


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory, blank_dir):
    """A model trained on the test's own eight passages with the blank Dutch pipeline (fast)."""
    from miner import config
    from miner.nlp.learned.train import train
    from miner.nlp.tagging.pipeline import build, taxonomy_for
    cfg = config.from_dict({"nlp": {"pipeline": str(blank_dir)}}, tmp_path_factory.mktemp("cfg"))
    nlp = build(cfg, learned=False)
    model, report = train(nlp, taxonomy_for(cfg), sorted(FIXTURE_TRAIN.glob("train_*.jsonl")),
                          settings={"folds": 2}, log=lambda m: None)
    out = tmp_path_factory.mktemp("model") / "miner_tagger"
    model.save(out)
    return out, report, blank_dir


def _cfg(tmp_path, model_dir, blank_dir, **nlp):
    from miner import config
    return config.from_dict({"nlp": {"pipeline": str(blank_dir), "tagger_model": str(model_dir), **nlp}}, tmp_path)


def test_training_records_seed_data_hashes_and_scores(tiny_model):
    out, report, _ = tiny_model
    meta = json.loads((out / "model.json").read_text())
    assert meta["settings"]["seed"] == 0 and meta["settings"]["folds"] == 2
    assert set(meta["data"]) == {"train_A.jsonl", "train_B.jsonl"}
    assert all(len(h) == 64 for h in meta["data"].values())
    assert meta["n_sentences"] == 24 and meta["levels"] == 1
    assert set(report["layers"]) == {"ground", "mechanism", "recommendation"}
    for layer in report["layers"].values():
        assert 0 <= layer["f1"] <= 1 and 0 < layer["threshold"] < 1
    assert report["relevance"]["n"] == 8


def test_model_round_trip_without_pickle(tiny_model):
    from miner.nlp.learned.model import TaggerModel
    out, _, _ = tiny_model
    model = TaggerModel.load(out)
    feats = [["w:discriminatie", "l:discrimineren", "H:context:discrimination:basic"], ["w:bibliotheek"]]
    p = model.predict(feats)
    assert p.shape == (2, len(model.labels)) and ((p >= 0) & (p <= 1)).all()
    again = TaggerModel.load(out).predict(feats)
    assert np.array_equal(p, again)
    with np.load(out / "arrays.npz", allow_pickle=False) as a:  # plain arrays only
        assert all(a[k].dtype != object for k in a.files)


def test_damaged_model_is_refused_with_one_line(tiny_model, tmp_path):
    from miner.nlp.learned.model import ModelError, TaggerModel
    out, _, _ = tiny_model
    bad = tmp_path / "bad"
    shutil.copytree(out, bad)
    data = bytearray((bad / "arrays.npz").read_bytes())
    data[-100] ^= 0xFF
    (bad / "arrays.npz").write_bytes(bytes(data))
    with pytest.raises(ModelError, match="checksum"):
        TaggerModel.load(bad)
    with pytest.raises(ModelError, match="not a miner tagger model"):
        TaggerModel.load(tmp_path / "nothing-here")


def test_trees_match_sklearn():
    from sklearn.ensemble import HistGradientBoostingClassifier
    from miner.nlp.learned.model import _Trees
    rng = np.random.default_rng(0)
    X = rng.random((300, 6))
    models = [HistGradientBoostingClassifier(max_iter=20, random_state=0).fit(X, X[:, j] + X[:, j + 1] > 1)
              for j in range(3)]
    ours = _Trees.from_sklearn(models).predict(X)
    ref = np.stack([m.predict_proba(X)[:, 1] for m in models], axis=1)
    assert np.allclose(ours, ref)


def test_every_annotation_has_a_confidence_and_the_document_a_relevance(tiny_model, tmp_path):
    from miner.nlp.tagging.pipeline import build, tag_records
    out, _, blank = tiny_model
    nlp = build(_cfg(tmp_path, out, blank))
    text = ("Gemeenten moeten een meldpunt voor discriminatie inrichten. Moslimvrouwen met een hoofddoek "
            "worden vaker afgewezen bij sollicitaties. De bibliotheek is op zaterdag geopend.")
    res = next(tag_records(nlp, [text]))
    assert res.error is None and res.records
    for r in res.records:
        assert r["confidence"] is not None and 0.0 <= r["confidence"] <= 1.0
    assert 0.0 <= res.relevance <= 1.0
    # same text, same tags: deterministic
    again = next(tag_records(nlp, [text]))
    assert again.records == res.records and again.relevance == res.relevance


def test_thresholds_from_config_decide(tiny_model, tmp_path):
    from miner.nlp.tagging.pipeline import build, tag_records
    out, _, blank = tiny_model
    text = "Gemeenten moeten een meldpunt voor discriminatie inrichten. Het zwembad is dicht."
    strict = build(_cfg(tmp_path / "a", out, blank, threshold_ground=1.0, threshold_mechanism=1.0,
                        threshold_recommendation=1.0))
    recs = next(tag_records(strict, [text])).records
    assert not [r for r in recs if r["layer"] in ("ground", "mechanism", "recommendation")]


def test_long_document_is_tagged_in_pieces_and_a_failure_stops_nothing(tiny_model, tmp_path, monkeypatch):
    from miner.nlp.tagging import pipeline
    out, _, blank = tiny_model
    nlp = pipeline.build(_cfg(tmp_path, out, blank))
    para = "Moslimvrouwen met een hoofddoek worden vaker afgewezen bij sollicitaties. Het zwembad is dicht.\n\n"
    long_text = para * (1_300_000 // len(para) + 1)
    assert len(long_text) > 1_300_000 > nlp.max_length
    monkeypatch.setattr(pipeline, "PIECE_CHARS", 100_000)
    results = list(pipeline.tag_records(nlp, ["Het zwembad is dicht.", long_text, para], batch_size=4))
    assert [r.error for r in results] == [None, None, None]
    big = results[1]
    assert max(r["end"] for r in big.records) > 1_200_000       # offsets into the whole text
    for r in big.records[:50] + big.records[-50:]:
        assert long_text[r["start"]:r["end"]] == r["text"]


@Language.component("miner_test_explode")
def _explode(doc):
    if "KAPOT" in doc.text:
        raise RuntimeError("boom")
    return doc


def test_a_document_that_breaks_the_pipeline_is_recorded_and_the_rest_tagged(tiny_model, tmp_path):
    from miner.nlp.tagging import pipeline
    out, _, blank = tiny_model
    nlp = pipeline.build(_cfg(tmp_path, out, blank))

    nlp.add_pipe("miner_test_explode", first=True)
    try:
        results = list(pipeline.tag_records(nlp, ["Het zwembad is dicht.", "KAPOT tekst", "Gemeenten moeten melden."],
                                            batch_size=8))
    finally:
        nlp.remove_pipe("miner_test_explode")
    assert results[0].error is None and results[2].error is None
    assert results[1].error and "boom" in results[1].error


def test_split_pieces_cuts_at_paragraphs():
    from miner.nlp.tagging.pipeline import split_pieces
    text = ("Een zin. " * 30 + "\n\n") * 50
    pieces = split_pieces(text, size=1000)
    assert "".join(p for _, p in pieces) == text
    assert all(len(p) <= 1000 for _, p in pieces)
    assert all(p.endswith("\n\n") for _, p in pieces[:-1])
    assert [o for o, _ in pieces] == [sum(len(p) for _, p in pieces[:i]) for i in range(len(pieces))]


@pytest.mark.skipif(not (SHIPPED / "model.json").exists(), reason="no shipped tagger model")
def test_shipped_model_loads_and_is_small():
    from miner.nlp.learned.model import TaggerModel
    model = TaggerModel.load(SHIPPED)
    assert {l for l, _ in model.labels} == {"ground", "mechanism", "recommendation"}
    size = sum(p.stat().st_size for p in (ROOT / "models").rglob("*") if p.is_file())
    assert size < 60 * 1024 * 1024
