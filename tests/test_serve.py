"""`miner serve`: Datasette on 127.0.0.1, read-only, with facets, search and canned queries over HTTP."""
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

import dbfixture

ROOT = Path(__file__).resolve().parent.parent
pytest.importorskip("datasette")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(port, path):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as resp:
        return resp.status, resp.read().decode("utf-8")


def _listening_addresses(port: int) -> set[str]:
    """Local addresses with a listening TCP socket on ``port`` (Linux /proc)."""
    found = set()
    for name in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(name).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            local, state = line.split()[1], line.split()[3]
            addr, p = local.split(":")
            if int(p, 16) == port and state == "0A":
                found.add(addr)
    return found


@pytest.fixture
def server(workdir):
    dbfixture.build(workdir / "corpora" / "miner.sqlite", with_gaps=True)
    with open(workdir / "config.toml", "a", encoding="utf-8") as f:
        f.write("[export]\nserve_max_memory_mb = 1024\n")
    port = _free_port()
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen([sys.executable, "-m", "miner", "serve", "--port", str(port)], cwd=workdir, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while True:
        try:
            _get(port, "/-/versions.json")
            break
        except (urllib.error.URLError, ConnectionError):
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                out, err = proc.communicate()
                pytest.fail(f"miner serve did not start: {err}")
            time.sleep(0.2)
    yield port, proc
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


def test_serve_binds_loopback_with_facets_search_and_canned_queries(server, workdir):
    port, proc = server
    if Path("/proc/net/tcp").exists():
        assert _listening_addresses(port) == {"0100007F"}  # 127.0.0.1 only

    status, body = _get(port, "/miner/annotation_evidence.json?_facet=label&_facet=year&layer=ground")
    facets = json.loads(body)["facet_results"]
    facets = facets.get("results", facets)
    labels = {f["value"]: f["count"] for f in facets["label"]["results"]}
    assert labels == {"religie": 5, "herkomst": 3, "leeftijd": 1}
    assert {f["value"] for f in facets["year"]["results"]} == {2015, 2019, 2021, 2022, 2023}

    # Facets configured in the metadata appear without asking.
    body = json.loads(_get(port, "/miner/documents_overview.json")[1])
    configured = body["facet_results"]
    configured = configured.get("results", configured)
    assert {"source", "doc_type", "year"} <= set(configured)

    q = urllib.parse.quote
    rows = json.loads(_get(port, "/miner/kamervragen_on_ground.json?ground=religie&_shape=array")[1])
    assert [(r["zaak_nummer"], r["days_to_answer"]) for r in rows] == [("2023Z00001", 42)]
    rows = json.loads(_get(port, "/miner/kamervragen_on_ground.json?ground=handicap&_shape=array")[1])
    assert rows == []
    rows = json.loads(_get(port, "/miner/documents_per_ground_mechanism.json?_shape=array")[1])
    assert {(r["mechanism"], r["ground"]): r["n_documents"] for r in rows}[("melden", "religie")] == 3
    rows = json.loads(_get(port, "/miner/recommendations_to_gemeenten.json?_shape=array")[1])
    assert [r["sentence"] for r in rows] == ["Gemeenten moeten het melden van discriminatie eenvoudiger maken."]

    # Full-text search on the passages view, and CSV export.
    rows = json.loads(_get(port, f"/miner/passages_overview.json?_search={q('moslimdiscriminatie')}&_shape=array")[1])
    assert len(rows) == 4 and all(r["page_no"] for r in rows)
    # ... and on the annotations, through the index of their sentences (each sentence indexed once)
    rows = json.loads(_get(port, f"/miner/annotation_evidence.json?_search={q('moslimdiscriminatie')}"
                                 "&_shape=array&_size=max")[1])
    assert rows and all("moslimdiscriminatie" in r["sentence"].lower() for r in rows)
    assert len(rows) == sum("moslimdiscriminatie" in a[3].lower() for d in dbfixture.DOCUMENTS for a in d["annotations"])
    # ... and on the sentences and passages themselves (views over spans of documents.text)
    rows = json.loads(_get(port, f"/miner/sentences.json?_search={q('moslimdiscriminatie')}&_shape=array")[1])
    assert rows and all("moslimdiscriminatie" in r["text"].lower() for r in rows)
    rows = json.loads(_get(port, f"/miner/passages.json?_search={q('moslimdiscriminatie')}&_shape=array")[1])
    assert len(rows) == 4 and all("moslimdiscriminatie" in r["text"].lower() for r in rows)
    status, csv_text = _get(port, "/miner/recommendations.csv?actor=gemeente")
    assert status == 200 and csv_text.splitlines()[0].startswith("annotation_id,actor,sentence")

    # CSV cells that a spreadsheet would run are neutralised, as in `miner query` and the tidy export.
    status, csv_text = _get(port, "/miner.csv?sql=" + q("select '=HYPERLINK(1)' as a, '@x' as b, 'gewoon' as c"))
    assert csv_text.splitlines()[1] == "'=HYPERLINK(1),'@x,gewoon"

    # Read-only: SQL that writes is refused and nothing changes.
    try:
        _get(port, "/miner.json?sql=" + q("DELETE FROM documents"))
    except urllib.error.HTTPError as exc:
        assert exc.code == 400
    rows = json.loads(_get(port, "/miner.json?sql=" + q("SELECT COUNT(*) AS n FROM documents") + "&_shape=array")[1])
    assert rows == [{"n": 6}]
    assert (workdir / "outputs" / "datasette" / "datasette-metadata.json").exists()


def test_serve_without_database_is_one_line(workdir):
    r = dbfixture.run_cli("serve", "--port", str(_free_port()))
    assert r.exit_code == 2 and "no database" in r.stderr


def _listening_pids_gone(port: int, timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _listening_addresses(port):
            return True
        time.sleep(0.2)
    return False


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="needs Linux /proc")
def test_sigterm_stops_datasette_too_and_a_huge_blob_is_refused(server):
    """SIGTERM to `miner serve` reaches Datasette and is waited for: nothing keeps the port;
    one GET asking for a 300 MB blob is refused by SQLite's length limit, not built."""
    import signal
    port, proc = server
    q = urllib.parse.quote
    with pytest.raises(urllib.error.HTTPError) as refused:
        _get(port, "/miner.json?sql=" + q("select zeroblob(300000000) as b") + "&_shape=array")
    assert "too big" in refused.value.read().decode("utf-8", "replace")
    # many moderate cells: the memory limit turns it into an error, and the server lives on
    many = ("with recursive c(x) as (select 1 union all select x + 1 from c limit 1000) "
            "select zeroblob(16000000) as a, zeroblob(16000000) as b from c")
    with pytest.raises(urllib.error.HTTPError) as failed:
        _get(port, "/miner.json?sql=" + q(many) + "&_shape=array")
    assert failed.value.code in (400, 500)
    # an ordinary blob still comes back
    rows = json.loads(_get(port, "/miner.json?sql=" + q("select length(zeroblob(1000)) as n") + "&_shape=array")[1])
    assert rows == [{"n": 1000}]
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=20) is not None
    assert _listening_pids_gone(port), "a process still listens on the port after SIGTERM"


def test_any_non_loopback_address_is_warned_about():
    from miner.cli.query_cmds import _is_loopback
    assert _is_loopback("127.0.0.1") and _is_loopback("::1") and _is_loopback("localhost")
    for host in ("0.0.0.0", "::", "192.168.1.20", "10.0.0.5", "example.org", "[::]"):
        assert not _is_loopback(host), host
