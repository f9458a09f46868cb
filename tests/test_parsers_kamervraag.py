from pathlib import Path

import pytest

from miner.crawl.parsers import (ParseError, merge_kamervraag, parse_kamervraag_html, parse_metadata_xml,
                                 parse_zaak_page)

FIX = Path(__file__).parent / "fixtures" / "kamervragen"


def _html(name, **kw):
    return parse_kamervraag_html((FIX / f"{name}.html").read_bytes(), **kw)


def _meta(name):
    return parse_metadata_xml((FIX / f"{name}.metadata.xml").read_bytes())


def _zaken():
    zaken = parse_zaak_page((FIX / "odata_zaak_page1.json").read_bytes()).zaken
    zaken += parse_zaak_page((FIX / "odata_zaak_page2.json").read_bytes()).zaken
    return {z.nummer: z for z in zaken}


@pytest.fixture
def simons():
    return merge_kamervraag(_html("kv-tk-2023Z02090"), _html("ah-tk-20222023-1944"),
                            mededeling=_html("ah-tk-20222023-1702"),
                            question_meta=_meta("kv-tk-2023Z02090"), answer_meta=_meta("ah-tk-20222023-1944"),
                            mededeling_meta=_meta("ah-tk-20222023-1702"), zaak=_zaken()["2023Z02090"])


def test_question_page():
    doc = _html("kv-tk-2023Z02090")
    assert (doc.kind, doc.document_id, doc.zaak_nummer) == ("question", "kv-tk-2023Z02090", "2023Z02090")
    assert [(a.name, a.party, a.role) for a in doc.submitters] == [("Simons", "BIJ1", "indiener")]
    assert doc.receiver == "Minister van Volksgezondheid, Welzijn en Sport"
    assert doc.submitted == "2023-02-08"
    assert doc.title == "Het nieuwe Movisie-rapport over uitsluiting in buurtwerk en wijkteams"
    assert [q.number for q in doc.questions] == [1, 2, 3, 4, 5, 6]
    assert doc.answers == [] and doc.postponement is None
    assert doc.questions[0].text.endswith("over de resultaten? [1], [2]")          # footnote markers kept, bracketed
    assert doc.questions[1].text.count("\n") == 1                            # two paragraphs
    assert [(f.number, f.part) for f in doc.footnotes] == [("1", "question"), ("2", "question"), ("3", "question")]
    # The KOOP pop-up markup ("X Noot" close link, number in sup/span.nootnum) stays out of the text.
    assert doc.footnotes[0].text == ("Movisie, 3 februari 2023, «Discriminatie aanpakken in buurt en wijk» "
                                     "(https://www.movisie.nl/publicatie/aanpak-discriminatie-sociale-basis).")


def test_answer_page():
    doc = _html("ah-tk-20222023-1944")
    assert (doc.kind, doc.vergaderjaar, doc.aanhangselnummer) == ("answer", "2022-2023", "1944")
    assert (doc.answered_by, doc.answered) == ("Kuipers", "2023-03-21")
    assert doc.answered_by_function == "Minister van Volksgezondheid, Welzijn en Sport"
    assert [(a.numbers, a.refers_to) for a in doc.answers] == [([1], None), ([2], None), ([3], None), ([4], 3),
                                                               ([5], 3), ([6], 3)]
    assert "- discriminatie in het eigen team op de agenda zetten;" in doc.answers[2].text.splitlines()
    assert {f.number: f.part for f in doc.footnotes} == {"1": "question", "2": "question", "3": "question",
                                                         "4": "answer", "5": "answer"}
    assert doc.footnotes[3].text.startswith("Brief aan gemeenten over de lokale aanpak")
    # The notice inside the answer page: its heading gives the date and is not part of the text.
    assert doc.postponement.date == "2023-03-01"
    assert doc.postponement.text.startswith("Tot mijn spijt")


