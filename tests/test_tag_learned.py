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


@pytest.mark.skipif(not (SHIPPED / "model.json").exists(), reason="no shipped tagger model")
def test_thresholds_from_config_decide(tiny_model, tmp_path):
    from miner.nlp.tagging.pipeline import build, tag_records
    _, _, blank = tiny_model
    out = SHIPPED
    text = ("Gemeenten moeten een meldpunt voor discriminatie inrichten. Het zwembad is dicht. Moslimvrouwen "
            "met een hoofddoek worden vaker afgewezen. Sociaal werkers zouden een training moeten volgen.")
    scored = ("ground", "mechanism", "recommendation")
    counts = []
    for t in (0.05, 0.9):
        nlp = build(_cfg(tmp_path / str(t), out, blank, threshold_ground=t, threshold_mechanism=t,
                         threshold_recommendation=t))
        recs = [r for r in next(tag_records(nlp, [text])).records if r["layer"] in scored]
        assert all(r["confidence"] >= t for r in recs)
        counts.append(len(recs))
    assert counts[0] > counts[1]


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


# --------------------------------------------------------------------------- end to end, shipped model
@pytest.fixture
def learned_project(tmp_path, blank_dir, monkeypatch):
    if not (SHIPPED / "model.json").exists():
        pytest.skip("no shipped tagger model")
    (tmp_path / "config.toml").write_text(
        f'[store]\nmodels_dir = "{ROOT / "models"}"\n[extract]\nworkers = 1\n[nlp]\npipeline = "{blank_dir}"\n',
        encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("MINER_CONFIG", raising=False)
    return tmp_path


ON_TOPIC = ("Moslimvrouwen met een hoofddoek worden vaker afgewezen bij sollicitaties. Dat is discriminatie op "
            "grond van religie. Gemeenten moeten een meldpunt voor discriminatie inrichten en slachtoffers "
            "ondersteunen. Sociaal werkers zouden een training over vooroordelen moeten volgen.\n")
OFF_TOPIC = ("De gemeente verlengt de openingstijden van het zwembad in de zomer. Een datalek moet binnen 72 uur "
             "gemeld worden bij de toezichthouder. De app registreert via bluetooth welke telefoons in de buurt "
             "waren. Handhaving van de parkeerregels ligt bij de stadstoezichthouders.\n")


def _cli(*args, input=None):
    from click.testing import CliRunner
    from miner.cli import main
    return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)


def test_tag_json_carries_confidence_and_relevance(learned_project):
    r = _cli("tag", "-", "--json", input=ON_TOPIC)
    assert r.exit_code == 0, r.output
    rows = [json.loads(line) for line in r.stdout.splitlines() if line.startswith("{")]
    assert rows
    for row in rows:
        assert isinstance(row["confidence"], float) and 0.0 <= row["confidence"] <= 1.0
        assert 0.0 <= row["relevance"] <= 1.0
    status = _cli("status")
    assert "tagger: learned miner_tagger" in status.output


def test_relevance_flags_off_topic_documents_and_a_researcher_overrides(learned_project):
    (learned_project / "docs").mkdir()
    (learned_project / "docs" / "over-discriminatie.txt").write_text(ON_TOPIC * 3, encoding="utf-8")
    (learned_project / "docs" / "zwembad-en-datalek.txt").write_text(OFF_TOPIC * 3, encoding="utf-8")
    r = _cli("add", "docs")
    assert r.exit_code == 0, r.output
    listing = _cli("relevance", "--json")
    rows = {json.loads(line)["title"] or "": json.loads(line) for line in listing.stdout.splitlines()}
    by_id = {v["document_id"]: v for v in rows.values()}
    on = next(v for v in by_id.values() if v["relevance"] == max(x["relevance"] for x in by_id.values()))
    off = next(v for v in by_id.values() if v is not on)
    assert on["relevant"] and not off["relevant"] and on["relevance"] > off["relevance"]
    assert "relevance: 1 of 2" in _cli("status").output
    # the researcher decides otherwise: the override wins and is listed as theirs
    assert _cli("relevance", str(off["document_id"]), "--relevant").exit_code == 0
    after = {json.loads(line)["document_id"]: json.loads(line) for line in _cli("relevance", "--json").stdout.splitlines()}
    assert after[off["document_id"]]["relevant"] and after[off["document_id"]]["decided_by"] == "researcher"
    assert _cli("relevance", str(off["document_id"]), "--clear").exit_code == 0
    assert _cli("relevance", "999", "--not-relevant").exit_code == 1
    # re-tagging keeps the override
    _cli("relevance", str(off["document_id"]), "--relevant")
    assert _cli("tag", "--all").exit_code == 0
    again = {json.loads(line)["document_id"]: json.loads(line) for line in _cli("relevance", "--json").stdout.splitlines()}
    assert again[off["document_id"]]["decided_by"] == "researcher"


