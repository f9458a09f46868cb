"""Quality checks with the real Dutch pipeline (models/nl_miner or nl_core_news_sm, via the loader).

Skipped when no pipeline is available. The Kamervraag test uses a fixture written for
these tests; the seed test reads the real Kamervraag 2023Z02090 from ../shared when present.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_tag_support import KAMERVRAAG, ROOT, labels, real_nlp, records  # noqa: F401  (fixture)

SEED = next((p for base in (ROOT.parent / "shared", Path("/work/shared"))
             for p in sorted((base / "seeds").glob("001_*.txt"))), None) if True else None


def _sentence_of(recs, fragment):
    return [r for r in recs if fragment in r["sentence"]]


def test_kamervraag_answer_questions_statistics_mechanisms(real_nlp):
    recs = records(real_nlp, KAMERVRAAG)
    answer = KAMERVRAAG.index("Antwoord 1")
    grounds = {r["label"] for r in recs if r["layer"] == "ground" and r["start"] > answer}
    assert {"herkomst", "seksuele_orientatie", "religie", "geslacht", "leeftijd", "handicap"} <= grounds
    # the question's own words are about discrimination, but a bare group mention is not a ground
    assert not [r for r in _sentence_of(recs, "sportdag") if r["layer"] == "ground"]
    stats = {r["text"]: r["value"]["measure"] for r in recs if r["layer"] == "statistic"}
    assert "buurtwerkers zelf discriminatie heeft meegemaakt" in stats["38 procent"]
    assert stats["64 procent"] == "discriminatie van bewoners heeft gezien"
    # questions of the member are not recommendations
    questions = [r for r in recs if r["layer"] == "recommendation" and r["start"] < answer]
    assert questions == []
    assert not [r for r in recs if r["layer"] == "recommendation" and "Wat gaat u doen" in r["sentence"]]
    recs_by_sentence = {r["sentence"]: r["actor"] for r in recs if r["layer"] == "recommendation"}
    assert recs_by_sentence[next(s for s in recs_by_sentence if s.startswith("Gemeenten moeten"))] == ["gemeente"]
    assert recs_by_sentence[next(s for s in recs_by_sentence if s.startswith("Sociaal werkers"))] == ["sociaal_werk"]
    mechanisms = labels(recs, "mechanism")
    assert {"melden", "training", "empathie"} <= mechanisms
    assert {"pharos", "adv", "gl_pvda", "vws"} <= labels(recs, "organisation")
    hedged = [r for r in recs if r["layer"] == "ground" and r["text"] == "Moslimdiscriminatie"]
    assert hedged and hedged[0]["hedge"]


@pytest.mark.skipif(SEED is None, reason="../shared/seeds not available")
def test_seed_kamervraag_2023Z02090(real_nlp):
    text = SEED.read_text(encoding="utf-8")
    recs = records(real_nlp, text)
    answer = text.index("Ja, hiervan heb ik kennisgenomen")
    grounds = {r["label"] for r in recs if r["layer"] == "ground" and r["start"] > answer}
    assert {"herkomst", "seksuele_orientatie", "religie", "geslacht", "leeftijd"} <= grounds
    stats = {r["text"]: r["value"]["measure"] for r in recs if r["layer"] == "statistic"}
    assert "discriminatie of microagressie" in stats["49 procent"] and "discriminatie" in stats["71 procent"]
    assert {"melden", "bewustwording", "empathie"} <= labels(recs, "mechanism")
    assert {"adv", "pharos", "movisie", "vws"} <= labels(recs, "organisation")
    starts = [m.start() for m in __import__("re").finditer(r"• Vraag \d", text)]
    for q in starts:
        question = text[q:text.index("\n\n", q)]
        qs, qe = q, q + len(question)
        assert not [r for r in recs if r["layer"] == "recommendation" and qs <= r["start"] < qe], question


@pytest.mark.parametrize("text, expected", [
    ("Buurthuizen zijn enorm belangrijk om mensen met elkaar te verbinden.", set()),
    ("Sommige sportclubs moeten door het tekort aan vrijwilligers trainingen schrappen.", set()),
    ("Het is belangrijk om signalen van uitsluiting serieus te nemen.", {"recommendation"}),
    ("Gemeenten moeten discriminatie actiever aanpakken.", {"recommendation"}),
    ("Een nieuwkomer moet zich eerst laten registreren bij de gemeente.", set()),   # a rule, not advice
    ("Stel dat de ene groep twee keer zo vaak wordt gecontroleerd als de andere.", set()),
    ("Registraties kunnen dienen om beleid te onderbouwen.", set()),
    ("Klachtgegevens zijn namelijk niet altijd zo neutraal als ze lijken.", set()),
    ("Verbod op ongelijke behandeling in artikel 1 van de Grondwet.", set()),
    ("Een toets op noodzakelijkheid en evenredigheid is onderdeel van de procedure.", set()),
    ("Het is wenselijker dan ooit om samen op te trekken tegen uitsluiting.", {"recommendation"}),
])
def test_descriptive_importance_and_obligation_are_no_advice(real_nlp, text, expected):
    assert labels(records(real_nlp, text), "recommendation") == expected
