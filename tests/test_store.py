import sqlite3

import pytest

from miner.extract.model import Extraction, PageInfo, TextBuilder
from miner.store import connect, db, documents, files


def test_migrations_apply_once(tmp_path):
    conn = connect(tmp_path / "m.sqlite")
    v = db.schema_version(conn)
    assert v == max(n for n, _, _ in db.migrations())
    assert db.migrate(conn) == []
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_readonly_refuses_writes(tmp_path):
    connect(tmp_path / "m.sqlite").close()
    ro = connect(tmp_path / "m.sqlite", readonly=True)
    with pytest.raises(sqlite3.OperationalError):
        ro.execute("DELETE FROM documents")


def _extraction():
    b = TextBuilder()
    b.add("Discriminatie in de wijk.", page=1)
    b.add("Tweede pagina over moslimdiscriminatie.", page=2)
    text = b.text()
    return Extraction(text=text, passages=b.passages, pages=[PageInfo(1, 0, 25), PageInfo(2, 27, len(text))],
                      language="nl")


def test_upsert_change_detection_and_fts(tmp_path):
    conn = connect(tmp_path / "m.sqlite")
    sha = files.put_bytes(conn, tmp_path, b"abc")
    assert files.put_bytes(conn, tmp_path, b"abc") == sha
    assert conn.execute("SELECT COUNT(*) FROM files").fetchone()[0] == 1
    up = documents.upsert(conn, "url:x", "test", sha, title="T")
    assert up.change == "new"
    assert documents.upsert(conn, "url:x", "test", sha).change == "unchanged"
    assert [r["id"] for r in documents.needs_extraction(conn)] == [up.id]
    documents.save_extraction(conn, up.id, sha, _extraction())
    assert documents.needs_extraction(conn) == []
    hits = conn.execute("SELECT p.page_no FROM passages_fts JOIN passages p ON p.id = passages_fts.rowid "
                        "WHERE passages_fts MATCH 'moslimdiscriminatie'").fetchall()
    assert [h[0] for h in hits] == [2]
    sha2 = files.put_bytes(conn, tmp_path, b"abcd")
    assert documents.upsert(conn, "url:x", "test", sha2).change == "changed"
    assert documents.get(conn, up.id)["status"] == "pending"
    assert len(documents.needs_extraction(conn)) == 1
