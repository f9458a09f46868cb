"""Line-end hyphenation: repair Dutch word breaks, keep real hyphens."""
import pytest

from miner.extract.dehyphen import document_words, join_lines, join_pair, keep_hyphen


@pytest.mark.parametrize("before, after, expected", [
    ("over discrimi-", "natie in de wijk", "over discriminatie in de wijk"),
    ("maatschappe-", "lijke organisaties", "maatschappelijke organisaties"),
    ("buurt-", "organisaties", "buurtorganisaties"),
    ("een zwakke sociaal-", "economische positie", "een zwakke sociaal-economische positie"),
    ("in Noord-", "Holland en Gelderland", "in Noord-Holland en Gelderland"),
    ("mensen en lhbti-", "personen", "mensen en lhbti-personen"),
    ("vrijwilligers-", "en buurtorganisaties", "vrijwilligers- en buurtorganisaties"),
    ("de COVID-", "19-pandemie", "de COVID-19-pandemie"),
    ("ggz-", "instellingen", "ggz-instellingen"),
    ("niet-", "westerse migranten", "niet-westerse migranten"),
    ("een auto-", "ongeluk", "een auto-ongeluk"),
    ("discrimi\u00ad", "natie", "discriminatie"),
    ("gewoon", "verder", "gewoon verder"),
    ("in 2020-", "2021", "in 2020-2021"),
    ("wet-", "en regelgeving", "wet- en regelgeving"),
    ("de onderdel-", "en van het plan", "de onderdelen van het plan"),
    ("de CUB-po-", "pulatie", "de CUB-populatie"),
    ("geherevalu-", "eerd", "geherevalueerd"),
    # issue 15: compound continuations and elisions keep their hyphen, broken words are joined
    ("machine learning-", "algoritmes", "machine learning-algoritmes"),
    ("Staats-", "en Bestuursrecht", "Staats- en Bestuursrecht"),
    ("te mak-", "en hebben", "te maken hebben"),
    ("de beleids-", "nota", "de beleidsnota"),
])
def test_join_pair(before, after, expected):
    assert join_pair(before, after) == expected


def test_document_evidence_wins():
    # "e-mailadres" is hyphenated elsewhere in the document, "kwetsbaar" is written solid
    doc = document_words(["stuur een e-mailadres op", "zij zijn kwetsbaar en"])
    assert join_pair("het e-", "mailadres", doc) == "het e-mailadres"
    assert not keep_hyphen("kwets", "baar", "", doc)
    assert keep_hyphen("e", "mailadres", "", doc)


def test_join_lines_paragraph():
    lines = ["Professionals zien het belang van in-", "clusief werken, maar voelen zich han-",
             "delingsverlegen in Noord-", "Holland."]
    assert join_lines(lines) == ("Professionals zien het belang van inclusief werken, maar voelen zich "
                                 "handelingsverlegen in Noord-Holland.")


def test_last_word_of_a_hyphenated_line_is_no_evidence():
    # "discrimi-" at a line end must not count as a word the document uses
    assert "discrimi" not in document_words(["over discrimi-"])
