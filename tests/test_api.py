"""The notebook API: miner.open(...) returns DataFrames, read-only."""
import pandas as pd
import pytest

import dbfixture
import miner
from miner.export.readonly import ReadOnlyError


@pytest.fixture
def corpus(workdir):
    ids = dbfixture.build(workdir / "corpora" / "miner.sqlite", with_gaps=True)
    with miner.open(workdir / "config.toml") as c:
        yield c, ids


def test_dataframes(corpus):
    c, ids = corpus
    docs = c.documents()
    assert isinstance(docs, pd.DataFrame) and len(docs) == 6
    assert docs.set_index("document_id").loc[ids["doc:moslim"], "grounds"] == "religie"
    grounds = c.annotations(layer="ground", label="religie")
    assert len(grounds) == 5 and set(grounds["page_no"]) == {1, 2}
    assert {"sentence", "title", "url", "date", "matched_text"} <= set(grounds.columns)
    recs = c.recommendations(actor="gemeente")
    assert list(recs["sentence"]) == ["Gemeenten moeten het melden van discriminatie eenvoudiger maken."]
    assert set(c.recommendations()["actor"]) == {"gemeente", "onbepaald"}
    kv = c.kamervragen()
    assert list(kv["number"]) == [1, 2, 3] and set(kv["days_to_answer"]) == {42}
    assert kv.loc[2, "answer"] == "Zie antwoord vraag 2." and kv.loc[2, "referred_answer"] == kv.loc[1, "answer"]
    assert kv["submitters"][0] == "Bakker (BIJ1); Öztürk (DENK)"
    assert len(c.kamervragen(paired=False)) == 1
    topics = c.topics()
    assert list(topics["label"]) == ["moslimdiscriminatie, melden, meldpunt", "Buurt en ontmoeting"]
    assert len(c.document_topics()) == 5
    assert len(c.gaps(only_gaps=True)) == len(c.gaps()) > 0
    stats = c.statistics()
    assert stats.loc[0, "number"] == 49 and stats.loc[0, "unit"] == "procent"
    wide = c.evidence_matrix()
    assert wide.loc["melden", "religie"] == 3 and wide.loc["contact", "religie"] == 0


def test_search_and_sql(corpus):
    c, _ = corpus
    hits = c.search("coördinator")
    assert len(hits) == 1 and "**Coördinator**" in hits.loc[0, "snippet"] and hits.loc[0, "page_no"] == 1
    df = c.sql("SELECT actor, COUNT(*) AS n FROM recommendations GROUP BY actor ORDER BY actor")
    assert df.to_dict("records") == [{"actor": "gemeente", "n": 1}, {"actor": "onbepaald", "n": 1}]
    with pytest.raises(ReadOnlyError):
        c.sql("DELETE FROM documents")
    with pytest.raises(ReadOnlyError):
        c.sql("ATTACH DATABASE 'x.sqlite' AS x")
    assert len(c.documents()) == 6
