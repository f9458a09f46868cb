"""PDF extraction on generated PDFs with known body text, through `miner extract`."""
import json

import pytest
from click.testing import CliRunner

import pdfgen
from miner.cli import main
from miner.extract import extract_file
from miner.extract.furniture import carries_page_number, is_page_number

LAYOUTS = {name: (data, gold) for name, data, gold in pdfgen.all_layouts()}


def _cli(*args):
    res = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return res


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_body_text_f1_through_cli(name, workdir):
    data, gold = LAYOUTS[name]
    path = workdir / f"{name}.pdf"
    path.write_bytes(data)
    res = _cli("extract", str(path))
    assert res.exit_code == 0, res.output
    assert pdfgen.word_f1(res.output, gold) >= 0.97


def test_word_f1_punishes_interleaved_columns():
    gold = "een twee drie vier vijf zes zeven acht"
    assert pdfgen.word_f1(gold, gold) == 1.0
    assert pdfgen.word_f1("een vijf twee zes drie zeven vier acht", gold) < 0.75


def test_running_header_footer_and_page_numbers_dropped(tmp_path):
    data, _ = LAYOUTS["single"]
    (tmp_path / "a.pdf").write_bytes(data)
    ext = extract_file(tmp_path / "a.pdf")
    assert ext.n_pages == 2
    assert "Kennisplatform 2025" not in ext.text
    assert "Pagina" not in ext.text
    data, _ = LAYOUTS["fpdf2_single_times"]
    (tmp_path / "b.pdf").write_bytes(data)
    ext = extract_file(tmp_path / "b.pdf")
    assert "Gemeentelijk onderzoek inclusie" not in ext.text and "Pagina" not in ext.text


def test_two_columns_read_column_by_column(tmp_path):
    data, _ = LAYOUTS["two_columns"]
    (tmp_path / "c.pdf").write_bytes(data)
    text = extract_file(tmp_path / "c.pdf").text
    # paragraphs appear whole and in order; a line-by-line reading across the gutter would break them
    order = [text.find(s) for s in ("In veel gemeenten vormen wijkteams, buurthuizen en vrijwilligers- en",
                                    "Dit rapport beschrijft hoe discriminatie en uitsluiting",
                                    "Bewoners noemen vooral onbedoelde drempels.",
                                    "Tot slot is meer onderzoek nodig")]
    assert -1 not in order and order == sorted(order)


def test_tables_are_rows_apart_from_the_body(workdir):
    data, gold = LAYOUTS["two_columns_table"]
    path = workdir / "t.pdf"
    path.write_bytes(data)
    out = json.loads(_cli("extract", str(path), "--format", "json").output)
    tables = [t for pg in out["pages"] for t in pg["tables"]]
    assert tables and tables[0][0] == pdfgen.TABLE[0] and tables[0][2] == pdfgen.TABLE[2]
    assert "Alkmaar" not in out["text"] and "110.000" not in out["text"]


def test_paragraphs_keep_their_page_numbers(tmp_path):
    data, _ = LAYOUTS["ragged"]
    (tmp_path / "r.pdf").write_bytes(data)
    ext = extract_file(tmp_path / "r.pdf")
    assert {p.page for p in ext.passages} == {1, 2}
    for p in ext.passages:
        page = ext.pages[p.page - 1]
        assert page.start <= p.start and p.end <= page.end
    last = next(p for p in ext.passages if "leemte vullen" in ext.passage_text(p))
    assert last.page == 2
    assert ext.passage_text(ext.passages[0]) == pdfgen.TITLE and ext.passages[0].kind == "heading"


def test_footnote_kept_as_footnote_passage_not_in_body_output(workdir):
    data, gold = LAYOUTS["single"]
    path = workdir / "f.pdf"
    path.write_bytes(data)
    ext = extract_file(path)
    notes = [ext.passage_text(p) for p in ext.passages if p.kind == "footnote"]
    assert notes == [pdfgen.FOOTNOTE]
    assert "gefingeerd" not in _cli("extract", str(path)).output
    # the reference mark "1" after "gemeenten." is gone from the body
    assert "twaalf gemeenten." in ext.text and "gemeenten.1" not in ext.text.replace(" ", "")


def test_page_number_patterns():
    for s in ("3", "- 3 -", "3/40", "Pagina 3 van 40", "pagina 12", "blz. 7", "iv", "— 12 —"):
        assert is_page_number(s), s
    for s in ("Rapport 2025 | 3", "Jaarverslag pagina 4 van 9", "3 | Movisie"):
        assert carries_page_number(s), s
    for s in ("In 2023 waren er 40 meldingen.", "Artikel 3 van de Grondwet", "2023"):
        assert not carries_page_number(s), s


def test_ligatures_soft_hyphens_and_spaces_normalised():
    from miner.extract.normalize import clean
    assert clean("de \ufb01nanciering en re\ufb02ectie") == "de financiering en reflectie"
    assert clean("discri\u00admi\u00adnatie") == "discriminatie"
    assert clean("a\u00a0b\u2009c") == "a b c"
    assert clean("discri\u00ad").endswith("\u00ad")  # kept at a line end for the dehyphenator


def test_label_value_form_is_read_row_by_row(tmp_path):
    """A column of labels next to multi-line values (besluitenlijst style) is not a text column."""
    from fpdf import FPDF
    pdf = FPDF(unit="pt", format="A4")
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    y = 80
    items = [("Agendapunt:", ["Uitvoering van het actieplan tegen discriminatie in de wijk"]),
             ("Zaak:", ["Brief van de wethouder over meldingen bij het wijkteam", "en de reactie van bewoners",
                        "op de nieuwe klachtenregeling"]),
             ("Besluit:", ["Betrekken bij de behandeling van de begroting"])] * 3
    for label, values in items:
        pdf.text(56, y, label)
        for v in values:
            pdf.text(160, y, v)
            y += 14
        y += 6
    path = tmp_path / "besluiten.pdf"
    pdf.output(str(path))
    text = extract_file(path).text
    assert "Zaak: Brief van de wethouder" in text and "Besluit: Betrekken bij" in text
