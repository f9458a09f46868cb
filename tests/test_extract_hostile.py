"""Hostile and damaged input: truncated PDFs, a giant image-only page, deeply nested HTML."""
import io
import subprocess
import sys
import time

import pytest

import pdfgen
from miner.extract import ExtractionError, extract_bytes
from miner.extract.ocr import OcrPageTooLarge, render_scale


@pytest.fixture(scope="module")
def long_pdf():
    # enough paragraphs for many pages
    data, _ = pdfgen.make_pdf(pdfgen.Layout(font_size=14), paragraphs=pdfgen.PARAGRAPHS * 3)
    return data


def test_whole_file_reads(long_pdf):
    ext = extract_bytes(long_pdf, "x.pdf")
    assert ext.n_pages >= 5
    assert not ext.warnings


def test_99_percent_cut_keeps_most_pages_and_says_so(long_pdf):
    n = extract_bytes(long_pdf, "x.pdf").n_pages
    ext = extract_bytes(long_pdf[: int(len(long_pdf) * 0.99)], "x.pdf")
    assert ext.n_pages >= 0.9 * n
    assert any("cut off" in w for w in ext.warnings), ext.warnings
    assert ext.text.strip()


@pytest.mark.parametrize("share", [0.1, 0.3, 0.5, 0.9])
def test_shorter_cuts_recover_pages_or_fail_clearly(long_pdf, share):
    data = long_pdf[: int(len(long_pdf) * share)]
    try:
        ext = extract_bytes(data, "x.pdf")
    except ExtractionError as exc:
        assert str(exc)          # recorded as failed with its reason
        return
    assert ext.text.strip(), "never 'extracted' with no text"
    assert any("damaged PDF" in w for w in ext.warnings)


def test_nothing_recovered_is_a_failure():
    with pytest.raises(ExtractionError):
        extract_bytes(b"%PDF-1.7\n" + b"0" * 2000, "x.pdf")


def _giant_image_page() -> bytes:
    from fpdf import FPDF
    from PIL import Image
    pdf = FPDF(unit="pt", format=(14400, 14400))
    pdf.add_page()
    img = Image.new("L", (8, 8), 200)
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    buf.seek(0)
    pdf.image(buf, x=0, y=0, w=14400, h=14400)
    return bytes(pdf.output())


def test_render_scale_is_capped():
    assert render_scale(595, 842) == pytest.approx(200 / 72)
    s = render_scale(3000, 3000, max_megapixels=50)
    assert 3000 * 3000 * s * s <= 50e6 * 1.001
    with pytest.raises(OcrPageTooLarge, match="too large to OCR"):
        render_scale(14400, 14400, max_megapixels=50)


def test_giant_image_page_stays_small_and_names_its_error(tmp_path):
    path = tmp_path / "giant.pdf"
    path.write_bytes(_giant_image_page())
    assert path.stat().st_size < 5000
    code = ("import resource, sys; from miner.extract import extract_file, ExtractOptions\n"
            "try:\n    e = extract_file(sys.argv[1], ExtractOptions(ocr=True)); print('W', e.warnings)\n"
            "except Exception as x:\n    print('E', x)\n"
            "print('RSS', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)")
    out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=120,
                         cwd=tmp_path).stdout
    rss_kb = int(out.rsplit("RSS", 1)[1].split()[0])
    assert rss_kb < 1024 * 1024, out
    assert "too large to OCR" in out and "timed out" not in out and "not available" not in out.lower()


def test_deep_html_fails_fast():
    data = b"<html><body>" + b"<div>" * 100_000 + b"tekst" + b"</div>" * 100_000 + b"</body></html>"
    t0 = time.monotonic()
    with pytest.raises(ExtractionError, match="nested more than"):
        extract_bytes(data, "diep.html")
    assert time.monotonic() - t0 < 5


def test_moderately_nested_html_still_reads():
    data = (b"<html><body><main>" + b"<div>" * 200 + b"<p>Een alinea over de sociale basis.</p>" +
            b"</div>" * 200 + b"</main></body></html>")
    assert "sociale basis" in extract_bytes(data, "ok.html").text


def test_time_limit_stops_a_slow_extraction():
    from miner.extract.limits import time_limit
    t0 = time.monotonic()
    with pytest.raises(ExtractionError, match="longer than"):
        with time_limit(0.3, "extraction took longer than 0.3 s"):
            while True:
                sum(range(1000))
    assert time.monotonic() - t0 < 3


@pytest.mark.parametrize("workers", [1, 2])
def test_add_finishes_with_deep_html_failed_and_named(workdir, workers):
    from click.testing import CliRunner
    from miner.cli import main
    (workdir / "config.toml").write_text(f"[extract]\nworkers = {workers}\n", encoding="utf-8")
    folder = workdir / "in"
    folder.mkdir()
    (folder / "diep.html").write_bytes(b"<html><body>" + b"<div>" * 100_000 + b"x" + b"</div>" * 100_000)
    data, _ = pdfgen.make_pdf(pdfgen.LAYOUTS["single"])
    (folder / "goed.pdf").write_bytes(data)
    t0 = time.monotonic()
    res = CliRunner().invoke(main, ["add", str(folder)], catch_exceptions=False)
    assert time.monotonic() - t0 < 60
    assert res.exit_code == 1, res.output
    assert any(l.startswith("failed: ") and "diep.html" in l and "nested" in l for l in res.output.splitlines())
    assert "extracted 1," in res.output
