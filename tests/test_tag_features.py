"""What the learned tagger sees of a sentence beyond its words: the opening verb stem of a tip
(whatever part of speech the tagger gave it), the clause's root, subject and auxiliaries, and the
taxonomy's hint cues (features for the model, never a rule decision); and level 1's C per layer."""
from __future__ import annotations

import numpy as np
import pytest

from tests.test_tag_support import blank_dir, real_nlp  # noqa: F401  (fixtures)


def _words():
    from miner.nlp.learned.features import FeatureWords
    from miner.nlp.tagging.taxonomy import load
    return FeatureWords.of(load())


def _features(nlp, text: str) -> list[str]:
    from miner.nlp.learned.features import unit_features
    doc = nlp(text)
    return unit_features(doc, [(0, len(doc))], _words())[0]


@pytest.mark.parametrize("text", [
    "Geef in de advertentie aan dat iedereen welkom is om te solliciteren.",
    "Zoek steun bij een collega en bespreek wat er gebeurde.",
    "4. vraag de buurtbewoners om mee te denken",
    "• Reageer meteen wanneer een bezoeker wordt uitgescholden.",
    "Stap 3: Maak een plan voor de komende maanden",
])
def test_an_opening_verb_stem_is_seen_whatever_the_tagger_calls_it(real_nlp, text):
    """Taggers trained on newspaper text read "Geef", "Zoek", "Reageer" at the start of a sentence as
    proper nouns or adjectives; the lemma tables still know them as verb stems (a tip's imperative)."""
    feats = _features(real_nlp, text)
    assert any(f.startswith("stem:") and f in ("stem:verb_form", "stem:infinitive") for f in feats), feats


@pytest.mark.parametrize("text", [
    "Een medewerker van het buurthuis vertelde over de nieuwe activiteiten.",
    "De gemeente organiseert elk jaar een bijeenkomst.",
    "Het is belangrijk dat iedereen meedoet.",
])
def test_no_verb_stem_where_the_sentence_opens_otherwise(real_nlp, text):
    """"Een" is a number word to spaCy (like_num): it is not a list marker to skip."""
    assert not [f for f in _features(real_nlp, text) if f in ("stem:verb_form", "stem:infinitive")]


def test_subject_after_the_stem_marks_a_question_or_inversion(real_nlp):
    feats = _features(real_nlp, "Zoek je een baan in de zorg?")
    assert "stem:subject_after" in feats and "stem:end:?" in feats


def test_the_grammar_words_come_from_the_taxonomy(real_nlp):
    from dataclasses import replace
    from miner.nlp.learned.features import unit_features
    doc = real_nlp("Zoek je een baan in de zorg?")
    words = replace(_words(), pronouns_after_stem=frozenset())
    assert "stem:subject_after" not in unit_features(doc, [(0, len(doc))], words)[0]
    doc = real_nlp("Gemeenten moeten een meldpunt inrichten.")
    assert "modal:moeten" in unit_features(doc, [(0, len(doc))], _words())[0]
    assert "modal:moeten" not in unit_features(doc, [(0, len(doc))], replace(_words(), modal_lemmas=frozenset()))[0]


def test_clause_root_subject_and_auxiliaries(real_nlp):
    feats = _features(real_nlp, "Gemeenten moeten een meldpunt inrichten.")
    assert "aux:moeten" in feats
    assert any(f.startswith("root:") for f in feats) and any(f.startswith("subj:") for f in feats)


def _taxonomy_with_hint(tmp_path, blank_dir, word: str):
    from miner import config
    from miner.nlp.tagging.taxonomy import BUILTIN_PATH
    text = BUILTIN_PATH.read_text(encoding="utf-8").replace(
        "[mechanism.mindfulness]\n", f'[mechanism.mindfulness]\nhint_words = ["{word}"]\n', 1)
    (tmp_path / "tax.toml").write_text(text, encoding="utf-8")
    return config.from_dict({"nlp": {"pipeline": str(blank_dir), "taxonomy": "tax.toml", "tagger_model": "rules"}},
                            tmp_path)


