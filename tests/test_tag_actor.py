"""Who should act: the actor symbols of a recommendation (the rule finder's answer, where the actor
words stand, the context and audience) and the small actor model over them that `miner tag train`
ships inside the tagger. Sentences written for these tests."""
from __future__ import annotations

import json

import pytest

from tests.test_tag_support import blank_dir, real_nlp  # noqa: F401  (fixtures)


def _features(nlp, text: str, sentence: int = -1) -> tuple[list[str], list[str]]:
    from miner.nlp.learned.actors import ActorContext, actor_features
    from miner.nlp.tagging.recommendations import RecommendationTagger
    from miner.nlp.tagging.taxonomy import load
    recs = RecommendationTagger(load())
    doc = nlp(text)
    units = doc._.miner_sents
    return actor_features(doc, units, sentence % len(units), recs, ActorContext.of(doc, recs))


def test_the_subject_of_the_modal_is_the_actor(real_nlp):
    feats, rule = _features(real_nlp, "Gemeenten moeten een laagdrempelig meldpunt voor discriminatie inrichten.")
    assert rule == ["gemeente"]
    assert {"rule:gemeente", "subj:gemeente", "pre:gemeente", "kind:modal"} <= set(feats), feats


def test_context_symbols_name_earlier_actors_and_the_document(real_nlp):
    text = ("Het college en de wethouder spraken over de buurtaanpak. De gemeenteraad nam een motie aan. "
            "Het is belangrijk dat er meer aandacht komt voor uitsluiting van ouderen in de wijk.")
    feats, rule = _features(real_nlp, text)
    assert rule == ["onbepaald"]
    assert "prev:gemeente" in feats and "doc:gemeente" in feats and "kind:frame" in feats, feats


def test_second_person_and_questions_are_symbols(real_nlp):
    feats, _ = _features(real_nlp, "Als je discriminatie ziet, moet je dat melden bij het meldpunt.")
    assert "2p" in feats
    feats, _ = _features(real_nlp, "Moeten gemeenten een meldpunt inrichten?")
    assert "question" in feats


ACTORS = ["gemeente", "rijksoverheid", "sociaal_werk", "adv", "onbepaald"]


def test_actor_model_ranks_candidates_and_round_trips_as_json():
    from miner.nlp.learned.actors import ActorModel
    rows = ([["kind:frame", "rule:onbepaald", "doc:gemeente"]] * 6 + [["kind:imperative", "rule:onbepaald"]] * 6
            + [["kind:modal", "rule:adv", "subj:adv", "in:adv"]] * 3
            + [["kind:modal", "rule:gemeente", "subj:gemeente", "in:gemeente"]] * 3)
    targets = ["gemeente"] * 6 + ["onbepaald"] * 6 + ["adv"] * 3 + ["gemeente"] * 3
    m = ActorModel.fit(rows, targets, ACTORS, C=10)
    assert m.predict([["kind:frame", "rule:onbepaald", "doc:gemeente"], ["kind:imperative", "rule:onbepaald"],
                      ["kind:modal", "rule:adv", "subj:adv", "in:adv"]]) == ["gemeente", "onbepaald", "adv"]
    # the subject counts for every actor alike: one never seen as a target still wins as the subject
    assert m.predict([["kind:modal", "rule:sociaal_werk", "subj:sociaal_werk", "in:sociaal_werk"]]) == ["sociaal_werk"]
    again = ActorModel.from_json(json.loads(json.dumps(m.to_json())))
    assert again.predict(rows) == m.predict(rows) and m.predict([]) == []


def test_actor_model_with_one_kind_of_target():
    from miner.nlp.learned.actors import ActorModel
    one = ActorModel.fit([["kind:imperative"], ["kind:modal"]], ["onbepaald", "onbepaald"], ACTORS)
    assert one.predict([["kind:modal"], ["kind:modal", "rule:adv", "subj:adv"]]) == ["onbepaald", "onbepaald"]
    with pytest.raises(ValueError, match="burgemeester"):
        ActorModel.fit([["kind:modal"]], ["burgemeester"], ACTORS)


@pytest.mark.parametrize("bad", [{}, {"kind": "multinomial", "classes": ["a"], "weights": {}, "intercept": 0},
                                 {"kind": "rank", "classes": [], "weights": {}, "intercept": 0},
                                 {"kind": "rank", "classes": ["a"], "weights": {"x": "y"}, "intercept": 0},
                                 {"kind": "rank", "classes": ["a"], "weights": [], "intercept": None}])
def test_a_damaged_actor_part_is_an_error(bad):
    from miner.nlp.learned.actors import ActorModel
    with pytest.raises(ValueError, match="actor model"):
        ActorModel.from_json(bad)


def test_an_actor_the_taxonomy_lacks_is_a_data_error():
    from miner.nlp.learned.data import Passage
    from miner.nlp.learned.train import actor_rows
    from miner.nlp.tagging.taxonomy import load
    p = Passage(id="x1", group="train_X", text="De burgemeester moet ingrijpen.", spans=[(0, 30)],
                labels=[{"ground": [], "mechanism": [], "recommendation": True, "actor": ["burgemeester"]}],
                actors={0: (["rule:onbepaald"], ["onbepaald"])})
    with pytest.raises(ValueError, match="burgemeester"):
        actor_rows([p], load())
    p.labels[0]["actor"] = []
    rows = actor_rows([p], load())
    assert rows["target"] == ["onbepaald"] and rows["gold"] == [["onbepaald"]] and rows["rule"] == [["onbepaald"]]


def test_the_audience_is_found_once_per_document(real_nlp):
    """The rule layer and the actor part both ask for a document's audience; it is kept on the doc."""
    from miner.nlp.tagging.recommendations import AUDIENCE_KEY, RecommendationTagger
    from miner.nlp.tagging.taxonomy import load
    doc = real_nlp("Tips voor vrijwilligersorganisaties. Zorg ervoor dat iedereen welkom is. "
                   "Maak je vereniging toegankelijk.")
    assert doc.user_data.get(AUDIENCE_KEY) == "vrijwilligersorganisatie"
    # asked again, even without the hits, the document keeps its answer
    assert RecommendationTagger(load()).audience(doc, {}) == "vrijwilligersorganisatie"


@pytest.mark.parametrize("word,expected", [("gemeente", "gemeente"), ("2024", "<num>"), ("a1", "<num>"),
                                           ("²", "<num>"), ("e-mail", "e-mail"), ("", "")])
def test_numbers_are_folded_in_word_features(word, expected):
    from miner.nlp.learned.features import _num
    assert _num(word) == expected
