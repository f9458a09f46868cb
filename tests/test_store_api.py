"""The store has an API: SQL lives in ``miner/store/`` only, and the store functions with logic behave.

The first test walks every module of the package outside ``miner/store/`` and fails on SQL: a call of
``execute``/``executemany``/``executescript``, or a string literal that starts with a SQL statement.
``ALLOWED`` may name a module that is being moved (none now: every stage calls the store).
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import dbfixture
from miner.store import (connect, crawl_state, documents, evidence, files, kamervragen, overview, queries, search,
                         transaction)
from miner.store.readonly import ReadOnlyDatabase

PACKAGE = Path(__file__).resolve().parent.parent / "miner"
# Modules (files, or folders ending in '/') that may still hold SQL: owned by 16c (topics) and 16d (gaps, gap map).
ALLOWED: tuple[str, ...] = ()
_EXECUTE = {"execute", "executemany", "executescript"}
_STATEMENT = re.compile(r"^\s*(SELECT|INSERT|UPDATE|DELETE|CREATE|WITH)\s")


def sql_in(source: str) -> list[tuple[int, str]]:
    """(line, what) of every SQL execution call and SQL string literal in Python ``source``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _EXECUTE:
            found.append((node.lineno, f".{node.func.attr}() call"))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and _STATEMENT.match(node.value):
            # also the leading text of an f-string (f"DELETE FROM {table}"): ast.walk visits its parts
            found.append((node.lineno, f"SQL string {node.value.strip()[:40]!r}"))
    return sorted(set(found))


def _modules() -> dict[str, list[tuple[int, str]]]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE.parent).as_posix()
        if not rel.startswith("miner/store/"):
            out[rel] = sql_in(path.read_text(encoding="utf-8"))
    return out


def _allowed(rel: str) -> bool:
    return any(rel == a or (a.endswith("/") and rel.startswith(a)) for a in ALLOWED)


def test_no_sql_outside_the_store():
    offenders = [f"{rel}:{line}: {what}" for rel, hits in _modules().items() if not _allowed(rel)
                 for line, what in hits]
    assert not offenders, ("SQL outside miner/store/ (move it into a per-concept store module):\n  "
                           + "\n  ".join(offenders))


def test_allow_list_names_modules_that_exist():
    for entry in ALLOWED:
        assert (PACKAGE.parent / entry).exists(), f"{entry} does not exist: remove it from ALLOWED"


def test_the_scan_finds_sql_in_every_form_and_not_in_prose():
    source = '''
conn.execute("SELECT 1")
db.executemany(sql, rows)
cur.executescript(script)
QUERY = """
    WITH x AS (SELECT 1) SELECT * FROM x"""
stmt = f"DELETE FROM {table} WHERE id = ?"
doc = "With no command: the review page."
word = "Selection of k"
INSERT = "INSERT"
'''
    hits = sql_in(source)
    assert [line for line, _ in hits] == [2, 2, 3, 4, 5, 7]
    assert hits[-1] == (7, "SQL string 'DELETE FROM'")


# -- crawl state -------------------------------------------------------------------------------

@pytest.fixture
def conn(tmp_path):
    c = connect(tmp_path / "store.sqlite")
    yield c
    c.close()


def _doc(conn, tmp_path, key: str, **meta) -> int:
    sha = files.put_bytes(conn, tmp_path, key.encode())
    return documents.upsert(conn, key, "test", sha, **meta).id