def test_tagging_is_the_same_in_two_processes(learned_project):
    import os
    import subprocess
    import sys
    outs = []
    for seed in ("1", "2"):
        env = dict(os.environ, PYTHONHASHSEED=seed, PYTHONPATH=str(ROOT))
        p = subprocess.run([sys.executable, "-m", "miner", "tag", "-", "--json"], input=ON_TOPIC + OFF_TOPIC,
                           capture_output=True, text=True, env=env, cwd=learned_project, timeout=300)
        assert p.returncode == 0, p.stderr
        outs.append(p.stdout)
    assert outs[0] == outs[1] and outs[0]


def _review_passages(n: int, seed: int = 0):
    """Reviewed sentences (as `miner review` hands them to training) of a label the tiny model never saw:
    empathie, in our own varied Dutch."""
    import random
    from miner.nlp.learned.data import Passage
    rng = random.Random(seed)
    who = ["Jongeren", "Vrijwilligers", "Buurtbewoners", "Leerlingen", "Medewerkers", "Agenten", "Sporters"]
    verb = ["leren zich inleven in", "horen de persoonlijke verhalen van", "nemen het perspectief in van",
            "luisteren naar de ervaringen van", "voelen zich in in de situatie van"]
    other = ["vluchtelingen", "mensen met een beperking", "nieuwe buren", "ervaringsdeskundigen",
             "transgender personen", "ouderen in de wijk", "moslimvrouwen"]
    tail = ["tijdens een gesprek.", "in een workshop.", "op school.", "bij de sportclub.", "in het buurthuis."]
    out = []
    for i in range(n):
        text = f"{rng.choice(who)} {rng.choice(verb)} {rng.choice(other)} {rng.choice(tail)}"
        out.append(Passage(id=f"review:{i}", group="reviews", text=text, spans=[(0, len(text))],
                           labels=[{"ground": [], "mechanism": ["empathie"], "recommendation": False, "actor": []}],
                           weight=2.0))
    return out


def test_reviews_of_a_missed_label_raise_its_recall(tiny_model, tmp_path):
    """200 reviewed sentences of a label the model missed: trained with 150 of them, the model finds
    that label in the 50 it did not see; without them it does not."""
    from miner import config
    from miner.nlp.learned.data import featurize
    from miner.nlp.learned.train import train
    from miner.nlp.tagging.pipeline import build, taxonomy_for
    _, _, blank = tiny_model
    cfg = config.from_dict({"nlp": {"pipeline": str(blank)}}, tmp_path)
    nlp = build(cfg, learned=False)
    reviews = _review_passages(200)
    seen, held = reviews[:150], reviews[150:]
    featurize(nlp, held, taxonomy_for(cfg))
    paths = sorted(FIXTURE_TRAIN.glob("train_*.jsonl"))

    def recall(model):
        j = model.labels.index(("mechanism", "empathie"))
        p = model.predict([f for h in held for f in h.features])[:, j]
        return float((p >= model.thresholds["mechanism"]).mean())
    without, _ = train(nlp, taxonomy_for(cfg), paths, settings={"folds": 2}, log=lambda m: None)
    with_reviews, _ = train(nlp, taxonomy_for(cfg), paths, extra=seen, settings={"folds": 2}, log=lambda m: None)
    assert recall(without) < 0.2
    assert recall(with_reviews) > 0.8


