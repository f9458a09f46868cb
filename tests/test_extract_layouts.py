"""Layouts of real reports, generated with known text (tests/pdfgen.py REAL_LAYOUTS): columns under
an abstract, footnotes, margin page numbers, printer slugs, a page-1 header, a ToC page, a
borderless table, label:value forms; plus table cells, glyph spacing and bullets."""
import io

import pytest

import pdfgen
from miner.extract import extract_bytes
from miner.extract.normalize import is_bullet

REAL = {name: (data, gold, notes) for name, data, gold, notes in pdfgen.all_real_layouts()}


@pytest.mark.parametrize("name", sorted(REAL))
def test_known_text_and_reading_order(name):
    data, gold, _ = REAL[name]
    ext = extract_bytes(data, f"{name}.pdf")
    body = ext.body_text()
    assert pdfgen.word_f1(body, gold) >= 0.99, body
    assert pdfgen.pair_order(body, gold) >= 0.98


@pytest.mark.parametrize("name", ["footnotes", "journal_everything"])
def test_footnotes_are_passages_of_their_own(name):
    data, gold, notes = REAL[name]
    ext = extract_bytes(data, f"{name}.pdf")
    got = [ext.passage_text(p) for p in ext.passages if p.kind == "footnote"]
    assert got == notes                     # joined line by line, one passage per note
    body = ext.body_text()
    assert "fraude." in body and "fraude ." not in body and "klachtenregeling," in body
    assert not any(n[2:30] in body for n in notes)


def test_margin_page_numbers_and_printer_slug_are_not_text():
    data, gold, _ = REAL["margin_numbers_slug"]
    body = extract_bytes(data, "x.pdf").body_text()
    assert "indd" not in body and "10:42" not in body
    assert not any(w.isdigit() and w not in gold.split() for w in body.split())


def test_first_page_header_with_running_header_typography_is_dropped():
    for name in ("toc_report", "journal_two_columns"):
        body = extract_bytes(REAL[name][0], "x.pdf").body_text()
        assert pdfgen.FIRST_PAGE_HEADER not in body and pdfgen.RUNNING_HEADER not in body


def test_toc_page_recognised_and_leaders_gone():
    ext = extract_bytes(REAL["toc_report"][0], "x.pdf")
    toc = [ext.passage_text(p) for p in ext.passages if p.kind == "toc"]
    assert toc[0] == "Inhoud" and "Inleiding 3" in toc and len(toc) == len(pdfgen.TOC) + 1
    assert "...." not in ext.text and "Inhoud" not in ext.body_text()
    assert ext.metadata["toc_pages"] == [1]


def _pdf(draw) -> bytes:
    from fpdf import FPDF
    pdf = FPDF(unit="pt", format="A4")
    pdf.add_page()
    draw(pdf)
    return bytes(pdf.output())


def test_table_cells_are_dehyphenated():
    def draw(pdf):
        pdf.set_font("Helvetica", "", 10)
        pdf.text(60, 60, "Overzicht van de projecten in de sociale basis van de gemeente.")
        rows = [("Project", "Eind-|datum", "Budget"), ("Buurthuis", "maart|2026", "12.000"),
                ("Meldpunt", "juni|2027", "8.000")]
        for r, row in enumerate(rows):
            for c, cell in enumerate(row):
                x, y = 60 + c * 120, 80 + r * 34
                pdf.rect(x, y, 120, 34)
                for k, part in enumerate(cell.split("|")):
                    pdf.text(x + 4, y + 13 + k * 12, part)
    ext = extract_bytes(_pdf(draw), "t.pdf")
    assert ext.tables and ext.tables[0].rows[0] == ["Project", "Einddatum", "Budget"]
    assert ext.tables[0].rows[1] == ["Buurthuis", "maart 2026", "12.000"]
    assert "Buurthuis" not in ext.body_text()


def test_glyph_spacing_gap_inside_a_word_is_closed():
    def draw(pdf):
        pdf.set_font("Times", "", 11)
        y = 80
        for line in range(4):
            x = 60
            for word in ["Bewoners", "ervaren", "D|iscriminatie", "in", "het", "buurthuis", "en", "melden", "weinig."]:
                parts = word.split("|")
                for k, part in enumerate(parts):
                    pdf.text(x, y, part)
                    x += pdf.get_string_width(part) + (1.9 if k < len(parts) - 1 else 5.5)
            y += 15
    body = extract_bytes(_pdf(draw), "g.pdf").body_text()
    assert "Discriminatie" in body and "D iscriminatie" not in body
    assert "ervaren Discriminatie in het" in body


def test_bullet_glyphs_become_bullets():
    assert all(is_bullet(g) for g in ["\uf0b7", "\uf0a7", "(cid:127)", "\x7f", "\u25cf", "\u2022", "\u25aa"])
    assert not any(is_bullet(g) for g in ["-", "a", "1.", "••x"])

    def draw(pdf):
        pdf.set_font("Helvetica", "", 11)
        pdf.text(60, 60, "Aanbevelingen voor gemeenten:")
        for k, item in enumerate(["vraag naar maatregelen tegen uitsluiting", "organiseer een meldpunt"]):
            pdf.set_font("ZapfDingbats", "", 8)
            pdf.text(66, 80 + 16 * k, "l")
            pdf.set_font("Helvetica", "", 11)
            pdf.text(80, 80 + 16 * k, item)
    body = extract_bytes(_pdf(draw), "b.pdf").body_text()
    assert "• vraag naar maatregelen" in body and "• organiseer een meldpunt" in body


def test_footnotes_under_a_short_left_column_and_captions():
    from miner.extract import furniture
    from miner.extract.layout import Line
    from miner.extract.pdf import PageLayout

    def line(text, x0, top, size=10.0, block=0):
        return Line(text, x0, x0 + 230, top, top + size, size, False, block, x0, x0 + 230)
    pg = PageLayout(3, 595, 842)
    left = [line(f"linkerkolom regel {k}", 60, 100 + 14 * k) for k in range(40)]          # ends at ~656
    right = [line(f"rechterkolom regel {k}", 310, 100 + 14 * k, block=1) for k in range(50)]  # ends at ~796
    note = line("1 Zie het advies van de commissie uit 2024.", 60, 700, size=8)
    caption = line("Figuur 2 - Meldingen per gemeente", 310, 810, size=8, block=1)
    pg.lines = left + right + [note, caption]
    furniture.mark_footnotes([pg], 10.0)
    assert note.kind == "footnote"
    assert caption.kind == "body"
    assert all(l.kind == "body" for l in left + right)
