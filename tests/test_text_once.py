"""The document text stored once (migration 017): passages and tagged sentences are spans of
documents.text, annotations keep no words of their own, the full-text indexes follow the spans
and the text, and stores from before the migration are moved over with nothing lost."""
from __future__ import annotations

import sqlite3

import dbfixture
import pytest

from miner.export.search import search
from miner.extract.model import Extraction, PageInfo, TextBuilder
from miner.store import connect, db, documents, files, tagging, transaction

BEFORE = max(v for v, _, _ in db.migrations() if v < 17)   # the newest schema with passages.text
BEFORE_SENTENCES = max(v for v, _, _ in db.migrations() if v < 16)   # annotations repeat their sentence

VIEWS = {
    "passages": "SELECT * FROM passages ORDER BY id",
    "sentences": "SELECT * FROM sentences ORDER BY id",
    "passages_overview": "SELECT * FROM passages_overview ORDER BY passage_id",
    "effective_annotations": "SELECT * FROM effective_annotations ORDER BY id",
    "annotation_evidence": "SELECT * FROM annotation_evidence ORDER BY annotation_id",
    "recommendations": "SELECT * FROM recommendations ORDER BY annotation_id, actor",
    "statistics": "SELECT * FROM statistics ORDER BY annotation_id",
    "evidence_matrix": "SELECT * FROM evidence_matrix ORDER BY matrix, row_label, col_label",
}
QUERIES = ["racisme", "vrijwilligers", "moslim*", "gemeente OR gemeenten", "training"]


def _snapshot(conn) -> dict:
    out = {}
    for name, sql in VIEWS.items():
        cur = conn.execute(sql)
        out[name] = ([c[0] for c in cur.description], [tuple(r) for r in cur.fetchall()])
    return out


def _search(conn, target: str) -> dict:
    return {q: sorted((h.document_id, h.page_no, h.snippet, h.labels or "")
                      for h in search(conn, q, target=target, limit=50, highlight=("[", "]")))
            for q in QUERIES}


def _integrity(conn) -> None:
    for fts in ("passages_fts", "sentences_fts"):   # the index holds exactly the rows' current words
        conn.execute(f"INSERT INTO {fts}({fts}, rank) VALUES ('integrity-check', 1)")


def test_migration_keeps_every_view_search_and_ids(tmp_path):
    path = tmp_path / "miner.sqlite"
    dbfixture.build(path, with_gaps=True, schema=BEFORE)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.row_factory = sqlite3.Row
    before = _snapshot(conn)
    hits_before = {t: _search(conn, t) for t in ("passages", "annotations")}
    n_ann = conn.execute("SELECT COUNT(*) FROM annotations").fetchone()[0]
    conn.close()
    assert before["passages"][1] and before["sentences"][1] and n_ann >= 10
    assert sum(len(h) for h in hits_before["passages"].values()) >= 5

    conn = connect(path)          # a newer miner opens it: 017 runs
    assert _snapshot(conn) == before
    assert {t: _search(conn, t) for t in ("passages", "annotations")} == hits_before
    assert conn.execute("SELECT COUNT(*) FROM annotations").fetchone()[0] == n_ann
    for table in ("annotations", "passage_spans", "sentence_spans"):   # the words live in documents.text only
        assert "text" not in {r[1] for r in conn.execute(f"PRAGMA table_info({table})")}, table
    assert {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE name IN ('passages', 'sentences')")
            } == {"passages", "sentences"}
    assert conn.execute("SELECT type FROM sqlite_master WHERE name = 'passages'").fetchone()[0] == "view"
    _integrity(conn)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()


