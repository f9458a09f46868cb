import json
import tomllib

import numpy as np
import pytest
from click.testing import CliRunner
from scipy import sparse

from miner import config
from miner.store import connect
from miner.topics import corpus as corpus_mod, lemmas, quality, reports, stage
from miner.topics.model import TopicError
from tests.topics_corpus import add_document, synthetic_store


def _cfg(tmp_path, **topics):
    base = {"n_topics_min": 4, "n_topics_max": 10, "n_topics_step": 2, "min_documents": 10}
    base.update(topics)
    return config.from_dict({"store": {"database": "db.sqlite"}, "topics": base}, tmp_path)


def _snapshot(conn):
    topics = [(r["id"], r["top_terms"]) for r in conn.execute(
        "SELECT t.id, t.top_terms FROM topics t JOIN topic_models m ON m.id = t.model_id AND m.active = 1 "
        "ORDER BY t.id")]
    weights = conn.execute("SELECT d.doc_key, dt.topic_id, dt.weight FROM document_topics dt "
                           "JOIN documents d ON d.id = dt.document_id ORDER BY d.doc_key, dt.topic_id").fetchall()
    return topics, [tuple(w) for w in weights]


# --- content words -------------------------------------------------------------------------------

def test_content_words_lemmatise_and_drop_stop_words_names_urls():
    words = lemmas.ContentWords(lemmas.dutch_stop_words(["pagina"]), names={"bakker"})
    out = words("De kinderen van de gemeenten spraken met Jansen over vooroordelen. Zie pagina 12 en "
                "https://example.nl/x of mail info@example.nl. Bakker werkt bij het wijkteam.")
    assert "kind" in out and "gemeente" in out and "vooroordeel" in out and "wijkteam" in out
    assert "jansen" not in out            # capitalised mid-sentence, unknown word: a name
    assert "bakker" not in out            # a known actor name, even at sentence start
    assert not {"de", "van", "met", "pagina", "12"} & set(out)
    assert not any("example" in w or "http" in w for w in out)


def test_group_names_in_keep_words_are_not_dropped_as_names():
    words = lemmas.ContentWords(lemmas.dutch_stop_words(), keep={"lhbti", "roma"})
    out = words("Zij ervaren uitsluiting als LHBTI of als Roma in Wijkerbroek.")
    assert "lhbti" in out and "roma" in out and "wijkerbroek" not in out


def test_sentence_initial_capital_is_not_a_name():
    words = lemmas.ContentWords(lemmas.dutch_stop_words())
    out = words("Discriminatie komt voor. Vrijwilligers helpen.")
    assert out[:3] == ["discriminatie", "komen", "vrijwilliger"]


def test_names_come_from_kamervraag_actors_and_authors(tmp_path):
    conn = connect(tmp_path / "db.sqlite")
    doc = add_document(conn, "kv", "Vragen van het lid Vermeulen aan de minister over discriminatie.",
                       doc_type="kamervraag")
    conn.execute("UPDATE documents SET authors = ? WHERE id = ?", (json.dumps(["Anna de Wit"]), doc))
    kv = conn.execute("INSERT INTO kamervragen (zaak_nummer, question_document_id) VALUES ('2024Z1', ?)",
                      (doc,)).lastrowid
    conn.execute("INSERT INTO kamervraag_actors (kamervraag_id, role, name) VALUES (?, 'indiener', "
                 "'Vermeulen')", (kv,))
    names = corpus_mod.known_names(conn)
    assert {"vermeulen", "anna", "wit"} <= names and "de" not in names
    units = corpus_mod.build_units([(doc, "kamervraag", "Vermeulen vraagt naar discriminatie.")],
                                   _cfg(tmp_path)["topics"], names)
    assert "vermeulen" not in units[0].tokens and "discriminatie" in units[0].tokens


def test_chunking_and_boilerplate():
    toks = [f"w{i}" for i in range(1000)]
    parts = corpus_mod.chunk(toks, 400)
    assert [len(p) for p in parts] == [500, 500] and sum(parts, []) == toks
    assert corpus_mod.chunk(toks[:550], 400) == [toks[:550]]
    header = "Tweede Kamer der Staten-Generaal 2023"
    bodies = ["Over huurders in de stad.", "Over sport en clubs.", "Over scholen en leerlingen.",
              "Over de zorg in de wijk.", "Over werk en banen."]
    texts = [f"{header}\n{b}" for b in bodies]
    shared = corpus_mod.boilerplate_lines(texts, 0.5)
    assert corpus_mod.strip_boilerplate(texts[0], shared) == bodies[0]
    running = "Rapport discriminatie\nalinea een\nRapport discriminatie\nalinea twee\nRapport discriminatie"
    assert corpus_mod.strip_boilerplate(running, set()) == "alinea een\nalinea twee"


