from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from miner.crawl.parsers import ParseError, SruDiagnostic, build_cql, build_sru_url, parse_sru
from miner.crawl.parsers.sru import sru_params

FIX = Path(__file__).parent / "fixtures" / "kamervragen"


def test_page_one_records_and_next_position():
    page = parse_sru((FIX / "sru_page1.xml").read_bytes())
    assert page.number_of_records == 5
    assert page.next_record_position == 4
    assert [r.identifier for r in page.records] == ["kv-tk-2023Z02090", "ah-tk-20222023-1702", "ah-tk-20222023-1944"]
    answer = page.records[2]
    assert answer.type == "Kamervragen (Aanhangsel)"
    assert answer.creator == "Tweede Kamer der Staten-Generaal"
    assert (answer.modified, answer.date, answer.available) == ("2023-03-22", "2023-03-21", "2023-03-22")
    assert answer.publicatienaam == "Kamervragen (Aanhangsel)"
    assert answer.vergaderjaar == "2022-2023"
    assert answer.preferred_url == "{BASE}/ah-tk-20222023-1944.html"
    assert answer.item_urls == {"xml": "{BASE}/ah-tk-20222023-1944.xml", "html": "{BASE}/ah-tk-20222023-1944.html",
                                "pdf": "{BASE}/ah-tk-20222023-1944.pdf",
                                "metadata": "{BASE}/ah-tk-20222023-1944/metadata.xml"}
    assert answer.fields["aanhangselnummer"] == "1944"
    assert answer.fields["vraagnummer"] == "2023Z02090"


def test_paging_until_no_next_position():
    pages = {1: FIX / "sru_page1.xml", 4: FIX / "sru_page2.xml"}
    start, ids = 1, []
    while start is not None:
        page = parse_sru(pages[start].read_bytes())
        ids += [r.identifier for r in page.records]
        start = page.next_record_position
    assert ids == ["kv-tk-2023Z02090", "ah-tk-20222023-1702", "ah-tk-20222023-1944", "kv-tk-2023Z11111",
                   "ah-tk-20222023-2345"]


def test_sru_1_2_namespace_and_missing_parts():
    xml = b"""<?xml version="1.0"?>
    <srw:searchRetrieveResponse xmlns:srw="http://www.loc.gov/zing/srw/" xmlns:dc="http://purl.org/dc/elements/1.1/">
      <srw:numberOfRecords>1</srw:numberOfRecords>
      <srw:records><srw:record><srw:recordData>
        <dc:identifier>kv-tk-2023Z02090</dc:identifier><dc:title>Alleen een titel</dc:title>
      </srw:recordData></srw:record></srw:records>
      <srw:nextRecordPosition>2</srw:nextRecordPosition>
    </srw:searchRetrieveResponse>"""
    page = parse_sru(xml)
    rec = page.records[0]
    assert (rec.identifier, rec.title, rec.preferred_url, rec.item_urls) == (
        "kv-tk-2023Z02090", "Alleen een titel", None, {})
    assert page.next_record_position is None        # beyond numberOfRecords: no further page


def test_empty_result_and_diagnostics():
    empty = b"""<sru:searchRetrieveResponse xmlns:sru="http://docs.oasis-open.org/ns/search-ws/sruResponse">
      <sru:numberOfRecords>0</sru:numberOfRecords></sru:searchRetrieveResponse>"""
    page = parse_sru(empty)
    assert (page.number_of_records, page.records, page.next_record_position) == (0, [], None)
    diag = b"""<sru:searchRetrieveResponse xmlns:sru="http://docs.oasis-open.org/ns/search-ws/sruResponse"
        xmlns:diag="http://docs.oasis-open.org/ns/search-ws/diagnostic">
      <sru:numberOfRecords>0</sru:numberOfRecords>
      <sru:diagnostics><diag:diagnostic><diag:uri>info:srw/diagnostic/1/10</diag:uri>
        <diag:message>Query syntax error</diag:message></diag:diagnostic></sru:diagnostics>
    </sru:searchRetrieveResponse>"""
    with pytest.raises(SruDiagnostic, match="Query syntax error"):
        parse_sru(diag)