def test_a_hint_cue_is_a_feature_and_never_a_rule_decision(tmp_path, blank_dir):
    from miner.nlp.learned.features import unit_features
    from miner.nlp.tagging.annotation import to_records
    from miner.nlp.tagging.pipeline import build
    nlp = build(_taxonomy_with_hint(tmp_path, blank_dir, "stiltewandeling"))
    doc = nlp("Tegen discriminatie helpt een stiltewandeling met collega's.")
    assert [h.kind for h in doc._.miner_hits if h.label == "mindfulness"] == ["hint"]
    assert not [r for r in to_records(doc) if r["layer"] == "mechanism"]
    feats = unit_features(doc, [(0, len(doc))], _words())[0]
    assert "H:mechanism:mindfulness:hint" in feats
    assert not [f for f in feats if f.startswith("R:mechanism")]


def test_hint_lists_are_checked_like_the_other_cue_lists(tmp_path):
    from miner.nlp.tagging.taxonomy import BUILTIN_PATH, TaxonomyError, load
    text = BUILTIN_PATH.read_text(encoding="utf-8").replace(
        "[mechanism.mindfulness]\n", '[mechanism.mindfulness]\nhint_wrds = ["x"]\n', 1)
    (tmp_path / "tax.toml").write_text(text, encoding="utf-8")
    with pytest.raises(TaxonomyError, match=r"mechanism\.mindfulness\.hint_wrds"):
        load(tmp_path / "tax.toml")


def test_level1_C_per_layer():
    """``l1_C_layers`` sets one layer's regularisation; the other layers keep ``l1_C``."""
    from scipy import sparse
    from miner.nlp.learned.train import SETTINGS, _fit_l1
    rng = np.random.default_rng(0)
    X = sparse.csr_matrix(rng.normal(size=(200, 5)))
    y = np.asarray(X[:, 0].todense()).ravel() > 0
    Y = np.column_stack([y, y])
    s = dict(SETTINGS, l1_C=3.0, l1_C_layers={"recommendation": 1e-6})
    coef, _ = _fit_l1(X, Y, np.ones(200), s, layers=["ground", "recommendation"])
    c = coef.toarray()
    assert abs(c[0, 0]) > 0.5 and abs(c[1, 0]) < 1e-3


def test_level1_C_for_an_unknown_layer_is_refused(tmp_path, blank_dir):
    from miner import config
    from miner.nlp.learned.train import train
    from miner.nlp.tagging.pipeline import build, taxonomy_for
    from tests.test_tag_learned import FIXTURE_TRAIN
    cfg = config.from_dict({"nlp": {"pipeline": str(blank_dir)}}, tmp_path)
    with pytest.raises(ValueError, match="l1_C_layers"):
        train(build(cfg, learned=False), taxonomy_for(cfg), sorted(FIXTURE_TRAIN.glob("train_*.jsonl")),
              settings={"folds": 2, "l1_C_layers": {"actor": 1.0}}, log=lambda m: None)


def test_threshold_tolerance_takes_the_precise_end_of_a_flat_optimum():
    from miner.nlp.learned.train import _best_threshold
    # scores: positives at 0.9 (8) and 0.35 (2); negatives at 0.35 (2) and 0.1 (8)
    Y = np.array([[True]] * 8 + [[True]] * 2 + [[False]] * 2 + [[False]] * 8)
    P = np.array([[0.9]] * 8 + [[0.35]] * 2 + [[0.35]] * 2 + [[0.1]] * 8)
    # F1 is 0.909 from 0.125 to 0.35 and 0.889 above it up to 0.9: the best wins without a tolerance
    # (of tied thresholds, the one nearest 0.5) ...
    assert _best_threshold(Y, P) == 0.35
    assert _best_threshold(Y, P, tolerance=0.01) == 0.35
    # ... and with a tolerance that covers the lower plateau, its highest threshold
    assert _best_threshold(Y, P, tolerance=0.03) == 0.9