def test_tag_train_takes_the_stores_reviewed_sentences(learned_project):
    """`miner tag train` reads reviewed sentences from the store (effective labels, review weight)."""
    import sqlite3
    from miner import config
    from miner.cli.tag_cmds import _reviewed_passages
    from miner.review import core
    from miner.store import reviews as store
    (learned_project / "docs").mkdir()
    (learned_project / "docs" / "a.txt").write_text(ON_TOPIC, encoding="utf-8")
    assert _cli("add", "docs").exit_code == 0
    cfg = config.load(learned_project / "config.toml")
    assert _reviewed_passages(cfg) == []                      # no reviews yet: nothing extra
    conn = sqlite3.connect(cfg.database)
    conn.row_factory = sqlite3.Row
    doc_key, text = conn.execute("SELECT doc_key, text FROM documents").fetchone()
    s = "Sociaal werkers zouden een training over vooroordelen moeten volgen."
    start = text.index(s)
    common = dict(reviewer="anna", doc_key=doc_key, sentence_start=start, sentence_end=start + len(s),
                  sentence_hash=store.sentence_hash(s))
    store.record(conn, [core.prepare(conn, core.Taxonomy(cfg), layer="mechanism", label="empathie",
                                     decision="add", **common)])
    conn.close()
    extra = _reviewed_passages(cfg)
    assert len(extra) == 1 and extra[0].text == s and extra[0].spans == [(0, len(s))]
    assert "empathie" in extra[0].labels[0]["mechanism"] and extra[0].weight == cfg["review"]["train_weight"]


def test_training_is_reproducible(tiny_model, tmp_path):
    """Same data, seed and settings: byte-identical arrays (the sha256 in model.json)."""
    from miner import config
    from miner.nlp.learned.train import train
    from miner.nlp.tagging.pipeline import build, taxonomy_for
    out, _, blank = tiny_model
    cfg = config.from_dict({"nlp": {"pipeline": str(blank)}}, tmp_path)
    model, _ = train(build(cfg, learned=False), taxonomy_for(cfg), sorted(FIXTURE_TRAIN.glob("train_*.jsonl")),
                     settings={"folds": 2}, log=lambda m: None)
    model.save(tmp_path / "again")
    first = json.loads((out / "model.json").read_text())["arrays_sha256"]
    assert json.loads((tmp_path / "again" / "model.json").read_text())["arrays_sha256"] == first


def test_cv_folds_keep_own_passages_train_only():
    """Own rows are in every training part of the scored folds and never scored there; each row is
    tested exactly once, own rows by models that did not see them."""
    import numpy as np
    from miner.nlp.learned.train import cv_folds
    groups = np.array(["a", "a", "b", "c", "d", "e", "o1", "o1", "o2", "o3"])
    only = np.array([False] * 6 + [True] * 4)
    folds = cv_folds(groups, only, 3)
    tested = np.concatenate([b for _, b in folds])
    assert sorted(tested) == list(range(len(groups)))
    for a, b in folds:
        assert not set(groups[a]) & set(groups[b])           # a passage is never split
        if not only[b].any():                                 # a scored fold trains on every own row
            assert set(np.flatnonzero(only)) <= set(a)
    assert len(cv_folds(groups[:6], only[:6], 3)) == 3        # without own rows: plain GroupKFold