def test_migration_drops_tags_made_on_another_text(tmp_path):
    """A store where a document was extracted again after tagging (its sentences hold the old
    words): its tags go with the migration and it is tagged again; the others stay."""
    path = tmp_path / "miner.sqlite"
    ids = dbfixture.build(path, schema=BEFORE_SENTENCES)
    conn = sqlite3.connect(path, isolation_level=None)
    tagged = [r[0] for r in conn.execute("SELECT DISTINCT document_id FROM annotations ORDER BY document_id")]
    assert len(tagged) >= 2
    stale, kept = tagged[0], tagged[1]
    conn.execute("INSERT INTO tagging_state (document_id, extracted_sha256, taxonomy_hash, tagged_at) "
                 "SELECT id, 'sha', 'tax', '2026-01-01' FROM documents")
    conn.execute("UPDATE documents SET text = 'Een andere tekst. ' || text WHERE id = ?", (stale,))
    n_kept = conn.execute("SELECT COUNT(*) FROM annotations WHERE document_id = ?", (kept,)).fetchone()[0]
    conn.close()

    conn = connect(path)
    assert conn.execute("SELECT COUNT(*) FROM annotations WHERE document_id = ?", (stale,)).fetchone()[0] == 0
    assert conn.execute("SELECT COUNT(*) FROM sentence_spans WHERE document_id = ?", (stale,)).fetchone()[0] == 0
    assert conn.execute("SELECT COUNT(*) FROM tagging_state WHERE document_id = ?", (stale,)).fetchone()[0] == 0
    assert conn.execute("SELECT COUNT(*) FROM annotations WHERE document_id = ?", (kept,)).fetchone()[0] == n_kept
    assert stale in [r["id"] for r in tagging.pending(conn, "tax")]
    # the stale document's passages are re-indexed as slices of its current text
    for r in conn.execute("SELECT p.char_start, p.char_end, p.text, d.text AS doc FROM passages p "
                          "JOIN documents d ON d.id = p.document_id"):
        assert r["doc"][r["char_start"]:r["char_end"]] == r["text"]
    _integrity(conn)
    assert len(ids) >= 2
    conn.close()


def _extraction(*paragraphs: str) -> Extraction:
    b = TextBuilder()
    for i, para in enumerate(paragraphs):
        b.add(para, page=1 + i)
    text = b.text()
    pages, start = [], 0
    for p in b.passages:
        pages.append(PageInfo(p.page, start, p.end))
        start = p.end
    return Extraction(text=text, passages=b.passages, pages=pages, language="nl")


def _records(text: str, matched: str, layer="ground", label="herkomst") -> list[dict]:
    m = text.index(matched)
    s0 = text.rfind("\n", 0, m) + 1
    s1 = text.find("\n", m)
    s1 = len(text) if s1 < 0 else s1
    return [{"layer": layer, "label": label, "start": m, "end": m + len(matched), "text": matched,
             "sentence_start": s0, "sentence_end": s1, "sentence": text[s0:s1], "page": 1, "actor": [],
             "hedge": False, "negated": False, "value": None, "source": "test", "confidence": 0.9}]


@pytest.fixture
def doc(tmp_path):
    conn = connect(tmp_path / "miner.sqlite")
    sha = files.put_bytes(conn, tmp_path, b"v1")
    up = documents.upsert(conn, "url:x", "test", sha, title="T")
    ext = _extraction("Jongeren ervaren racisme in de sportkantine.", "De gemeente betaalt trainingen.")
    documents.save_extraction(conn, up.id, sha, ext)
    assert tagging.save(conn, up.id, sha, "tax", _records(ext.text, "racisme"), [])
    yield conn, up.id, tmp_path
    conn.close()


def _fts(conn, table: str, query: str) -> list[int]:
    return [r[0] for r in conn.execute(f"SELECT rowid FROM {table} WHERE {table} MATCH ?", (query,))]


def test_spans_read_the_document_text(doc):
    conn, doc_id, _ = doc
    text = conn.execute("SELECT text FROM documents WHERE id = ?", (doc_id,)).fetchone()[0]
    for r in conn.execute("SELECT char_start, char_end, text FROM passages"):
        assert text[r["char_start"]:r["char_end"]] == r["text"]
    ev = conn.execute("SELECT matched_text, sentence FROM annotation_evidence").fetchone()
    assert tuple(ev) == ("racisme", "Jongeren ervaren racisme in de sportkantine.")
    eff = conn.execute("SELECT text, sentence FROM effective_annotations").fetchone()
    assert tuple(eff) == tuple(ev)
    assert _fts(conn, "passages_fts", "sportkantine") and _fts(conn, "sentences_fts", "sportkantine")
    _integrity(conn)


