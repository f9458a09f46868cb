"""`miner refresh` end to end against the loopback fixture server (real HTTP, real PDFs, real SQLite)."""
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

import crawl_corpus
from crawl_helpers import integrity, snapshot
from fixture_server import FixtureServer
from miner.cli import main

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def server():
    with FixtureServer() as s:
        crawl_corpus.install(s)
        yield s


def run_cli(config: Path, *args):
    result = CliRunner().invoke(main, ["refresh", "--config", str(config), *args])
    return result.exit_code, result.output


def db(tmp_path) -> sqlite3.Connection:
    conn = sqlite3.connect(tmp_path / "data" / "miner.sqlite")
    conn.row_factory = sqlite3.Row
    return conn


def test_refresh_stores_kamervraag_and_publications_then_second_run_is_conditional(server, tmp_path):
    config = crawl_corpus.write_config(tmp_path / "config.toml", server, tmp_path / "data")
    code, out = run_cli(config)
    assert code == 0, out
    assert "officielebekendmakingen" in out and "new    5" in out
    conn = db(tmp_path)
    kv = conn.execute("SELECT * FROM kamervragen WHERE zaak_nummer = '2023Z02090'").fetchone()
    assert (kv["question_id"], kv["answer_id"]) == ("kv-tk-2023Z02090", "ah-tk-20222023-1944")
    assert (kv["submitted"], kv["answered"], kv["days_to_answer"]) == ("2023-02-08", "2023-03-21", 41)
    assert kv["receiver"] == "Minister van Volksgezondheid, Welzijn en Sport"
    assert kv["postponed"] == 1 and kv["postponement_date"] == "2023-03-01" and "spijt" in kv["postponement_text"]
    assert json.loads(kv["metadata"])["zaak_id"] == "zaak-2023z02090"   # the OData Zaak is merged in
    items = conn.execute("SELECT * FROM kamervraag_items WHERE kamervraag_id = ? ORDER BY number",
                         (kv["id"],)).fetchall()
    assert [i["number"] for i in items] == [1, 2, 3, 4, 5, 6]
    assert [i["answer_refers_to"] for i in items[3:]] == [3, 3, 3]
    assert all(i["answer"] for i in items[:3])
    who = conn.execute("SELECT name, party FROM kamervraag_actors WHERE kamervraag_id = ? AND role = 'indiener'",
                       (kv["id"],)).fetchone()
    assert tuple(who) == ("Sylvana Simons", "BIJ1")
    urls = {r[0] for r in conn.execute("SELECT url FROM kamervraag_footnotes WHERE kamervraag_id = ?", (kv["id"],))}
    assert server.url("/movisie/publicatie/aanpak-discriminatie-sociale-basis") in urls
    assert any("rijksoverheid.nl" in u for u in urls)
    # The ids are linked: question and answer documents point at the same Kamervraag.
    q = conn.execute("SELECT * FROM documents WHERE doc_key = 'kv-tk-2023Z02090'").fetchone()
    assert q["id"] == kv["question_document_id"] and q["status"] == "extracted" and "sociale basis" in q["text"]

    # Publications: metadata from the page, text from the PDF.
    pub = conn.execute("SELECT * FROM documents WHERE doc_key = ?",
                       ("url:" + server.url("/kis/publicatie/sociale-wijkteams-en-diversiteit"),)).fetchone()
    meta = json.loads(pub["metadata"])
    assert pub["title"] == "Over sociale wijkteams en diversiteit" and pub["date"] == "2016-05-03"
    assert json.loads(pub["authors"]) == ["Marieke Smit", "Yusuf Demir"]
    assert meta["isbn"] == "978-90-5830-703-3" and meta["pages"] == 21 and meta["themes"] == ["Buurten", "Diversiteit"]
    assert pub["mime"] == "application/pdf" and pub["n_pages"] >= 1 and "sociale basis" in pub["text"]
    # Cited reports: the footnote URL only reachable from the Kamervraag was fetched and linked.
    link = conn.execute("SELECT l.followed, d.title FROM links l JOIN documents d ON d.id = l.target_document_id "
                        "WHERE l.url = ?", (server.url("/movisie/publicatie/handreiking-lokaal-antidiscriminatiebeleid"),)
                        ).fetchone()
    assert tuple(link) == (1, "Handreiking lokaal antidiscriminatiebeleid")
    other = conn.execute("SELECT followed, reason FROM links WHERE url LIKE 'https://www.nu.nl/%'").fetchone()
    assert other["followed"] == 0 and "not a configured host" in other["reason"]
    # robots.txt: the disallowed page was never requested; provenance recorded per fetch.
    assert server.requests_for("/movisie/intern/concept") == []
    assert conn.execute("SELECT COUNT(*) FROM fetches WHERE status = 200 AND warc_file IS NULL").fetchone()[0] == 0
    assert list((tmp_path / "data" / "archive").glob("*.warc.gz"))
    extracted_at = dict(conn.execute("SELECT doc_key, extracted_at FROM documents").fetchall())
    before = snapshot(tmp_path / "data" / "miner.sqlite")
    conn.close()

    server.reset_log()
    code, out = run_cli(config)
    assert code == 0, out
    assert server.hits and {h.status for h in server.hits} == {304}
    assert "extracted 0" in out
    conn = db(tmp_path)
    assert dict(conn.execute("SELECT doc_key, extracted_at FROM documents").fetchall()) == extracted_at
    assert snapshot(tmp_path / "data" / "miner.sqlite") == before


