"""Sentences stored once (migration 016): annotations name a `sentences` row, the full-text
index holds each sentence once, every view keeps its columns, and stores from before the
migration are moved over with nothing lost."""
from __future__ import annotations

import sqlite3

import dbfixture
import pytest

from miner.export.search import search
from miner.store import connect, db, tagging, transaction
from miner.store import reviews as store_reviews

BEFORE = max(v for v, _, _ in db.migrations() if v < 16)   # the newest schema without `sentences`

# The search over annotation sentences as miner ran it before migration 016 (one index row per
# annotation), to compare the migrated store's answers with.
OLD_SEARCH = """
    WITH hits AS MATERIALIZED (
        SELECT bm25(annotations_fts) AS rank,
               snippet(annotations_fts, 0, '[', ']', '…', 24) AS snippet,
               a.document_id, d.title, d.url, a.page_no, d.date, a.layer, a.label, a.sentence_start,
               d.local_path
        FROM annotations_fts JOIN effective_annotations a ON a.id = annotations_fts.rowid
        JOIN documents d ON d.id = a.document_id
        WHERE annotations_fts MATCH :query)
    SELECT MIN(rank) AS rank, snippet, document_id, title, url, page_no, date,
           group_concat(DISTINCT layer || ':' || label) AS labels, local_path
    FROM hits GROUP BY document_id, sentence_start
    ORDER BY rank LIMIT 50"""
QUERIES = ["racisme", "training", "vrijwilligers", "moslim*", '"meldpunt discriminatie"', "NEAR(training racisme, 8)",
           "gemeente OR gemeenten", "img", "geevalueerd"]

VIEWS = {   # what downstream reads, each in a fixed order
    "effective_annotations": "SELECT * FROM effective_annotations ORDER BY id",
    "annotation_evidence": "SELECT * FROM annotation_evidence ORDER BY annotation_id",
    "recommendations": "SELECT * FROM recommendations ORDER BY annotation_id, actor",
    "statistics": "SELECT * FROM statistics ORDER BY annotation_id",
    "documents_overview": "SELECT * FROM documents_overview ORDER BY document_id",
    "kamervragen_overview": "SELECT * FROM kamervragen_overview ORDER BY zaak_nummer",
    "evidence_matrix": "SELECT * FROM evidence_matrix ORDER BY matrix, row_label, col_label",
    "review_decisions": "SELECT * FROM review_decisions ORDER BY id",
    "review_orphans": "SELECT * FROM review_orphans ORDER BY id",
}


def _hit_key(snippet, document_id, title, url, page_no, date, labels, local_path):
    return (document_id, snippet, title, url, page_no, date, tuple(sorted((labels or "").split(","))), local_path)


def _snapshot(conn) -> dict:
    out = {}
    for name, sql in VIEWS.items():
        cur = conn.execute(sql)
        cols = [c[0] for c in cur.description]
        out[name] = (cols, [tuple(r) for r in cur.fetchall()])
    return out


def _review(conn, doc_id: int, start: int, end: int, sentence: str, layer: str, label: str, decision: str):
    doc_key = conn.execute("SELECT doc_key FROM documents WHERE id = ?", (doc_id,)).fetchone()[0]
    store_reviews.record(conn, [{"doc_key": doc_key, "sentence_start": start, "sentence_end": end,
                                 "sentence_hash": store_reviews.sentence_hash(sentence), "sentence": sentence,
                                 "layer": layer, "label": label, "decision": decision, "reviewer": "Ayse"}])