def test_own_passages_are_trained_on_but_not_scored(tiny_model, tmp_path):
    """Own passages change the model but not what cross-validation scores: the same real sentences
    (tp + fn per layer, relevance n) with and without them; their file hashes are recorded."""
    from miner import config
    from miner.nlp.learned.train import train
    from miner.nlp.tagging.pipeline import build, taxonomy_for
    _, _, blank = tiny_model
    cfg = config.from_dict({"nlp": {"pipeline": str(blank)}}, tmp_path)
    nlp = build(cfg, learned=False)
    own = tmp_path / "own" / "own_x.jsonl"
    own.parent.mkdir()
    texts = ["Sociaal werkers moeten samen met zelforganisaties optrekken tegen discriminatie.",
             "De bibliotheek is op zondag gesloten."]
    own.write_text("".join(json.dumps({"id": f"own{i}", "url": f"own:own{i}", "text": t, "sentences": [
        {"start": 0, "end": len(t), "ground": [], "mechanism": ["samenwerking"] if i == 0 else [],
         "recommendation": i == 0, "actor": ["sociaal_werk"] if i == 0 else []}]}) + "\n"
        for i, t in enumerate(texts)), encoding="utf-8")
    paths = sorted(FIXTURE_TRAIN.glob("train_*.jsonl"))
    _, without = train(nlp, taxonomy_for(cfg), paths, settings={"folds": 2}, log=lambda m: None)
    model, with_own = train(nlp, taxonomy_for(cfg), paths, settings={"folds": 2}, log=lambda m: None,
                            own_paths=[own], own_weight=0.5)
    for layer in ("ground", "mechanism", "recommendation"):
        a, b = without["layers"][layer], with_own["layers"][layer]
        assert a["tp"] + a["fn"] == b["tp"] + b["fn"]
    assert with_own["relevance"]["n"] == without["relevance"]["n"] == 8
    assert with_own["own"] == {"passages": 2, "sentences": 2, "weight": [0.5], "scored": False}
    assert "own/own_x.jsonl" in model.meta["data"] and model.meta["own_passages"] == 2
    assert model.meta["n_sentences"] == 26


def test_own_train_dir_setting(tmp_path):
    """[nlp] own_train_dir: 'builtin' = the repository's passages, empty = none, a folder without
    own_*.jsonl is refused; the shipped own passages are well formed (exact offsets, known labels)."""
    from miner import config
    from miner.nlp.learned.data import OWN_DIR, own_train_paths, read_passages
    from miner.nlp.tagging.pipeline import taxonomy_for
    assert own_train_paths(config.from_dict({"nlp": {"own_train_dir": ""}}, tmp_path)) == []
    with pytest.raises(ValueError, match="no own_"):
        own_train_paths(config.from_dict({"nlp": {"own_train_dir": "nowhere"}}, tmp_path))
    with pytest.raises(config.ConfigError, match="own_train_dir"):
        config.from_dict({"nlp": {"own_train_dir": 3}}, tmp_path)
    paths = own_train_paths(config.from_dict({"nlp": {"own_train_dir": "builtin"}}, tmp_path))
    assert paths and all(p.parent == OWN_DIR for p in paths)
    taxonomy = taxonomy_for(config.from_dict({}, tmp_path))
    known = {layer: set(taxonomy.labels(layer)) for layer in ("ground", "mechanism")}
    actors = {"gemeente", "rijksoverheid", "sociaal_werk", "vrijwilligersorganisatie", "adv", "onderzoek", "onbepaald"}
    passages = read_passages(paths, train_only=True)
    assert len({p.id for p in passages}) == len(passages) and all(p.train_only for p in passages)
    for p in passages:
        for (s, e), lab in zip(p.spans, p.labels):
            assert 0 <= s < e <= len(p.text) and p.text[s:e] == p.text[s:e].strip()
            assert set(lab["ground"]) <= known["ground"] and set(lab["mechanism"]) <= known["mechanism"]
            assert set(lab["actor"]) <= actors and bool(lab["actor"]) == lab["recommendation"]


def test_label_thresholds_shrink_toward_the_layer_threshold():
    from miner.nlp.learned.train import _label_thresholds
    rng = np.random.default_rng(0)
    n = 4000
    Y = np.zeros((n, 3), dtype=bool)
    Y[:1000, 0] = True   # many positives, scores low: its own best threshold is low
    Y[1000:1006, 1] = True   # six positives, scores low too
    Y[2000:2600, 2] = True
    P = rng.random((n, 3)) * 0.2
    P[:1000, 0] = 0.3 + rng.random(1000) * 0.1
    P[1000:1006, 1] = 0.3 + rng.random(6) * 0.1
    P[2000:2600, 2] = 0.6 + rng.random(600) * 0.3
    t = _label_thresholds(Y, P, 0.5, 40, 0.2, 0.8)
    assert 0.2 <= t[0] < 0.35          # 1,000 positives: close to its own optimum (about 0.3)
    assert 0.45 < t[1] <= 0.5          # six positives: stays near the layer's 0.5
    assert t[2] == pytest.approx(0.5, abs=0.1)
    assert all(0.2 <= x <= 0.8 for x in _label_thresholds(Y, P, 0.95, 0, 0.2, 0.8))  # clipped