def test_kamervraag_is_never_split(tmp_path):
    cfg = _cfg(tmp_path, chunk_tokens=20)
    text = " ".join(["Discriminatie van huurders op de woningmarkt blijft een probleem."] * 30)
    units = corpus_mod.build_units([(1, "kamervraag", text), (2, "rapport", text)], cfg["topics"], set())
    assert [u.document_id for u in units].count(1) == 1
    assert [u.document_id for u in units].count(2) > 1


# --- quality measures ----------------------------------------------------------------------------

def test_npmi_on_hand_made_corpus():
    # terms: 0 and 1 always together (2 of 4 docs); 2 never with 0; 3 independent of 0.
    docs = np.array([[1, 1, 0, 1],
                     [1, 1, 0, 0],
                     [0, 0, 1, 1],
                     [0, 0, 1, 0]])
    b = sparse.csr_matrix(docs)
    assert quality.npmi_per_topic(b, [[0, 1]]) == [pytest.approx(1.0)]
    assert quality.npmi_per_topic(b, [[0, 2]]) == [pytest.approx(-1.0)]
    assert quality.npmi_per_topic(b, [[0, 3]]) == [pytest.approx(0.0)]
    # mean over the pairs of one topic
    assert quality.npmi_per_topic(b, [[0, 1, 2]]) == [pytest.approx((1 - 1 - 1) / 3)]


def test_diversity_and_unassigned():
    assert quality.diversity([[0, 1, 2], [3, 4, 5]]) == 1.0
    assert quality.diversity([[0, 1], [0, 1]]) == 0.5
    w = np.array([[0.9, 0.1], [0.5, 0.5], [0.0, 0.0]])
    assert quality.unassigned_share(w, 0.6) == pytest.approx(2 / 3)


# --- fitting, determinism, stability, labels ------------------------------------------------------

def test_same_corpus_gives_identical_topics_whatever_the_insert_order(tmp_path):
    cfg = _cfg(tmp_path)
    a = synthetic_store(tmp_path / "a.sqlite", 120)
    stage.run(cfg, a, progress=False)
    b = connect(tmp_path / "b.sqlite")
    rows = a.execute("SELECT doc_key, text FROM documents ORDER BY doc_key DESC").fetchall()
    for r in rows:
        add_document(b, r["doc_key"], r["text"])
    cfg_b = _cfg(tmp_path / "b", labels_file=str(tmp_path / "b_labels.toml"))
    stage.run(cfg_b, b, progress=False)
    ta, wa = _snapshot(a)
    tb, wb = _snapshot(b)
    assert ta == tb
    key = lambda rows: [(k, t, round(w, 5)) for k, t, w in rows]  # noqa: E731
    assert key(wa) == key(wb)


def test_refresh_without_change_keeps_model_and_ids(tmp_path):
    cfg = _cfg(tmp_path)
    conn = synthetic_store(tmp_path / "db.sqlite", 100)
    first = stage.run(cfg, conn, progress=False)
    assert first["status"] == "fitted" and 4 <= first["n_topics"] <= 10
    before = _snapshot(conn)
    second = stage.run(cfg, conn, progress=False)
    assert second["status"] == "unchanged" and second["model_id"] == first["model_id"]
    assert _snapshot(conn) == before
    forced = stage.run(cfg, conn, progress=False, force=True)   # a refit from scratch gives the same
    assert forced["status"] == "fitted" and forced["kept_ids"] == first["n_topics"]
    assert [t for t in _snapshot(conn)[0]] == before[0]
    assert (tmp_path / "models" / "topics" / f"topic_model_{forced['model_id']}.json").exists()