def test_new_text_takes_its_tags_and_reindexes(doc):
    conn, doc_id, tmp = doc
    sha2 = files.put_bytes(conn, tmp, b"v2")
    documents.upsert(conn, "url:x", "test", sha2)
    ext = _extraction("Ouderen ervaren leeftijdsdiscriminatie bij de bank.", "De gemeente betaalt trainingen.")
    documents.save_extraction(conn, doc_id, sha2, ext)
    # the tags were spans of the old text: gone, and the document is tagged again
    assert conn.execute("SELECT COUNT(*) FROM annotations").fetchone()[0] == 0
    assert conn.execute("SELECT COUNT(*) FROM sentence_spans").fetchone()[0] == 0
    assert [r["id"] for r in tagging.pending(conn, "tax")] == [doc_id]
    assert not _fts(conn, "passages_fts", "sportkantine") and not _fts(conn, "sentences_fts", "sportkantine")
    assert _fts(conn, "passages_fts", "leeftijdsdiscriminatie")
    _integrity(conn)
    # the same text again (an unchanged re-extraction): the tags stay
    assert tagging.save(conn, doc_id, sha2, "tax", _records(ext.text, "leeftijdsdiscriminatie", label="leeftijd"), [])
    documents.save_extraction(conn, doc_id, sha2, ext)
    assert conn.execute("SELECT label FROM annotations").fetchone()[0] == "leeftijd"
    assert tagging.pending(conn, "tax") == []
    _integrity(conn)


def test_a_document_changed_while_tagging_is_not_written(doc):
    conn, doc_id, tmp = doc
    old_text = conn.execute("SELECT text FROM documents WHERE id = ?", (doc_id,)).fetchone()[0]
    sha2 = files.put_bytes(conn, tmp, b"v2")
    documents.upsert(conn, "url:x", "test", sha2)
    documents.save_extraction(conn, doc_id, sha2, _extraction("Een heel andere tekst over racisme op school."))
    # the tagger's results for the old text arrive after the new extraction: refused, nothing lost
    assert not tagging.save(conn, doc_id, sha2, "tax", _records(old_text, "racisme"), [])
    assert tagging.save_many(conn, [dict(doc_id=doc_id, sha=sha2, taxonomy_hash="tax",
                                         records=_records(old_text, "racisme"), doc_labels=[])]) == [doc_id]
    assert conn.execute("SELECT COUNT(*) FROM annotations").fetchone()[0] == 0
    assert [r["id"] for r in tagging.pending(conn, "tax")] == [doc_id]


def test_failure_and_deletion_clear_spans_and_indexes(doc):
    conn, doc_id, _ = doc
    documents.save_failure(conn, doc_id, "sha", "kapot bestand")
    for table in ("annotations", "passage_spans", "sentence_spans", "tagging_state"):
        assert conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] == 0, table
    assert not _fts(conn, "passages_fts", "racisme") and not _fts(conn, "sentences_fts", "racisme")
    _integrity(conn)


def test_deleting_a_document_takes_its_spans_out_of_the_indexes(doc):
    conn, doc_id, _ = doc
    with transaction(conn):
        conn.execute("DELETE FROM documents WHERE id = ?", (doc_id,))
    for table in ("annotations", "passage_spans", "sentence_spans"):
        assert conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] == 0, table
    assert conn.execute("SELECT COUNT(*) FROM passages_fts_docsize").fetchone()[0] == 0
    assert conn.execute("SELECT COUNT(*) FROM sentences_fts_docsize").fetchone()[0] == 0
    _integrity(conn)