@pytest.fixture
def old_store(tmp_path):
    """The query/export fixture as a miner before migration 016 wrote it, with reviews of three kinds."""
    path = tmp_path / "miner.sqlite"
    dbfixture.build(path, with_gaps=True, schema=BEFORE)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.row_factory = sqlite3.Row
    rows = conn.execute("SELECT id, document_id, layer, label, sentence_start, sentence_end, sentence "
                        "FROM annotations WHERE layer IN ('ground', 'mechanism') ORDER BY id").fetchall()
    assert len(rows) >= 3
    rejected, accepted = rows[0], rows[1]
    _review(conn, rejected["document_id"], rejected["sentence_start"], rejected["sentence_end"],
            rejected["sentence"], rejected["layer"], rejected["label"], "reject")
    _review(conn, accepted["document_id"], accepted["sentence_start"], accepted["sentence_end"],
            accepted["sentence"], accepted["layer"], accepted["label"], "accept")
    other = rows[-1]
    _review(conn, other["document_id"], other["sentence_start"], other["sentence_end"], other["sentence"],
            "ground", "leeftijd", "add")
    # a review whose sentence is no longer in its document: kept as an orphan, as before
    _review(conn, other["document_id"], 0, 5, "Niet meer in de tekst", "ground", "religie", "accept")
    conn.close()
    return path


def _old_search(conn, query: str) -> list[tuple]:
    from miner.export.search import to_fts_query
    return [_hit_key(*tuple(r)[1:]) for r in conn.execute(OLD_SEARCH, {"query": to_fts_query(query)})]


def test_migration_moves_sentences_and_keeps_ids_views_reviews_and_search(old_store):
    conn = sqlite3.connect(old_store, isolation_level=None)
    conn.row_factory = sqlite3.Row
    assert conn.execute("SELECT MAX(version) FROM schema_migrations").fetchone()[0] == BEFORE
    before = _snapshot(conn)
    old_hits = {q: _old_search(conn, q) for q in QUERIES}
    spans = conn.execute("SELECT COUNT(*) FROM (SELECT DISTINCT document_id, sentence_start, sentence_end "
                         "FROM annotations)").fetchone()[0]
    n_annotations = conn.execute("SELECT COUNT(*) FROM annotations").fetchone()[0]
    n_sources = conn.execute("SELECT COUNT(DISTINCT source) FROM annotations").fetchone()[0]
    indexes = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index' "
                                           "AND tbl_name = 'annotations' AND sql IS NOT NULL")}
    conn.close()
    assert before["review_decisions"][1] and before["review_orphans"][1]
    assert any(r[-2] == "reviewed" for r in before["effective_annotations"][1])   # origin
    assert sum(len(h) for h in old_hits.values()) >= 8

    conn = connect(old_store)   # a newer miner opens it: 016 runs
    after = _snapshot(conn)
    # every view: the same columns (annotation_evidence adds sentence_id at the end) and the same rows
    for name, (cols, rows) in before.items():
        new_cols, new_rows = after[name]
        if name == "annotation_evidence":
            assert new_cols == cols + ["sentence_id"]
            new_rows = [r[:-1] for r in new_rows]
        else:
            assert new_cols == cols, name
        assert new_rows == rows, name
    # ids kept, the sentence column gone from annotations, each sentence stored and indexed once
    assert conn.execute("SELECT COUNT(*) FROM annotations").fetchone()[0] == n_annotations
    assert not {"sentence", "source"} & {r[1] for r in conn.execute("PRAGMA table_info(annotations)")}
    assert conn.execute("SELECT COUNT(*) FROM annotation_sources").fetchone()[0] == n_sources
    assert conn.execute("SELECT COUNT(*) FROM sentences").fetchone()[0] == spans
    assert conn.execute("SELECT COUNT(*) FROM sentences_fts_docsize").fetchone()[0] == spans
    assert conn.execute("SELECT COUNT(*) FROM annotations a LEFT JOIN sentences s ON s.id = a.sentence_id "
                        "WHERE s.id IS NULL OR s.document_id <> a.document_id OR s.char_start <> a.sentence_start "
                        "OR s.char_end <> a.sentence_end").fetchone()[0] == 0
    conn.execute("INSERT INTO sentences_fts(sentences_fts, rank) VALUES ('integrity-check', 1)")
    assert not conn.execute("SELECT name FROM sqlite_master WHERE name LIKE 'annotations_fts%'").fetchall()
    # the indexes: other migrations' are still there, except those 017 and 018 narrow to what the
    # stages look up (a document's rows; the gap labels now have a table of their own)
    now = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index' "
                                      "AND tbl_name = 'annotations' AND sql IS NOT NULL")}
    assert indexes - {"annotations_doc", "annotations_layer_label", "annotations_doc_layer_label_negated",
                      "annotations_gap_labels"} <= now
    assert "annotations_document" in now
    assert conn.execute("SELECT COUNT(*) FROM document_gap_labels").fetchone()[0] == conn.execute(
        "SELECT COUNT(*) FROM (SELECT DISTINCT document_id, layer, label FROM annotations "
        "WHERE layer IN ('ground', 'mechanism', 'setting'))").fetchone()[0]
    # search: the same hits (page, snippet, labels after review) for every query
    for q in QUERIES:
        new = [_hit_key(h.snippet, h.document_id, h.title, h.url, h.page_no, h.date, h.labels, h.local_path)
               for h in search(conn, q, target="annotations", limit=50, highlight=("[", "]"))]
        assert sorted(new) == sorted(old_hits[q]), q
    # the migrated store works like a new one: re-tagging a document goes through the new tables
    doc_id = after["effective_annotations"][1][0][1]
    tagging.save(conn, doc_id, None, "t", [], [])
    assert conn.execute("SELECT COUNT(*) FROM sentences WHERE document_id = ?", (doc_id,)).fetchone()[0] == 0
    conn.close()