def test_fetch_state_keeps_validators_through_redirects_errors_and_bodies_without_them(conn):
    url = "https://example.org/a"
    assert crawl_state.fetch_state(conn, url) is None
    assert crawl_state.conditional_headers(None) == {}
    crawl_state.record_body(conn, url, "s", 200, etag='"e1"', last_modified="Mon, 01 Jan 2024 00:00:00 GMT",
                            content_type="text/html", sha256="a" * 64, fetched_at="2024-01-01T00:00:00+00:00",
                            warc_file="archive/x.warc.gz", warc_offset=10)
    state = crawl_state.fetch_state(conn, url)
    assert crawl_state.conditional_headers(state) == {"If-None-Match": '"e1"',
                                                      "If-Modified-Since": "Mon, 01 Jan 2024 00:00:00 GMT"}
    # a later body without validators keeps the stored ones
    crawl_state.record_body(conn, url, "s", 200, etag=None, last_modified=None, content_type="text/html",
                            sha256="b" * 64, fetched_at="2024-01-02T00:00:00+00:00", warc_file="archive/y.warc.gz",
                            warc_offset=20)
    state = crawl_state.fetch_state(conn, url)
    assert (state["etag"], state["sha256"], state["warc_offset"]) == ('"e1"', "b" * 64, 20)
    # an HTTP error counts an attempt and keeps validators; a later redirect resets the attempts
    crawl_state.record_status(conn, url, "s", 503, "2024-01-03T00:00:00+00:00", error="HTTP 503")
    crawl_state.record_status(conn, url, "s", 503, "2024-01-03T00:00:01+00:00", error="HTTP 503")
    state = crawl_state.fetch_state(conn, url)
    assert (state["status"], state["attempts"], state["error"], state["etag"]) == (503, 2, "HTTP 503", '"e1"')
    crawl_state.record_status(conn, url, "s", 301, "2024-01-04T00:00:00+00:00")
    assert (crawl_state.fetch_state(conn, url)["attempts"], crawl_state.fetch_state(conn, url)["error"]) == (0, None)
    # a failure without a status keeps the last status
    crawl_state.record_failure(conn, url, "s", None, "2024-01-05T00:00:00+00:00", "connect timeout")
    state = crawl_state.fetch_state(conn, url)
    assert (state["status"], state["attempts"], state["error"]) == (301, 1, "connect timeout")
    crawl_state.forget_validators(conn, url)
    assert crawl_state.conditional_headers(crawl_state.fetch_state(conn, url)) == {}


def test_validators_without_an_archived_body_ask_unconditionally(conn):
    crawl_state.record_body(conn, "https://example.org/b", "s", 200, etag='"e"', last_modified=None,
                            content_type=None, sha256="c" * 64, fetched_at="2024-01-01T00:00:00+00:00",
                            warc_file=None, warc_offset=None)
    assert crawl_state.conditional_headers(crawl_state.fetch_state(conn, "https://example.org/b")) == {}


def test_citations_pending_until_followed_and_failures_retried(conn, tmp_path):
    question = _doc(conn, tmp_path, "kv-1")
    other = _doc(conn, tmp_path, "kv-2")
    report = _doc(conn, tmp_path, "url:https://example.org/rapport")
    for doc in (question, other):
        crawl_state.record_link(conn, doc, "https://example.org/rapport", "rapport", "footnote", None)
    crawl_state.record_link(conn, question, "https://elders.example/x", "x", "footnote", "host not allowed")
    crawl_state.record_link(conn, question, "https://example.org/pagina", "p", "link", None)
    assert crawl_state.pending_citations(conn, "fetch failed: ") == ["https://example.org/rapport"]
    crawl_state.mark_citation_failed(conn, "https://example.org/rapport", "fetch failed: HTTP 500")
    assert crawl_state.pending_citations(conn, "fetch failed: ") == ["https://example.org/rapport"]   # retried
    crawl_state.mark_citation_followed(conn, "https://example.org/rapport", report)
    assert crawl_state.pending_citations(conn, "fetch failed: ") == []
    rows = conn.execute("SELECT followed, reason, target_document_id FROM links WHERE url = ?",
                        ("https://example.org/rapport",)).fetchall()
    assert [tuple(r) for r in rows] == [(1, None, report), (1, None, report)]
    # seeing the link again keeps it followed, with no reason
    crawl_state.record_link(conn, question, "https://example.org/rapport", "nieuw", "footnote", "anything")
    row = conn.execute("SELECT followed, reason, text FROM links WHERE document_id = ? AND url = ?",
                       (question, "https://example.org/rapport")).fetchone()
    assert tuple(row) == (1, None, "nieuw")
    crawl_state.mark_link_followed(conn, question, "https://example.org/pagina", report)
    assert tuple(conn.execute("SELECT followed, target_document_id FROM links WHERE url = ?",
                              ("https://example.org/pagina",)).fetchone()) == (1, report)