def test_per_label_thresholds_apply_and_old_models_load_without_them(tiny_model, tmp_path):
    from miner.nlp.learned.model import TaggerModel
    from miner.nlp.tagging.pipeline import build, tag_records
    out, report, blank = tiny_model
    assert report["label_thresholds"]["used"] is False  # off by default: the model holds none
    assert set(report["label_thresholds"]["thresholds"]) == {f"{l}:{x}" for l, x in TaggerModel.load(out).labels
                                                             if l in ("ground", "mechanism")}
    old = tmp_path / "old"
    shutil.copytree(out, old)
    meta = json.loads((old / "model.json").read_text())
    meta.pop("label_thresholds", None)  # a model from before per-label thresholds
    (old / "model.json").write_text(json.dumps(meta))
    assert TaggerModel.load(old).label_thresholds == {}
    text = ("Moslimvrouwen met een hoofddoek worden vaker afgewezen bij sollicitaties vanwege discriminatie. "
            "Gemeenten moeten een meldpunt voor discriminatie inrichten.")

    def tags(model_dir, **nlp):
        recs = next(tag_records(build(_cfg(tmp_path / model_dir.name / str(len(nlp)), model_dir, blank, **nlp)),
                                [text])).records
        return {(r["layer"], r["label"]) for r in recs if r["layer"] in ("ground", "mechanism")}
    before = tags(old)
    assert before == tags(out)
    grounds = {x for l, x in meta["labels"] if l == "ground"}
    assert {x for l, x in before if l == "ground"} != grounds
    # every ground label's threshold at 0: all grounds found, mechanism untouched
    low = tmp_path / "low"
    shutil.copytree(old, low)
    meta["label_thresholds"] = {f"ground:{x}": 0.0 for x in grounds}
    (low / "model.json").write_text(json.dumps(meta))
    assert TaggerModel.load(low).label_thresholds
    got = tags(low)
    assert {x for l, x in got if l == "ground"} == grounds
    assert {x for x in got if x[0] == "mechanism"} == {x for x in before if x[0] == "mechanism"}
    # a layer threshold set in the config overrides the model's per-label ones for that layer
    assert tags(low, threshold_ground=0.99) == tags(old, threshold_ground=0.99)


# --------------------------------------------------------------------------- word-vector block
def _tiny_table(folder: Path, seed: int = 7):
    """A word-vector table of our own: a few Dutch words with fixed vectors, saved as miner saves one."""
    from miner.nlp.learned.vectors import WordVectors
    words = ["discriminatie", "jongeren", "werkers", "gemeente", "meldpunt", "vooroordelen", "bewoners",
             "ontmoetingen", "arbeidsmarkt", "de", "een"]
    rng = np.random.default_rng(seed)
    table = WordVectors(words, rng.normal(size=(len(words), 8)).astype(np.float32),
                        np.array([1.0] * 9 + [0.01, 0.01], dtype=np.float32), {"min_suffix": 4})
    table.save(folder, {"name": folder.name})
    return folder