def test_2023Z02090_merged(simons):
    kv = simons
    assert (kv.zaak_nummer, kv.question_id, kv.answer_id) == ("2023Z02090", "kv-tk-2023Z02090", "ah-tk-20222023-1944")
    assert (kv.submitted, kv.answered, kv.days_to_answer) == ("2023-02-08", "2023-03-21", 41)
    assert (kv.vergaderjaar, kv.aanhangselnummer) == ("2022-2023", "1944")
    assert kv.receiver == "Minister van Volksgezondheid, Welzijn en Sport"
    assert kv.answered_by == "Kuipers"
    # "Simons" (page), "S.R. Simons"-like forms and "Sylvana Simons" (OData, metadata) are one person.
    assert [(a.name, a.party, a.role) for a in kv.submitters] == [("Sylvana Simons", "BIJ1", "indiener")]
    assert [i.number for i in kv.items] == [1, 2, 3, 4, 5, 6]
    assert all(i.question and i.answer for i in kv.items)
    assert [i.answer_refers_to for i in kv.items] == [None, None, None, 3, 3, 3]
    assert [i.answer for i in kv.items[3:]] == ["Zie antwoord vraag 3."] * 3
    assert kv.answer_for(5) == kv.item(3).answer
    assert "49 procent" in kv.item(2).question and "71 procent" in kv.item(2).question
    assert kv.postponement.date == "2023-03-01"
    assert kv.postponement.document_id == "ah-tk-20222023-1702"
    assert "niet binnen de gebruikelijke termijn" in kv.postponement.text
    assert [(f.part, f.number) for f in kv.footnotes] == [("question", "1"), ("question", "2"), ("question", "3"),
                                                          ("answer", "4"), ("answer", "5")]
    urls = kv.footnote_urls()
    assert urls[0] == "https://www.movisie.nl/publicatie/aanpak-discriminatie-sociale-basis"
    assert any(u.startswith("https://www.nu.nl/") for u in urls)
    assert urls[-1] == "https://www.movisie.nl/publicatie/handreiking-lokaal-antidiscriminatiebeleid"
    assert kv.metadata["zaak_id"] == "7c3f0e52-2b9a-4d61-9a8e-0d1f23a40001"
    assert kv.metadata["categories"] == ["Recht | Staatsrecht", "Zorg en gezondheid"]


def test_combined_answer_and_p_nummer_headings():
    kv = merge_kamervraag(_html("kv-tk-2023Z11111", base_url="http://127.0.0.1:8123/kv-tk-2023Z11111.html"),
                          _html("ah-tk-20222023-2345", base_url="http://127.0.0.1:8123/ah-tk-20222023-2345.html"),
                          question_meta=_meta("kv-tk-2023Z11111"), answer_meta=_meta("ah-tk-20222023-2345"),
                          zaak=_zaken()["2023Z11111"])
    assert [i.number for i in kv.items] == [1, 2, 3, 4]
    two, three = kv.item(2), kv.item(3)
    assert two.answer.startswith("De voetbalbond registreerde") and two.answered_together == [2, 3]
    assert (three.answer, three.answer_refers_to, three.answered_together) == (None, 2, [2, 3])
    assert kv.answer_for(3) == two.answer
    assert kv.item(3).question == "Hoeveel van die meldingen hebben tot een sanctie door de bond geleid?"
    # Answer received 10 July (page) wins over publication on 11 July (metadata DCTERMS.issued).
    assert (kv.submitted, kv.answered, kv.days_to_answer) == ("2023-06-12", "2023-07-10", 28)
    assert kv.answer_id == "ah-tk-20222023-2345" and kv.aanhangselnummer == "2345"
    assert kv.answered_by == "Van Ark"
    assert kv.receiver == "Minister voor Langdurige Zorg en Sport"
    assert [(a.name, a.party, a.role) for a in kv.submitters] == [
        ("Jimmy van Dijk", "SP", "indiener"), ("Bart Bakker", "GroenLinks", "medeindiener")]
    # A relative footnote link is resolved against the page; a URL only in the footnote text is found too.
    assert kv.footnote_urls() == ["http://127.0.0.1:8123/nieuws/spreekkoren-jeugdvoetbal",
                                  "https://www.kis.nl/publicatie/discriminatie-in-de-sport"]
    assert kv.postponement is None


