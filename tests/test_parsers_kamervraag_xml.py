"""The XML manifestation of Kamervragen and aanhangsels, and the HTML layouts without div.stuk.

The documents are the demo corpus (miner/demo/corpus.toml, our own text) rendered in the real structures."""
import pytest

from miner.crawl.parsers import ParseError
from miner.crawl.parsers.kamervraag import merge_kamervraag
from miner.crawl.parsers.kamervraag_html import parse_kamervraag_html
from miner.crawl.parsers.kamervraag_xml import parse_kamervraag_document, parse_kamervraag_xml
from miner.demo import corpus

BASES = {name: f"http://127.0.0.1:{9100 + i}" for i, name in enumerate(corpus.HOSTS)}


def kv(nummer):
    return next(k for k in corpus.load()["kamervraag"] if k["nummer"] == nummer)


def part(k, kind):
    return next(p for p in corpus.parts_of(k) if p.kind == kind)


def test_xml_answer_gives_pairs_header_numbers_and_footnotes():
    k = kv("2024Z10101")
    a = part(k, "antwoord")
    doc = parse_kamervraag_xml(corpus.manifestation_xml(k, a, BASES), document_id=a.ident)
    assert doc.kind == "answer" and doc.document_id == "ah-tk-20242025-2391"
    assert (doc.vergaderjaar, doc.aanhangselnummer, doc.zaak_nummer) == ("2024-2025", "2391", "2024Z10101")
    assert [q.number for q in doc.questions] == [1, 2, 3, 4]
    assert [x.numbers for x in doc.answers] == [[1], [2], [3], [4]]
    assert doc.questions[0].text.startswith("Heeft u kennisgenomen") and "[1]" in doc.questions[0].text
    assert doc.answers[2].text.startswith("Sociaal werkers en vrijwilligers")
    assert (doc.answered_by, doc.answered) == ("Van Dalen", "2024-10-30")
    assert [(s.name, s.party) for s in doc.submitters] == [("De Wit", "GroenLinks-PvdA"), ("Veldman", "D66")]
    urls = {f.number: f.url for f in doc.footnotes}
    assert urls == {"1": BASES["movisie"] + "/publicatie/welkom-in-het-buurthuis",
                    "2": BASES["officielebekendmakingen"] + "/dossier/30950/kst-30950-150"}
    assert all(f.part == "question" for f in doc.footnotes)


def test_xml_combined_answer_and_question_document():
    k = kv("2024Z10505")
    doc = parse_kamervraag_xml(corpus.manifestation_xml(k, part(k, "antwoord"), BASES))
    assert [x.numbers for x in doc.answers] == [[1], [2, 3]]
    q = parse_kamervraag_document(corpus.manifestation_xml(k, part(k, "vraag"), BASES).encode())
    assert q.kind == "question" and q.document_id == "kv-tk-2024Z10505" and len(q.questions) == 3 and not q.answers


def test_xml_is_read_safely_and_bad_xml_is_one_parse_error():
    bomb = ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
            "<officiele-publicatie><vraag><al>Vraag 1</al><al>&e;</al></vraag></officiele-publicatie>")
    with pytest.raises(ParseError, match="unsafe|not well-formed"):
        parse_kamervraag_xml(bomb)
    with pytest.raises(ParseError, match="holds no vraag"):
        parse_kamervraag_xml('<?xml version="1.0"?><officiele-publicatie><al>Niets</al></officiele-publicatie>')
    with pytest.raises(ParseError):
        parse_kamervraag_xml("<?xml version='1.0'?><officiele-publicatie><vraag>")


@pytest.mark.parametrize("layout", ["broodtekst", "stuktitel", "stuk"])
def test_html_layouts_without_div_stuk_give_questions_and_answers(layout):
    k = kv("2024Z10303")
    a = part(k, "antwoord")
    html = corpus.manifestation_html(k, a, BASES, layout)
    assert ('class="stuk"' in html) == (layout == "stuk")
    doc = parse_kamervraag_html(html, document_id=a.ident)
    assert [q.number for q in doc.questions] == [1, 2, 3, 4]
    assert [x.numbers for x in doc.answers] == [[1], [2], [3], [4]]
    assert doc.answers[3].refers_to == 3
    assert "demonstratiespiegel" not in doc.answers[-1].text     # the page footer is not answer text
    assert doc.answered == "2024-12-10" and doc.answered_by == "Hendriks"


def test_mededeling_is_its_own_document_and_nader_antwoord_is_merged():
    k = kv("2024Z10202")
    m = part(k, "mededeling")
    med = parse_kamervraag_html(corpus.manifestation_html(k, m, BASES, "broodtekst"), document_id=m.ident)
    assert med.kind == "mededeling" and med.postponement.date == "2024-10-23"
    assert "niet binnen de gebruikelijke termijn" in med.postponement.text
    k3 = kv("2024Z10303")
    first = parse_kamervraag_html(corpus.manifestation_html(k3, part(k3, "antwoord"), BASES, "stuktitel"))
    nader = parse_kamervraag_html(corpus.manifestation_html(k3, part(k3, "nader"), BASES, "stuktitel"))
    assert [x.numbers for x in nader.answers] == [[3], [4]] and nader.answered == "2025-01-21"
    merged = merge_kamervraag(None, first, nader=[(nader, {})])
    items = {i.number: i for i in merged.items}
    assert items[1].answer.startswith("Ja. Ik vind deze signalen ernstig")     # the first answer stays
    assert "Nader antwoord (2025-01-21): In de opleidingen sociaal werk" in items[3].answer
    assert "proeftuinen" in items[4].answer
    assert merged.answered == "2024-12-10"                                    # the first answer's date


def test_xml_blocks_numbered_by_attribute_or_nr_child_and_text_without_al():
    xml = """<?xml version="1.0" encoding="UTF-8"?>
<officiele-publicatie><metadata><meta name="DC.identifier" content="ah-tk-20242025-77"/></metadata>
<aanhangsel><kamervraagomschrijving>Vragen van het lid Groen (SP) aan de Minister van Justitie en Veiligheid over
buurtvaders (ingezonden 3 maart 2025).</kamervraagomschrijving>
<vraag nummer="2"><al>Hoeveel buurtvaders zijn er?</al></vraag>
<antwoord nummer="2"><al>Dat weet ik niet precies.</al></antwoord>
<vraag><nr>Vraag 3</nr><al>Wie betaalt hen?</al></vraag>
<antwoord><nr>Antwoord 3</nr><al>De gemeente.</al></antwoord>
</aanhangsel></officiele-publicatie>"""
    doc = parse_kamervraag_xml(xml)
    assert [(q.number, q.text) for q in doc.questions] == [(2, "Hoeveel buurtvaders zijn er?"), (3, "Wie betaalt hen?")]
    assert [(a.numbers, a.text) for a in doc.answers] == [([2], "Dat weet ik niet precies."), ([3], "De gemeente.")]
    assert doc.document_id == "ah-tk-20242025-77" and doc.submitted == "2025-03-03"
    assert [s.name for s in doc.submitters] == ["Groen"]
