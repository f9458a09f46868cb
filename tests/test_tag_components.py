"""The tagging components on short Dutch sentences (fast: blank pipeline, no trained model)."""
from __future__ import annotations

import pytest

from tests.test_tag_support import blank_dir, blank_nlp, labels, records  # noqa: F401  (fixtures)


@pytest.mark.parametrize("text, expected", [
    ("Moslimdiscriminatie komt veel voor.", {"religie"}),
    ("Leeftijdsdiscriminatie bij vacatures is verboden.", {"leeftijd"}),
    ("Er is sprake van arbeidsmarktdiscriminatie van mensen met een migratieachtergrond.", {"herkomst"}),
    ("Homofobie en antisemitisme nemen toe.", {"seksuele_orientatie", "religie"}),
    ("Etnische en gendervooroordelen spelen een rol bij sollicitaties.", {"herkomst", "geslacht"}),
    ("Vrouwen met een hoofddoek worden vaker afgewezen bij sollicitaties.", {"religie"}),
    ("Mensen met een beperking worden buitengesloten van het verenigingsleven.", {"handicap"}),
    ("Sollicitanten met een migratie-achtergrond worden minder vaak uitgenodigd.", {"herkomst"}),
    ("Lager opgeleiden voelen zich niet serieus genomen door de politiek.", {"sociaaleconomisch"}),
    ("Gesluierde vrouwen krijgen op straat te maken met bedreigingen.", {"religie"}),
    ("Slechtziende werknemers stuiten op het glazen plafond.", {"handicap"}),
    ("Bij het meldpunt kunt u terecht met elke vorm van discriminatie.", {"overig"}),
    ("Wijkteams bereiken migrantengroepen nog slecht.", {"herkomst"}),   # unequal access
    ("Is het buurthuis toegankelijk voor bewoners met een beperking?", {"handicap"}),
])
def test_grounds_need_and_find_exclusion(blank_nlp, text, expected):
    assert labels(records(blank_nlp, text), "ground") == expected


@pytest.mark.parametrize("text", [
    "Jongerenwerkers organiseren een sportdag voor jongeren en ouderen in de wijk.",
    "Vrouwen en mannen koken samen in het buurthuis.",
    "De moskee en de kerk liggen aan hetzelfde plein.",
    "Het Nationaal Programma tegen Discriminatie en Racisme loopt tot 2026.",
])
def test_a_group_without_exclusion_is_no_ground(blank_nlp, text):
    assert labels(records(blank_nlp, text), "ground") == set()


def test_basis_frame_takes_exclusion_from_previous_sentence(blank_nlp):
    recs = records(blank_nlp, "Sommige mensen krijgen niet dezelfde kansen. Vanwege hun afkomst of hun leeftijd.")
    assert labels(recs, "ground") == {"herkomst", "leeftijd"}
    recs = records(blank_nlp, "Het weer was mooi. Vanwege hun leeftijd mochten ze gratis naar binnen.")
    assert labels(recs, "ground") == set()


@pytest.mark.parametrize("text, expected", [
    ("Het meldpunt registreert klachten over discriminatie.", {"melden"}),
    ("Ontmoeting tussen buurtbewoners vermindert vooroordelen.", {"contact"}),
    ("Een training in interculturele competenties helpt professionals.", {"training"}),
    ("Omstanders kunnen ingrijpen als ze discriminatie zien.", {"omstanders"}),
    ("Bewoners werken samen aan een gezamenlijk doel, dat verkleint vooroordelen.",
     {"gemeenschappelijk_doel", "samenwerking"}),
])
def test_mechanisms(blank_nlp, text, expected):
    assert labels(records(blank_nlp, "Dit gaat over discriminatie. " + text), "mechanism") == expected


@pytest.mark.parametrize("text", [
    "Slachtoffers van discriminatie houden er vaak psychische klachten aan over.",
    "De buurtvrouw die taalcursussen geeft, kreeg racistische opmerkingen te horen.",
])
def test_word_senses_that_are_no_mechanism(blank_nlp, text):
    assert labels(records(blank_nlp, text), "mechanism") == set()


def test_no_mechanisms_in_a_document_off_the_subject(blank_nlp):
    recs = records(blank_nlp, "Er meldden zich enkele vrijwilligers bij de voetbalclub. Ze zoeken samenwerking.")
    assert labels(recs, "mechanism") == set()


@pytest.mark.parametrize("text, actor", [
    ("Gemeenten moeten discriminatie actiever aanpakken.", ["gemeente"]),
    ("Het is belangrijk om signalen van uitsluiting serieus te nemen.", ["onbepaald"]),
    ("Wij bevelen aan dat antidiscriminatievoorzieningen hun bereik vergroten.", ["adv"]),
    ("Zorg ervoor dat iedereen zich welkom voelt.", ["onbepaald"]),
    ("Train uw vrijwilligers", ["onbepaald"]),     # a tip heading: verb stem + object, no final stop
    ("Als bewoners elkaar nog niet kennen, organiseer dan een buurtmaaltijd.", ["onbepaald"]),
])
def test_recommendations_and_actor(blank_nlp, text, actor):
    recs = [r for r in records(blank_nlp, text) if r["layer"] == "recommendation"]
    assert len(recs) == 1 and recs[0]["actor"] == actor