def test_answer_id_built_from_zaak_when_pages_are_missing():
    kv = merge_kamervraag(zaak=_zaken()["2023Z02090"])
    assert (kv.question_id, kv.answer_id, kv.submitted, kv.answered, kv.days_to_answer) == (
        "kv-tk-2023Z02090", "ah-tk-20222023-1944", "2023-02-08", "2023-03-21", 41)
    assert kv.receiver == "Minister van Volksgezondheid, Welzijn en Sport"
    assert kv.answered_by == "E.J. Kuipers"
    assert kv.items == [] and kv.metadata["mededeling_documents"] == ["a1d2e3f4-0000-4000-8000-000000000012"]
    assert (kv.postponement.date, kv.postponement.document_id) == ("2023-03-01", "ah-tk-20222023-1702")
    assert kv.postponement.text == "Mededeling uitstel beantwoording vragen van het lid Simons"


def test_unanswered_question_has_no_answer_fields():
    kv = merge_kamervraag(_html("kv-tk-2023Z02090"), question_meta=_meta("kv-tk-2023Z02090"))
    assert (kv.answer_id, kv.answered, kv.days_to_answer, kv.answered_by) == (None, None, None, None)
    assert [i.answer for i in kv.items] == [None] * 6
    assert kv.submitters[0].name == "Sylvana Simons"


# --- variation tolerance -------------------------------------------------------------------------

NO_STUK = """<html><head><title>x</title></head><body><div id="content">
<div class="kamervraagomschrijving">Vragen van de leden Jansen (PVV), De Vries-Ölcer (D66) en Bos (CDA) aan de
 staatssecretaris van Justitie en Veiligheid over meldingen van discriminatie (ingezonden 3 mei 2021)</div>
<div class="vraag"><h3>Vraag 1</h3><p>Kent u de cijfers?</p></div>
<div class="vraag"><p>Wat gaat u doen?</p></div>
</div></body></html>"""


def test_missing_div_stuk_and_heading():
    doc = parse_kamervraag_html(NO_STUK, document_id="kv-tk-2021Z07777")
    assert doc.kind == "question" and doc.zaak_nummer == "2021Z07777"
    assert [(q.number, q.text) for q in doc.questions] == [(1, "Kent u de cijfers?"), (2, "Wat gaat u doen?")]
    assert [(a.name, a.party, a.role) for a in doc.submitters] == [
        ("Jansen", "PVV", "indiener"), ("De Vries-Ölcer", "D66", "medeindiener"), ("Bos", "CDA", "medeindiener")]
    assert doc.receiver == "Staatssecretaris van Justitie en Veiligheid"
    assert doc.submitted == "2021-05-03"


SEQUENTIAL = """<html><body><div class="stukken-tekst">
<p>Vergaderjaar 2020–2021</p>
<p>Antwoord van minister Grapperhaus (Justitie en Veiligheid) (ontvangen 1 juni 2021)</p>
<p>Vraag 1</p><p>Kent u de cijfers?</p>
<p>Antwoord 1</p><p>Ja.</p>
<p>Vraag 2</p><p>Wat gaat u doen?</p>
<p>Vraag 3</p><p>Wanneer?</p>
<p>Antwoord op vragen 2 en 3</p><p>Ik verwijs naar mijn brief.</p>
<p>Vraag 4: Komt er een evaluatie?</p>
<p>Antwoord 4: Zie het antwoord op vraag 1.</p>
<div class="voetnoot"><p>1 https://www.verwey-jonker.nl/publicatie/monitor. </p></div>
</div></body></html>"""