@pytest.mark.parametrize("topics", [{}, {"n_topics": 8}], ids=["auto-k", "fixed-k"])
def test_adding_ten_percent_keeps_most_ids(tmp_path, topics):
    cfg = _cfg(tmp_path, **topics)
    conn = synthetic_store(tmp_path / "db.sqlite", 200)
    stage.run(cfg, conn, progress=False)
    old = {t["id"]: set(t["top_terms"][:10]) for t in reports.current_topics(conn)}
    synthetic_store(None, 20, seed=99, start=200, conn=conn)
    out = stage.run(cfg, conn, progress=False)
    assert out["status"] == "fitted"
    new = {t["id"]: set(t["top_terms"][:10]) for t in reports.current_topics(conn)}
    same = [i for i in old if i in new and len(old[i] & new[i]) >= 5]
    assert len(same) / len(old) >= 0.8
    assert len(new) == len(old)        # a 10% change keeps k (keep_k_below_change)


def test_researcher_labels_survive_a_refit(tmp_path):
    cfg = _cfg(tmp_path, n_topics=8)
    conn = synthetic_store(tmp_path / "db.sqlite", 150)
    stage.run(cfg, conn, progress=False)
    labels_file = cfg["topics"]["labels_file"]
    data = tomllib.loads(labels_file.read_text(encoding="utf-8"))
    first_id = min(int(k) for k in data["topic"])
    text = labels_file.read_text(encoding="utf-8").replace(
        f'[topic.{first_id}]\nlabel = ""', f'[topic.{first_id}]\nlabel = "Mijn eigen \\"label\\""', 1)
    text += '\n[topic.999]\nlabel = "Oud onderwerp"\n'
    labels_file.write_text(text, encoding="utf-8")
    synthetic_store(None, 15, seed=7, start=150, conn=conn)
    stage.run(cfg, conn, progress=False)
    topics = {t["id"]: t for t in reports.current_topics(conn)}
    assert topics[first_id]["label"] == 'Mijn eigen "label"'
    data = tomllib.loads(labels_file.read_text(encoding="utf-8"))
    assert data["topic"][str(first_id)]["label"] == 'Mijn eigen "label"'
    assert data["topic"]["999"] == {"label": "Oud onderwerp", "retired": True}


def test_broken_labels_file_is_one_clear_error(tmp_path):
    cfg = _cfg(tmp_path)
    conn = synthetic_store(tmp_path / "db.sqlite", 40)
    cfg["topics"]["labels_file"].parent.mkdir(parents=True, exist_ok=True)
    cfg["topics"]["labels_file"].write_text("[topic.x]\nlabel = 3\n", encoding="utf-8")
    # every stage fails the same way: it raises, and `miner refresh` reports it (test_stage_contract)
    with pytest.raises(TopicError, match="topic_labels.toml: topic.x: the topic id must be a number"):
        stage.run(cfg, conn, progress=False)
    with pytest.raises(TopicError, match="topic_labels.toml: topic.x"):
        from miner.topics import labels
        labels.read(cfg["topics"]["labels_file"])


def test_too_few_documents_skips(tmp_path):
    cfg = _cfg(tmp_path)
    conn = synthetic_store(tmp_path / "db.sqlite", 5)
    out = stage.run(cfg, conn, progress=False)
    assert out["status"] == "skipped" and "min_documents" in out["reason"]
    assert conn.execute("SELECT COUNT(*) FROM topics").fetchone()[0] == 0


def test_lda_is_available(tmp_path):
    cfg = _cfg(tmp_path, method="lda", n_topics=6, max_iter=20)
    conn = synthetic_store(tmp_path / "db.sqlite", 60)
    out = stage.run(cfg, conn, progress=False)
    assert out["method"] == "lda" and out["n_topics"] == 6
    sums = conn.execute("SELECT SUM(weight) FROM document_topics GROUP BY document_id").fetchall()
    assert all(abs(s[0] - 1) < 0.1 for s in sums)


def test_per_year_and_per_source(tmp_path):
    cfg = _cfg(tmp_path, n_topics=4)
    conn = synthetic_store(tmp_path / "db.sqlite", 40)
    conn.execute("UPDATE documents SET doc_type = 'kamervraag', date = '2019-01-01' WHERE doc_key < 'doc-00010'")
    stage.run(cfg, conn, progress=False)
    years = reports.per_year(conn)
    assert sum(n for y in years.values() for n in y.values()) == conn.execute(
        "SELECT COUNT(*) FROM document_topics WHERE dominant = 1").fetchone()[0]
    assert any("2019" in y for y in years.values())
    src = reports.per_source(conn, ["kamervraag"])
    assert sum(s["kamervragen"] for s in src.values()) <= 10
    view = conn.execute("SELECT source_kind, COUNT(DISTINCT document_id) FROM topic_documents GROUP BY 1").fetchall()
    assert dict(view)["kamervragen"] == 10