def test_word_vectors_embed_round_trip_and_compound_heads(tmp_path):
    from miner.nlp.learned.vectors import VectorsError, WordVectors, load_vectors, vectors_folder
    folder = _tiny_table(tmp_path / "tiny_vectors")
    table = WordVectors.load(folder)
    assert table.dim == 8 and len(table.words) == 11
    E = table.embed(["Discriminatie op de arbeidsmarkt.", "Jongerenwerkers!", "", "123 ???"])
    assert E.shape == (4, 8)
    assert np.allclose(np.linalg.norm(E[:2], axis=1), 1, atol=1e-5) and not E[2:].any()
    # a compound missing from the vocabulary takes its longest known head of 4+ letters
    assert table.lookup("jongerenwerkers") == table.index["werkers"]
    assert table.lookup("xyz") == -1
    assert np.allclose(E[1], table.embed(["werkers"])[0], atol=1e-6)
    # int8 storage keeps the vectors to within half a scale step (1/254 of the row's largest value)
    orig = np.random.default_rng(7).normal(size=(11, 8))
    assert (np.abs(table.matrix - orig) <= np.abs(orig).max(1, keepdims=True) / 254 + 1e-6).all()
    assert load_vectors(folder) is load_vectors(folder)      # loaded once per file version
    with pytest.raises(VectorsError, match="plain folder name"):
        vectors_folder(tmp_path, "../elsewhere")
    (folder / "vectors.npz").write_bytes(b"not a table")
    with pytest.raises(VectorsError, match="checksum"):
        WordVectors.load(folder)


def test_model_with_word_vectors_trains_saves_loads_and_predicts(tiny_model, tmp_path):
    """Sentence vectors join level 1 for ground and mechanism only; the model refers to its table by
    name and checksum, next to the model folder, and refuses a different table."""
    from miner import config
    from miner.nlp.learned.model import ModelError, TaggerModel
    from miner.nlp.learned.train import train
    from miner.nlp.learned.vectors import WordVectors
    from miner.nlp.tagging.pipeline import build, taxonomy_for
    _, _, blank = tiny_model
    cfg = config.from_dict({"nlp": {"pipeline": str(blank)}}, tmp_path)
    table = WordVectors.load(_tiny_table(tmp_path / "tables" / "tiny_vectors"))
    paths = sorted(FIXTURE_TRAIN.glob("train_*.jsonl"))
    model, report = train(build(cfg, learned=False), taxonomy_for(cfg), paths, settings={"folds": 2},
                          log=lambda m: None, vectors=table)
    v = model.vectors
    assert v is not None and v.coef.shape == (len(model.labels), 8)
    rec = model.layer_columns("recommendation")
    assert not v.coef[rec].any() and v.coef[model.layer_columns("mechanism")].any()
    out = tmp_path / "models" / "miner_tagger"
    model.save(out)
    # the table was copied next to the model, byte for byte
    assert (tmp_path / "models" / "tiny_vectors" / "vectors.npz").read_bytes() == \
        (tmp_path / "tables" / "tiny_vectors" / "vectors.npz").read_bytes()
    meta = json.loads((out / "model.json").read_text())
    assert meta["vectors"]["name"] == "tiny_vectors" and meta["settings"]["vectors"] == "tiny_vectors"
    loaded = TaggerModel.load(out)
    feats = [["w:discriminatie", "H:context:discrimination:basic"], ["w:bibliotheek"]]
    texts = ["Discriminatie van jongeren.", "De bibliotheek."]
    assert np.allclose(loaded.predict(feats, texts=texts), model.predict(feats, texts=texts))
    assert "tiny_vectors" in loaded.name
    with pytest.raises(ModelError, match="sentence texts"):
        loaded.predict(feats)
    # same data, seed and table: the same arrays
    again, _ = train(build(cfg, learned=False), taxonomy_for(cfg), paths, settings={"folds": 2},
                     log=lambda m: None, vectors=table)
    again.save(tmp_path / "models" / "again")
    assert json.loads((tmp_path / "models" / "again" / "model.json").read_text())["arrays_sha256"] == \
        meta["arrays_sha256"]
    # another table under that name: the model refuses it, saving never overwrites it
    shutil.rmtree(tmp_path / "models" / "tiny_vectors")
    _tiny_table(tmp_path / "models" / "tiny_vectors", seed=8)
    with pytest.raises(ModelError, match="trained with word-vector table tiny_vectors"):
        TaggerModel.load(out)
    with pytest.raises(ModelError, match="different word-vector table is already there"):
        model.save(tmp_path / "models" / "third")
    shutil.rmtree(tmp_path / "models" / "tiny_vectors")
    with pytest.raises(ModelError, match="no word-vector table"):
        TaggerModel.load(out)


