import pytest

from miner.crawl.parsers import ParseError
from miner.crawl.parsers.dates import days_between, parse_date
from miner.crawl.parsers.ids import (answer_id, document_id_from_url, normalise_aanhangselnummer,
                                     normalise_vergaderjaar, parse_answer_id, question_id, question_id_candidates,
                                     zaak_nummer_from_question_id)


def test_question_id_round_trip():
    assert question_id("2023Z02090") == "kv-tk-2023Z02090"
    assert question_id("2023z02090") == "kv-tk-2023Z02090"
    assert zaak_nummer_from_question_id("kv-tk-2023Z02090") == "2023Z02090"
    assert zaak_nummer_from_question_id("https://zoek.officielebekendmakingen.nl/kv-tk-2023Z02090.html") == "2023Z02090"
    assert zaak_nummer_from_question_id("kv-2060912345") is None      # old alias form names no Zaak
    assert zaak_nummer_from_question_id("kv-2009Z12345") == "2009Z12345"  # old form without "tk-"
    assert zaak_nummer_from_question_id("ah-tk-20222023-1944") is None
    assert question_id_candidates("2009Z01234", alias="2060901234") == ["kv-tk-2009Z01234", "kv-2060901234"]
    with pytest.raises(ParseError, match="not a Zaak nummer"):
        question_id("Z02090")


@pytest.mark.parametrize("vj,nr", [("2022-2023", "1944"), ("2022–2023", "01944"), ("20222023", 1944),
                                   ("2022-2023", "202220231944"), ("2022-2023", "20222023-1944")])
def test_answer_id_forms(vj, nr):
    assert answer_id(vj, nr) == "ah-tk-20222023-1944"


def test_nine_digit_aanhangselnummer_of_odata():
    # OData Document.Aanhangselnummer: vergaderjaar 24-25 then the five-digit number.
    assert answer_id("2024-2025", "242502391") == "ah-tk-20242025-2391"
    assert answer_id("2024-2025", 242502391) == "ah-tk-20242025-2391"
    assert normalise_aanhangselnummer("242502391") == "2391"          # the prefix names its vergaderjaar
    assert answer_id("1999-2000", "990000012") == "ah-tk-19992000-12"   # across the century
    from miner.crawl.parsers.ids import vergaderjaar_from_aanhangselnummer
    assert vergaderjaar_from_aanhangselnummer("242502391") == "2024-2025"
    assert vergaderjaar_from_aanhangselnummer("1944") is None
    # A nine-digit number whose prefix is another vergaderjaar is not cut.
    assert normalise_aanhangselnummer("232402391", "2024-2025") == "232402391"


def test_answer_id_parse_and_errors():
    assert parse_answer_id("ah-tk-20222023-1944") == ("2022-2023", "1944")
    assert parse_answer_id("https://zoek.officielebekendmakingen.nl/ah-tk-20222023-1944.html") == ("2022-2023", "1944")
    assert parse_answer_id("https://x/ah-tk-20222023-0012/metadata.xml") == ("2022-2023", "12")
    assert parse_answer_id("ah-tk-20222024-1944") is None               # not consecutive years
    assert parse_answer_id("kv-tk-2023Z02090") is None
    with pytest.raises(ParseError):
        answer_id("2022", "1944")
    with pytest.raises(ParseError):
        answer_id("2022-2023", "")
    assert normalise_vergaderjaar("Vergaderjaar 2022–2023") == "2022-2023"
    assert normalise_vergaderjaar("2022-2024") is None
    assert normalise_aanhangselnummer("0012") == "12"
    assert normalise_aanhangselnummer(None) is None
    assert document_id_from_url("https://x/ah-tk-20222023-1944.html?x=1#top") == "ah-tk-20222023-1944"


@pytest.mark.parametrize("text,iso", [
    ("8 februari 2023", "2023-02-08"), ("(ingezonden 8 februari 2023)", "2023-02-08"),
    ("1 mrt. 2023", "2023-03-01"), ("21 Maart 2023", "2023-03-21"), ("2023-02-08T00:00:00+01:00", "2023-02-08"),
    ("08-02-2023", "2023-02-08"), ("2023-02-07T23:00:00Z", "2023-02-08"),
    ("2023-06-11T22:00:00.0000000Z", "2023-06-12"), ("2023-03-22T09:14:03.1200000+01:00", "2023-03-22"),
    ("2023-02-08T00:00:00", "2023-02-08"), ("ontvangen 31 februari 2023, herzien 1 maart 2023", "2023-03-01"),
])
def test_dutch_dates(text, iso):
    assert parse_date(text) == iso


def test_no_date_and_days_between():
    assert parse_date("geen datum") is None
    assert parse_date(None) is None
    assert days_between("2023-02-08", "2023-03-21") == 41
    assert days_between("2023-02-08", None) is None