# --- CLI -----------------------------------------------------------------------------------------

def _cli_project(workdir, n=80):
    (workdir / "config.toml").write_text("[topics]\nn_topics_min = 4\nn_topics_max = 8\nn_topics_step = 4\n"
                                         "min_documents = 10\n", encoding="utf-8")
    cfg = config.load(workdir / "config.toml")
    conn = synthetic_store(cfg.database, n)
    return cfg, conn


def test_cli_topics_fits_prints_and_labels(workdir):
    from miner.cli import main
    cfg, conn = _cli_project(workdir)
    runner = CliRunner()
    res = runner.invoke(main, ["topics"])
    assert res.exit_code == 0, res.output
    assert "k = " in res.output and "NPMI" in res.output and "diversity" in res.output
    assert "without a clear topic" in res.output
    ids = [t["id"] for t in reports.current_topics(conn)]
    assert f"[{ids[0]}] " in res.output
    res = runner.invoke(main, ["topics", "--label", str(ids[0]), "Wonen en huur", "--over-time", "--by-source"])
    assert res.exit_code == 0, res.output
    assert f"[{ids[0]}] Wonen en huur" in res.output and "per year: 2021" in res.output
    res = runner.invoke(main, ["topics", "--refit", "--k", "5", "--json"])
    data = json.loads(res.output)
    assert data["model"]["n_topics"] == 5 and len(data["topics"]) == 5
    assert any(t["label"] == "Wonen en huur" for t in data["topics"]) or ids[0] not in [t["id"] for t in data["topics"]]
    res = runner.invoke(main, ["topics", "--label", "12345", "x"])
    assert res.exit_code == 2 and "no current topic with id 12345" in res.output


def test_cli_topics_with_too_few_documents_is_one_line(workdir):
    from miner.cli import main
    _cli_project(workdir, n=3)
    res = CliRunner().invoke(main, ["topics"])
    assert res.exit_code == 2
    assert res.output.strip().count("\n") == 0 and "min_documents" in res.output


def test_k_is_chosen_on_a_sample_then_fitted_on_all(tmp_path):
    from miner.topics import model
    assert list(model.search_sample(5, 10)) == [0, 1, 2, 3, 4]
    sample = model.search_sample(100, 10)
    assert len(sample) == 10 and sample[0] == 0 and sample[-1] == 99
    cfg = _cfg(tmp_path, k_search_units=40)
    conn = synthetic_store(tmp_path / "db.sqlite", 90)
    out = stage.run(cfg, conn, progress=False)
    params = json.loads(stage.active_model(conn)["params"])
    assert {c["units"] for c in params["candidates"]} == {40} and [c["k"] for c in params["candidates"]] == [4, 6, 8, 10]
    assert out["units"] == 90 and conn.execute(
        "SELECT COUNT(DISTINCT document_id) FROM document_topics").fetchone()[0] == 90


def test_drill_down_fits_sub_topics_on_the_documents_of_one_topic(tmp_path):
    from miner.topics import drill
    cfg = _cfg(tmp_path, n_topics=2)
    conn = synthetic_store(tmp_path / "db.sqlite", 80)
    assert stage.run(cfg, conn, progress=False)["status"] == "fitted"
    biggest = max(reports.current_topics(conn), key=lambda t: t["n_documents"])
    result = drill.drill(conn, cfg["topics"], biggest["id"])
    members = drill.members(conn, biggest["id"], cfg["topics"]["min_topic_weight"])
    assert result["n_documents"] == len(members) >= drill.MIN_DOCUMENTS
    assert 2 <= result["k"] == len(result["subtopics"])
    assert sum(s["n_documents"] for s in result["subtopics"]) == len(members)
    assert all(d["id"] in members for s in result["subtopics"] for d in s["documents"])
    tops = [tuple(s["top_terms"][:5]) for s in result["subtopics"]]
    assert len(set(tops)) == len(tops)                # sub-topics differ
    with pytest.raises(TopicError):
        drill.drill(conn, cfg["topics"], 999)


def test_lemma_of_melden_is_not_melde():
    lem = lemmas.shared_lemmatiser()
    assert lem.lemma("melden") == "melden" and lem.lemma("meldde") == "melden"
    assert lem.lemma("geven") == "geven" and lem.lemma("laten") == "laten"
    assert lem.lemma("werken") == "werk" and lem.lemma("landen") == "land" and lem.lemma("buurten") == "buurt"