# -- documents ---------------------------------------------------------------------------------

def test_document_lookups_by_key(conn, tmp_path):
    doc = _doc(conn, tmp_path, "kv-tk-2023Z00001", url="https://example.org/kv")
    documents.upsert(conn, "kv-tk-2023Z00001", "test", None, metadata={"sru": {"modified": "2024-02-01"}})
    assert documents.exists(conn, "kv-tk-2023Z00001") and not documents.exists(conn, "kv-tk-nee")
    assert documents.id_exists(conn, doc) and not documents.id_exists(conn, doc + 1)
    assert documents.identity(conn, "kv-tk-2023Z00001")["id"] == doc
    assert documents.metadata_value(conn, "kv-tk-2023Z00001", "sru.modified")["value"] == "2024-02-01"
    assert documents.metadata_value(conn, "kv-tk-2023Z00001", "pdf_url")["value"] is None   # stored, no such key
    assert documents.metadata_value(conn, "kv-tk-nee", "pdf_url") is None                   # no such document
    assert documents.where_from(conn, doc) == "https://example.org/kv"
    assert documents.where_from(conn, doc + 1) is None


def test_local_files_without_a_title_take_their_file_name(conn, tmp_path):
    done = _doc(conn, tmp_path, "file:a", metadata={"file_name": "rapport.pdf"})
    pending = _doc(conn, tmp_path, "file:b", metadata={"file_name": "nog.pdf"})
    titled = _doc(conn, tmp_path, "file:c", title="Eigen titel", metadata={"file_name": "c.pdf"})
    crawled = _doc(conn, tmp_path, "url:d", metadata={"file_name": "d.pdf"})
    conn.execute("UPDATE documents SET source = 'local' WHERE id IN (?, ?, ?)", (done, pending, titled))
    conn.execute("UPDATE documents SET status = 'extracted' WHERE id IN (?, ?, ?)", (done, titled, crawled))
    assert documents.title_local_files_by_name(conn) == 1
    titles = {r[0]: r[1] for r in conn.execute("SELECT id, title FROM documents")}
    assert titles == {done: "rapport.pdf", pending: None, titled: "Eigen titel", crawled: None}


# -- kamervragen -------------------------------------------------------------------------------

RECORD = {"zaak_nummer": "2023Z00001", "question_id": "kv-tk-2023Z00001", "title": "Vragen over de wijk",
          "postponed": 0, "metadata": "{}"}
ACTORS = {("indiener", "A. Lid", "Partij", None), ("gericht_aan", "Minister van BZK", None, None)}
ITEMS = {(1, "Kent u het bericht?", "Ja.", None, None), (2, "Wat doet u?", "Zie antwoord vraag 1.", 1, None)}
NOTES = {("question", "1", "Rapport", "https://example.org/rapport")}


def _dump(conn):
    return {t: sorted(tuple(r) for r in conn.execute(f"SELECT * FROM {t}"))
            for t in ("kamervragen", "kamervraag_actors", "kamervraag_items", "kamervraag_footnotes")}


