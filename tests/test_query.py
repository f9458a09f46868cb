"""`miner query` (read-only SQL) and `miner search` (FTS5) on a small real database."""
import csv
import io
import json
import sqlite3

import pytest
from openpyxl import load_workbook

import dbfixture
from dbfixture import run_cli


@pytest.fixture
def project(workdir):
    ids = dbfixture.build(workdir / "corpora" / "miner.sqlite")
    return workdir, ids


def _count(workdir, table="documents"):
    conn = sqlite3.connect(workdir / "corpora" / "miner.sqlite")
    try:
        return conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
    finally:
        conn.close()


def test_query_prints_a_readable_table(project):
    r = run_cli("query", "SELECT label, COUNT(DISTINCT document_id) AS n FROM annotation_evidence "
                         "WHERE layer = 'ground' GROUP BY label ORDER BY label")
    assert r.exit_code == 0, r.output
    lines = r.stdout.splitlines()
    assert lines[0].split() == ["label", "n"]
    assert set(lines[1]) <= {"-", " "}
    assert [ln.split() for ln in lines[2:]] == [["herkomst", "2"], ["leeftijd", "1"], ["religie", "3"]]
    assert "3 row(s)" in r.stderr


@pytest.mark.parametrize("sql, word", [
    ("DELETE FROM documents", "DELETE"),
    ("UPDATE documents SET title = 'x'", "UPDATE"),
    ("INSERT INTO runs (command, started_at) VALUES ('x', 'y')", "INSERT"),
    ("DROP TABLE annotations", "schema"),
    ("CREATE TABLE evil (x)", "schema"),
    ("ATTACH DATABASE 'other.sqlite' AS other", "ATTACH"),
    ("PRAGMA query_only = 0", "PRAGMA query_only"),
    ("INSERT INTO passages_fts(passages_fts) VALUES ('rebuild')", "INSERT"),
])
def test_query_refuses_writes_and_attach_with_one_clear_line(project, sql, word):
    workdir, _ = project
    before = (_count(workdir), _count(workdir, "annotations"), _count(workdir, "runs"))
    r = run_cli("query", sql)
    assert r.exit_code == 2
    err = r.stderr.strip()
    assert len(err.splitlines()) == 1 and err.startswith("miner: refused:") and word in err and "read-only" in err
    assert (_count(workdir), _count(workdir, "annotations"), _count(workdir, "runs")) == before
    assert not (workdir / "other.sqlite").exists()


def test_query_refuses_a_second_statement_smuggled_after_a_select(project):
    workdir, _ = project
    r = run_cli("query", "SELECT 1; DELETE FROM documents")
    assert r.exit_code == 2 and "one SQL statement" in r.stderr
    assert _count(workdir) == 6


def test_query_sql_error_is_one_line(project):
    r = run_cli("query", "SELEC title FROM documents")
    assert r.exit_code == 2 and r.stderr.strip().startswith("miner: SQL error:") and len(r.stderr.strip().splitlines()) == 1


def test_query_without_database_says_what_to_do(workdir):
    r = run_cli("query", "SELECT 1")
    assert r.exit_code == 2 and "miner add" in r.stderr


def test_query_formats_agree(project):
    workdir, _ = project
    sql = "SELECT document_id, title, year FROM documents_overview ORDER BY document_id"
    as_csv = list(csv.reader(io.StringIO(run_cli("query", sql, "--format", "csv").stdout)))
    as_json = json.loads(run_cli("query", sql, "--format", "json").stdout)
    as_jsonl = [json.loads(line) for line in run_cli("query", sql, "--format", "jsonl").stdout.splitlines()]
    r = run_cli("query", sql, "--format", "xlsx", "-o", str(workdir / "q.xlsx"))
    assert r.exit_code == 0
    ws = load_workbook(workdir / "q.xlsx").active
    as_xlsx = [list(row) for row in ws.iter_rows(values_only=True)]
    assert as_csv[0] == ["document_id", "title", "year"] == as_xlsx[0]
    assert len(as_csv) == 7 and as_json == as_jsonl
    assert [[str(v) for v in row] for row in as_xlsx[1:]] == as_csv[1:]
    assert [list(d.values()) for d in as_json] == as_xlsx[1:]
    assert dbfixture.HOSTILE_TITLE in [d["title"] for d in as_json]