def test_old_and_new_store_give_the_same_views(old_store, tmp_path):
    """The fixture built straight into the new schema reads the same as the migrated old store."""
    conn = connect(old_store)
    migrated = _snapshot(conn)
    conn.close()
    new_path = tmp_path / "new.sqlite"
    dbfixture.build(new_path, with_gaps=True)
    conn = connect(new_path)
    fresh = _snapshot(conn)
    conn.close()
    for name in ("annotation_evidence", "recommendations", "statistics", "documents_overview", "evidence_matrix"):
        assert fresh[name] == migrated[name], name


def _records(text: str, spans: list[tuple[str, str, str]]) -> list[dict]:
    """(layer, label, matched) found in the sentence that holds it (sentences end at '. ')."""
    out = []
    for layer, label, matched in spans:
        m = text.index(matched)
        s0 = text.rfind(". ", 0, m)
        s0 = 0 if s0 < 0 else s0 + 2
        s1 = text.find(".", m) + 1
        out.append({"layer": layer, "label": label, "start": m, "end": m + len(matched), "text": matched,
                    "sentence_start": s0, "sentence_end": s1, "sentence": text[s0:s1], "page": None,
                    "actor": ["gemeente"] if layer == "recommendation" else None, "hedge": False,
                    "negated": False, "value": None, "source": "test", "confidence": 0.8})
    return out


TEXT = ("Jongeren met een migratieachtergrond ervaren racisme in de sportkantine. "
        "Het meldpunt discriminatie kreeg meer meldingen over moslimdiscriminatie. "
        "De gemeente moet trainingen voor vrijwilligers betalen.")


@pytest.fixture
def store(tmp_path):
    conn = connect(tmp_path / "miner.sqlite")
    with transaction(conn):
        doc_id = dbfixture_document(conn, "doc:a", TEXT, pages=[(1, 0, 73), (2, 73, len(TEXT))])
    yield conn, doc_id
    conn.close()


def dbfixture_document(conn, key: str, text: str, pages=()) -> int:
    doc_id = conn.execute(
        "INSERT INTO documents (doc_key, source, title, status, text, first_seen, updated_at) "
        "VALUES (?, 'test', ?, 'extracted', ?, '2026-01-01', '2026-01-01')", (key, key, text)).lastrowid
    conn.executemany("INSERT INTO pages (document_id, page_no, char_start, char_end) VALUES (?, ?, ?, ?)",
                     [(doc_id, *p) for p in pages])
    return doc_id


def _fts(conn, query: str) -> list[int]:
    return [r[0] for r in conn.execute("SELECT rowid FROM sentences_fts WHERE sentences_fts MATCH ?", (query,))]