@pytest.mark.parametrize("text", [
    "Bent u bereid gemeenten te vragen meer te doen tegen discriminatie?",
    "Moeten gemeenten meer doen tegen discriminatie?",
    "Wat gaat u doen om uitsluiting tegen te gaan?",
    "Vorig jaar moesten veel verenigingen hun activiteiten stoppen.",
    "Uit onderzoek blijkt dat gemeenten meer moeten investeren.",
    "Download de handreiking",
    "Maak een afspraak",
    "Als de vergadering uitloopt, blijft dan de zaal langer open.",
    "Aanpak van de kennissynthese",
    "Sommige verenigingen moeten hun activiteiten stoppen.",
    "Het is belangrijk om te bekijken in hoeverre de aanpak ook werkt voor nieuwkomers.",
])
def test_questions_findings_and_past_are_no_recommendations(blank_nlp, text):
    assert labels(records(blank_nlp, text), "recommendation") == set()


def test_statistics_with_what_they_measure(blank_nlp):
    text = ("Uit de peiling blijkt dat 38 procent van de buurtwerkers discriminatie heeft meegemaakt "
            "en 64 procent discriminatie bij anderen ziet. Eén op de vijf jongeren voelt zich buitengesloten.")
    stats = [r for r in records(blank_nlp, text) if r["layer"] == "statistic"]
    by_text = {r["text"]: r["value"] for r in stats}
    assert by_text["38 procent"]["number"] == 38 and by_text["38 procent"]["unit"] == "procent"
    assert by_text["38 procent"]["measure"] == "van de buurtwerkers discriminatie heeft meegemaakt"
    assert by_text["64 procent"]["measure"] == "discriminatie bij anderen ziet"
    assert by_text["Eén op de vijf"]["unit"] == "op de vijf"
    assert "2023" not in by_text


def test_hedge_and_negation_flags(blank_nlp):
    recs = records(blank_nlp, "Dit gaat over discriminatie. Een eenmalige training over vooroordelen is niet bewezen effectief. "
                              "Racisme komt vermoedelijk vaker voor. Er is geen sprake van racisme.")
    training = [r for r in recs if r["label"] == "training"][0]
    assert training["hedge"] and training["negated"]
    racism = [r for r in recs if r["label"] == "herkomst"]
    assert racism[0]["hedge"] and not racism[0]["negated"]
    assert racism[1]["negated"]


def test_entities_from_gazetteer_and_titles(blank_nlp):
    recs = records(blank_nlp, "Movisie en het KIS werkten samen met de VNG. Minister Van Gennip reageerde; "
                              "kis is geen afkorting hier.")
    orgs = [r["label"] for r in recs if r["layer"] == "organisation"]
    assert orgs == ["movisie", "kis", "vng"]
    assert [r["text"] for r in recs if r["layer"] == "person"] == ["Van Gennip"]


def test_annotations_carry_evidence_and_offsets(blank_nlp):
    text = "Kop\n\nIn de wijk komt racisme voor.  Tweede zin over niets."
    recs = records(blank_nlp, text)
    r = [x for x in recs if x["layer"] == "ground"][0]
    assert text[r["start"]:r["end"]] == "racisme" == r["text"]
    assert text[r["sentence_start"]:r["sentence_end"]] == "In de wijk komt racisme voor."
    assert r["source"].startswith("miner_ground:") and "racis" in r["source"]


def test_evidence_type_is_a_document_label(blank_nlp):
    doc = blank_nlp("Voor deze kennissynthese deden we een literatuurstudie en een enquête onder 200 respondenten.")
    found = {d["label"] for d in doc._.miner_doc_labels}
    assert {"kennissynthese", "literatuurstudie", "enquete"} <= found


def test_passage_context_is_local_and_a_weak_cue_is_no_context_for_itself(blank_nlp):
    opening = "Discriminatie komt in het sociaal domein voor. Ook vooroordelen spelen mee. "
    filler = "Het rapport heeft een bijlage met tabellen. " * 12
    near = records(blank_nlp, opening + "De analyse kijkt naar de leeftijd van bewoners.")
    far = records(blank_nlp, opening + filler + "De analyse kijkt naar de leeftijd van bewoners.")
    assert labels(near, "ground") == {"leeftijd"}
    assert labels(far, "ground") == set()
    parents = "De groep met een kleine afstand tot ouder(s) is oververtegenwoordigd in de selectie."
    assert labels(records(blank_nlp, parents), "ground") == set()