def test_changed_items_are_found_by_modified_date_and_etag(server, tmp_path):
    config = crawl_corpus.write_config(tmp_path / "config.toml", server, tmp_path / "data")
    assert run_cli(config)[0] == 0
    # The search now reports a newer dt.modified, and the page has a corrected question text.
    crawl_corpus.install(server, modified={"kv-tk-2023Z11111": "2023-08-01"})
    page = server.routes["/obk/kv-tk-2023Z11111.html"]
    server.add("/obk/kv-tk-2023Z11111.html", page.body.replace(b"spreekkoren horen", b"spreekkoren horen (gecorrigeerd)"))
    # A publication page changes its PDF.
    server.add("/movisie/files/vrijwilligers-en-uitsluiting.pdf",
               crawl_corpus.make_pdf("Vrijwilligers en uitsluiting in de wijk", ("Tweede, herziene druk.",)),
               "application/pdf")
    server.reset_log()
    code, out = run_cli(config)
    assert code == 0, out
    assert "extracted 2" in out
    bodies = {h.path for h in server.hits if h.status == 200}
    assert bodies >= {"/obk/kv-tk-2023Z11111.html", "/movisie/files/vrijwilligers-en-uitsluiting.pdf"}
    assert not any(p.startswith("/obk/ah-") for p in bodies)   # unchanged records: not even asked for
    conn = db(tmp_path)
    q = conn.execute("SELECT question FROM kamervraag_items i JOIN kamervragen k ON k.id = i.kamervraag_id "
                     "WHERE k.zaak_nummer = '2023Z11111' AND number = 1").fetchone()[0]
    assert "gecorrigeerd" in q
    assert "herziene druk" in conn.execute("SELECT text FROM documents WHERE doc_key LIKE '%vrijwilligers%'"
                                           ).fetchone()[0]


def test_fault_modes_are_listed_and_recover_on_next_run(server, tmp_path):
    config = crawl_corpus.write_config(tmp_path / "config.toml", server, tmp_path / "data")
    server.fault("/obk/ah-tk-20222023-1944.html", "500", times=10)
    server.fault("/odata/Zaak", "429", times=1, retry_after=1)
    server.fault("/kis/files/discriminatie-in-de-sport.pdf", "truncate", times=1)
    server.fault("/obk/kv-tk-2023Z11111/metadata.xml", "wrong_type", times=10)
    server.fault("/movisie/files/vrijwilligers-en-uitsluiting.pdf", "slow", times=10, seconds=1.3)
    server.redirect("/kis/publicatie/sociale-wijkteams-en-diversiteit", "/kis/lus")
    server.redirect("/kis/lus", "/kis/publicatie/sociale-wijkteams-en-diversiteit")
    code, out = run_cli(config)
    assert code == 1
    assert "ah-tk-20222023-1944: HTTP 500" in out
    assert "expected XML, got text/html" in out
    assert "redirect loop" in out
    assert "no response within 1 s" in out
    conn = db(tmp_path)
    # 429 honoured and retried, truncated PDF retried: those succeeded in this run.
    assert conn.execute("SELECT COUNT(*) FROM kamervragen WHERE zaak_nummer = '2023Z02090'").fetchone()[0] == 1
    assert conn.execute("SELECT status FROM documents WHERE doc_key = ?",
                        ("url:" + server.url("/kis/publicatie/discriminatie-in-de-sport"),)).fetchone()[0] == "extracted"
    hits = server.requests_for("/odata/Zaak")
    assert hits[0].status == 429 and hits[1].t - hits[0].t >= 0.95
    conn.close()

    server.clear_faults()
    crawl_corpus.install(server)   # the redirect loop is gone again
    code, out = run_cli(config)
    assert code == 0, out
    conn = db(tmp_path)
    kv = conn.execute("SELECT answer_id, answer_document_id FROM kamervragen WHERE zaak_nummer = '2023Z02090'"
                      ).fetchone()
    assert kv["answer_id"] == "ah-tk-20222023-1944" and kv["answer_document_id"] is not None
    assert conn.execute("SELECT COUNT(*) FROM fetches WHERE error IS NOT NULL AND url NOT LIKE '%intern%'"
                        ).fetchone()[0] == 0


