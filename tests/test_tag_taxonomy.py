"""The taxonomy file: the built-in one is valid and covers the contract; errors name file and key."""
from __future__ import annotations

import pytest

from miner.nlp.tagging.taxonomy import BUILTIN_PATH, TaxonomyError, load, resolve_path
from tests.test_tag_support import blank_dir  # noqa: F401  (fixture)

CONTRACT = {
    "ground": {"herkomst", "nationaliteit", "religie", "geslacht", "seksuele_orientatie", "genderidentiteit",
               "handicap", "leeftijd", "sociaaleconomisch", "overig"},
    "mechanism": {"contact", "gemeenschappelijk_doel", "empathie", "mindfulness", "training", "bewustwording",
                  "omstanders", "dialoog", "organisatieverandering", "melden", "samenwerking", "handhaving"},
    "actor": {"gemeente", "rijksoverheid", "sociaal_werk", "vrijwilligersorganisatie", "adv", "onderzoek"},
    "setting": {"sociaal_werk", "wijkteam", "buurtinitiatief", "vrijwilligerswerk", "zorg", "welzijn", "sport",
                "onderwijs", "arbeidsmarkt", "wonen", "politie_justitie", "online"},
    "target_group": {"inwoners", "clienten", "vrijwilligers", "professionals", "jongeren", "ouderen",
                     "ouders_kinderen"},
    "evidence_type": {"literatuurstudie", "kennissynthese", "enquete", "interviews", "casestudy", "effectstudie",
                      "praktijkvoorbeeld", "beleidsdocument", "kamervraag"},
}


def test_builtin_taxonomy_covers_the_contract():
    tax = load()
    for layer, ids in CONTRACT.items():
        assert set(tax.labels(layer)) == ids, layer
    assert {"movisie", "kis", "verwey_jonker", "pharos", "adv", "ncdr", "vws", "bzk", "szw", "jenv", "ocw",
            "tweede_kamer", "bij1", "gl_pvda", "vvd"} <= set(tax.organisations)


def write(tmp_path, text):
    p = tmp_path / "tax.toml"
    p.write_text(text, encoding="utf-8")
    return p


MINIMAL = """
[ground.herkomst]
words = ["afkomst"]
[mechanism.melden]
words = ["meldpunt"]
[actor.gemeente]
words = ["gemeente"]
[recommendation]
modal_words = ["moeten"]
"""


@pytest.mark.parametrize("extra, fragment", [
    ("[ground.religie]\nwords = 'moslim'\n", "ground.religie.words: must be a list of strings"),
    ("[ground.religie]\nwords = ['moslim', '']\n", "ground.religie.words[1]: must be a non-empty string"),
    ("[ground.religie]\nwordz = ['moslim']\n", "ground.religie.wordz: unknown key"),
    ("[ground.Religie]\nwords = ['moslim']\n", "ground.Religie: label ids are lower case"),
    ("[ground.religie]\nexclude_words = ['x']\n", "ground.religie: has no cues"),
    ("[grond.religie]\nwords = ['x']\n", "grond: unknown section"),
    ("[settings]\nground_window = 'veel'\n", "settings.ground_window: must be int"),
    ("[settings]\nwindow = 3\n", "settings.window: unknown key"),
    ("[evidence_type.enquete]\nwords = ['enquête']\nmin_hits = 0\n", "evidence_type.enquete.min_hits"),
    ("[context.onzin]\nwords = ['x']\n", "context.onzin: unknown context list"),
    ("[person]\nnamen = ['x']\n", "person.namen: unknown key"),
])
def test_errors_name_file_and_key(tmp_path, extra, fragment):
    p = write(tmp_path, MINIMAL + extra)
    with pytest.raises(TaxonomyError) as err:
        load(p)
    assert str(p) in str(err.value) and fragment in str(err.value)


def test_broken_toml_and_missing_file(tmp_path):
    with pytest.raises(TaxonomyError, match="not valid TOML"):
        load(write(tmp_path, "[ground\n"))
    with pytest.raises(TaxonomyError, match="cannot read taxonomy file"):
        load(tmp_path / "nope.toml")
    with pytest.raises(TaxonomyError, match="mechanism: section is missing"):
        load(write(tmp_path, "[ground.herkomst]\nwords = ['afkomst']\n[actor.gemeente]\nwords = ['g']\n"))


def test_words_with_spaces_become_phrases_and_hash_follows_content(tmp_path):
    p = write(tmp_path, MINIMAL + "[ground.religie]\nwords = ['Joodse Gemeenschap']\nstems = ['moslim vrouw']\n")
    tax = load(p)
    cue = tax.cue("ground", "religie")
    assert cue.get("phrases") == ["joodse gemeenschap", "moslim vrouw*"]
    before = tax.version_hash
    p.write_text(p.read_text(encoding="utf-8") + "[ground.leeftijd]\nwords = ['leeftijd']\n", encoding="utf-8")
    assert load(p).version_hash != before


