"""Pages without a text layer: OCR in Dutch when Tesseract is there, else needs_ocr."""
import pytest
from click.testing import CliRunner

import pdfgen
from miner.cli import main
from miner.extract import ExtractOptions, extract_file
from miner.extract.ocr import check_available

TEXT = ("Discriminatie in de sociale basis wordt zelden gemeld. Bewoners vertellen dat zij zich niet "
        "welkom voelen in het buurthuis.")


@pytest.fixture(scope="module")
def scan(tmp_path_factory):
    path = tmp_path_factory.mktemp("scan") / "scan.pdf"
    path.write_bytes(pdfgen.scanned_pdf(TEXT))
    return path


@pytest.mark.skipif(check_available("nld") is not None, reason="Tesseract with Dutch is not installed")
def test_scanned_page_is_ocrd_in_dutch(scan):
    ext = extract_file(scan, ExtractOptions(ocr=True, ocr_language="nld"))
    assert ext.pages[0].ocr and not ext.pages[0].needs_ocr
    assert pdfgen.word_f1(ext.text, TEXT) > 0.9
    assert ext.language == "nl"


def test_ocr_switched_off_marks_page_needs_ocr(scan, workdir):
    ext = extract_file(scan, ExtractOptions(ocr=False))
    assert ext.pages[0].needs_ocr and not ext.pages[0].ocr and ext.text == ""
    (workdir / "config.toml").write_text("[extract]\nworkers = 1\nocr = false\n", encoding="utf-8")
    runner = CliRunner()
    out = runner.invoke(main, ["add", str(scan)], catch_exceptions=False).output
    assert "needs OCR 1" in out
    status = runner.invoke(main, ["status"], catch_exceptions=False).output
    assert "1 need OCR" in status and "needs_ocr" in status


def test_missing_language_data_is_a_clear_reason(scan):
    ext = extract_file(scan, ExtractOptions(ocr=True, ocr_language="xx_geen_taal"))
    assert ext.pages[0].needs_ocr
    assert any("xx_geen_taal" in w or "Tesseract" in w or "pytesseract" in w for w in ext.warnings)