# --- out of core: streamed reading, units on disk, mini-batch fit ---------------------------------

def test_units_on_disk_give_countvectorizers_vocabulary_and_matrix(tmp_path):
    from sklearn.feature_extraction.text import CountVectorizer
    from miner.topics.units import TermCounter, UnitSpill
    texts = [[f"w{(i * 7 + j * j) % 41}" for j in range(5 + i % 13)] for i in range(120)]
    counter, spill = TermCounter(10_000), UnitSpill(tmp_path / "spill")
    for toks in texts:
        spill.add(*counter.unit(toks))
    vocab, df, lookup = counter.vocabulary(len(texts), 2, 0.5, 1000)
    spill.finish(lookup, len(vocab))
    vec = CountVectorizer(analyzer=lambda t: t, min_df=2, max_df=0.5)
    expected = vec.fit_transform(texts)
    assert vocab == list(vec.get_feature_names_out())
    assert df.tolist() == np.asarray((expected > 0).sum(axis=0)).ravel().tolist()
    got = sparse.vstack([m for _, m in spill.chunks(17)])
    assert (got != expected).nnz == 0
    assert (spill.select(np.array([3, 50, 119])) != expected[[3, 50, 119]]).nnz == 0
    folder = spill.dir
    spill.close()
    assert not folder.exists()
    # max_features keeps the most frequent terms (ties: alphabetical), as CountVectorizer up to its tie order
    top, _, _ = counter.vocabulary(len(texts), 2, 0.5, 10)
    total = np.asarray(expected.sum(axis=0)).ravel()
    ranked = sorted(zip(vocab, total), key=lambda tc: (-tc[1], tc[0]))
    assert top == sorted(t for t, _ in ranked[:10])


def test_term_counter_drops_the_rarer_half_when_full():
    from miner.topics.units import TermCounter
    counter = TermCounter(1000)
    for i in range(1500):                      # 'vaak' in every unit, each unit one rare term
        counter.unit(["vaak", f"zeldzaam{i}"])
    assert counter.pruned > 0 and len(counter.ids) <= 1000
    vocab, df, _ = counter.vocabulary(1500, 1, 1.0, 10)
    assert "vaak" in vocab and df[vocab.index("vaak")] == 1500


def test_spill_folder_of_a_killed_fit_is_removed_and_a_failed_fit_leaves_the_model(tmp_path, monkeypatch):
    import os
    import subprocess
    from miner.topics import model, units
    dead = subprocess.Popen(["true"])
    dead.wait()
    stale = tmp_path / "corpora" / "tmp" / f"{units.SPILL_PREFIX}{dead.pid}-x"
    stale.mkdir(parents=True)
    (stale / "ids.i32").write_bytes(b"\0" * 8)
    mine = tmp_path / "corpora" / "tmp" / f"{units.SPILL_PREFIX}{os.getpid()}-y"
    mine.mkdir()
    cfg = _cfg(tmp_path, n_topics=4)
    conn = synthetic_store(cfg.database, 60)
    first = stage.run(cfg, conn, progress=False)
    assert not stale.exists() and mine.exists()       # a live process's folder is left alone
    assert [p.name for p in (tmp_path / "corpora" / "tmp").iterdir()] == [mine.name]

    def boom(*a, **k):
        raise model.TopicError("stopped")
    monkeypatch.setattr(model, "fit", boom)
    with pytest.raises(model.TopicError):
        stage.run(cfg, conn, progress=False, force=True)
    assert [p.name for p in (tmp_path / "corpora" / "tmp").iterdir()] == [mine.name]
    assert stage.active_model(conn)["id"] == first["model_id"]


def _theme_purity(conn, n, seed=0):
    """Per synthetic theme: the share of its documents whose clear main topic is the theme's topic,
    and the number of distinct topics the themes map to."""
    from collections import Counter, defaultdict
    from miner.topics import synthetic
    themes = [t[0] for _, t in synthetic.corpus(n, seed=seed)]
    by_theme = defaultdict(Counter)
    for key, topic in conn.execute("SELECT d.doc_key, dt.topic_id FROM document_topics dt JOIN documents d "
                                   "ON d.id = dt.document_id WHERE dt.dominant = 1"):
        by_theme[themes[int(key[4:])]][topic] += 1
    purity = {th: c.most_common(1)[0][1] / sum(1 for t in themes if t == th) for th, c in by_theme.items()}
    return purity, {c.most_common(1)[0][0] for c in by_theme.values()}