def test_path_from_config(tmp_path):
    from miner import config
    cfg = config.from_dict({}, tmp_path)
    assert resolve_path(cfg) == BUILTIN_PATH
    cfg = config.from_dict({"nlp": {"taxonomy": "mijn.toml"}}, tmp_path)
    assert resolve_path(cfg) == tmp_path / "mijn.toml"


def test_a_researcher_adds_a_synonym_without_code(tmp_path, blank_dir):
    """Edit the file, rebuild: the new word is tagged."""
    from miner import config
    from miner.nlp.tagging.annotation import to_records
    from miner.nlp.tagging.pipeline import build
    text = BUILTIN_PATH.read_text(encoding="utf-8").replace(
        '[mechanism.mindfulness]\nname_nl = "Mindfulness"\nname_en = "Mindfulness"\nwords = ["mindfulness",', '[mechanism.mindfulness]\nname_nl = "Mindfulness"\nname_en = "Mindfulness"\nwords = ["stiltewandeling",')
    assert "stiltewandeling" in text
    (tmp_path / "tax.toml").write_text(text, encoding="utf-8")
    cfg = config.from_dict({"nlp": {"pipeline": str(blank_dir), "taxonomy": "tax.toml"}}, tmp_path)
    nlp = build(cfg)
    recs = to_records(nlp("Tegen discriminatie helpt een stiltewandeling met collega's."))
    assert [r["label"] for r in recs if r["layer"] == "mechanism"] == ["mindfulness"]
    cfg_builtin = config.from_dict({"nlp": {"pipeline": str(blank_dir)}}, tmp_path)
    nlp = build(cfg_builtin)   # the same cached pipeline gets its components replaced
    recs = to_records(nlp("Tegen discriminatie helpt een stiltewandeling met collega's."))
    assert [r["label"] for r in recs if r["layer"] == "mechanism"] == []


def test_tagging_does_not_change_the_pipeline_other_stages_load(tmp_path, blank_dir):
    from miner import config
    from miner.nlp.loader import load_pipeline
    from miner.nlp.tagging import COMPONENTS
    from miner.nlp.tagging.pipeline import build
    cfg = config.from_dict({"nlp": {"pipeline": str(blank_dir)}}, tmp_path)
    tagger = build(cfg)
    assert set(COMPONENTS) <= set(tagger.pipe_names)
    assert not set(COMPONENTS) & set(load_pipeline(cfg).pipe_names)


def test_defaults_in_code_equal_the_shipped_settings():
    """A researcher's taxonomy without [settings] must tag exactly like the shipped one."""
    import tomllib
    from miner.nlp.tagging.taxonomy import SETTINGS
    shipped = tomllib.loads(BUILTIN_PATH.read_text(encoding="utf-8"))["settings"]
    assert set(shipped) == set(SETTINGS)
    for key, (_typ, default) in SETTINGS.items():
        assert shipped[key] == default, key


def test_label_ids_and_names_come_from_the_taxonomy_file():
    from miner.export import labels as L
    from miner.gaps import settings as G
    from miner.nlp.tagging.taxonomy import load
    tax = load()
    assert list(L.GROUNDS) == tax.labels("ground") == G.GROUNDS
    assert list(L.MECHANISMS) == tax.labels("mechanism") == G.MECHANISMS
    assert L.ACTORS[-1] == "onbepaald" and list(L.ACTORS[:-1]) == tax.labels("actor")
    for layer in ("ground", "mechanism", "actor", "setting", "target_group", "evidence_type"):
        for label in tax.labels(layer):
            assert tax.cue(layer, label).name_nl and tax.cue(layer, label).name_en, (layer, label)
    assert tax.display_name("ground", "religie") == "Religie"
    assert tax.display_name("mechanism", "melden", "en") == "Reporting and registration"
    assert tax.display_name("actor", "onbepaald") == "Onbepaald"
    assert tax.display_name("ground") == "Discriminatiegrond"


def test_grammar_words_are_data(tmp_path):
    """Remove a condition word from the file: the tip after that condition is no longer found."""
    from miner.nlp.tagging.taxonomy import load
    text = BUILTIN_PATH.read_text(encoding="utf-8")
    assert 'condition_words = ["als", "wanneer", "indien", "zodra", "mocht"]' in text
    own = tmp_path / "taxonomy.toml"
    own.write_text(text.replace('condition_words = ["als", "wanneer", "indien", "zodra", "mocht"]',
                                'condition_words = ["wanneer"]'), encoding="utf-8")
    assert load(own).recommendation["condition_words"] == ["wanneer"]
    bad = tmp_path / "bad.toml"
    bad.write_text(text.replace('name_nl = "Religie"', 'name_nl = 3'), encoding="utf-8")
    with pytest.raises(TaxonomyError, match=r"ground\.religie\.name_nl"):
        load(bad)
