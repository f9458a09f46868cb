import json
from pathlib import Path
from urllib.parse import unquote

import pytest

from miner.crawl.parsers import ParseError, build_zaak_url, parse_zaak_page

FIX = Path(__file__).parent / "fixtures" / "kamervragen"


def test_page_one():
    page = parse_zaak_page((FIX / "odata_zaak_page1.json").read_bytes())
    assert page.skipped_deleted == 1
    assert [z.nummer for z in page.zaken] == ["2023Z02090"]
    zaak = page.zaken[0]
    assert zaak.soort == "Schriftelijke vragen"
    assert zaak.onderwerp.startswith("Het nieuwe Movisie-rapport")
    assert zaak.gestart_op == "2023-02-08"
    # Deleted and unrelated documents (a covering letter) are dropped; the rest in date order.
    assert [d.soort for d in zaak.documents] == ["Schriftelijke vragen", "Mededeling (uitstel antwoord)",
                                                 "Antwoord schriftelijke vragen"]
    answer = zaak.documents[2]
    assert (answer.datum, answer.vergaderjaar, answer.aanhangselnummer) == ("2023-03-21", "2022-2023", "1944")
    assert [d.overheid_id(zaak.nummer) for d in zaak.documents] == [
        "kv-tk-2023Z02090", "ah-tk-20222023-1702", "ah-tk-20222023-1944"]
    # Only the question roles; the Volgcommissie is not an actor of the Kamervraag.
    assert [(a.role, a.naam, a.fractie) for a in zaak.actors] == [
        ("indiener", "Sylvana Simons", "BIJ1"), ("gericht_aan", "E.J. Kuipers", None)]
    assert zaak.actors[1].functie == "minister van Volksgezondheid, Welzijn en Sport"
    assert page.next_link.startswith("{BASE}/OData/v4/2.0/Zaak?") and "$skip=2" in page.next_link


def test_paging_follows_next_link():
    pages = {None: FIX / "odata_zaak_page1.json"}
    first = parse_zaak_page(pages[None].read_bytes())
    pages[first.next_link] = FIX / "odata_zaak_page2.json"
    link, nummers = None, []
    while True:
        page = parse_zaak_page(pages[link].read_bytes())
        nummers += [z.nummer for z in page.zaken]
        if not page.next_link:
            break
        link = page.next_link
    assert nummers == ["2023Z02090", "2023Z11111"]
    second = parse_zaak_page((FIX / "odata_zaak_page2.json").read_bytes())
    assert [(a.role, a.naam) for a in second.zaken[0].actors][:2] == [("indiener", "Jimmy van Dijk"),
                                                                      ("medeindiener", "Bart Bakker")]
    assert second.zaken[0].documents[1].aanhangselnummer == "2345"


def test_relative_next_link_single_entity_and_missing_fields():
    page = parse_zaak_page({"value": [{"Id": "x1", "Nummer": "2023z00001"}], "@odata.nextLink": "Zaak?$skip=250"},
                           page_url="http://127.0.0.1:8000/OData/v4/2.0/Zaak?$filter=x")
    assert page.next_link == "http://127.0.0.1:8000/OData/v4/2.0/Zaak?$skip=250"
    zaak = page.zaken[0]
    assert (zaak.nummer, zaak.documents, zaak.actors, zaak.gestart_op) == ("2023Z00001", [], [], None)
    single = parse_zaak_page(json.dumps({"Id": "x2", "Nummer": "2023Z00002", "Document": {"Id": "d", "Soort":
                                         "Schriftelijke vragen"}}))
    assert single.zaken[0].documents[0].soort == "Schriftelijke vragen"
    assert single.next_link is None


@pytest.mark.parametrize("body,msg", [
    (b"<html>Bad gateway</html>", "not JSON"),
    (b'{"error": {"code": "", "message": "The query specified in the URI is not valid."}}', "not valid"),
    (b"[1, 2]", "expected a JSON object"),
    (b'{"value": {"Id": 1}}', "not a list"),
    (b'{"odata.metadata": "x"}', "neither"),
])
def test_bad_pages(body, msg):
    with pytest.raises(ParseError, match=msg):
        parse_zaak_page(body)


def test_url_builder():
    url = build_zaak_url("https://gegevensmagazijn.tweedekamer.nl/OData/v4/2.0", nummer="2023Z02090")
    assert url.startswith("https://gegevensmagazijn.tweedekamer.nl/OData/v4/2.0/Zaak?$filter=")
    plain = unquote(url)
    assert "$filter=Nummer eq '2023Z02090' and Soort eq 'Schriftelijke vragen'" in plain
    assert "$expand=Document,ZaakActor" in plain
    assert "$format=application/json;odata.metadata=full" in plain
    assert " " not in url
    ranged = unquote(build_zaak_url("http://127.0.0.1:9/OData/v4/2.0/", started_from="2023-01-01",
                                    started_before="1 januari 2024", search="o'neill discriminatie", top=250))
    assert "GestartOp ge 2023-01-01T00:00:00Z and GestartOp lt 2024-01-01T00:00:00Z" in ranged
    assert "(contains(Onderwerp,'o''neill discriminatie') or contains(Titel,'o''neill discriminatie'))" in ranged   # quotes doubled, OData style
    assert "$top=250" in ranged
    with pytest.raises(ParseError, match="not a Zaak nummer"):
        build_zaak_url("http://x", nummer="2090")
    with pytest.raises(ParseError, match="not a date"):
        build_zaak_url("http://x", started_from="ooit")
    with pytest.raises(ParseError, match="at least one filter"):
        build_zaak_url("http://x", soort=None)


def test_document_resource_url():
    from miner.crawl.parsers import document_resource_url
    assert document_resource_url("http://127.0.0.1:9/OData/v4/2.0", "a1d2e3f4-0000-4000-8000-000000000013") == \
        "http://127.0.0.1:9/OData/v4/2.0/Document(a1d2e3f4-0000-4000-8000-000000000013)/resource"
    with pytest.raises(ParseError, match="not an OData document Id"):
        document_resource_url("http://x/", "../../etc")


def test_nine_digit_aanhangselnummer_names_the_answer_without_a_vergaderjaar():
    from miner.crawl.parsers.odata import parse_zaak
    zaak = parse_zaak({"Id": "z1", "Nummer": "2024Z10101", "Document": [
        {"Id": "d1", "Soort": "Antwoord schriftelijke vragen", "Aanhangselnummer": "242502391"}]})
    doc = zaak.documents[0]
    assert (doc.vergaderjaar, doc.aanhangselnummer) == ("2024-2025", "2391")
    assert doc.overheid_id("2024Z10101") == "ah-tk-20242025-2391"