def test_unreachable_source_is_one_line_and_keeps_what_was_stored(server, tmp_path):
    config = crawl_corpus.write_config(tmp_path / "config.toml", server, tmp_path / "data")
    assert run_cli(config)[0] == 0
    count = db(tmp_path).execute("SELECT COUNT(*) FROM documents").fetchone()[0]
    import socket
    s = socket.socket()   # bound but not listening: connections are refused and nobody else gets the port
    s.bind(("127.0.0.1", 0))
    dead = s.getsockname()[1]
    text = config.read_text().replace(f"{server.base}/sru", f"http://127.0.0.1:{dead}/sru")
    config.write_text(text)
    t = time.monotonic()
    code, out = run_cli(config)
    assert code == 1 and time.monotonic() - t < 30, out
    lines = [line for line in out.splitlines() if "unreachable" in line]
    assert any(line.startswith("officielebekendmakingen") and "connection refused" in line for line in lines), out
    assert "Traceback" not in out
    assert db(tmp_path).execute("SELECT COUNT(*) FROM documents").fetchone()[0] == count
    s.close()


def test_offline_rebuilds_the_store_from_the_archive(server, tmp_path):
    config = crawl_corpus.write_config(tmp_path / "config.toml", server, tmp_path / "data")
    assert run_cli(config)[0] == 0
    before = snapshot(tmp_path / "data" / "miner.sqlite")
    server.stop()
    for name in ("miner.sqlite", "miner.sqlite-wal", "miner.sqlite-shm"):
        (tmp_path / "data" / name).unlink(missing_ok=True)
    import shutil
    shutil.rmtree(tmp_path / "data" / "raw")
    code, out = run_cli(config, "--offline")
    assert code == 0, out
    assert "offline" in out
    after = snapshot(tmp_path / "data" / "miner.sqlite")
    assert after["documents"] == before["documents"] and after["kamervragen"] == before["kamervragen"]
    assert after["links"] == before["links"]


def test_options_dry_run_limit_source_and_bad_names(server, tmp_path):
    config = crawl_corpus.write_config(tmp_path / "config.toml", server, tmp_path / "data")
    code, out = run_cli(config, "--dry-run")
    assert code == 0 and "GET " + server.url("/sru") in out and "nothing fetched" in out
    assert server.hits == [] and not (tmp_path / "data" / "miner.sqlite").exists()
    code, out = run_cli(config, "--source", "nergens")
    assert code == 2 and "unknown source nergens" in out
    code, out = run_cli(config, "--source", "movisie", "--limit", "1")
    assert code == 0, out
    assert db(tmp_path).execute("SELECT COUNT(*) FROM documents").fetchone()[0] == 1
    code, out = run_cli(config, "--source", "kis", "--since", "2020-01-01")
    assert code == 0
    titles = {r[0] for r in db(tmp_path).execute("SELECT title FROM documents WHERE source = 'kis'")}
    assert titles == {"Discriminatie in de sport"}   # the 2016 report's sitemap lastmod is older
    code, out = run_cli(config, "--since", "gisteren")
    assert code == 2 and "not a date" in out


def test_bad_source_config_is_one_line(server, tmp_path):
    config = crawl_corpus.write_config(tmp_path / "config.toml", server, tmp_path / "data")
    config.write_text(config.read_text() + '\n[crawl.sources.leeg]\ntype = "site"\nseeds = ["http://127.0.0.1/"]\n')
    code, out = run_cli(config)
    assert code == 2 and "crawl.sources.leeg.publication: required" in out
    config.write_text(config.read_text() + '\n[crawl.sources.fout]\ntype = "ftp"\n')
    code, out = run_cli(config)
    assert code == 2 and "crawl.sources.fout.type: must be one of" in out


def test_per_host_delay_holds_during_refresh(server, tmp_path):
    config = crawl_corpus.write_config(tmp_path / "config.toml", server, tmp_path / "data", delay=0.15)
    code, out = run_cli(config, "--source", "kis")
    assert code == 0, out
    times = sorted(h.t for h in server.hits)
    assert len(times) >= 5
    assert min(b - a for a, b in zip(times, times[1:])) >= 0.14


