"""The scoring protocol of ../shared/eval/README.md on small hand-made cases."""
import json

import pytest

from miner.nlp.tagging.scoring import GoldError, map_to_sentence, read_gold, score

TEXT = "Eerste zin over racisme. Tweede zin. Gemeenten moeten iets doen."
assert len(TEXT) == 64 and TEXT[24] == " " and TEXT[36] == " "
SENTS = [{"start": 0, "end": 24, "ground": ["herkomst"], "mechanism": [], "recommendation": False, "actor": []},
         {"start": 25, "end": 36, "ground": [], "mechanism": ["melden"], "recommendation": False, "actor": []},
         {"start": 37, "end": 64, "ground": [], "mechanism": [], "recommendation": True, "actor": ["gemeente"]}]
GOLD = [{"id": "d1", "text": TEXT, "sentences": SENTS}]


def ann(layer, label, start, end, actor=None):
    return {"layer": layer, "label": label, "start": start, "end": end, "actor": actor}


def test_perfect_prediction():
    pred = {"d1": [ann("ground", "herkomst", 16, 23), ann("mechanism", "melden", 25, 30),
                   ann("recommendation", "recommendation", 47, 53, ["gemeente"])]}
    r = score(GOLD, pred)
    for layer in ("ground", "mechanism", "recommendation"):
        assert r["layers"][layer]["f1"] == 1.0
    assert r["actor_accuracy"] == 1.0 and r["actor_n"] == 1


def test_span_goes_to_sentence_it_overlaps_most_and_ties_to_first():
    assert map_to_sentence(20, 30, SENTS) == 1      # 4 chars in s0, 5 in s1
    assert map_to_sentence(22, 27, SENTS) == 0      # 2 and 2: tie -> first
    assert map_to_sentence(24, 25, SENTS) is None   # the space between sentences
    assert map_to_sentence(30, 30, SENTS) is None   # empty span overlaps nothing


def test_wrong_label_counts_fp_and_fn_and_duplicates_count_once():
    pred = {"d1": [ann("ground", "religie", 16, 23), ann("ground", "herkomst", 16, 23),
                   ann("ground", "herkomst", 0, 5)]}
    g = score(GOLD, pred)["layers"]["ground"]
    assert (g["tp"], g["fp"], g["fn"]) == (1, 1, 0)
    assert g["labels"]["religie"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "tp": 0, "fp": 1, "fn": 0}
    assert g["precision"] == 0.5 and g["recall"] == 1.0


def test_annotation_outside_every_sentence_is_a_false_positive():
    pred = {"d1": [ann("mechanism", "melden", 24, 25)]}
    m = score(GOLD, pred)["layers"]["mechanism"]
    assert (m["tp"], m["fp"], m["fn"]) == (0, 1, 1)
    assert m["labels"]["melden"]["fp"] == 1


def test_missing_document_prediction_is_all_false_negatives_and_other_layers_ignored():
    r = score(GOLD, {"d1": [ann("statistic", "percentage", 0, 5)]})
    assert r["layers"]["ground"]["fn"] == 1 and r["layers"]["ground"]["fp"] == 0
    assert r["layers"]["recommendation"]["recall"] == 0.0
    assert r["actor_accuracy"] is None and r["actor_n"] == 0


def test_actor_accuracy_empty_means_onbepaald_and_sets_must_be_equal():
    gold = [{"id": "d", "text": "Doe dit. Doe dat. Zij moeten.", "sentences": [
        {"start": 0, "end": 8, "ground": [], "mechanism": [], "recommendation": True, "actor": []},
        {"start": 9, "end": 17, "ground": [], "mechanism": [], "recommendation": True, "actor": ["onbepaald"]},
        {"start": 18, "end": 29, "ground": [], "mechanism": [], "recommendation": True, "actor": ["gemeente"]}]}]
    pred = {"d": [ann("recommendation", "recommendation", 0, 3, ["onbepaald"]),
                  ann("recommendation", "recommendation", 9, 12, []),
                  ann("recommendation", "recommendation", 18, 21, ["gemeente", "adv"])]}
    r = score(gold, pred)
    assert r["actor_n"] == 3 and r["actor_accuracy"] == pytest.approx(2 / 3, abs=1e-3)


def test_recommendation_label_is_just_recommendation():
    r = score(GOLD, {"d1": [ann("recommendation", "whatever", 40, 50, ["gemeente"])]})
    assert r["layers"]["recommendation"]["tp"] == 1


def test_read_gold_reports_line_and_problem(tmp_path):
    p = tmp_path / "g.jsonl"
    p.write_text(json.dumps(GOLD[0]) + "\n{not json\n", encoding="utf-8")
    with pytest.raises(GoldError, match=r"g.jsonl:2: not valid JSON"):
        read_gold(p)
    bad = dict(GOLD[0], sentences=[{"start": 0, "end": 999}])
    p.write_text(json.dumps(bad) + "\n", encoding="utf-8")
    with pytest.raises(GoldError, match=r"g.jsonl:1: sentences\[0\]: offsets 0\.\.999 outside the text"):
        read_gold(p)
    p.write_text(json.dumps(GOLD[0]) + "\n" + json.dumps(GOLD[0]) + "\n", encoding="utf-8")
    with pytest.raises(GoldError, match="duplicate id"):
        read_gold(p)
    assert read_gold_ok(tmp_path)


def read_gold_ok(tmp_path):
    p = tmp_path / "ok.jsonl"
    p.write_text(json.dumps(GOLD[0], ensure_ascii=False) + "\n\n", encoding="utf-8")
    return read_gold(p)[0]["id"] == "d1"


def test_passage_level_scores_and_calibration_table():
    from miner.nlp.tagging.scoring import format_table, score
    gold = [{"id": "a", "text": "Een zin. Twee zin. Drie zin.",
             "sentences": [{"start": 0, "end": 8, "ground": ["religie"], "mechanism": [], "recommendation": False},
                           {"start": 9, "end": 18, "ground": [], "mechanism": ["melden"], "recommendation": False},
                           {"start": 19, "end": 28, "ground": ["religie"], "mechanism": [], "recommendation": False}]}]
    pred = {"a": [
        {"layer": "ground", "label": "religie", "start": 0, "end": 3, "confidence": 0.95},       # right, high
        {"layer": "ground", "label": "religie", "start": 9, "end": 12, "confidence": 0.85},      # wrong, high
        {"layer": "mechanism", "label": "melden", "start": 9, "end": 12, "confidence": 0.55},    # right, middle
        {"layer": "mechanism", "label": "contact", "start": 19, "end": 22, "confidence": 0.3},   # wrong, low
    ]}
    r = score(gold, pred)
    # passage level: religie and melden are in the passage; contact is not
    assert r["passages"]["ground"]["f1"] == 1.0
    assert r["passages"]["mechanism"] == {**r["passages"]["mechanism"], "tp": 1, "fp": 1, "fn": 0}
    cal = r["calibration"]
    assert cal["ground"]["precision_at_0.8"] == 0.5 and cal["ground"]["n_at_0.8"] == 2
    band = {b["band"]: b for b in cal["mechanism"]["bands"]}
    assert band["0.5-0.6"] == {"band": "0.5-0.6", "n": 1, "precision": 1.0}
    assert band["0.2-0.4"]["precision"] == 0.0
    assert cal["all"]["n"] == 4
    text = format_table(r)
    assert "passage level" in text and "calibration" in text and ">= 0.8" in text
