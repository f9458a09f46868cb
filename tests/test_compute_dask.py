"""The Dask backend: a refresh (crawl from the loopback fixture server, extraction with page
ranges, tagging) whose extraction and tagging run on a dask.distributed LocalCluster of two
worker processes on 127.0.0.1 gives the same store as a local run, with workers reading the
data folder (send = "paths") and with workers that only get bytes (send = "bytes")."""
from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

import crawl_corpus
from fixture_server import FixtureServer
from miner.cli import main
from tests.test_compute import tagged_store
from tests.test_tag_support import blank_dir  # noqa: F401  (fixture)

distributed = pytest.importorskip("distributed")

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def cluster():
    """Two worker processes, one thread each, everything on loopback, no dashboard."""
    env = os.environ.get("PYTHONPATH")
    # spawned workers must import this checkout's miner (not another installed copy)
    os.environ["PYTHONPATH"] = os.pathsep.join([str(ROOT)] + ([env] if env else []))
    try:
        with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                      dashboard_address="127.0.0.1:0", silence_logs=40) as c:
            yield c
    finally:
        if env is None:
            os.environ.pop("PYTHONPATH", None)
        else:
            os.environ["PYTHONPATH"] = env


def refresh(server, folder: Path, pipeline: str, compute: str) -> tuple[dict, str]:
    folder.mkdir(parents=True, exist_ok=True)
    config = crawl_corpus.write_config(folder / "config.toml", server, folder / "data")
    with config.open("a", encoding="utf-8") as f:
        f.write(f'\n[nlp]\npipeline = "{pipeline}"\ntag_batch_size = 2\n[compute]\n{compute}\n')
    import time
    t0 = time.monotonic()
    r = CliRunner().invoke(main, ["refresh", "--config", str(config)], catch_exceptions=False)
    print(f"refresh {compute!r}: {time.monotonic() - t0:.1f} s")
    assert r.exit_code == 0, r.output
    store = tagged_store(folder / "data" / "miner.sqlite")
    conn = sqlite3.connect(folder / "data" / "miner.sqlite")
    store["kamervragen"] = sorted(tuple(r[1:]) for r in conn.execute(
        "SELECT id, zaak_nummer, submitted, answered FROM kamervragen"))
    conn.close()
    return store, r.output


@pytest.mark.slow   # a cluster of two processes, three refreshes, the tagger built in each worker
def test_refresh_on_a_dask_local_cluster_equals_the_local_run(cluster, tmp_path, blank_dir):
    with FixtureServer() as server:
        crawl_corpus.install(server)
        local, _ = refresh(server, tmp_path / "local", str(blank_dir), "workers = 1")
        address = cluster.scheduler_address
        assert address.startswith("tcp://127.0.0.1:")
        by_path, out = refresh(server, tmp_path / "paths", str(blank_dir),
                               f'executor = "dask"\nscheduler = "{address}"\n')
        by_bytes, _ = refresh(server, tmp_path / "bytes", str(blank_dir),
                              f'executor = "dask"\nscheduler = "{address}"\nsend = "bytes"\n')
    assert len(local["documents"]) >= 8 and len(local["pages"]) >= 8
    assert len(local["annotations"]) > 50 and local["document_labels"]
    assert by_path == local
    assert by_bytes == local
    assert f"dask at {address}, 2 worker thread(s)" in out
    # the tasks ran in the cluster's worker processes, not here
    client = distributed.Client(address, set_as_default=False)
    try:
        prefixes = client.run_on_scheduler(lambda dask_scheduler: sorted(dask_scheduler.task_prefixes))
    finally:
        client.close()
    assert "timed" in prefixes


@pytest.mark.slow   # two refreshes of the fixture corpus
def test_refresh_with_an_unreachable_scheduler_keeps_the_crawl_and_the_next_run_finishes(tmp_path, blank_dir):
    import socket
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()   # nobody listens there
    with FixtureServer() as server:
        crawl_corpus.install(server)
        config = crawl_corpus.write_config(tmp_path / "config.toml", server, tmp_path / "data")
        text = config.read_text(encoding="utf-8")
        config.write_text(text + f'\n[nlp]\npipeline = "{blank_dir}"\n[compute]\nexecutor = "dask"\n'
                          f'scheduler = "tcp://127.0.0.1:{port}"\nconnect_timeout_s = 1\n', encoding="utf-8")
        r = CliRunner().invoke(main, ["refresh", "--config", str(config)], catch_exceptions=False)
        assert r.exit_code == 1
        reason = f"compute.scheduler: cannot reach the Dask scheduler at tcp://127.0.0.1:{port}"
        assert f"1 failure(s):\n  extract: {reason}" in r.output, r.output   # nothing extracted: nothing to tag
        conn = sqlite3.connect(tmp_path / "data" / "miner.sqlite")
        stored, extracted = conn.execute("SELECT COUNT(*), COUNT(extracted_sha256) FROM documents").fetchone()
        assert stored >= 8 and extracted == 0
        assert conn.execute("SELECT status FROM runs ORDER BY id DESC").fetchone()[0] == "failed"
        conn.close()
        config.write_text(text + f'\n[nlp]\npipeline = "{blank_dir}"\n', encoding="utf-8")   # back to local
        r = CliRunner().invoke(main, ["refresh", "--config", str(config)], catch_exceptions=False)
        assert r.exit_code == 0, r.output
    conn = sqlite3.connect(tmp_path / "data" / "miner.sqlite")
    assert conn.execute("SELECT COUNT(*) FROM documents WHERE extracted_sha256 IS NULL").fetchone()[0] == 0
    assert conn.execute("SELECT COUNT(*) FROM tagging_state").fetchone()[0] >= 8
    conn.close()
