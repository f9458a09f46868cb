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