def test_tag_train_names_a_missing_word_vector_table(tmp_path, blank_dir):
    (tmp_path / "train").mkdir()
    shutil.copy(FIXTURE_TRAIN / "train_A.jsonl", tmp_path / "train" / "train_A.jsonl")
    (tmp_path / "config.toml").write_text(
        f'[store]\nmodels_dir = "{tmp_path / "models"}"\n[nlp]\npipeline = "{blank_dir}"\n'
        f'train_dir = "{tmp_path / "train"}"\nown_train_dir = ""\nword_vectors = "nl_vectors"\n', encoding="utf-8")
    from click.testing import CliRunner
    from miner.cli import main
    r = CliRunner().invoke(main, ["tag", "train", "--config", str(tmp_path / "config.toml")])
    assert r.exit_code != 0 and "word_vectors" in r.output and "nl_vectors" in r.output
    assert not (tmp_path / "models" / "miner_tagger").exists()


@pytest.mark.skipif(not (SHIPPED / "model.json").exists(), reason="no shipped tagger model")
def test_demo_falls_back_to_the_checkouts_tagger(tmp_path):
    """A config whose models_dir has no tagger means rules alone, except for `miner demo`, which takes
    the model shipped in this checkout (run from any folder); an explicit 'rules' stays rules."""
    from miner import config
    from miner.nlp.tagging.pipeline import learned_settings
    cfg = config.from_dict({"store": {"models_dir": str(tmp_path)}}, tmp_path)
    assert learned_settings(cfg) is None
    assert learned_settings(cfg, checkout_fallback=True)["model"] == str(SHIPPED.resolve())
    rules = config.from_dict({"store": {"models_dir": str(tmp_path)}, "nlp": {"tagger_model": "rules"}}, tmp_path)
    assert learned_settings(rules, checkout_fallback=True) is None


@pytest.mark.slow
def test_off_topic_documents_make_no_mechanism_cell(learned_project):
    """The issue's check in small: documents of our own on privacy, contact tracing, an event permit and
    a council motion on parking (with 'melden', 'contact', 'handhaving', 'training', 'kwetsbare groepen',
    'verbod', 'toezicht' in them) are not relevant and no mechanism cell of the gap map counts them; an
    inclusion agenda is and does."""
    import sqlite3
    shutil.copytree(ROOT / "tests" / "fixtures" / "relevance", learned_project / "docs")
    r = _cli("add", "docs")
    assert r.exit_code == 0, r.output
    conn = sqlite3.connect(learned_project / "corpora" / "miner.sqlite")
    rows = {title: (rel, relevant) for title, rel, relevant in
            conn.execute("SELECT title, relevance, relevant FROM documents")}
    on = next(t for t in rows if t.startswith("Uitvoeringsagenda"))
    assert rows.pop(on)[1] == 1
    assert len(rows) == 4 and all(relevant == 0 for _, relevant in rows.values()), rows
    counted = {j for (ids,) in conn.execute("SELECT document_ids FROM gaps WHERE matrix LIKE 'mechanism%'")
               for j in json.loads(ids)}
    on_id = conn.execute("SELECT id FROM documents WHERE title = ?", (on,)).fetchone()[0]
    assert counted == {on_id}
    conn.close()


def test_training_ships_an_actor_part_and_reports_it_next_to_the_rules(tiny_model):
    from miner.nlp.learned.model import TaggerModel
    out, report, _ = tiny_model
    assert report["actor"]["n"] == 5
    assert 0 <= report["actor"]["accuracy"] <= 1 and 0 <= report["actor"]["rules_accuracy"] <= 1
    meta = json.loads((out / "model.json").read_text())
    assert set(meta["actor"]) == {"kind", "classes", "weights", "intercept"}
    model = TaggerModel.load(out)
    assert model.actor is not None and "onbepaald" in model.actor.classes