def test_kamervraag_upsert_is_idempotent_and_replaces_changed_children(conn):
    kid, change = kamervragen.upsert(conn, RECORD, actors=ACTORS, items=ITEMS, footnotes=NOTES)
    assert change == "new"
    before, writes = _dump(conn), conn.total_changes
    assert kamervragen.upsert(conn, RECORD, actors=ACTORS, items=ITEMS, footnotes=NOTES) == (kid, "unchanged")
    assert conn.total_changes == writes and _dump(conn) == before
    fewer = {next(iter(sorted(ITEMS)))}
    assert kamervragen.upsert(conn, RECORD, actors=ACTORS, items=fewer, footnotes=NOTES) == (kid, "changed")
    assert conn.execute("SELECT COUNT(*) FROM kamervraag_items").fetchone()[0] == 1
    assert conn.execute("SELECT COUNT(*) FROM kamervraag_actors").fetchone()[0] == 2


def test_kamervraag_found_by_question_id_and_document_ids_kept(conn, tmp_path):
    qdoc = _doc(conn, tmp_path, "kv-tk-2023Z00001")
    early = {"question_id": "kv-tk-2023Z00001", "title": "Alleen de vraag", "postponed": 0, "metadata": "{}"}
    kid, _ = kamervragen.upsert(conn, early, question_document_id=qdoc)
    assert kamervragen.upsert(conn, RECORD, actors=ACTORS) == (kid, "changed")
    row = kamervragen.find(conn, "2023Z00001", None)
    assert (row["id"], row["zaak_nummer"], row["question_document_id"]) == (kid, "2023Z00001", qdoc)
    # a record without a zaak nummer never blanks the stored one
    kamervragen.upsert(conn, early)
    assert kamervragen.find(conn, None, "kv-tk-2023Z00001")["zaak_nummer"] == "2023Z00001"
    assert [tuple(r) for r in kamervragen.linked_documents(conn)] == [
        ("2023Z00001", "kv-tk-2023Z00001", None, qdoc, None)]


def test_kamervraag_upsert_joins_the_callers_transaction_and_needs_an_id(conn):
    with pytest.raises(RuntimeError):
        with transaction(conn):
            kamervragen.upsert(conn, RECORD, items=ITEMS)
            raise RuntimeError("the source failed after saving")
    assert _dump(conn) == {t: [] for t in _dump(conn)}
    with pytest.raises(ValueError, match="Zaak nummer or a question id"):
        kamervragen.upsert(conn, {"title": "zonder id"})


def test_zaken_and_the_documents_that_are_their_parts(conn, tmp_path):
    assert kamervragen.zaak_json(conn, "2023Z00001") is None
    kamervragen.save_zaak(conn, "2023Z00001", "z1", "2024-01-01", '{"a": 1}', "tk", "2024-01-01T00:00:00+00:00")
    kamervragen.save_zaak(conn, "2023Z00001", "z1", "2024-01-02", '{"a": 2}', "tk", "2024-01-02T00:00:00+00:00")
    assert kamervragen.zaak_json(conn, "2023Z00001") == '{"a": 2}'
    assert [r["nummer"] for r in kamervragen.zaken(conn)] == ["2023Z00001"]
    for key, doc_type, zaak in (("kv-tk-2023Z00001", "kamervraag", "2023Z00001"),
                                ("ah-tk-20232024-1", "antwoord", "2023Z00001"),
                                ("tk-document-1", "rapport", "2023Z00001"),
                                ("kv-tk-2023Z00002", "kamervraag", "2023Z00002")):
        sha = files.put_bytes(conn, tmp_path, key.encode())
        documents.upsert(conn, key, "obk", sha, source_id=key, doc_type=doc_type, metadata={"zaak_nummer": zaak})
    parts = kamervragen.part_documents(conn, "2023Z00001")
    assert sorted(r["doc_type"] for r in parts) == ["antwoord", "kamervraag"]


# -- overview ------------------------------------------------------------------------------------

