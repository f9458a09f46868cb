"""scripts/synth_store.py: a large store from really tagged documents, through the store API."""
import importlib.util
import sqlite3
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _module():
    spec = importlib.util.spec_from_file_location("synth_store", ROOT / "scripts" / "synth_store.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod          # dataclasses look their module up
    spec.loader.exec_module(mod)
    return mod


@pytest.mark.slow
def test_synthetic_store_keeps_real_tagging_density_and_resumes(tmp_path):
    synth = _module()
    from miner import config
    out = tmp_path / "synth"
    out.mkdir()
    cfg = config.load(synth.write_config(out))
    seeds = synth.demo_seeds()
    assert len(seeds) >= 20 and any(s.ext.pages and s.ext.mime == "application/pdf" for s in seeds)
    th = synth.tag_seeds(cfg, seeds)
    assert sum(len(s.records) for s in seeds) > 100         # the real tagger found labels

    written, copies = synth.build(out, 60, seeds, th, 0.5)
    assert written == 60 and len(copies) == 60
    conn = sqlite3.connect(cfg.database)
    # every copy carries exactly the annotations real tagging gave its text, at the same offsets
    for key, seed in copies:
        doc_id, text = conn.execute("SELECT id, text FROM documents WHERE doc_key = ?", (key,)).fetchone()
        assert text == seed.ext.text
        rows = conn.execute("SELECT layer, label, char_start, char_end FROM annotations WHERE document_id = ? "
                            "ORDER BY char_start, layer, label", (doc_id,)).fetchall()
        assert sorted(rows) == sorted((r["layer"], r["label"], r["start"], r["end"]) for r in seed.records)
    assert conn.execute("SELECT COUNT(*) FROM tagging_state WHERE taxonomy_hash = ?", (th,)).fetchone()[0] == 60
    titles, sources, years = conn.execute(
        "SELECT COUNT(DISTINCT title), COUNT(DISTINCT source), COUNT(DISTINCT substr(date, 1, 4)) "
        "FROM documents").fetchone()
    assert titles == 60 and sources >= 4 and years >= 15

    # killed after extraction, before tagging: the next run finishes those documents, nothing else
    conn.execute("DELETE FROM tagging_state WHERE document_id IN (SELECT id FROM documents ORDER BY id LIMIT 5)")
    conn.commit()
    written, _ = synth.build(out, 60, seeds, th, 0.5)
    assert written == 5
    assert conn.execute("SELECT COUNT(*) FROM tagging_state").fetchone()[0] == 60
    assert synth.build(out, 60, seeds, th, 0.5)[0] == 0
    assert synth.add_reviews(cfg, 10, copies) == 10
    assert conn.execute("SELECT COUNT(*) FROM review_decisions").fetchone()[0] == 10
    conn.close()
