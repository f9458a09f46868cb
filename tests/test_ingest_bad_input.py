"""Bad input through `miner add` / `miner extract`: one clear line each, recorded, nothing else affected."""
import os
import sqlite3

import pytest
from click.testing import CliRunner
from fpdf import FPDF

import pdfgen
from miner.cli import main


def _bad_files(folder):
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.cell(0, 10, "Vertrouwelijk rapport over discriminatie")
    pdf.set_encryption(owner_password="eigenaar", user_password="geheim")
    pdf.output(str(folder / "versleuteld.pdf"))
    (folder / "kapot.pdf").write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >>\nrommel\n")
    (folder / "leeg.pdf").write_bytes(b"")
    (folder / "pagina.pdf").write_bytes(b"<!DOCTYPE html><html><body><p>Niet gevonden</p></body></html>")
    (folder / "foto.pdf").write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(2000))
    (folder / "programma.txt").write_bytes(b"\x7fELF" + os.urandom(3000))
    with open(folder / "groot.pdf", "wb") as fh:   # sparse: 50 MB on paper, nothing to write
        fh.write(b"%PDF-1.4\n")
        fh.truncate(50 * 1024 * 1024)


EXPECTED = {
    "versleuteld.pdf": "encrypted PDF",
    "kapot.pdf": "corrupt PDF",
    "leeg.pdf": "empty file (0 bytes)",
    "pagina.pdf": "not a PDF (content looks like HTML)",
    "foto.pdf": "not a PDF (content looks like a PNG image)",
    "programma.txt": "not a document miner can read",
    "groot.pdf": "larger than extract.max_file_mb = 32",
}


@pytest.mark.parametrize("workers", [1, 2])
def test_bad_inputs_recorded_and_good_file_unaffected(workdir, workers):
    (workdir / "config.toml").write_text(f"[extract]\nworkers = {workers}\n", encoding="utf-8")
    folder = workdir / "in"
    folder.mkdir()
    _bad_files(folder)
    data, gold = pdfgen.make_pdf(pdfgen.LAYOUTS["single"])
    (folder / "goed.pdf").write_bytes(data)
    runner = CliRunner()
    res = runner.invoke(main, ["add", str(folder)], catch_exceptions=False)
    assert res.exit_code == 1, res.output    # any failed file: exit status 1
    lines = res.output.splitlines()
    for name, reason in EXPECTED.items():
        hits = [l for l in lines if l.startswith("failed: ") and name in l]
        assert len(hits) == 1 and reason in hits[0], (name, res.output)
    assert "extracted 1," in lines[-1] and "failed 7" in lines[-1]
    assert "Traceback" not in res.output

    status = runner.invoke(main, ["status"], catch_exceptions=False).output
    for name, reason in EXPECTED.items():
        assert any(name in l and "failed" in l and reason in l for l in status.splitlines()), (name, status)
    conn = sqlite3.connect(workdir / "corpora" / "miner.sqlite")
    good = conn.execute("SELECT status, n_pages, text FROM documents WHERE local_path LIKE '%goed.pdf'").fetchone()
    assert good[0] == "extracted" and good[1] == 2 and pdfgen.word_f1(good[2], gold) > 0.95
    assert conn.execute("SELECT COUNT(*) FROM documents WHERE status = 'failed'").fetchone()[0] == 7


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_extract_command_one_line_error(workdir, name):
    _bad_files(workdir)
    res = CliRunner().invoke(main, ["extract", str(workdir / name)])
    assert res.exit_code == 2
    assert res.output.count("\n") == 1 and EXPECTED[name] in res.output, res.output


def test_missing_path_is_reported(workdir):
    res = CliRunner().invoke(main, ["add", str(workdir / "bestaat-niet.pdf")])
    assert res.exit_code == 1 and "no such file or folder" in res.output


def test_add_names_failed_and_skipped_files_and_exits_1(workdir):
    folder = workdir / "map"
    folder.mkdir()
    data, _ = pdfgen.make_pdf(pdfgen.LAYOUTS["single"])
    (folder / "goed.pdf").write_bytes(data)
    (folder / "kapot.pdf").write_bytes(b"%PDF-1.7\n" + b"x" * 500)
    (folder / "notulen.docx").write_bytes(b"PK\x03\x04 not really")
    res = CliRunner().invoke(main, ["add", str(folder)], catch_exceptions=False)
    assert res.exit_code == 1, res.output
    assert any(l.startswith("failed: ") and "kapot.pdf" in l for l in res.output.splitlines()), res.output
    assert any(l.startswith("skipped: ") and "notulen.docx" in l and ".docx" in l
               for l in res.output.splitlines()), res.output
    ok = CliRunner().invoke(main, ["add", str(folder / "goed.pdf")], catch_exceptions=False)
    assert ok.exit_code == 0 and "1 already in the store" in ok.output


def test_same_bytes_under_a_right_name_are_extracted_after_a_name_failure(workdir):
    html = (b"<html><head><title>Notitie</title></head><body><main><p>Bewoners ervaren drempels in "
            b"het buurthuis en melden discriminatie zelden.</p></main></body></html>")
    (workdir / "pagina.pdf").write_bytes(html)
    (workdir / "pagina.html").write_bytes(html)
    runner = CliRunner()
    first = runner.invoke(main, ["add", str(workdir / "pagina.pdf")], catch_exceptions=False)
    assert first.exit_code == 1 and "not a PDF" in first.output
    second = runner.invoke(main, ["add", str(workdir / "pagina.html")], catch_exceptions=False)
    assert second.exit_code == 0, second.output
    assert "extracted 1" in second.output
    conn = sqlite3.connect(workdir / "corpora" / "miner.sqlite")
    status, text = conn.execute("SELECT status, text FROM documents").fetchone()
    assert status == "extracted" and "drempels" in text
    # the other way round: bytes already extracted stay a no-op under a wrong name
    third = runner.invoke(main, ["add", str(workdir / "pagina.pdf")], catch_exceptions=False)
    assert third.exit_code == 0 and "1 already in the store" in third.output
