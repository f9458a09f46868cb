import copy
import json
from pathlib import Path

import pytest

from miner.crawl.kamervragen import save_kamervraag
from miner.crawl.parsers import ParseError, merge_kamervraag, parse_kamervraag_html, parse_metadata_xml
from miner.crawl.parsers.model import Kamervraag
from miner.store import connect, documents, files, transaction

FIX = Path(__file__).parent / "fixtures" / "kamervragen"


def _kv():
    q = parse_kamervraag_html((FIX / "kv-tk-2023Z02090.html").read_bytes())
    a = parse_kamervraag_html((FIX / "ah-tk-20222023-1944.html").read_bytes())
    return merge_kamervraag(q, a, question_meta=parse_metadata_xml((FIX / "kv-tk-2023Z02090.metadata.xml").read_bytes()),
                            answer_meta=parse_metadata_xml((FIX / "ah-tk-20222023-1944.metadata.xml").read_bytes()))


def _dump(conn):
    return {t: [tuple(r) for r in conn.execute(f"SELECT * FROM {t} ORDER BY 1, 2, 3")]
            for t in ("kamervragen", "kamervraag_actors", "kamervraag_items", "kamervraag_footnotes")}


@pytest.fixture
def conn(tmp_path):
    c = connect(tmp_path / "store.sqlite")
    yield c
    c.close()


def test_save_twice_changes_nothing(conn):
    kid, change = save_kamervraag(conn, _kv())
    assert change == "new"
    before, changes = _dump(conn), conn.total_changes
    assert save_kamervraag(conn, _kv()) == (kid, "unchanged")
    assert conn.total_changes == changes          # not even a rewrite of identical rows
    assert _dump(conn) == before
    row = conn.execute("SELECT * FROM kamervragen").fetchone()
    assert (row["zaak_nummer"], row["question_id"], row["answer_id"]) == ("2023Z02090", "kv-tk-2023Z02090",
                                                                          "ah-tk-20222023-1944")
    assert (row["submitted"], row["answered"], row["days_to_answer"]) == ("2023-02-08", "2023-03-21", 41)
    assert (row["postponed"], row["postponement_date"]) == (1, "2023-03-01")
    assert json.loads(row["metadata"])["answered_by_function"] == "Minister van Volksgezondheid, Welzijn en Sport"
    actors = {(r["role"], r["name"], r["party"]) for r in conn.execute("SELECT * FROM kamervraag_actors")}
    assert actors == {("indiener", "Sylvana Simons", "BIJ1"), ("beantwoord_door", "Kuipers", None),
                      ("gericht_aan", "Minister van Volksgezondheid, Welzijn en Sport", None)}
    items = conn.execute("SELECT number, answer_refers_to, answered_together FROM kamervraag_items ORDER BY number")
    assert [tuple(r) for r in items] == [(1, None, None), (2, None, None), (3, None, None), (4, 3, None), (5, 3, None),
                                         (6, 3, None)]
    assert conn.execute("SELECT COUNT(*) FROM kamervraag_footnotes").fetchone()[0] == 5
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_change_replaces_children_and_keeps_document_links(conn, tmp_path):
    kv = _kv()
    sha = files.put_bytes(conn, tmp_path, b"<html>vraag</html>")
    qdoc = documents.upsert(conn, "kv-tk-2023Z02090", "test", sha, title="vraag").id
    kid, _ = save_kamervraag(conn, kv, question_document_id=qdoc)
    changed = copy.deepcopy(kv)
    changed.items[1].answer = "Een herzien antwoord."
    changed.footnotes = changed.footnotes[:3]
    assert save_kamervraag(conn, changed) == (kid, "changed")
    assert conn.execute("SELECT answer FROM kamervraag_items WHERE number = 2").fetchone()[0] == "Een herzien antwoord."
    assert conn.execute("SELECT COUNT(*) FROM kamervraag_footnotes").fetchone()[0] == 3
    assert conn.execute("SELECT COUNT(*) FROM kamervraag_items").fetchone()[0] == 6
    assert conn.execute("SELECT COUNT(*) FROM kamervragen").fetchone()[0] == 1
    # A save without document ids keeps the stored link.
    assert conn.execute("SELECT question_document_id FROM kamervragen").fetchone()[0] == qdoc


def test_found_by_question_id_when_zaak_nummer_arrives_later(conn):
    early = Kamervraag(question_id="kv-tk-2023Z02090", title="Eerst alleen de vraag")
    kid, change = save_kamervraag(conn, early)
    assert change == "new"
    assert save_kamervraag(conn, _kv())[0] == kid
    assert conn.execute("SELECT zaak_nummer FROM kamervragen").fetchone()[0] == "2023Z02090"


def test_joins_callers_transaction_and_rolls_back_with_it(conn):
    with pytest.raises(RuntimeError):
        with transaction(conn):
            save_kamervraag(conn, _kv())
            raise RuntimeError("source failed after saving")
    assert conn.execute("SELECT COUNT(*) FROM kamervragen").fetchone()[0] == 0
    assert conn.execute("SELECT COUNT(*) FROM kamervraag_items").fetchone()[0] == 0


def test_needs_an_identifier(conn):
    with pytest.raises(ParseError, match="Zaak nummer or a question id"):
        save_kamervraag(conn, Kamervraag(title="zonder id"))