def test_save_writes_each_sentence_once_with_its_page(store):
    conn, doc_id = store
    records = _records(TEXT, [("ground", "herkomst", "migratieachtergrond"), ("ground", "herkomst", "racisme"),
                              ("setting", "sport", "sportkantine"), ("mechanism", "melden", "meldpunt"),
                              ("ground", "religie", "moslimdiscriminatie"),
                              ("recommendation", "recommendation", "moet")])
    tagging.save(conn, doc_id, "sha", "tax", records, [])
    rows = conn.execute("SELECT char_start, char_end, page_no, text FROM sentences WHERE document_id = ? "
                        "ORDER BY char_start", (doc_id,)).fetchall()
    assert [tuple(r) for r in rows] == [
        (0, 72, 1, TEXT[:72]), (73, 146, 2, TEXT[73:146]), (147, len(TEXT), 2, TEXT[147:])]
    assert conn.execute("SELECT COUNT(*) FROM annotations").fetchone()[0] == 6
    assert [tuple(r) for r in conn.execute("SELECT source FROM annotation_sources")] == [("test",)]   # named once
    # the views give every annotation its whole sentence, as before
    for r in conn.execute("SELECT sentence, sentence_start, sentence_end, char_start, char_end, text "
                          "FROM effective_annotations"):
        assert r["sentence"] == TEXT[r["sentence_start"]:r["sentence_end"]]
        assert r["sentence_start"] <= r["char_start"] and r["char_end"] <= r["sentence_end"]
    rec = conn.execute("SELECT actor, sentence, year FROM recommendations").fetchone()
    assert (rec["actor"], rec["sentence"]) == ("gemeente", TEXT[147:])
    assert len(_fts(conn, "racisme")) == 1    # three annotations in that sentence, one index row
    hits = search(conn, "racisme", target="annotations")
    assert len(hits) == 1 and hits[0].page_no == 1
    assert set(hits[0].labels.split(",")) == {"ground:herkomst", "setting:sport"}


def test_retagging_replaces_sentences_without_orphans(store):
    conn, doc_id = store
    tagging.save(conn, doc_id, "sha1", "tax", _records(TEXT, [("ground", "herkomst", "racisme"),
                                                              ("ground", "religie", "moslimdiscriminatie")]), [])
    assert _fts(conn, "sportkantine") and _fts(conn, "moslimdiscriminatie")
    # tagged again (new text version or taxonomy): only the last sentence has a label now
    tagging.save(conn, doc_id, "sha2", "tax", _records(TEXT, [("mechanism", "training", "trainingen")]), [])
    rows = conn.execute("SELECT id, text FROM sentences").fetchall()
    assert [r["text"] for r in rows] == [TEXT[147:]]
    assert not _fts(conn, "sportkantine") and not _fts(conn, "moslimdiscriminatie")
    assert _fts(conn, "vrijwilligers") == [rows[0]["id"]]
    assert conn.execute("SELECT COUNT(*) FROM sentences s WHERE NOT EXISTS "
                        "(SELECT 1 FROM annotations a WHERE a.sentence_id = s.id)").fetchone()[0] == 0
    conn.execute("INSERT INTO sentences_fts(sentences_fts, rank) VALUES ('integrity-check', 1)")
    # tagged with nothing found: no sentences left
    tagging.save(conn, doc_id, "sha3", "tax", [], [])
    assert conn.execute("SELECT COUNT(*) FROM sentences").fetchone()[0] == 0
    assert conn.execute("SELECT COUNT(*) FROM sentences_fts_docsize").fetchone()[0] == 0


def test_a_failed_save_keeps_the_previous_sentences(store):
    conn, doc_id = store
    tagging.save(conn, doc_id, "sha1", "tax", _records(TEXT, [("ground", "herkomst", "racisme")]), [])
    bad = _records(TEXT, [("ground", "religie", "moslimdiscriminatie")])
    del bad[0]["source"]   # the annotation cannot be written: the whole document stays as it was
    with pytest.raises(KeyError):
        tagging.save(conn, doc_id, "sha2", "tax", bad, [])
    assert [r[0] for r in conn.execute("SELECT text FROM sentences")] == [TEXT[:72]]
    assert _fts(conn, "racisme") and not _fts(conn, "moslimdiscriminatie")