def test_overview_counts_and_staleness(conn, tmp_path):
    a = _doc(conn, tmp_path, "a", doc_type="rapport")
    _doc(conn, tmp_path, "b")
    conn.execute("UPDATE documents SET status = 'extracted', text = 'tekst', extracted_sha256 = sha256 "
                 "WHERE id = ?", (a,))
    assert sorted(overview.documents_by(conn, "doc_type")) == [("-", 1), ("rapport", 1)]
    with pytest.raises(ValueError):
        overview.documents_by(conn, "title; DROP TABLE documents")
    with pytest.raises(ValueError):
        overview.row_count(conn, "documents")
    assert overview.not_extracted(conn) == 1
    assert overview.not_tagged(conn) == 1 and overview.extracted_not_tagged(conn) == 1
    conn.execute("INSERT INTO tagging_state(document_id, extracted_sha256, taxonomy_hash, tagged_at) "
                 "SELECT id, extracted_sha256, 'x', '2024-01-02T00:00:00+00:00' FROM documents WHERE id = ?", (a,))
    assert overview.not_tagged(conn) == 0 and overview.extracted_not_tagged(conn) == 0
    assert overview.gaps_computed_at(conn) is None
    assert overview.last_change_for_gaps(conn) == "2024-01-02T00:00:00+00:00"
    assert {"documents", "annotations", "effective_annotations"} <= overview.names(conn)


# -- reading: evidence, search, canned queries, views --------------------------------------------------

@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    path = tmp_path_factory.mktemp("corpus") / "miner.sqlite"
    ids = dbfixture.build(path, with_gaps=True)
    return path, ids


def test_evidence_reads_count_each_work_once_and_one_quote_per_actor(corpus):
    path, _ = corpus
    conn = connect(path, readonly=True)
    docs = list(evidence.documents(conn, include_irrelevant=True))
    assert docs and len({r[0] for r in docs}) == len(docs)
    assert {r[0] for r in docs} <= evidence.counted_document_ids(conn, include_irrelevant=True)
    quotes = evidence.quotes(conn, ("ground",))
    assert {q["layer"] for q in quotes} <= {"ground", "recommendation_actor"}
    actors = [q for q in quotes if q["layer"] == "recommendation_actor"]
    recs = conn.execute("SELECT COUNT(*) FROM effective_annotations WHERE layer = 'recommendation'").fetchone()[0]
    assert len(actors) >= recs > 0 and "gemeente" in {q["label"] for q in actors}


def test_search_hits_and_unknown_target(corpus):
    path, _ = corpus
    conn = connect(path, readonly=True)
    params = {"query": "moslimdiscriminatie", "open": "[", "close": "]", "tokens": 10, "limit": 5}
    hits = search.hits(conn, "passages", params)
    assert hits and all("[" in h["snippet"] for h in hits)
    assert search.hits(conn, "annotations", params)
    with pytest.raises(ValueError):
        search.hits(conn, "documents", params)


def test_every_canned_query_runs_read_only(corpus):
    path, _ = corpus
    db = ReadOnlyDatabase(path)
    try:
        canned = queries.canned()
        assert canned and all({"title", "description", "sql"} <= set(spec) for spec in canned.values())
        for name, spec in canned.items():
            result = db.run(spec["sql"], {"ground": "religie"} if ":ground" in spec["sql"] else ())
            assert result.columns, name
        canned["gaps"]["sql"] = "changed"
        assert queries.canned()["gaps"]["sql"] != "changed"   # callers get a copy
    finally:
        db.close()


def test_view_filters_and_refuses_names_that_are_not_plain(corpus):
    path, _ = corpus
    db = ReadOnlyDatabase(path)
    try:
        all_rows = db.view("annotation_evidence", {"layer": None}, "document_id, char_start")
        grounds = db.view("annotation_evidence", {"layer": "ground"}, "document_id, char_start")
        layer = grounds.columns.index("layer")
        assert grounds.rows and len(grounds.rows) < len(all_rows.rows)
        assert {r[layer] for r in grounds.rows} == {"ground"}
        for name, filters in (("documents; DROP TABLE documents", {}), ("annotation_evidence", {"layer = 1 OR x": 1})):
            with pytest.raises(ValueError):
                db.view(name, filters)
    finally:
        db.close()
