"""The executor (miner/compute): config, parallel tagging equal to one process, a worker that
dies takes only its document down, throughput in the run rows."""
from __future__ import annotations

import os
import random
import sys
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from miner.cli import main
from tests.test_tag_support import KAMERVRAAG, blank_dir  # noqa: F401  (fixture)

ROOT = Path(__file__).resolve().parent.parent

SENTENCES = [line for line in KAMERVRAAG.splitlines() if len(line) > 30] + [
    "In het jongerenwerk krijgen meiden met een hoofddoek minder vaak een stageplek.",
    "De wijkteams in Utrecht melden dat ouderen met een migratieachtergrond de weg naar zorg niet vinden.",
    "Vrijwilligers van de voedselbank zien dat mensen met een beperking worden buitengesloten.",
    "Uit de enquête onder 412 sociaal werkers blijkt dat 27 procent zich onvoldoende toegerust voelt.",
    "De gemeente Rotterdam moet een onafhankelijk meldpunt voor discriminatie inrichten.",
    "Transgender jongeren ervaren uitsluiting bij sportverenigingen in de buurt.",
    "Het buurthuis organiseert een gesprek over racisme en antisemitisme met bewoners.",
]


def write_corpus(folder: Path, n: int, seed: int = 5) -> None:
    """``n`` short Dutch documents of our own sentences, in a fixed pseudo-random mix."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        body = "\n\n".join(" ".join(rng.sample(SENTENCES, 3)) for _ in range(rng.randint(1, 4)))
        (folder / f"doc{i:03d}.txt").write_text(f"Notitie {i}\n\n{body}\n", encoding="utf-8")


def write_config(folder: Path, pipeline: str, extra: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "config.toml"
    path.write_text(f'[store]\ndata_dir = "data"\ndatabase = "data/miner.sqlite"\nmodels_dir = "{ROOT / "models"}"\n'
                    f'[extract]\nworkers = 1\nocr = false\n[nlp]\npipeline = "{pipeline}"\ntag_batch_size = 4\n'
                    f"{extra}", encoding="utf-8")
    return path


def cli(config: Path, *args):
    r = CliRunner().invoke(main, [*args, "--config", str(config)], catch_exceptions=False)
    return r.exit_code, r.output


def tagged_store(db: Path) -> dict:
    """What tagging writes, keyed by document key (ids and times left out)."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    key = {r["id"]: r["doc_key"] for r in conn.execute("SELECT id, doc_key FROM documents")}
    out = {
        "documents": sorted((r["doc_key"], r["text"], r["n_pages"], r["relevance"], r["relevant"])
                            for r in conn.execute("SELECT * FROM documents")),
        "pages": sorted((key[r["document_id"]], r["page_no"], r["char_start"], r["char_end"])
                        for r in conn.execute("SELECT * FROM pages")),
        "annotations": sorted((key[r["document_id"]], r["layer"], r["label"], r["char_start"], r["char_end"],
                               r["text"], r["sentence"], r["page_no"], r["actor"], r["hedge"], r["negated"],
                               r["value"], r["source"], r["confidence"])
                              for r in conn.execute("SELECT * FROM effective_annotations")),
        "document_labels": sorted((key[r["document_id"]], r["layer"], r["label"], r["score"], r["source"])
                                  for r in conn.execute("SELECT * FROM document_labels")),
        "tagging_state": sorted((key[r["document_id"]], r["extracted_sha256"], r["taxonomy_hash"], r["error"])
                                for r in conn.execute("SELECT * FROM tagging_state")),
    }
    conn.close()
    return out


# ---------------------------------------------------------------- config

@pytest.mark.parametrize("text, message", [
    ('[compute]\nexecutor = "dask"\n', "compute.scheduler: required when compute.executor is \"dask\""),
    ('[compute]\nexecutor = "ray"\n', "compute.executor: must be one of local, dask"),
    ('[compute]\nexecutor = "dask"\nscheduler = "127.0.0.1:8786"\n', "compute.scheduler: must be an address like"),
    ("[compute]\nworkers = -1\n", "compute.workers: must be 0 or more"),
    ('[compute]\nsend = "files"\n', "compute.send: must be one of paths, bytes"),
])
def test_bad_compute_config_is_one_line_naming_the_key(tmp_path, text, message):
    from miner import config
    (tmp_path / "config.toml").write_text(text, encoding="utf-8")
    with pytest.raises(config.ConfigError) as err:
        config.load(tmp_path / "config.toml")
    assert message in str(err.value) and "\n" not in str(err.value)


def test_unreachable_scheduler_is_one_line_naming_the_key(tmp_path, blank_dir):
    import socket
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()   # nobody listens there
    config = write_config(tmp_path / "p", str(blank_dir),
                          f'[compute]\nexecutor = "dask"\nscheduler = "tcp://127.0.0.1:{port}"\nconnect_timeout_s = 1\n')
    write_corpus(tmp_path / "docs", 3)
    code, out = cli(config, "add", str(tmp_path / "docs"))
    assert code != 0 and len(out.strip().splitlines()) <= 2, out
    assert f"compute.scheduler: cannot reach the Dask scheduler at tcp://127.0.0.1:{port}" in out, out


# ---------------------------------------------------------------- parallel tagging

