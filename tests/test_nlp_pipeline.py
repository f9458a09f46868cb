"""The shipped Dutch pipeline (models/nl_miner) on policy-style text written for these tests."""
import pytest

from conftest import ROOT
from miner import config
from miner.nlp.loader import describe_pipeline, load_pipeline

ABBREVIATIONS = ["o.a.", "bijv.", "m.b.t.", "art.", "nr.", "t.a.v.", "e.d.", "i.p.v.", "z.g.a.n.", "m.n.",
                 "d.w.z.", "i.v.m.", "t.o.v.", "o.b.v.", "n.a.v.", "incl.", "vgl."]


@pytest.fixture(scope="module")
def shipped_cfg():
    return config.from_dict({"nlp": {"pipeline": "models/nl_miner"}}, root=ROOT)


@pytest.fixture(scope="module")
def nlp(shipped_cfg):
    return load_pipeline(shipped_cfg)


def words(doc):
    return [t.text for t in doc if not t.is_space]


def sentences(doc):
    return [s.text.strip() for s in doc.sents]


def test_shipped_pipeline_has_all_components(nlp, shipped_cfg):
    assert nlp.pipe_names == ["tok2vec", "tagger", "morphologizer", "trainable_lemmatizer",
                              "miner_lemma_fallback", "miner_policy_sentences", "parser",
                              "miner_verb_function", "miner_particle_lemmas"]
    assert "nl_miner" in describe_pipeline(shipped_cfg)
    assert nlp.meta["license"] == "CC BY-SA 4.0"
    for note in ("README.md", "LICENSE"):
        assert "CC BY-SA 4.0" in (ROOT / "models" / "nl_miner" / note).read_text(encoding="utf-8")


@pytest.mark.parametrize("abbreviation", ABBREVIATIONS)
def test_abbreviation_is_one_token_and_does_not_end_the_sentence(nlp, abbreviation):
    doc = nlp(f"De gemeente betrekt {abbreviation} welzijnswerkers bij het beleid tegen discriminatie.")
    assert abbreviation in words(doc)
    assert len(sentences(doc)) == 1


def test_word_like_abbreviation_does_not_swallow_the_full_stop(nlp):
    doc = nlp("Wij weten dat. Het verschil is al. Toch kon het.")
    assert words(doc)[:4] == ["Wij", "weten", "dat", "."]
    assert len(sentences(doc)) == 3


def test_footnote_numbers_are_split_from_words_and_punctuation(nlp):
    doc = nlp("Deze brief is gestuurd4 over de aanpak. Wat de cijfers betekenen, lichten we hieronder toe?1, 2 "
              "Daarna volgt het plan.")
    toks = words(doc)
    assert toks[3:6] == ["gestuurd", "4", "over"]
    i = toks.index("toe")
    assert toks[i:i + 5] == ["toe", "?", "1", ",", "2"]
    sents = sentences(doc)
    assert sents[1].endswith("toe?1, 2") and sents[2] == "Daarna volgt het plan."


def test_numbers_that_are_not_footnotes_stay_whole(nlp):
    toks = words(nlp("In 2023 steeg het aandeel van 2,5 naar 3.5 procent; CO2 en G4 bleven gelijk."))
    for kept in ["2023", "2,5", "3.5", "CO2", "G4"]:
        assert kept in toks


def test_policy_words_and_percentages(nlp):
    toks = words(nlp("Van de lhbti+ jongeren meldt 12,5% (inter)culturele spanningen, en 40 % zegt niets."))
    assert "lhbti+" in toks and "(inter)culturele" in toks
    assert "12,5%" in toks and "40" in toks and "%" in toks   # UD Dutch: "12,5%" is one token


def test_bullets_start_sentences(nlp):
    doc = nlp("De aanbevelingen zijn: • meer aandacht voor discriminatie • betere registratie van meldingen "
              "• training voor sociaal werkers")
    assert sentences(doc) == ["De aanbevelingen zijn:", "• meer aandacht voor discriminatie",
                              "• betere registratie van meldingen", "• training voor sociaal werkers"]


def test_title_without_full_stop_is_its_own_sentence(nlp):
    doc = nlp("Samen sterk tegen discriminatie: een verkenning van de aanpak in de sociale basis van vijf "
              "middelgrote gemeenten\n\nIn dit rapport beschrijven wij wat gemeenten doen.")
    sents = sentences(doc)
    assert len(sents) == 2 and sents[1].startswith("In dit rapport")


def test_ordinary_sentences_are_split_by_the_parser(nlp):
    doc = nlp("Gemeenten registreren meldingen van discriminatie. Het meldpunt helpt inwoners. "
              "Zij krijgen binnen twee weken antwoord.")
    assert len(sentences(doc)) == 3
    assert not nlp.has_pipe("senter") and not nlp.has_pipe("sentencizer")