@pytest.mark.parametrize("doc,msg", [
    (b"<html><body>Service unavailable</body></html>", "unexpected root"),
    (b"<sru:searchRetrieveResponse xmlns:sru='x'><sru:numberOfRecords>veel</sru:numberOfRecords>"
     b"</sru:searchRetrieveResponse>", "not a number"),
    (b"<?xml version='1.0'?><!DOCTYPE r [<!ENTITY e SYSTEM 'file:///etc/hostname'>]><r>&e;</r>", "refused"),
    (b"<sru:searchRetrieveResponse", "not well-formed"),
])
def test_bad_pages(doc, msg):
    with pytest.raises(ParseError, match=msg):
        parse_sru(doc)


def test_request_url():
    cql = build_cql('c.product-area==officielepublicaties and cql.textAndIndexes="discriminatie"',
                    modified_since="2024-01-05")
    assert cql == '(c.product-area==officielepublicaties and cql.textAndIndexes="discriminatie") and dt.modified>=2024-01-05'
    url = build_sru_url("https://repository.overheid.nl/sru?x-connection=oep", cql, start_record=4, maximum_records=3)
    parts = urlsplit(url)
    q = {k: v[0] for k, v in parse_qs(parts.query).items()}
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "repository.overheid.nl", "/sru")
    assert q == {"x-connection": "oep", "operation": "searchRetrieve", "version": "2.0", "recordSchema": "gzd",
                 "startRecord": "4", "maximumRecords": "3", "query": cql}
    assert " " not in url and '"' not in url
    assert sru_params(cql, 1, 10)["query"] == cql
    assert build_cql("dt.type=Kamervragen", date_from="1 januari 2015") == "(dt.type=Kamervragen) and dt.date>=2015-01-01"


@pytest.mark.parametrize("kwargs,msg", [({"cql": ""}, "empty CQL"), ({"maximum_records": 1001}, "maximumRecords"),
                                        ({"start_record": 0}, "startRecord")])
def test_request_url_rejects_bad_input(kwargs, msg):
    args = {"base_url": "https://x/sru", "cql": "dt.type=Kamervragen"} | kwargs
    with pytest.raises(ParseError, match=msg):
        build_sru_url(**args)
    with pytest.raises(ParseError, match="not a date"):
        build_cql("x", modified_since="gisteren")


def test_record_packing_string():
    inner = ("&lt;gzd:gzd xmlns:gzd='http://standaarden.overheid.nl/sru' xmlns:dcterms='http://purl.org/dc/terms/'&gt;"
             "&lt;gzd:originalData&gt;&lt;dcterms:identifier&gt;kv-tk-2023Z02090&lt;/dcterms:identifier&gt;"
             "&lt;/gzd:originalData&gt;&lt;gzd:enrichedData&gt;&lt;gzd:itemUrl manifestation='html'&gt;"
             "http://127.0.0.1/kv-tk-2023Z02090.html&lt;/gzd:itemUrl&gt;&lt;/gzd:enrichedData&gt;&lt;/gzd:gzd&gt;")
    xml = (f"<sru:searchRetrieveResponse xmlns:sru='http://docs.oasis-open.org/ns/search-ws/sruResponse'>"
           f"<sru:numberOfRecords>1</sru:numberOfRecords><sru:records><sru:record>"
           f"<sru:recordPacking>string</sru:recordPacking><sru:recordData>{inner}</sru:recordData>"
           f"</sru:record></sru:records></sru:searchRetrieveResponse>")
    rec = parse_sru(xml).records[0]
    assert rec.identifier == "kv-tk-2023Z02090"
    assert rec.item_urls == {"html": "http://127.0.0.1/kv-tk-2023Z02090.html"}


def test_next_position_kept_when_total_is_not_sent():
    xml = b"""<sru:searchRetrieveResponse xmlns:sru="http://docs.oasis-open.org/ns/search-ws/sruResponse">
      <sru:records/><sru:nextRecordPosition>11</sru:nextRecordPosition></sru:searchRetrieveResponse>"""
    assert parse_sru(xml).next_record_position == 11