@pytest.fixture(scope="module")
def added(tmp_path_factory, blank_dir):
    """A store with 60 documents added but not tagged (the start of every tagging trial)."""
    base = tmp_path_factory.mktemp("added")
    write_corpus(base / "docs", 60)
    config = write_config(base / "p", str(blank_dir))
    code, out = cli(config, "add", "--no-tag", str(base / "docs"))
    assert code == 0, out
    return base / "p" / "data" / "miner.sqlite"


def copy_store(src: Path, dst: Path) -> None:
    """A consistent copy (the WAL included)."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    a, b = sqlite3.connect(src), sqlite3.connect(dst)
    a.backup(b)
    a.close()
    b.close()


def retag(added: Path, folder: Path, pipeline: str, workers: int, extra: str = "") -> tuple[dict, str]:
    config = write_config(folder, pipeline, f"[compute]\nworkers = {workers}\n{extra}")
    copy_store(added, folder / "data" / "miner.sqlite")
    code, out = cli(config, "tag", "--all")
    assert code == 0, out
    return tagged_store(folder / "data" / "miner.sqlite"), out


def test_two_workers_give_the_store_of_one_process(added, tmp_path, blank_dir):
    one, out1 = retag(added, tmp_path / "one", str(blank_dir), 1)
    two, out2 = retag(added, tmp_path / "two", str(blank_dir), 2)
    assert len(one["annotations"]) > 200 and len(one["tagging_state"]) == 60
    assert two == one
    assert "local, 1 process" in out1 and "local, 2 processes" in out2
    assert "docs/s" in out2 and "CPU" in out2


@pytest.mark.slow
def test_two_workers_with_the_shipped_pipeline_and_learned_tagger_equal_one_process(added, tmp_path):
    """The real pipeline and the learned model (confidences, relevance): the same numbers in parallel."""
    if not (ROOT / "models" / "miner_tagger" / "model.json").exists():
        pytest.skip("no shipped tagger model")
    one, _ = retag(added, tmp_path / "one", "auto", 1)
    two, _ = retag(added, tmp_path / "two", "auto", 2)
    assert any(a[-1] is not None for a in one["annotations"])       # confidences of the learned model
    assert any(d[3] is not None for d in one["documents"])          # relevance
    assert two == one


def test_status_shows_the_throughput_of_the_last_run(added, tmp_path, blank_dir):
    retag(added, tmp_path / "t", str(blank_dir), 2)
    code, out = cli(tmp_path / "t" / "config.toml", "status")
    assert code == 0, out
    line = next(line for line in out.splitlines() if line.startswith("throughput"))
    assert "tag --all" in line and "docs/s" in line and "CPU" in line and "local, 2 processes" in line


# ---------------------------------------------------------------- a worker that dies

POISON = "dit document laat de worker sterven"
_REAL_TAG_TASK = None


def _tag_or_die(cfg, key, persons, batch_size, items):
    if any(POISON in text for _, text, _ in items):
        os._exit(3)   # what a segfault in a C library looks like to the pool
    return _REAL_TAG_TASK(cfg, key, persons, batch_size, items)


@pytest.mark.slow   # three pools start (the first, two replacements), each worker loads the pipeline
def test_a_document_that_kills_its_worker_fails_alone(added, tmp_path, blank_dir, monkeypatch):
    from miner import config as config_mod
    from miner.nlp import stage
    from miner.nlp.tagging import worker
    from miner.store import open_store
    folder = tmp_path / "poison"
    config = write_config(folder, str(blank_dir), "[compute]\nworkers = 2\n")
    copy_store(added, folder / "data" / "miner.sqlite")
    cfg = config_mod.load(config)
    conn = open_store(cfg)
    victim = conn.execute("SELECT id FROM documents ORDER BY id LIMIT 1 OFFSET 17").fetchone()[0]
    conn.execute("UPDATE documents SET text = text || ? WHERE id = ?", (" " + POISON + ".", victim))
    monkeypatch.setattr(sys.modules[__name__], "_REAL_TAG_TASK", worker.tag_task)
    monkeypatch.setattr(worker, "tag_task", _tag_or_die)   # the pool forks: workers see it too
    s = stage.run(cfg, conn, progress=False)
    assert s["tagged"] == 59 and s["failed"] == 1, s
    assert s["failures"][0]["document_id"] == victim and "tagging worker crashed" in s["failures"][0]["error"]
    errors = conn.execute("SELECT document_id FROM tagging_state WHERE error IS NOT NULL").fetchall()
    assert [r[0] for r in errors] == [victim]
    assert conn.execute("SELECT COUNT(*) FROM tagging_state").fetchone()[0] == 60
    conn.close()


def test_a_task_submitted_to_a_broken_pool_fails_like_those_in_flight():
    """A worker died and the stage has not replaced the pool yet: submitting gives a failed
    task (which the stage retries after recycling the pool), it does not raise in the stage."""
    import os
    from concurrent.futures.process import BrokenProcessPool
    from miner.compute import LocalExecutor
    ex = LocalExecutor(1)
    try:
        dead = ex.submit(os._exit, 3)
        with pytest.raises(BrokenProcessPool):
            ex.result(dead)
        assert ex.broken()
        late = ex.submit(abs, -2)
        with pytest.raises(BrokenProcessPool):
            ex.result(late)
        ex.recycle()
        assert ex.result(ex.submit(abs, -2)) == 2
    finally:
        ex.abort()