@pytest.mark.parametrize("text, word, lemma", [
    ("Discriminatie op de arbeidsmarkt blijft een probleem.", "Discriminatie", "discriminatie"),
    ("Veel jongeren worden gediscrimineerd bij het zoeken naar stage.", "gediscrimineerd", "discrimineren"),
    ("Vooroordelen over nieuwkomers zijn hardnekkig.", "Vooroordelen", "vooroordeel"),
    ("Zij ervaren dagelijks microagressies op school.", "microagressies", "microagressie"),
    ("Vrijwilligersorganisaties spelen een grote rol in de wijk.", "Vrijwilligersorganisaties",
     "vrijwilligersorganisatie"),
    ("Het rapport doet drie aanbevelingen aan de gemeente.", "aanbevelingen", "aanbeveling"),
    ("De sociaal werkers kennen de buurt goed.", "werkers", "werker"),
])
def test_domain_lemmas(nlp, text, word, lemma):
    doc = nlp(text)
    assert [t.lemma_ for t in doc if t.text == word] == [lemma]


def test_pos_and_dependencies_are_set(nlp):
    doc = nlp("De gemeente bestrijdt discriminatie in de sociale basis.")
    assert [t.pos_ for t in doc][:3] == ["DET", "NOUN", "VERB"]
    assert doc[2].dep_ == "ROOT" and doc[1].head.i == 2 and doc[1].dep_ == "nsubj"
    assert all(t.tag_ for t in doc)


def test_separated_particle_joins_the_verb_lemma(nlp):
    from spacy.tokens import Doc
    words = ["De", "gemeente", "zette", "er", "geld", "in", "en", "bracht", "het", "tot", "stand"]
    doc = Doc(nlp.vocab, words=words, pos=["DET", "NOUN", "VERB", "ADV", "NOUN", "ADP", "CCONJ", "VERB", "PRON",
                                           "ADP", "NOUN"],
              lemmas=["de", "gemeente", "zetten", "er", "geld", "in", "en", "brengen", "het", "tot", "stand"],
              heads=[1, 2, 2, 2, 2, 2, 7, 2, 7, 7, 7],
              deps=["det", "nsubj", "ROOT", "advmod", "obj", "compound:prt", "cc", "conj", "obj", "compound:prt",
                    "obl"])
    doc = nlp.get_pipe("miner_particle_lemmas")(doc)
    assert doc[2].lemma_ == "inzetten"
    assert doc[7].lemma_ == "brengen"   # "tot stand brengen": UD keeps "tot" out of the lemma
    assert doc[5].lemma_ == "in"


def test_names_keep_their_capitals_and_lookup_fills_unseen_words(nlp):
    from spacy.tokens import Doc
    fallback = nlp.get_pipe("miner_lemma_fallback")
    mode = fallback.prefer_lookup
    try:
        for prefer_lookup in (True, False):
            fallback.prefer_lookup = prefer_lookup
            doc = Doc(nlp.vocab, words=["Heerenveen", "verloor", "klimaatbestendig"], pos=["PROPN", "VERB", "ADJ"],
                      lemmas=["heerenveen", "verloor", "klimaatbestendig"])
            doc = fallback(doc)
            assert doc[0].lemma_ == "Heerenveen"
            assert doc[1].lemma_ == ("verliezen" if prefer_lookup or "verloor" not in fallback.known_forms
                                     else "verloor")
    finally:
        fallback.prefer_lookup = mode


def test_registered_tokenizer_matches_the_shipped_one(nlp):
    import spacy
    fresh = spacy.blank("nl", config={"nlp": {"tokenizer": {"@tokenizers": "miner.policy_tokenizer.v1"}}})
    text = "Zorg- en welzijnswerk o.b.v. (inter)culturele kennis: gestuurd4 aan 12,5% van de lhbti+ jongeren."
    assert [t.text for t in fresh(text)] == [t.text for t in nlp.tokenizer(text)]


def test_aux_and_verb_follow_the_parse():
    import spacy
    from spacy.tokens import Doc
    import miner.nlp.components  # noqa: F401  (registers the component)
    nlp = spacy.blank("nl")
    verb_function = nlp.add_pipe("miner_verb_function")
    # "Er is een probleem": "is" with its own subject is a main verb; "heeft ... gedaan": auxiliary
    doc = Doc(nlp.vocab, words=["Er", "is", "een", "probleem", "dat", "hij", "heeft", "opgelost"],
              pos=["PRON", "AUX", "DET", "NOUN", "PRON", "PRON", "VERB", "VERB"],
              heads=[1, 1, 3, 1, 7, 7, 7, 3], deps=["expl", "ROOT", "det", "nsubj", "obj", "nsubj", "aux", "acl:relcl"])
    verb_function(doc)
    assert [t.pos_ for t in doc][1] == "VERB" and doc[6].pos_ == "AUX" and doc[7].pos_ == "VERB"


def test_ud_tokens_opening_quote_and_decades(nlp):
    toks = words(nlp("In de jaren '30 zei hij ,,dit is goed\" tegen de pers."))
    assert "'30" in toks and ",," in toks