def test_no_vraag_divs_read_sequentially():
    doc = parse_kamervraag_html(SEQUENTIAL, document_id="ah-tk-20202021-3001")
    assert doc.kind == "answer" and doc.vergaderjaar == "2020-2021" and doc.aanhangselnummer == "3001"
    assert (doc.answered_by, doc.answered) == ("Grapperhaus", "2021-06-01")
    assert [(q.number, q.text) for q in doc.questions] == [(1, "Kent u de cijfers?"), (2, "Wat gaat u doen?"),
                                                           (3, "Wanneer?"), (4, "Komt er een evaluatie?")]
    assert [(a.numbers, a.text, a.refers_to) for a in doc.answers] == [
        ([1], "Ja.", None), ([2, 3], "Ik verwijs naar mijn brief.", None),
        ([4], "Zie het antwoord op vraag 1.", 1)]
    assert [(f.number, f.url) for f in doc.footnotes] == [("1", "https://www.verwey-jonker.nl/publicatie/monitor")]
    kv = merge_kamervraag(answer=doc)
    assert kv.answer_id == "ah-tk-20202021-3001" and kv.zaak_nummer is None
    assert kv.answer_for(4) == "Ja."
    assert kv.item(3).answered_together == [2, 3]


@pytest.mark.parametrize("heading,numbers", [
    ("Antwoord op vragen 4, 5 en 6", [4, 5, 6]), ("Vraag 4, 5 en 6", [4, 5, 6]), ("Antwoorden 7 t/m 9", [7, 8, 9]),
    ("Antwoord 2 en 3", [2, 3]), ("4, 5 en 6", [4, 5, 6]), ("Antwoord op de vragen 4 tot en met 6", [4, 5, 6]),
    ("Antwoord vraag 2-4 en 7", [2, 3, 4, 7]), ("Vraag 2, 3", [2, 3]),
])
def test_combined_answer_headings(heading, numbers):
    html = f"""<div class="stuk"><div class="antwoord"><p class="nummer">{heading}</p>
               <p>Deze vragen beantwoord ik samen.</p></div></div>"""
    doc = parse_kamervraag_html(html, document_id="ah-tk-20232024-5")
    assert doc.answers[0].numbers == numbers
    assert doc.answers[0].text == "Deze vragen beantwoord ik samen."


@pytest.mark.parametrize("text,ref", [("Zie antwoord vraag 3.", 3), ("Zie het antwoord op vraag 3.", 3),
                                      ("Zie mijn antwoord op vraag 12", 12),
                                      ("Voor het antwoord op deze vraag, zie antwoord op vraag 2.", 2),
                                      ("Ik verwijs u naar het antwoord op vraag 5.", 5),
                                      ("Nee. Zie ook het antwoord op vraag 3.", None)])
def test_references(text, ref):
    doc = parse_kamervraag_html(f'<div class="stuk"><div class="antwoord"><h2>Antwoord 9</h2><p>{text}</p></div></div>')
    assert doc.answers[0].refers_to == ref


def test_separate_postponement_notice_without_date_in_text():
    html = """<html><head><meta name="DC.type" content="Mededeling"></head><body><div class="stuk">
      <div class="kamervraagopmerking"><p>Mededeling</p><p>De beantwoording vergt meer tijd; uitstel is nodig.</p>
      </div></div></body></html>"""
    doc = parse_kamervraag_html(html, document_id="ah-tk-20222023-1702")
    assert doc.kind == "mededeling"
    assert (doc.postponement.date, doc.postponement.text) == (None, "De beantwoording vergt meer tijd; uitstel is nodig.")
    kv = merge_kamervraag(mededeling=doc, mededeling_meta={"DCTERMS.issued": "2023-03-01"},
                          zaak=_zaken()["2023Z02090"])
    assert kv.postponement.date == "2023-03-01" and kv.postponement.document_id == "ah-tk-20222023-1702"


