"""`miner add`: idempotent, page-range splitting over workers gives the same result as one process."""
import pytest
import sqlite3

from click.testing import CliRunner

import pdfgen
from miner.cli import main
from miner.pipeline import extraction


def _folder(workdir):
    folder = workdir / "rapporten"
    folder.mkdir()
    for name in ("two_columns", "table", "ragged"):
        data, _ = pdfgen.make_pdf(pdfgen.LAYOUTS[name])
        (folder / f"{name}.pdf").write_bytes(data)
    (folder / "notitie.txt").write_text("Een korte notitie over uitsluiting in de wijk.\n\nTweede alinea.",
                                        encoding="utf-8")
    (folder / "plaatje.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    return folder


def _texts(db):
    conn = sqlite3.connect(db)
    return {r[0].rsplit("/", 1)[-1]: r[1:] for r in conn.execute(
        "SELECT local_path, status, n_pages, text, (SELECT COUNT(*) FROM passages p WHERE p.document_id = d.id), "
        "(SELECT COUNT(*) FROM extracted_tables t WHERE t.document_id = d.id) FROM documents d")}


def test_add_twice_adds_nothing_the_second_time(workdir):
    folder = _folder(workdir)
    runner = CliRunner()
    first = runner.invoke(main, ["add", str(folder)], catch_exceptions=False).output
    assert "added 4 new document(s), 0 already in the store; extracted 4" in first
    skipped = [line for line in first.splitlines() if line.startswith("skipped: ")]
    assert len(skipped) == 1 and "not a document type miner reads" in skipped[0]
    second = runner.invoke(main, ["add", str(folder)], catch_exceptions=False).output
    assert "added 0 new document(s), 4 already in the store; extracted 0" in second
    texts = _texts(workdir / "corpora" / "miner.sqlite")
    assert texts["table.pdf"][0] == "extracted" and texts["table.pdf"][4] == 1
    assert all(t[1] == 2 for name, t in texts.items() if name.endswith(".pdf"))


def test_page_ranges_over_workers_equal_one_process(workdir, monkeypatch, tmp_path):
    folder = _folder(workdir)
    runner = CliRunner()
    runner.invoke(main, ["add", str(folder)], catch_exceptions=False)
    single = _texts(workdir / "corpora" / "miner.sqlite")

    other = tmp_path / "pool"
    other.mkdir()
    (other / "config.toml").write_text("[extract]\nworkers = 2\n", encoding="utf-8")
    monkeypatch.chdir(other)
    monkeypatch.setattr(extraction, "MIN_PAGES_PER_TASK", 1)   # every page its own task
    out = runner.invoke(main, ["add", str(folder)], catch_exceptions=False).output
    assert "extracted 4" in out
    assert _texts(other / "corpora" / "miner.sqlite") == single


@pytest.mark.slow
def test_add_many_files_with_two_workers_finishes(workdir):
    """More tasks than 50 per worker: with max_tasks_per_child the pool hung (CPython gh-115634)."""
    import subprocess
    import sys
    (workdir / "config.toml").write_text("[extract]\nworkers = 2\nocr = false\n", encoding="utf-8")
    folder = workdir / "veel"
    folder.mkdir()
    data, _ = pdfgen.make_pdf(pdfgen.LAYOUTS["single"])
    for k in range(110):
        (folder / f"rapport-{k}.pdf").write_bytes(data + b"\n%% kopie %d\n" % k)
    res = subprocess.run([sys.executable, "-m", "miner", "add", str(folder)], cwd=workdir, capture_output=True,
                         text=True, timeout=240, env={**__import__("os").environ, "MINER_NO_PROGRESS": "1"})
    assert res.returncode == 0, res.stdout + res.stderr
    assert "extracted 110," in res.stdout