def test_streaming_fit_recovers_the_synthetic_themes(tmp_path):
    from miner.topics import synthetic
    # k is fitted on a 60-unit sample only; the 400 documents are then fitted in mini-batches of 50
    cfg = _cfg(tmp_path, n_topics=len(synthetic.THEMES), k_search_units=60, batch_units=50)
    conn = synthetic_store(cfg.database, 400)
    out = stage.run(cfg, conn, progress=False)
    assert out["status"] == "fitted" and out["stream_passes"] >= 1 and out["units"] == 400
    purity, topics = _theme_purity(conn, 400)
    assert set(purity) == set(synthetic.THEMES)
    assert len(topics) == len(synthetic.THEMES)               # every theme its own topic
    assert min(purity.values()) >= 0.8, purity
    assert conn.execute("SELECT COUNT(DISTINCT document_id) FROM document_topics").fetchone()[0] == 400
    params = json.loads(stage.active_model(conn)["params"])
    assert params["stream_passes"] == out["stream_passes"] and params["n_units"] == 400
    # deterministic: the same corpus and config give the same topics and weights
    before = _snapshot(conn)
    stage.run(cfg, conn, progress=False, force=True)
    assert _snapshot(conn) == before


def test_streaming_with_k_chosen_on_the_sample_and_lda(tmp_path):
    cfg = _cfg(tmp_path, k_search_units=50, batch_units=40)
    conn = synthetic_store(cfg.database, 160)
    out = stage.run(cfg, conn, progress=False)
    params = json.loads(stage.active_model(conn)["params"])
    assert {c["units"] for c in params["candidates"]} == {50} and out["stream_passes"] >= 1
    assert out["n_topics"] in [c["k"] for c in params["candidates"]]
    lda = _cfg(tmp_path / "lda", method="lda", n_topics=5, max_iter=10, k_search_units=50, batch_units=40)
    conn = synthetic_store(lda.database, 160)
    out = stage.run(lda, conn, progress=False)
    assert out["method"] == "lda" and out["stream_passes"] >= 1
    sums = conn.execute("SELECT SUM(weight) FROM document_topics GROUP BY document_id").fetchall()
    assert len(sums) == 160 and all(abs(s[0] - 1) < 0.1 for s in sums)


def test_boilerplate_found_on_a_sample_of_documents(tmp_path):
    cfg = _cfg(tmp_path, n_topics=4, boilerplate_sample_documents=10)
    conn = connect(cfg.database)
    from miner.topics import synthetic
    for i, (text, _) in enumerate(synthetic.corpus(60)):
        add_document(conn, f"doc-{i:05d}", f"Gemeente Wijkerbroek afdeling Samenleving\n{text}")
    stage.run(cfg, conn, progress=False)
    with corpus_mod.load(conn, cfg["topics"], tmp_path / "spill") as corpus:
        assert "afdeling" not in corpus.vocabulary and "samenleving" not in corpus.vocabulary
        assert corpus.n_units == 60 and len(corpus.document_ids) == 60
    assert not any((tmp_path / "spill").iterdir())


def test_store_streams_texts_in_doc_key_order_also_for_chosen_ids(tmp_path):
    from miner.store import topics as store_topics
    conn = connect(tmp_path / "db.sqlite")
    ids = {k: add_document(conn, k, f"tekst {k}") for k in ("c", "a", "b", "d")}
    add_document(conn, "e", "English text", language="en")
    order = store_topics.document_ids(conn, dutch_only=True)
    assert [t for _, _, t in store_topics.texts(conn, order)] == ["tekst a", "tekst b", "tekst c", "tekst d"]
    assert store_topics.document_ids(conn, True, among=[ids["d"], ids["a"], 999]) == [ids["a"], ids["d"]]
    assert store_topics.document_ids(conn, dutch_only=False)[-1] == ids["d"] + 1


def test_the_topics_package_holds_no_sql():
    import re
    from pathlib import Path
    import miner.topics
    sql = re.compile(r"\b(SELECT\s.+\sFROM|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|conn\.execute)\b", re.S)
    found = [p.name for p in Path(miner.topics.__file__).parent.glob("*.py") if sql.search(p.read_text("utf-8"))]
    assert found == []