def test_cross_reference_is_not_a_postponement():
    html = """<div class="stuk"><div class="antwoord"><h2>Antwoord 1</h2><p>Ja.</p></div>
      <div class="kamervraagopmerking"><p>Zie ook Aanhangsel Handelingen, vergaderjaar 2022–2023, nr. 1702.</p></div></div>"""
    assert parse_kamervraag_html(html).postponement is None


def test_extra_namespaces_and_xhtml():
    xhtml = """<?xml version="1.0" encoding="utf-8"?>
    <html xmlns="http://www.w3.org/1999/xhtml" xmlns:op="urn:x"><head>
    <meta name="DC.identifier" content="kv-tk-2023Z02090"/></head><body>
    <op:wrapper><div class="stuk"><div class="vraag"><h2>Vraag 1</h2><p>Werkt dit?</p></div></div></op:wrapper>
    </body></html>"""
    doc = parse_kamervraag_html(xhtml.encode("utf-8"))
    assert doc.document_id == "kv-tk-2023Z02090" and doc.questions[0].text == "Werkt dit?"


@pytest.mark.parametrize("html", ["", "<html><body><p>Pagina niet gevonden</p></body></html>"])
def test_pages_without_kamervraag_content_are_refused(html):
    with pytest.raises(ParseError):
        parse_kamervraag_html(html)


@pytest.mark.parametrize("line,name,function,date", [
    ("Antwoord van Minister Kuipers (Volksgezondheid, Welzijn en Sport) (ontvangen 21 maart 2023).",
     "Kuipers", "Minister van Volksgezondheid, Welzijn en Sport", "2023-03-21"),
    ("Antwoord van Staatssecretaris Van Ark (Langdurige Zorg en Sport), mede namens de Minister van Justitie en "
     "Veiligheid (ontvangen 10 juli 2023).", "Van Ark", "Staatssecretaris van Langdurige Zorg en Sport", "2023-07-10"),
    ("Antwoord van de minister van Financiën (ontvangen 2 december 2019)", None, "Minister van Financiën", "2019-12-02"),
    ("Antwoord gegeven van minister-president Rutte (Algemene Zaken)", "Rutte", "Minister-president van Algemene Zaken",
     None),
])
def test_answered_by_forms(line, name, function, date):
    doc = parse_kamervraag_html(f'<div class="stuk"><p class="kamervraagomschrijving">{line}</p>'
                                '<div class="antwoord"><h2>Antwoord 1</h2><p>Ja.</p></div></div>')
    assert (doc.answered_by, doc.answered_by_function, doc.answered) == (name, function, date)
    if name is None:
        assert merge_kamervraag(answer=doc).answered_by == function


def test_title_from_metadata_when_page_has_no_header():
    doc = parse_kamervraag_html('<div class="stuk"><div class="vraag"><h2>Vraag 1</h2><p>Kent u dit?</p></div></div>',
                                document_id="kv-tk-2023Z02090")
    kv = merge_kamervraag(doc, question_meta=_meta("kv-tk-2023Z02090"))
    assert kv.title == "Het nieuwe Movisie-rapport over uitsluiting in buurtwerk en wijkteams"
    assert kv.receiver == "Minister van Volksgezondheid, Welzijn en Sport"
    assert kv.submitted == "2023-02-08"


def test_contradictory_dates_give_no_negative_days():
    kv = merge_kamervraag(question_meta={"OVERHEIDop.datumIndiening": "2023-05-01", "DC.identifier": "kv-tk-2023Z00001"},
                          answer_meta={"OVERHEIDop.datumOntvangst": "2023-04-01", "DC.identifier": "ah-tk-20222023-9"})
    assert (kv.submitted, kv.answered, kv.days_to_answer) == ("2023-05-01", "2023-04-01", None)


def test_nested_vraag_classes_counted_once():
    html = ('<div class="stuk"><div class="vraag"><h2>Vraag 1</h2><p class="vraag">Eén vraag, '
            'twee klassen?</p></div></div>')
    doc = parse_kamervraag_html(html)
    assert [(q.number, q.text) for q in doc.questions] == [(1, "Eén vraag, twee klassen?")]