def _with_actor(tiny_model, tmp_path, actor):
    """The tiny model saved again with another actor part (None: without one)."""
    from miner.nlp.learned.model import TaggerModel
    out, _, _ = tiny_model
    model = TaggerModel.load(out)
    model.actor = actor
    target = tmp_path / "m" / "miner_tagger"
    model.save(target)
    return target


REC_TEXT = "Gemeenten moeten een meldpunt voor discriminatie inrichten. Het zwembad is dicht."


def test_the_actor_part_decides_the_actor_of_every_recommendation(tiny_model, tmp_path):
    from miner.nlp.learned.actors import ActorModel
    from miner.nlp.tagging.pipeline import build, tag_records
    _, _, blank = tiny_model
    always_adv = ActorModel(["gemeente", "adv", "onbepaald"], {"bias:adv": 5.0})
    nlp = build(_cfg(tmp_path, _with_actor(tiny_model, tmp_path, always_adv), blank, threshold_recommendation=0.01))
    recs = [r for r in next(tag_records(nlp, [REC_TEXT])).records if r["layer"] == "recommendation"]
    assert recs and all(r["actor"] == ["adv"] for r in recs)


def test_without_an_actor_part_the_rule_finder_names_the_actor(tiny_model, tmp_path):
    from miner.nlp.tagging.pipeline import build, tag_records
    _, _, blank = tiny_model
    target = _with_actor(tiny_model, tmp_path, None)
    assert "actor" not in json.loads((target / "model.json").read_text())
    nlp = build(_cfg(tmp_path, target, blank, threshold_recommendation=0.01))
    recs = [r for r in next(tag_records(nlp, [REC_TEXT])).records if r["layer"] == "recommendation"]
    assert recs and recs[0]["actor"] == ["gemeente"]


def test_a_damaged_actor_part_refuses_the_model_in_one_line(tiny_model, tmp_path):
    from miner.nlp.learned.model import ModelError, TaggerModel
    out, _, _ = tiny_model
    target = tmp_path / "miner_tagger"
    shutil.copytree(out, target)
    meta = json.loads((target / "model.json").read_text())
    meta["actor"]["classes"] = []
    (target / "model.json").write_text(json.dumps(meta))
    with pytest.raises(ModelError, match="actor model"):
        TaggerModel.load(target)


def test_tag_train_names_an_actor_the_taxonomy_lacks_and_prints_actor_accuracy(tmp_path, blank_dir):
    from click.testing import CliRunner
    from miner.cli import main
    (tmp_path / "train").mkdir()
    lines = (FIXTURE_TRAIN / "train_A.jsonl").read_text(encoding="utf-8").splitlines()
    bad = json.loads(lines[0])
    rec = next(i for i, s in enumerate(bad["sentences"]) if s.get("recommendation"))
    bad["sentences"][rec]["actor"] = ["burgemeester"]
    (tmp_path / "train" / "train_A.jsonl").write_text("\n".join([json.dumps(bad)] + lines[1:]) + "\n", encoding="utf-8")
    shutil.copy(FIXTURE_TRAIN / "train_B.jsonl", tmp_path / "train" / "train_B.jsonl")
    (tmp_path / "config.toml").write_text(
        f'[store]\nmodels_dir = "{tmp_path / "models"}"\n[nlp]\npipeline = "{blank_dir}"\n'
        f'train_dir = "{tmp_path / "train"}"\nown_train_dir = ""\nword_vectors = ""\n', encoding="utf-8")
    r = CliRunner().invoke(main, ["tag", "train", "--folds", "2", "--config", str(tmp_path / "config.toml")])
    assert r.exit_code != 0 and "burgemeester" in r.output and "featurized" not in r.output, r.output
    assert not (tmp_path / "models" / "miner_tagger").exists()
    # the same data with a known actor trains, and the summary names the actor accuracy
    shutil.copy(FIXTURE_TRAIN / "train_A.jsonl", tmp_path / "train" / "train_A.jsonl")
    r = CliRunner().invoke(main, ["tag", "train", "--folds", "2", "--config", str(tmp_path / "config.toml")])
    assert r.exit_code == 0, r.output
    assert "actor accuracy" in r.output and "rule finder alone" in r.output
