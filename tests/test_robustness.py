"""Hostile stores, hostile inputs, concurrent commands: one clear line, nothing lost, nothing leaked."""
from __future__ import annotations

import json
import os
import resource
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

import dbfixture

ROOT = Path(__file__).resolve().parent.parent
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def miner(workdir: Path, *args: str, timeout: float = 120, input: str | None = None):
    env = {k: v for k, v in os.environ.items() if k != "MINER_CONFIG"}
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.run([sys.executable, "-m", "miner", *args], cwd=workdir, env=env, capture_output=True,
                          text=True, timeout=timeout, input=input)


def one_line_error(r) -> str:
    assert r.returncode != 0, r.stdout + r.stderr
    assert "Traceback" not in r.stderr, r.stderr
    lines = [line for line in r.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, r.stderr
    return lines[0]


# ---------------------------------------------------------------- bad databases

def _db(workdir: Path) -> Path:
    return workdir / "corpora" / "miner.sqlite"


def _folder(db: Path):
    db.mkdir(parents=True)


def _not_sqlite(db: Path):
    db.parent.mkdir(parents=True)
    db.write_text("dit is geen database\n" * 50, encoding="utf-8")


def _truncated(db: Path):
    dbfixture.build(db)
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    data = db.read_bytes()
    db.write_bytes(data[: len(data) // 3])
    for extra in (db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
        extra.unlink(missing_ok=True)


def _newer(db: Path):
    dbfixture.build(db)
    conn = sqlite3.connect(db)
    conn.execute("INSERT INTO schema_migrations VALUES (999, 'from_the_future', '2030-01-01')")
    conn.commit()
    conn.close()


@pytest.mark.parametrize("make, expect", [
    (_folder, "is a folder, not a database file"),
    (_not_sqlite, "is not a valid SQLite database"),
    (_truncated, "is not a valid SQLite database"),
    (_newer, "made by a newer miner"),
], ids=["folder", "not-sqlite", "truncated", "newer-schema"])
@pytest.mark.parametrize("command", [("status",), ("query", "SELECT 1"), ("search", "racisme"), ("add", "a.txt")],
                         ids=["status", "query", "search", "add"])
def test_bad_database_is_one_line(workdir, make, expect, command):
    (workdir / "a.txt").write_text("Racisme in de wijk.\n", encoding="utf-8")
    db = _db(workdir)
    make(db)
    before = db.read_bytes() if db.is_file() else None
    r = miner(workdir, *command)
    line = one_line_error(r)
    assert expect in line and str(db.name) in line, line
    if before is not None and expect != "made by a newer miner":
        assert db.read_bytes() == before   # nothing written into a store miner cannot read
    if expect == "made by a newer miner":
        conn = sqlite3.connect(db)
        assert conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0] == 6   # add wrote nothing
        conn.close()


@pytest.mark.skipif(IS_ROOT, reason="root reads and writes any file")
def test_unreadable_and_read_only_database_is_one_line(workdir):
    db = _db(workdir)
    dbfixture.build(db)
    os.chmod(db, 0o000)
    try:
        line = one_line_error(miner(workdir, "status"))
        assert "cannot read the database" in line
    finally:
        os.chmod(db, 0o644)
    os.chmod(db, 0o444)
    os.chmod(db.parent, 0o555)
    (workdir / "a.txt").write_text("Racisme.\n", encoding="utf-8")
    try:
        line = one_line_error(miner(workdir, "add", "a.txt"))
        assert "cannot write" in line
    finally:
        os.chmod(db.parent, 0o755)
        os.chmod(db, 0o644)


def test_explain_names_the_file_for_permission_problems(tmp_path):
    from miner.store.db import explain
    db = tmp_path / "x.sqlite"
    db.write_bytes(b"")
    assert "cannot write the database" in str(explain(db, sqlite3.OperationalError("attempt to write a readonly database")))
    assert str(db) in str(explain(db, PermissionError(13, "Permission denied")))


# ---------------------------------------------------------------- concurrency

def test_two_commands_starting_together_on_a_new_store_both_succeed(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "MINER_CONFIG"}
    env["PYTHONPATH"] = str(ROOT)
    for trial in range(4):
        work = tmp_path / f"t{trial}"
        (work / "a").mkdir(parents=True)
        (work / "b").mkdir()
        (work / "config.toml").write_text("[extract]\nworkers = 1\n", encoding="utf-8")
        for i in range(3):
            (work / "a" / f"a{i}.txt").write_text(f"Document a{i} over racisme.\n", encoding="utf-8")
            (work / "b" / f"b{i}.txt").write_text(f"Document b{i} over racisme.\n", encoding="utf-8")
        (work / "b" / "shared.txt").write_text("Gedeeld document.\n", encoding="utf-8")
        (work / "a" / "shared.txt").write_text("Gedeeld document.\n", encoding="utf-8")
        procs = [subprocess.Popen([sys.executable, "-m", "miner", *args], cwd=work, env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for args in (("add", "a"), ("add", "b"), ("status",))]
        outs = [p.communicate(timeout=120) for p in procs]
        for p, (out, err) in zip(procs, outs):
            assert p.returncode == 0 and "Traceback" not in err, err
        conn = sqlite3.connect(work / "corpora" / "miner.sqlite")
        assert conn.execute("SELECT COUNT(*) FROM documents WHERE status = 'extracted'").fetchone()[0] == 7
        # no document extracted twice: the runs' extraction counts add up to the documents
        extracted = sum(json.loads(s)["extracted"] for (s,) in conn.execute(
            "SELECT summary FROM runs WHERE command = 'add'"))
        assert extracted == 7
        versions = [v for (v,) in conn.execute("SELECT version FROM schema_migrations ORDER BY version")]
        assert versions == sorted(set(versions)) and len(versions) >= 7
        conn.close()


# ---------------------------------------------------------------- inputs

def test_symlinks_are_not_followed_and_skipped_files_are_named(workdir):
    docs = workdir / "docs"
    docs.mkdir()
    (docs / "echt.txt").write_text("Racisme in de wijk.\n", encoding="utf-8")
    (docs / "passwd.txt").symlink_to("/etc/passwd")
    (docs / "etc").symlink_to("/etc", target_is_directory=True)
    (docs / ".verborgen.txt").write_text("Verborgen.\n", encoding="utf-8")
    r = miner(workdir, "add", "docs")
    assert r.returncode == 0, r.stderr
    assert "skipped 2 symbolic link(s)" in r.stdout and "passwd.txt" in r.stdout
    assert "skipped 1 hidden file(s)/folder(s)" in r.stdout and ".verborgen.txt" in r.stdout
    assert "added 1 new document(s)" in r.stdout
    conn = sqlite3.connect(workdir / "corpora" / "miner.sqlite")
    texts = [t for (t,) in conn.execute("SELECT COALESCE(text, '') FROM documents")]
    assert len(texts) == 1 and "root:" not in "".join(texts)
    conn.close()
    r = miner(workdir, "add", "docs/passwd.txt")   # named explicitly: still a link, still skipped
    assert "skipped 1 symbolic link(s)" in r.stdout


def test_follow_symlinks_opts_in(workdir):
    docs = workdir / "docs"
    docs.mkdir()
    target = workdir / "elders.txt"
    target.write_text("Discriminatie op de arbeidsmarkt.\n", encoding="utf-8")
    (docs / "link.txt").symlink_to(target)
    r = miner(workdir, "add", "--follow-symlinks", "docs")
    assert r.returncode == 0 and "added 1 new document(s)" in r.stdout, r.stdout + r.stderr


def test_a_stray_nul_is_dropped_with_a_note(workdir):
    (workdir / "nul.txt").write_bytes(b"Racisme in de wijk.\x00 Gemeenten moeten handelen.\n")
    r = miner(workdir, "add", "nul.txt")
    assert r.returncode == 0 and "extracted 1" in r.stdout, r.stdout + r.stderr
    conn = sqlite3.connect(workdir / "corpora" / "miner.sqlite")
    text, error = conn.execute("SELECT text, error FROM documents").fetchone()
    assert "\x00" not in text and "Gemeenten moeten handelen" in text and "dropped 1 NUL byte" in error
    conn.close()
    (workdir / "bin.txt").write_bytes(bytes(range(256)) * 20)   # a binary file is still refused
    r = miner(workdir, "add", "bin.txt")
    assert "failed" in r.stdout and "not a document miner can read" in r.stdout


def test_control_and_bidi_characters_are_not_printed(workdir):
    name = "rap\x1b]0;pwned\x07port\u202egpj.txt"
    (workdir / name).write_text("Racisme.\n", encoding="utf-8")
    (workdir / "leeg\x1b[31m.txt").write_bytes(b"")
    r = miner(workdir, "add", ".")
    assert r.returncode == 1, r.stderr           # the empty file failed: named, exit status 1
    assert "leeg[31m.txt" in r.stdout
    r2 = miner(workdir, "status")
    for out in (r.stdout, r2.stdout):
        assert "\x1b" not in out and "\u202e" not in out and "\x07" not in out
    assert "leeg[31m.txt" in r2.stdout   # named, without the escape


def test_titles_in_html_and_ris_lose_bidi_overrides():
    from miner.textsafe import for_display, for_terminal
    assert for_display("Rapport\u202eFDP.exe\n") == "RapportFDP.exe "
    assert for_terminal("a\x1b[2Jb\tc\nd") == "a[2Jb\tc\nd"


# ---------------------------------------------------------------- query

def test_endless_recursive_query_stops_at_the_time_limit(workdir):
    dbfixture.build(_db(workdir))
    t0 = time.monotonic()
    r = miner(workdir, "query", "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) "
                                "SELECT max(x) FROM c", "--timeout", "2")
    assert time.monotonic() - t0 < 30
    line = one_line_error(r)
    assert r.returncode == 1 and "time limit of 2 s" in line


def _rss_query(workdir, rows: int, fmt: str = "csv") -> tuple[int, int]:
    out = workdir / f"rows.{fmt}"
    sql = (f"WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT {rows}) "
           f"SELECT x, '=cmd|calc' AS formula, 'een gewone cel met wat tekst' AS t FROM c")
    argv = ["-m", "miner", "query", sql, "--format", fmt, "-o", str(out), "--timeout", "600"]
    code = (f"import resource, subprocess, sys\n"
            f"r = subprocess.run([sys.executable] + {argv!r})\n"
            f"print(r.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n")
    env = {k: v for k, v in os.environ.items() if k != "MINER_CONFIG"}
    env["PYTHONPATH"] = str(ROOT)
    res = subprocess.run([sys.executable, "-c", code], cwd=workdir, env=env, capture_output=True, text=True,
                         timeout=900)
    status, kb = res.stdout.split()[-2:]
    assert int(status) == 0, res.stderr
    return int(kb), sum(1 for _ in open(out, encoding="utf-8"))


def test_a_million_rows_stream_in_flat_memory(workdir):
    dbfixture.build(_db(workdir))
    kb, lines = _rss_query(workdir, 1_000_000)
    assert lines == 1_000_001
    assert kb < 200 * 1024, f"{kb / 1024:.0f} MB"


@pytest.mark.slow
def test_ten_million_rows_as_csv_stay_under_300_mb(workdir):
    dbfixture.build(_db(workdir))
    kb, lines = _rss_query(workdir, 10_000_000)
    assert lines == 10_000_001
    assert kb < 300 * 1024, f"{kb / 1024:.0f} MB"


def test_query_csv_neutralises_formulas_unless_asked(workdir):
    dbfixture.build(_db(workdir))
    sql = "SELECT '=HYPERLINK(\"x\")' AS a, '+1' AS b, '-2' AS c, '@SUM(A1)' AS d, 'gewoon' AS e, -3 AS n"
    r = miner(workdir, "query", sql, "--format", "csv")
    assert r.stdout.splitlines()[1] == "\"'=HYPERLINK(\"\"x\"\")\",'+1,'-2,'@SUM(A1),gewoon,-3"
    r = miner(workdir, "query", sql, "--format", "csv", "--keep-formulas")
    assert r.stdout.splitlines()[1] == "\"=HYPERLINK(\"\"x\"\")\",+1,-2,@SUM(A1),gewoon,-3"


def test_query_table_is_capped_with_a_note_and_refusals_name_the_statement(workdir):
    dbfixture.build(_db(workdir))
    r = miner(workdir, "query", "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 50) "
                                "SELECT x FROM c", "--max-rows", "10")
    assert r.returncode == 0 and len(r.stdout.splitlines()) == 12
    assert "only the first 10 row(s) are shown" in r.stderr
    line = one_line_error(miner(workdir, "query", "VACUUM"))
    assert "VACUUM is not allowed" in line
    line = one_line_error(miner(workdir, "query", "ATTACH DATABASE 'x.db' AS x"))
    assert "ATTACH is not allowed" in line


# ---------------------------------------------------------------- exports: -o writes what was asked

def test_export_o_with_another_suffix_writes_only_that(workdir):
    dbfixture.build(_db(workdir), with_gaps=True)
    r = miner(workdir, "export", "tables", "-o", "x.xlsx")
    assert r.returncode == 0, r.stderr
    assert (workdir / "x.xlsx").read_bytes()[:2] == b"PK" and not (workdir / "x.csv").exists()
    r = miner(workdir, "export", "map", "-o", "m.png")
    assert r.returncode == 0, r.stderr
    assert (workdir / "m.png").read_bytes()[:4] == b"\x89PNG" and not (workdir / "m.html").exists()
    assert not (workdir / "m.svg").exists()
    r = miner(workdir, "export", "tables", "-o", "t.csv")
    assert (workdir / "t.csv").exists() and (workdir / "t.xlsx").exists()
    assert not [p for p in workdir.iterdir() if ".tmp" in p.name]


# ---------------------------------------------------------------- no code from the store

def _fitted_store(tmp_path):
    from miner import config
    from miner.topics import stage
    from topics_corpus import synthetic_store
    cfg = config.from_dict({"topics": {"n_topics": 4, "min_documents": 5, "keep_k_below_change": 0.5}}, tmp_path)
    conn = synthetic_store(tmp_path / "db.sqlite", 30)
    out = stage.run(cfg, conn, progress=False)
    assert out["status"] == "fitted"
    return cfg, conn


def test_topic_model_path_outside_models_dir_runs_nothing(tmp_path):
    import pickle
    from miner.topics import persist, stage
    from miner.topics.model import TopicError
    cfg, conn = _fitted_store(tmp_path)
    row = stage.active_model(conn)
    assert persist.load_model(cfg, row)["components"].shape[0] == 4
    marker = tmp_path / "pwned"

    class Evil:
        def __reduce__(self):
            return (open, (str(marker), "w"))
    evil = tmp_path / "evil.joblib"
    evil.write_bytes(pickle.dumps(Evil()))
    conn.execute("UPDATE topic_models SET path = ? WHERE id = ?", (str(evil), row["id"]))
    with pytest.raises(TopicError, match="not inside models_dir"):
        persist.load_model(cfg, stage.active_model(conn))
    inside = Path(cfg["store"]["models_dir"]) / "topics" / "evil.json"
    inside.write_bytes(evil.read_bytes())
    conn.execute("UPDATE topic_models SET path = ? WHERE id = ?", (str(inside), row["id"]))
    with pytest.raises(TopicError, match="sha256 does not match"):
        persist.load_model(cfg, stage.active_model(conn))
    # a refit after a corpus change (the warm start reads the model) goes on without it and says why
    conn.execute("DELETE FROM documents WHERE id = (SELECT MAX(id) FROM documents)")
    out = stage.run(cfg, conn, progress=False)
    assert out["status"] == "fitted" and any("refused the topic model file" in w for w in out.get("warnings", []))
    assert not marker.exists()


def _failing_stage(cfg, conn, progress=False):
    raise RuntimeError("kapot")


def _fine_stage(cfg, conn, progress=False):
    return {"status": "ok"}


def test_a_failing_stage_fails_the_refresh(tmp_path, monkeypatch):
    """One contract: a stage that raises shows in the summary, the run row and the exit status."""
    from miner import config
    from miner.pipeline import refresh as refresh_mod, stages
    cfg = config.from_dict({"store": {"data_dir": str(tmp_path / "d"), "database": str(tmp_path / "d" / "m.sqlite")},
                            "crawl": {"contact": "t@example.org"}}, tmp_path)
    monkeypatch.setattr(stages, "POST_EXTRACTION_STAGES", [("fine", f"{__name__}:_fine_stage")])
    assert refresh_mod.refresh(cfg, only=None, offline=True).ok
    monkeypatch.setattr(stages, "POST_EXTRACTION_STAGES", [("fine", f"{__name__}:_fine_stage"),
                                                           ("topics", f"{__name__}:_failing_stage")])
    report = refresh_mod.refresh(cfg, only=None, offline=True)
    assert not report.ok and report.stage_errors == {"topics": "RuntimeError: kapot"}
    assert "topics: RuntimeError: kapot" in report.failures()
    conn = sqlite3.connect(tmp_path / "d" / "m.sqlite")
    assert conn.execute("SELECT status FROM runs ORDER BY id DESC").fetchone()[0] == "failed"
    conn.close()


def test_bidi_override_in_a_title_does_not_reach_the_exports(workdir):
    db = _db(workdir)
    dbfixture.build(db, with_gaps=True)
    conn = sqlite3.connect(db)
    conn.execute("UPDATE documents SET title = 'Rapport\u202eFDP.exe' WHERE id = (SELECT MIN(document_id) "
                 "FROM annotations)")
    conn.commit()
    conn.close()
    for kind, name in (("ris", "c.ris"), ("report", "r.html"), ("eppi", "e.json")):
        r = miner(workdir, "export", kind, "-o", name)
        assert r.returncode == 0, r.stderr
        text = (workdir / name).read_text(encoding="utf-8")
        assert "\u202e" not in text and "RapportFDP.exe" in text, kind
