"""Document-level evidence_type: position, density, a few types per document, doc_type from the crawl.

Short Dutch texts written for these tests; a blank pipeline (fast)."""
from __future__ import annotations

import pytest

from miner.nlp.tagging import evidence
from miner.nlp.tagging.taxonomy import TaxonomyError, load
from tests.test_tag_support import KAMERVRAAG, blank_dir, blank_nlp  # noqa: F401  (fixtures)

FILLER = ("De wijkcoach bezoekt bewoners thuis en bespreekt wat zij nodig hebben. "
          "In de buurt is een nieuw ontmoetingscentrum geopend waar iedereen welkom is. ")

POLICY_REPORT = ("Beleidsnota inclusieve buurten\n\nDe gemeente stelt in dit beleidsplan vast hoe zij de komende jaren "
                 "werkt aan buurten waar iedereen meedoet. Het actieplan volgt de kamerbrief van de minister.\n\n"
                 + FILLER * 150 +
                 "Eén gemeente deed ooit een experiment met buurtbudgetten.\n" + FILLER * 150)

EFFECT_STUDY = ("Effectevaluatie van de training Samen Sterk\n\n" + FILLER * 20 + "\n\nMethode\n"
                "Wij vergeleken een experimentele groep met een controlegroep; deelnemers werden gerandomiseerd. "
                "De effectmeting volgde na zes maanden.\n\n" + FILLER * 40 +
                "Ook vulden de deelnemers een korte vragenlijst in.\n" + FILLER * 40)


def labels(nlp, text, doc_type=None):
    return evidence.classify(nlp(text), load(), doc_type)


def names(result):
    return [d["label"] for d in result]


def test_one_stray_cue_in_a_long_policy_document_is_not_an_effect_study(blank_nlp):
    result = labels(blank_nlp, POLICY_REPORT)
    assert names(result) == ["beleidsdocument"]
    assert "lead" in result[0]["source"] and "per 1,000 tokens" in result[0]["source"]


def test_a_method_passage_and_the_title_make_an_effect_study(blank_nlp):
    result = labels(blank_nlp, EFFECT_STUDY)
    assert names(result)[0] == "effectstudie"
    assert "enquete" not in names(result)  # one questionnaire in the body is not the document's kind
    assert "1 lead" in result[0]["source"] and "3 method" in result[0]["source"] and result[0]["score"] == 9


def test_the_old_raw_count_would_have_given_many_types(blank_nlp):
    doc = blank_nlp(POLICY_REPORT)
    raw = {h.label for h in doc._.miner_hits if h.layer == "evidence_type"}
    assert "effectstudie" in raw  # the cue is there; the classifier weighs it away
    assert names(evidence.classify(doc, load())) == ["beleidsdocument"]


def test_kamervraag_text_is_only_kamervraag(blank_nlp):
    quoting = KAMERVRAAG + "\nUit een enquête en interviews bleek dat een experiment met een controlegroep werkt.\n"
    assert names(labels(blank_nlp, quoting)) == ["kamervraag"]


@pytest.mark.parametrize("doc_type", ["kamervraag", "antwoord", "Antwoord", "kamervraag-pdf"])
def test_crawled_kamervraag_gets_kamervraag_whatever_it_says(blank_nlp, doc_type):
    result = labels(blank_nlp, EFFECT_STUDY, doc_type)
    assert names(result) == ["kamervraag"] and result[0]["source"].endswith(f"doc_type={doc_type.lower()}")


def test_other_doc_types_are_classified_from_the_text(blank_nlp):
    assert names(labels(blank_nlp, EFFECT_STUDY, "rapport"))[0] == "effectstudie"


def test_short_text_with_a_single_body_cue_is_not_dense_enough(blank_nlp):
    text = FILLER * 20 + "Een enkele respondent zei iets anders." + FILLER * 20
    assert labels(blank_nlp, text) == []


def test_settings_in_the_taxonomy_tune_the_classifier(blank_nlp, tmp_path):
    from miner.nlp.tagging.taxonomy import BUILTIN_PATH
    base = BUILTIN_PATH.read_text(encoding="utf-8")
    loose = tmp_path / "loose.toml"
    loose.write_text(base.replace("evidence_min_density = 0.5", "evidence_min_density = 0.0")
                     .replace("evidence_keep_fraction = 0.4", "evidence_keep_fraction = 0.0")
                     .replace("evidence_max_types = 3", "evidence_max_types = 9"), encoding="utf-8")
    doc = blank_nlp(POLICY_REPORT)
    assert {"beleidsdocument", "effectstudie"} <= set(names(evidence.classify(doc, load(loose))))
    single = tmp_path / "single.toml"
    single.write_text(base.replace("evidence_max_types = 3", "evidence_max_types = 1"), encoding="utf-8")
    assert len(evidence.classify(blank_nlp(EFFECT_STUDY), load(single))) == 1


@pytest.mark.parametrize("snippet, key", [
    ("exclusive = 'ja'", "evidence_type.kamervraag.exclusive"),
    ("doc_types = 'kamervraag'", "evidence_type.kamervraag.doc_types"),
])
def test_bad_evidence_keys_are_named(tmp_path, snippet, key):
    from miner.nlp.tagging.taxonomy import BUILTIN_PATH
    base = BUILTIN_PATH.read_text(encoding="utf-8")
    start = base.index("[evidence_type.kamervraag]")
    end = base.index("\n[", start + 1)
    bad = tmp_path / "bad.toml"
    bad.write_text(base[:start] + "[evidence_type.kamervraag]\nwords = ['kamervraag']\n" + snippet + "\n"
                   + base[end:], encoding="utf-8")
    with pytest.raises(TaxonomyError, match=key.replace(".", r"\.")):
        load(bad)


def test_refresh_stage_uses_the_crawled_doc_type(tmp_path, blank_dir, monkeypatch):  # noqa: F811
    from click.testing import CliRunner

    from miner import config
    from miner.cli import main
    from miner.nlp import stage
    from miner.store import open_store
    (tmp_path / "config.toml").write_text(f'[extract]\nworkers = 1\n[nlp]\npipeline = "{blank_dir}"\n',
                                          encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("MINER_CONFIG", raising=False)
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "antwoord.txt").write_text(EFFECT_STUDY + "Vraag 1.", encoding="utf-8")
    (tmp_path / "docs" / "rapport.txt").write_text(EFFECT_STUDY, encoding="utf-8")
    assert CliRunner().invoke(main, ["add", "--no-tag", "docs"], catch_exceptions=False).exit_code == 0
    cfg = config.load(tmp_path / "config.toml")
    conn = open_store(cfg)
    conn.execute("UPDATE documents SET doc_type = 'antwoord' WHERE local_path LIKE '%antwoord.txt'")
    assert stage.run(cfg, conn, progress=False)["tagged"] == 2
    got = {r[0].rsplit("/", 1)[-1]: (r[1], r[2]) for r in conn.execute(
        "SELECT d.local_path, l.label, l.source FROM document_labels l JOIN documents d ON d.id = l.document_id "
        "WHERE l.layer = 'evidence_type' ORDER BY l.score DESC")}
    assert got["antwoord.txt"] == ("kamervraag", "miner_evidence_type:doc_type=antwoord")
    assert got["rapport.txt"][0] == "effectstudie"
    conn.close()