def test_notice_on_its_own_page_without_markup_or_type():
    html = """<html><body><div class="stuk"><p>Vergaderjaar 2022-2023</p>
      <p class="kamervraagomschrijving">Vragen van het lid Simons (BIJ1) aan de Minister van Volksgezondheid, Welzijn en
      Sport over het rapport (ingezonden 8 februari 2023).</p>
      <p>Mededeling - 1 maart 2023</p>
      <p>De vragen kunnen helaas niet binnen de gebruikelijke termijn worden beantwoord.</p></div></body></html>"""
    doc = parse_kamervraag_html(html, document_id="ah-tk-20222023-1702")
    assert doc.kind == "mededeling"          # not mistaken for the answer although its id starts with ah-
    assert (doc.postponement.date, doc.postponement.text, doc.postponement.document_id) == (
        "2023-03-01", "De vragen kunnen helaas niet binnen de gebruikelijke termijn worden beantwoord.",
        "ah-tk-20222023-1702")


@pytest.mark.parametrize("opmerking,date,text", [
    ("<p>Mededeling (uitstel antwoord) De beantwoording vergt meer tijd dan de gebruikelijke termijn.</p>", None,
     "De beantwoording vergt meer tijd dan de gebruikelijke termijn."),
    ("Mededeling (ontvangen 1 maart 2023). Uitstel is helaas nodig.", "2023-03-01", "Uitstel is helaas nodig."),
])
def test_notice_heading_forms(opmerking, date, text):
    doc = parse_kamervraag_html(f'<div class="stuk"><div class="kamervraagopmerking">{opmerking}</div></div>',
                                document_id="ah-tk-20222023-1702")
    assert (doc.kind, doc.postponement.date, doc.postponement.text) == ("mededeling", date, text)


def test_combined_reference_answer_refers_each_to_the_target():
    html = """<div class="stuk">
      <div class="antwoord"><h2>Antwoord 3</h2><p>Het uitgebreide antwoord.</p></div>
      <div class="antwoord"><h2>Antwoord 4, 5 en 6</h2><p>Zie antwoord vraag 3.</p></div></div>"""
    kv = merge_kamervraag(answer=parse_kamervraag_html(html, document_id="ah-tk-20222023-1944"))
    assert [(i.number, i.answer_refers_to, i.answered_together) for i in kv.items] == [
        (3, None, []), (4, 3, [4, 5, 6]), (5, 3, [4, 5, 6]), (6, 3, [4, 5, 6])]
    assert kv.answer_for(6) == "Het uitgebreide antwoord."


def test_submitter_name_forms_are_one_person():
    from miner.crawl.parsers.model import Actor
    from miner.crawl.parsers.kamervraag import _merge_actors
    merged = _merge_actors([[Actor("Simons, S.R.", "BIJ1")], [Actor("Simons", None)], [Actor("Sylvana Simons")],
                            [Actor("Van der Plas", "BBB", "medeindiener")], [Actor("C. van der Plas")]])
    assert [(a.name, a.party, a.role) for a in merged] == [("Sylvana Simons", "BIJ1", "indiener"),
                                                           ("C. van der Plas", "BBB", "medeindiener")]