def test_query_xlsx_needs_an_output_file(project):
    r = run_cli("query", "SELECT 1", "--format", "xlsx")
    assert r.exit_code == 2 and "-o" in r.stderr


def test_query_table_strips_terminal_escapes(project):
    r = run_cli("query", "SELECT 'a' || char(27) || '[31mred' AS x")
    assert "\x1b" not in r.stdout and "red" in r.stdout


def test_search_finds_moslimdiscriminatie_with_highlights_pages_and_urls(project):
    r = run_cli("search", "moslimdiscriminatie")
    assert r.exit_code == 0, r.output
    out = r.stdout
    assert out.count("**Moslimdiscriminatie**") + out.count("**moslimdiscriminatie**") == 4
    assert "Moslimdiscriminatie in de sociale basis (2021) — p. 2" in out
    assert "Vragen over moslimdiscriminatie bij meldpunten (2023) — p. 1" in out
    assert "https://example.org/moslim.pdf" in out
    assert "[mechanism:training,ground:religie]" in out or "[ground:religie,mechanism:training]" in out
    assert "4 hit(s)" in r.stderr


@pytest.mark.parametrize("terms", ["coördinator", "coordinator", "COÖRDINATOR", "geevalueerd", "geëval*"])
def test_search_folds_dutch_diacritics(project, terms):
    r = run_cli("search", terms, "--json")
    hits = [json.loads(line) for line in r.stdout.splitlines()]
    assert len(hits) == 1
    assert hits[0]["title"] == "Antwoord op vragen over moslimdiscriminatie bij meldpunten"
    assert hits[0]["page"] == 1 and "**" in hits[0]["snippet"]


def test_search_ranks_by_bm25_and_supports_fts_syntax(project):
    hits = [json.loads(x) for x in run_cli("search", '"extra middelen" OR leeftijdsdiscriminatie', "--json").stdout.splitlines()]
    assert {h["title"] for h in hits} == {"Antwoord op vragen over moslimdiscriminatie bij meldpunten",
                                          "Leeftijdsdiscriminatie in de sport"}
    assert [h["rank"] for h in hits] == sorted(h["rank"] for h in hits)
    near = [json.loads(x) for x in run_cli("search", "NEAR(moslimdiscriminatie meldingen, 5)", "--json").stdout.splitlines()]
    assert len(near) == 1 and near[0]["page"] == 1


def test_search_in_annotation_sentences_lists_labels(project):
    hits = [json.loads(x) for x in run_cli("search", "training", "--in", "annotations", "--json").stdout.splitlines()]
    assert len(hits) == 2
    labels = {frozenset(h["labels"]) for h in hits}
    assert frozenset({"mechanism:training", "ground:religie"}) in labels
    assert frozenset({"mechanism:training", "ground:herkomst"}) in labels


@pytest.mark.parametrize("terms", ["foo)", 'moslim "discriminatie', "AND"])
def test_search_bad_syntax_is_a_clear_error(project, terms):
    r = run_cli("search", terms)
    assert r.exit_code == 2
    assert r.stderr.startswith("miner: ") and len(r.stderr.strip().splitlines()) == 1
    assert "syntax" in r.stderr or "quote" in r.stderr


def test_fts_query_translation():
    from miner.export.search import to_fts_query
    assert to_fts_query("anti-zwart racisme") == '"anti-zwart" racisme'
    assert to_fts_query("Geëvalueerd") == "Geevalueerd"
    assert to_fts_query("NEAR(a b, 3)") == "NEAR( a b , 3 )"
    assert to_fts_query("moslim* OR jood*") == "moslim* OR jood*"


def test_store_from_an_older_miner_gets_the_views_before_reading(project):
    workdir, _ = project
    conn = sqlite3.connect(workdir / "corpora" / "miner.sqlite")
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'view'").fetchall():
        conn.execute(f"DROP VIEW {name}")
    conn.execute("DELETE FROM schema_migrations WHERE version = 5")
    conn.commit()
    conn.close()
    # (a view 005 made that no later migration redefines: 016 made annotation_evidence read `sentences`)
    r = run_cli("query", "SELECT SUM(n_annotations) AS n FROM documents_overview", "--format", "json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout) == [{"n": sum(len(d["annotations"]) for d in dbfixture.DOCUMENTS)}]
