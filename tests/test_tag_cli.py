"""`miner tag`, `miner tag --all`, `miner eval` and the refresh stage, end to end on a real SQLite file."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from miner.cli import main
from tests.test_tag_support import KAMERVRAAG, blank_dir  # noqa: F401  (fixture)


@pytest.fixture
def project(tmp_path, blank_dir, monkeypatch):
    (tmp_path / "config.toml").write_text(f'[extract]\nworkers = 1\n[nlp]\npipeline = "{blank_dir}"\n',
                                          encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("MINER_CONFIG", raising=False)
    return tmp_path


def run(*args, input=None):
    result = CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)
    return result


def test_tag_txt_json_offsets_point_into_the_input(project):
    text = "Titel\r\n\r\nIn de wijk komt racisme voor — ook moslimdiscriminatie. Gemeenten moeten dit aanpakken.\n"
    (project / "a.txt").write_bytes(text.encode("utf-8"))
    r = run("tag", "a.txt", "--json")
    assert r.exit_code == 0, r.output
    rows = [json.loads(line) for line in r.stdout.splitlines() if line.startswith("{")]
    assert rows and all(row["file"] == "a.txt" for row in rows)
    for row in rows:
        assert text[row["start"]:row["end"]] == row["text"]
        assert set(row) >= {"layer", "label", "start", "end", "text", "sentence_start", "sentence_end", "page",
                            "hedge", "negated", "source"}
        assert ("actor" in row) == (row["layer"] == "recommendation")
    grounds = {(row["label"], row["text"]) for row in rows if row["layer"] == "ground"}
    assert grounds == {("herkomst", "racisme"), ("religie", "moslimdiscriminatie")}
    rec = [row for row in rows if row["layer"] == "recommendation"][0]
    assert rec["actor"] == ["gemeente"]
    assert text[rec["sentence_start"]:rec["sentence_end"]] == "Gemeenten moeten dit aanpakken."


def test_tag_stdin_plain_and_errors(project):
    r = run("tag", "-", input="Leeftijdsdiscriminatie is verboden.".encode("utf-8"))
    assert r.exit_code == 0 and "leeftijd" in r.output and "tagged 1 file(s)" in r.output
    (project / "bad.txt").write_bytes(b"caf\xe9 racisme")
    r = run("tag", "bad.txt")
    assert r.exit_code == 2 and "bad.txt: not UTF-8 text" in r.output
    r = run("tag", "missing.txt")
    assert r.exit_code == 2 and "missing.txt: no such file" in r.output
    r = run("tag")
    assert r.exit_code == 2 and "nothing to tag" in r.output


def test_tag_html_goes_through_extraction(project):
    (project / "p.html").write_text("<html><body><h1>Aanpak</h1><p>Racisme in de wijk moet stoppen.</p>"
                                    "</body></html>", encoding="utf-8")
    r = run("tag", "p.html", "--json")
    rows = [json.loads(line) for line in r.stdout.splitlines() if line.startswith("{")]
    assert {row["layer"] for row in rows} >= {"ground", "recommendation"}


def test_missing_pipeline_is_one_clear_line(tmp_path, monkeypatch):
    (tmp_path / "config.toml").write_text('[nlp]\npipeline = "geen_pijplijn"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.txt").write_text("racisme", encoding="utf-8")
    r = run("tag", "a.txt")
    assert r.exit_code == 2 and "geen_pijplijn" in r.output and "Traceback" not in r.output


def test_eval_command_scores_a_gold_file(project):
    text = "Racisme komt overal voor. Gemeenten moeten meer doen. Het weer is mooi."
    gold = {"id": "g1", "url": "", "text": text, "sentences": [
        {"start": 0, "end": 25, "ground": ["herkomst"], "mechanism": [], "recommendation": False, "actor": []},
        {"start": 26, "end": 52, "ground": [], "mechanism": [], "recommendation": True, "actor": ["gemeente"]},
        {"start": 53, "end": 71, "ground": [], "mechanism": [], "recommendation": False, "actor": []}]}
    (project / "gold.jsonl").write_text(json.dumps(gold) + "\n", encoding="utf-8")
    r = run("eval", "--gold", "gold.jsonl", "--json")
    assert r.exit_code == 0, r.output
    res = json.loads(r.stdout)
    assert res["layers"]["ground"]["f1"] == 1.0 and res["layers"]["recommendation"]["f1"] == 1.0
    assert res["actor_accuracy"] == 1.0
    r = run("eval", "--gold", "gold.jsonl")
    assert "actor accuracy on 1 true-positive" in r.output
    (project / "bad.jsonl").write_text("{}\n", encoding="utf-8")
    r = run("eval", "--gold", "bad.jsonl")
    assert r.exit_code == 2 and "bad.jsonl:1: key 'id' missing" in r.output


def test_refresh_stage_tags_new_and_changed_only_and_tag_all_retags(project):
    from miner import config
    from miner.nlp import stage
    from miner.store import open_store
    (project / "docs").mkdir()
    (project / "docs" / "kv.txt").write_text(KAMERVRAAG, encoding="utf-8")
    (project / "docs" / "b.txt").write_text("De minister zegt dat racisme in de sport moet stoppen.",
                                            encoding="utf-8")
    assert run("add", "--no-tag", "docs").exit_code == 0   # the stage below tags them
    cfg = config.load(project / "config.toml")
    conn = open_store(cfg)
    s = stage.run(cfg, conn, progress=False)
    assert s["tagged"] == 2 and s["annotations"] > 10
    rows = conn.execute("SELECT a.*, d.text AS doc_text FROM effective_annotations a "
                        "JOIN documents d ON d.id = a.document_id").fetchall()
    assert len(rows) == s["annotations"]
    for row in rows:
        assert row["doc_text"][row["char_start"]:row["char_end"]] == row["text"]
        assert row["doc_text"][row["sentence_start"]:row["sentence_end"]] == row["sentence"]
    assert conn.execute("SELECT COUNT(*) FROM tagging_state").fetchone()[0] == 2
    assert conn.execute("SELECT COUNT(*) FROM document_labels WHERE label = 'kamervraag'").fetchone()[0] == 1
    stat = conn.execute("SELECT value FROM annotation_evidence WHERE layer = 'statistic' "
                        "AND matched_text = '38 procent'").fetchone()
    assert json.loads(stat["value"])["measure"].startswith("van de bevraagde buurtwerkers")
    # nothing changed: nothing to do (and the pipeline is not even loaded)
    assert stage.run(cfg, conn, progress=False)["tagged"] == 0
    # a changed text is tagged again
    conn.execute("UPDATE documents SET extracted_sha256 = 'other' WHERE local_path LIKE '%b.txt'")
    assert stage.run(cfg, conn, progress=False)["tagged"] == 1
    before = conn.execute("SELECT COUNT(*) FROM annotations").fetchone()[0]
    r = run("tag", "--all")
    assert r.exit_code == 0 and "re-tagged 2 document(s)" in r.output
    assert conn.execute("SELECT COUNT(*) FROM annotations").fetchone()[0] == before  # replaced, not added
    hits = conn.execute("SELECT COUNT(*) FROM sentences_fts WHERE sentences_fts MATCH 'racisme'").fetchone()[0]
    assert hits >= 1
    conn.close()


def test_tag_all_recomputes_the_gap_analysis_and_a_gaps_failure_shows(project, monkeypatch):
    """The stored gaps count tags and relevance: `tag --all` recomputes them as refresh does; a failing
    gaps step keeps the new tags and shows in the output, the run row and the exit status."""
    import sqlite3
    (project / "docs").mkdir()
    (project / "docs" / "kv.txt").write_text(KAMERVRAAG, encoding="utf-8")
    assert run("add", "--no-tag", "docs").exit_code == 0
    conn = sqlite3.connect(project / "corpora" / "miner.sqlite")
    assert conn.execute("SELECT COUNT(*) FROM gaps").fetchone()[0] == 0
    r = run("tag", "--all")
    assert r.exit_code == 0 and "gaps: " in r.output and " cells, over 1 relevant document(s)" in r.output
    assert conn.execute("SELECT COUNT(*) FROM gaps").fetchone()[0] > 0
    row = conn.execute("SELECT status, summary FROM runs WHERE command = 'tag --all' ORDER BY id DESC").fetchone()
    assert row[0] == "ok" and json.loads(row[1])["stages"]["gaps"]["cells"] > 0

    def broken(cfg, conn, progress=False):
        raise RuntimeError("disk full")
    monkeypatch.setattr("miner.gaps.stage.run", broken)
    r = run("tag", "--all")
    assert r.exit_code == 1 and "failed: gaps: RuntimeError: disk full" in r.output
    assert "re-tagged 1 document(s)" in r.output
    row = conn.execute("SELECT status, summary FROM runs WHERE command = 'tag --all' ORDER BY id DESC").fetchone()
    assert row[0] == "failed" and "disk full" in json.loads(row[1])["stage_errors"]["gaps"]
    assert conn.execute("SELECT COUNT(*) FROM annotations").fetchone()[0] > 0
    conn.close()


def test_tag_pdf_reports_the_page(project):
    fpdf = pytest.importorskip("fpdf")
    pdf = fpdf.FPDF()
    pdf.set_font("Helvetica", size=12)
    pdf.add_page()
    pdf.multi_cell(0, 8, "Inleiding over het buurtwerk in de stad.")
    pdf.add_page()
    pdf.multi_cell(0, 8, "In de wijk komt racisme voor. Gemeenten moeten een meldpunt inrichten.")
    pdf.output(str(project / "r.pdf"))
    r = run("tag", "r.pdf", "--json")
    assert r.exit_code == 0, r.output
    rows = [json.loads(line) for line in r.stdout.splitlines() if line.startswith("{")]
    ground = [row for row in rows if row["layer"] == "ground"]
    assert ground and all(row["page"] == 2 for row in ground)
    assert {row["page"] for row in rows if row["layer"] == "recommendation"} == {2}


def test_refresh_stage_knows_the_people_of_crawled_kamervragen(project):
    from miner import config
    from miner.nlp import stage
    from miner.store import open_store
    (project / "docs").mkdir()
    (project / "docs" / "n.txt").write_text(
        "Volgens Kamerlid Noor el Haddouchi moet de gemeente racisme aanpakken. Ook El Haddouchi vraagt "
        "om meer meldpunten. De kamp in Drenthe en mevrouw Wit bleven buiten beeld.", encoding="utf-8")
    assert run("add", "--no-tag", "docs").exit_code == 0   # the stage below tags them
    cfg = config.load(project / "config.toml")
    conn = open_store(cfg)
    conn.execute("INSERT INTO kamervragen(id, zaak_nummer, answered_by) VALUES (1, '2099Z00001', "
                 "'Minister van Binnenlandse Zaken en Koninkrijksrelaties')")
    conn.executemany("INSERT INTO kamervraag_actors(kamervraag_id, role, name) VALUES (1, ?, ?)",
                     [("indiener", "Noor el Haddouchi"), ("medeindiener", "Wit, B."), ("gericht_aan", "Kamp")])
    conn.commit()
    assert stage.kamervraag_persons(conn) == ["Kamp", "Noor el Haddouchi", "Wit, B."]
    stage.run(cfg, conn, progress=False)
    persons = conn.execute("SELECT text, source FROM effective_annotations WHERE layer = 'person'").fetchall()
    found = {r["text"] for r in persons if "kamervraag-metadata" in r["source"]}
    assert found == {"Noor el Haddouchi", "Haddouchi"}   # "Wit" and "Kamp" are ordinary words: not alone
    conn.close()