def test_deleting_a_document_cascades_to_sentences_annotations_and_index(store):
    conn, doc_id = store
    with transaction(conn):
        other = dbfixture_document(conn, "doc:b", TEXT)
    for d in (doc_id, other):
        tagging.save(conn, d, "sha", "tax", _records(TEXT, [("ground", "herkomst", "racisme"),
                                                            ("mechanism", "training", "trainingen")]), [])
    assert len(_fts(conn, "racisme")) == 2
    with transaction(conn):
        conn.execute("DELETE FROM documents WHERE id = ?", (doc_id,))
    assert [tuple(r) for r in conn.execute("SELECT DISTINCT document_id FROM sentences")] == [(other,)]
    assert [tuple(r) for r in conn.execute("SELECT DISTINCT document_id FROM annotations")] == [(other,)]
    assert len(_fts(conn, "racisme")) == 1
    conn.execute("INSERT INTO sentences_fts(sentences_fts, rank) VALUES ('integrity-check', 1)")
    assert [h.document_id for h in search(conn, "racisme", target="annotations")] == [other]


def test_an_annotation_must_name_a_sentence_of_its_document(store):
    conn, doc_id = store
    with transaction(conn):
        other = dbfixture_document(conn, "doc:b", TEXT)
    tagging.save(conn, other, "sha", "tax", _records(TEXT, [("ground", "herkomst", "racisme")]), [])
    foreign = conn.execute("SELECT id FROM sentences WHERE document_id = ?", (other,)).fetchone()[0]
    source = conn.execute("SELECT id FROM annotation_sources").fetchone()[0]
    own = tagging._sentence_id(conn, doc_id, 0, 72, 1)
    for sentence_id, source_id in ((None, source), (foreign, source), (999, source), (own, None)):
        with pytest.raises(sqlite3.IntegrityError, match="sentence_id must name a sentence of the same document"):
            conn.execute("INSERT INTO annotations (document_id, layer, label, char_start, char_end, "
                         "sentence_start, sentence_end, sentence_id, source_id) VALUES (?, 'ground', 'herkomst', "
                         "0, 1, 0, 72, ?, ?)", (doc_id, sentence_id, source_id))
    conn.execute("INSERT INTO annotations (document_id, layer, label, char_start, char_end, sentence_start, "
                 "sentence_end, sentence_id, source_id) VALUES (?, 'ground', 'herkomst', 0, 1, 0, 72, ?, ?)",
                 (doc_id, own, source))
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute("UPDATE annotations SET document_id = ? WHERE sentence_id = ?", (doc_id, foreign))


def test_a_failed_migration_leaves_the_old_store_whole(old_store):
    """016 runs in one transaction: when it cannot finish (here a view someone made on the old
    column), nothing of it stays, the error names the migration, and the next run completes it."""
    conn = sqlite3.connect(old_store)
    conn.execute("CREATE VIEW my_sentences AS SELECT sentence FROM annotations")
    conn.commit()
    before = conn.execute("SELECT id, sentence FROM annotations ORDER BY id").fetchall()
    effective = conn.execute("SELECT id, sentence FROM effective_annotations ORDER BY id").fetchall()
    conn.close()
    with pytest.raises(db.StoreError, match=r"migration 016_sentences failed: .*my_sentences"):
        connect(old_store)
    conn = sqlite3.connect(old_store)
    assert conn.execute("SELECT MAX(version) FROM schema_migrations").fetchone()[0] == BEFORE
    assert conn.execute("SELECT id, sentence FROM annotations ORDER BY id").fetchall() == before
    assert not conn.execute("SELECT name FROM sqlite_master WHERE name = 'sentences'").fetchall()
    assert conn.execute("SELECT COUNT(*) FROM annotations_fts WHERE annotations_fts MATCH 'racisme'").fetchone()[0]
    conn.execute("DROP VIEW my_sentences")
    conn.commit()
    conn.close()
    conn = connect(old_store)
    assert [tuple(r) for r in conn.execute("SELECT id, sentence FROM effective_annotations ORDER BY id")] == effective
    conn.close()