def test_header_in_one_block_inline_numbers_and_declared_charset():
    html = ('<html><head><meta charset="windows-1252"></head><body><div class="stuk">'
            '<div class="kamervraagomschrijving">Vragen van het lid Özdil (GL) aan de Minister van Financiën over '
            'geweigerde rekeningen (ingezonden 4 april 2022). Antwoord van Minister Kaag (Financiën) '
            '(ontvangen 2 mei 2022).</div>'
            '<div class="vraag"><p>Vraag 1: Klopt het bericht?</p></div>'
            '<div class="antwoord"><p>Antwoord 1. Ja, dat klopt.</p></div></div></body></html>').encode("cp1252")
    doc = parse_kamervraag_html(html, document_id="ah-tk-20212022-2501")
    assert [(a.name, a.party) for a in doc.submitters] == [("Özdil", "GL")]
    assert doc.receiver == "Minister van Financiën"
    assert (doc.submitted, doc.answered_by, doc.answered) == ("2022-04-04", "Kaag", "2022-05-02")
    assert [(q.number, q.text) for q in doc.questions] == [(1, "Klopt het bericht?")]
    assert [(a.numbers, a.text) for a in doc.answers] == [([1], "Ja, dat klopt.")]


def test_notice_page_names_its_zaak_in_the_text():
    doc = _html("ah-tk-20222023-1702")
    assert (doc.kind, doc.zaak_nummer, doc.aanhangselnummer, doc.vergaderjaar) == (
        "mededeling", "2023Z02090", "1702", "2022-2023")
    assert doc.postponement.document_id == "ah-tk-20222023-1702"
    # Inside the answer page the same notice is not a document of its own.
    assert _html("ah-tk-20222023-1944").postponement.document_id is None


@pytest.mark.parametrize("name", ["kv-tk-2023Z02090", "ah-tk-20222023-1944", "ah-tk-20222023-1702",
                                  "ah-tk-20222023-2345"])
def test_damaged_pages_never_crash(name):
    """Pages with random elements removed or truncated parse, or fail with ParseError — nothing else."""
    import random
    from bs4 import BeautifulSoup
    raw = (FIX / f"{name}.html").read_text(encoding="utf-8")
    rng = random.Random(name)
    outcomes = set()
    for _ in range(25):
        soup = BeautifulSoup(raw, "lxml")
        tags = soup.find_all(True)
        for tag in rng.sample(tags, k=min(len(tags), rng.randint(1, 6))):
            if tag.parent is not None and tag.name not in ("html", "body"):
                tag.decompose()
        damaged = str(soup)
        damaged = damaged[: rng.randint(len(damaged) // 3, len(damaged))]
        try:
            doc = parse_kamervraag_html(damaged, document_id=name)
            outcomes.add("parsed")
            for q in doc.questions:
                assert q.number >= 1 and q.text
        except ParseError:
            outcomes.add("refused")
    assert "parsed" in outcomes


def test_header_with_two_ministers_and_double_barrelled_name():
    html = ('<div class="stuk"><h1 class="kamervraagomschrijving">Vragen van het lid Jansen (GroenLinks) aan de '
            'Ministers van Landbouw, Natuur en Voedselkwaliteit en voor Natuur en Stikstof over het bericht «Stallen '
            'en stikstof» (ingezonden 4 juli 2023).</h1><p class="kamervraagomschrijving">Antwoord van Minister '
            'Van der Wal-Zeggelink (Natuur en Stikstof)\n(ontvangen 14 september 2023). Zie ook Aanhangsel '
            'Handelingen, vergaderjaar 2022–2023, nr. 3276.</p>'
            '<div class="vraag"><h2 class="stuktitel">Vraag 1</h2><p>Kent u het bericht?</p></div>'
            '<div class="antwoord"><h2 class="stuktitel">Antwoord 1</h2><p>Ja.</p></div></div>')
    doc = parse_kamervraag_html(html, document_id="ah-tk-20222023-3649")
    assert doc.receiver == "Ministers van Landbouw, Natuur en Voedselkwaliteit en voor Natuur en Stikstof"
    assert doc.title == "Het bericht «Stallen en stikstof»"
    assert (doc.answered_by, doc.answered_by_function, doc.answered) == (
        "Van der Wal-Zeggelink", "Minister van Natuur en Stikstof", "2023-09-14")
    assert (doc.vergaderjaar, doc.aanhangselnummer) == ("2022-2023", "3649")   # not the "nr. 3276" it refers to
    assert doc.postponement is None