def _refresh_process(config: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-m", "miner", "refresh", "--config", str(config)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def kill_and_resume(config: Path, kills: int, rng: random.Random, window: tuple[float, float]) -> None:
    """Start refresh, SIGKILL it after a random time, ``kills`` times; then let one run finish."""
    for _ in range(kills):
        proc = _refresh_process(config)
        time.sleep(rng.uniform(*window))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    proc = _refresh_process(config)
    assert proc.wait(timeout=300) == 0


@pytest.mark.slow
def test_sigkill_at_random_moments_then_rerun_equals_uninterrupted_run(server, tmp_path):
    ref = crawl_corpus.write_config(tmp_path / "ref.toml", server, tmp_path / "ref")
    assert run_cli(ref)[0] == 0
    expected = snapshot(tmp_path / "ref" / "miner.sqlite")
    config = crawl_corpus.write_config(tmp_path / "config.toml", server, tmp_path / "data")
    kill_and_resume(config, 3, random.Random(4), (0.6, 2.5))
    ok, dups = integrity(tmp_path / "data" / "miner.sqlite")
    assert ok == "ok" and dups == 0
    got = snapshot(tmp_path / "data" / "miner.sqlite")
    assert got == expected


def test_tk_odata_by_number_with_document_files(server, tmp_path):
    config = crawl_corpus.write_config(tmp_path / "config.toml", server, tmp_path / "data")
    text = config.read_text().replace('query = "discriminatie"',
                                      'query = "discriminatie"\nnumbers = ["2023Z02090"]\nfetch_pdf = true')
    config.write_text(text)
    code, out = run_cli(config, "--source", "tweede_kamer")
    assert code == 0, out
    conn = db(tmp_path)
    docs = conn.execute("SELECT doc_key, doc_type, status, text FROM documents ORDER BY doc_key").fetchall()
    assert [d["doc_key"] for d in docs] == ["tk-document-doc-antwoord-2090", "tk-document-doc-uitstel-2090",
                                            "tk-document-doc-vraag-2090"]
    assert all(d["status"] == "extracted" and "2023Z02090" in d["text"] for d in docs)
    kv = conn.execute("SELECT * FROM kamervragen").fetchone()
    assert kv["zaak_nummer"] == "2023Z02090" and kv["submitted"] == "2023-02-08"
    assert kv["answer_id"] == "ah-tk-20222023-1944"   # built from Vergaderjaar + Aanhangselnummer
    assert conn.execute("SELECT name, party FROM kamervraag_actors WHERE role = 'indiener'").fetchone()[1] == "BIJ1"
    hits = [h.path for h in server.hits if h.path.startswith("/odata/Zaak")]
    assert hits and all("Nummer eq '2023Z02090'" in h for h in hits)


def test_missing_metadata_xml_falls_back_to_the_page(server, tmp_path):
    del server.routes["/obk/kv-tk-2023Z11111/metadata.xml"]
    config = crawl_corpus.write_config(tmp_path / "config.toml", server, tmp_path / "data")
    code, out = run_cli(config, "--source", "officielebekendmakingen")
    assert code == 0, out
    kv = db(tmp_path).execute("SELECT question_id, submitted FROM kamervragen WHERE zaak_nummer = '2023Z11111'"
                              ).fetchone()
    assert tuple(kv) == ("kv-tk-2023Z11111", "2023-06-12")


def test_a_search_hit_that_is_no_kamervraag_is_kept_as_a_plain_document(server, tmp_path):
    crawl_corpus.install(server, extra_records=[("stcrt-2023-555", "Regeling", "2023-01-05", "Staatscourant")])
    server.add("/obk/stcrt-2023-555.html", "<html><body><p>Een regeling zonder vragen.</p></body></html>")
    server.add("/obk/stcrt-2023-555/metadata.xml", '<metadata_gegevens><metadata name="DC.identifier" '
               'content="stcrt-2023-555"/><metadata name="DC.title" content="Regeling"/></metadata_gegevens>',
               "application/xml")
    config = crawl_corpus.write_config(tmp_path / "config.toml", server, tmp_path / "data")
    code, out = run_cli(config, "--source", "officielebekendmakingen")
    assert code == 0, out
    row = db(tmp_path).execute("SELECT doc_type, title, metadata FROM documents WHERE doc_key = 'stcrt-2023-555'"
                               ).fetchone()
    assert (row["doc_type"], row["title"]) == ("kamerstuk", "Regeling")
    assert "no questions" in json.loads(row["metadata"])["parse_warning"]


def test_answer_missing_from_the_search_is_asked_for_by_identifier(server, tmp_path):
    crawl_corpus.install(server, sru_hidden=("ah-tk-20222023-1944",))
    config = crawl_corpus.write_config(tmp_path / "config.toml", server, tmp_path / "data")
    code, out = run_cli(config)
    assert code == 0, out
    kv = db(tmp_path).execute("SELECT answer_id, answer_document_id, answered FROM kamervragen "
                              "WHERE zaak_nummer = '2023Z02090'").fetchone()
    assert kv["answer_id"] == "ah-tk-20222023-1944" and kv["answer_document_id"] is not None
    assert kv["answered"] == "2023-03-21"
    asked = [h.path for h in server.hits if "dt.identifier==" in h.path]
    assert asked and all("ah-tk-20222023-1944" in p for p in asked)
