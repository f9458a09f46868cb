"""Reviews: the effective labels, the spreadsheet round trip, stats, agreement, training examples."""
import json
import sqlite3

import pytest
from openpyxl import load_workbook

import dbfixture
from dbfixture import run_cli

from miner.store import connect
from miner.store import reviews as store


@pytest.fixture
def db(workdir):
    path = workdir / "corpora" / "miner.sqlite"
    ids = dbfixture.build(path)
    return path, ids


def _conn(path):
    return connect(path)


def _effective(path, doc_key):
    conn = _conn(path)
    try:
        return {(r["layer"], r["label"], r["sentence"], r["origin"], r["reviewer"]) for r in conn.execute(
            "SELECT e.* FROM effective_annotations e JOIN documents d ON d.id = e.document_id WHERE d.doc_key = ?",
            (doc_key,))}
    finally:
        conn.close()


def _fill(path, fills: dict[int, dict], out=None):
    """Fill decision cells of a review sheet like a researcher in a spreadsheet program."""
    wb = load_workbook(path)
    ws = wb["review"]
    header = [c.value for c in ws[1]]
    for rowno, cells in fills.items():
        for name, value in cells.items():
            ws.cell(row=rowno, column=header.index(name) + 1, value=value)
    wb.save(out or path)
    return header


def _rows(path):
    ws = load_workbook(path)["review"]
    rows = list(ws.iter_rows(values_only=True))
    return [dict(zip(rows[0], r)) for r in rows[1:]]


def _row_of(rows, sentence_start_with):
    return next(i for i, r in enumerate(rows, 2) if r["sentence"].startswith(sentence_start_with))


def test_effective_view_has_the_annotation_columns_plus_origin_and_reviewer(db):
    path, _ = db
    conn = _conn(path)
    ann = [r[1] for r in conn.execute("PRAGMA table_info(annotations)")]
    eff = [r[1] for r in conn.execute("PRAGMA table_info(effective_annotations)")]
    assert eff == ann + ["origin", "reviewer"]
    assert conn.execute("SELECT COUNT(*) FROM effective_annotations").fetchone()[0] == \
        conn.execute("SELECT COUNT(*) FROM annotations").fetchone()[0]
    assert {r[0] for r in conn.execute("SELECT DISTINCT origin FROM effective_annotations")} == {"model"}


def test_sheet_round_trip_bad_rows_idempotent_and_survives_retagging(db, workdir):
    path, ids = db
    sheet = workdir / "review.xlsx"
    r = run_cli("review", "export", "-o", str(sheet), "-n", "20", "--queue", "random")
    assert r.exit_code == 0, r.output
    rows = _rows(sheet)
    assert len(rows) == 14  # every tagged sentence with a ground, mechanism or recommendation
    # data-validation drop-downs from the taxonomy
    wb = load_workbook(sheet)
    lists = wb["lists"]
    grounds = [c.value for c in next(col for col in lists.iter_cols() if col[0].value == "ground")[1:] if c.value]
    assert "religie" in grounds and "herkomst" in grounds
    formulas = {dv.formula1 for dv in wb["review"].data_validations.dataValidation}
    assert any("lists!$" in f for f in formulas) and len(formulas) >= 4

    r_training = _row_of(rows, "Een training over vooroordelen")      # religie + training
    r_moslim = _row_of(rows, "Moslimdiscriminatie komt ook voor")     # religie
    r_melden = _row_of(rows, "Gemeenten moeten het melden")           # melden + recommendation (gemeente)
    r_buren = _row_of(rows, "Ontmoeting tussen buren")                # herkomst + contact
    r_bad_label = _row_of(rows, "Professionals herkennen")
    r_edited = _row_of(rows, "Bewoners met een migratieachtergrond")
    r_context = _row_of(rows, "Oudere vrijwilligers")
    r_gone = _row_of(rows, "Bent u bekend met het bericht")
    _fill(sheet, {
        r_training: {"decision": "accept", "mechanism_1": "bewustwording", "reviewer": "anna"},
        r_moslim: {"decision": "correct", "ground_1": "herkomst", "note": "gaat over afkomst"},
        r_melden: {"decision": "correct", "mechanism_1": "melden", "recommendation": "ja", "actor_1": "rijksoverheid"},
        r_buren: {"decision": "correct", "ground_1": "herkomst"},                 # contact rejected
        r_bad_label: {"decision": "correct", "ground_1": "ras"},                  # not in the taxonomy
        r_edited: {"decision": "accept", "sentence": "Bewoners worden buitengesloten."},
        r_context: {"decision": "accept", "context_after": "Iets anders."},
        r_gone: {"decision": "accept"},
    })
    # the Kamervraag text changes after the export: its sentence is no longer in the store
    conn = _conn(path)
    conn.execute("UPDATE documents SET text = replace(text, 'Bent u bekend', 'Kent u') WHERE doc_key = ?",
                 ("kv-tk-2023Z00001",))
    conn.close()

    r = run_cli("review", "import", str(sheet), "--reviewer", "bram")
    assert r.exit_code == 1
    err = [line for line in r.stderr.splitlines() if line.strip()]
    assert len(err) == 4, r.stderr
    assert any(f"row {r_bad_label}:" in e and "unknown ground label 'ras'" in e for e in err)
    assert any(f"row {r_edited}:" in e and "sentence cell was edited" in e for e in err)
    assert any(f"row {r_context}:" in e and "context" in e for e in err)
    assert any(f"row {r_gone}:" in e and "no longer in document" in e for e in err)
    assert "4 imported" in r.stdout and "4 bad" in r.stdout

    def check():
        moslim = _effective(path, "doc:moslim")
        s_training = "Een training over vooroordelen hielp sociaal werkers om moslimdiscriminatie te bespreken."
        s_moslim = "Moslimdiscriminatie komt ook voor in wijkteams en buurthuizen."
        s_melden = "Gemeenten moeten het melden van discriminatie eenvoudiger maken."
        assert ("ground", "religie", s_training, "reviewed", "anna") in moslim
        assert ("mechanism", "training", s_training, "reviewed", "anna") in moslim
        assert ("mechanism", "bewustwording", s_training, "reviewed", "anna") in moslim     # added
        assert not any(x[:3] == ("ground", "religie", s_moslim) for x in moslim)           # rejected
        assert ("ground", "herkomst", s_moslim, "reviewed", "bram") in moslim              # added
        assert ("setting", "wijkteam", s_moslim, "model", None) in moslim                  # not reviewed
        assert ("mechanism", "melden", s_melden, "reviewed", "bram") in moslim
        conn = _conn(path)
        actor = conn.execute("SELECT actor FROM effective_annotations WHERE layer = 'recommendation' "
                             "AND sentence = ?", (s_melden,)).fetchone()[0]
        conn.close()
        assert json.loads(actor) == ["rijksoverheid"]
        buren = _effective(path, "doc:ontmoeting")
        assert not any(x[:2] == ("mechanism", "contact") for x in buren)
        assert any(x[:2] == ("ground", "herkomst") and x[3] == "reviewed" for x in buren)

    check()
    # search reads the effective labels too: the rejected religie is gone from that sentence
    r = run_cli("search", "wijkteams", "--in", "annotations", "--json")
    assert r.exit_code == 0, r.output
    hit = json.loads(r.stdout.splitlines()[0])
    assert hit["labels"] == ["setting:wijkteam"]
    # importing the same file again changes nothing
    conn = _conn(path)
    n = store.review_count(conn)
    conn.close()
    r = run_cli("review", "import", str(sheet), "--reviewer", "bram")
    assert "0 new decision(s)" in r.stdout
    conn = _conn(path)
    assert store.review_count(conn) == n
    conn.close()

    # re-tagging replaces every annotation row (new ids): the decisions still apply
    conn = _conn(path)
    conn.execute("BEGIN")
    rows_before = conn.execute("SELECT * FROM annotations ORDER BY id").fetchall()
    conn.execute("DELETE FROM annotations")
    cols = rows_before[0].keys()
    conn.executemany(f"INSERT INTO annotations ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                     [(r["id"] + 1000,) + tuple(r)[1:] for r in rows_before])
    conn.execute("COMMIT")
    assert conn.execute("SELECT MIN(id) FROM annotations").fetchone()[0] > 1000
    conn.close()
    check()

    # the exports mark the reviewed labels
    r = run_cli("export", "tables")
    assert r.exit_code == 0, r.output
    import csv
    tidy = list(csv.DictReader(open(next((workdir / "outputs").glob("*.csv")), encoding="utf-8-sig"), delimiter=";"))
    reviewed = {(t["layer"], t["code"], t["reviewer"]) for t in tidy if t["origin"] == "reviewed"}
    assert ("mechanism", "bewustwording", "anna") in reviewed and ("ground", "herkomst", "bram") in reviewed
    assert not any(t["code"] == "contact" for t in tidy)

    # stats: the orphan is not there (the row was refused), reviewers counted
    r = run_cli("review", "stats", "--json")
    s = json.loads(r.stdout)
    assert {x["reviewer"] for x in s["reviewers"]} == {"anna", "bram"}
    # ground: religie accepted + herkomst accepted (tp 2), religie rejected (fp), herkomst added (fn)
    # mechanism: training + melden accepted, contact rejected, bewustwording added
    for layer in ("ground", "mechanism"):
        for when in ("at_review", "now"):
            v = s["layers"][layer][when]
            assert (v["tp"], v["fp"], v["fn"]) == (2, 1, 1)
            assert v["precision"] == pytest.approx(2 / 3) and v["recall"] == pytest.approx(2 / 3)
    assert s["layers"]["recommendation"]["now"]["tp"] == 1


def test_orphaned_review_is_kept_and_reported(db):
    path, ids = db
    conn = _conn(path)
    doc = store.document_by_key(conn, "doc:leeftijd")
    s = "Oudere vrijwilligers ervaren leeftijdsdiscriminatie bij sportverenigingen."
    start = doc["text"].index(s)
    store.record(conn, [dict(doc_key="doc:leeftijd", sentence_start=start, sentence_end=start + len(s),
                             sentence_hash=store.sentence_hash(s), sentence=s, layer="ground", label="leeftijd",
                             decision="reject", reviewer="anna")])
    assert not any(r["label"] == "leeftijd" for r in conn.execute(
        "SELECT label FROM effective_annotations WHERE document_id = ?", (doc["id"],)))
    conn.execute("UPDATE documents SET text = 'Nieuwe tekst. ' || text WHERE id = ?", (doc["id"],))
    # the sentence moved: the review no longer applies, is kept and reported
    assert any(r["label"] == "leeftijd" for r in conn.execute(
        "SELECT label FROM effective_annotations WHERE document_id = ?", (doc["id"],)))
    assert store.review_count(conn) == 1
    conn.close()
    r = run_cli("review", "stats")
    assert "1 review(s) whose sentence is no longer in the store" in r.stdout
    assert "doc:leeftijd ground:leeftijd reject by anna" in r.stdout


def test_queues_uncertain_first_null_confidence_as_half_and_bad_specs(db, cfg):
    from miner.review import core
    path, ids = db
    conn = _conn(path)
    conn.execute("UPDATE annotations SET confidence = 0.95 WHERE layer IN ('ground', 'mechanism', 'recommendation')")
    conn.execute("UPDATE annotations SET confidence = 0.55 WHERE label = 'training' AND document_id = ?",
                 (ids["doc:moslim"],))
    conn.execute("UPDATE annotations SET confidence = NULL WHERE label = 'dialoog'")
    q = core.build_queue(conn, cfg, core.Queue.parse("uncertain"))
    assert q[0]["sentence"].startswith("Een dialoog")             # NULL = 0.5: right at the threshold
    assert q[1]["sentence"].startswith("Een training over vooroordelen")
    assert q[-1]["uncertainty"] == pytest.approx(0.45)
    by_label = core.build_queue(conn, cfg, core.Queue.parse("label:herkomst"))
    assert len(by_label) == 3
    for i in by_label:
        shown = core.item(conn, cfg, i["doc_key"], i["sentence_start"], i["sentence_end"])
        assert any(s["label"] == "herkomst" for s in shown["suggestions"])
    assert {i["doc_key"] for i in core.build_queue(conn, cfg, core.Queue.parse("source:kis"))} == {"doc:ontmoeting"}
    assert {i["doc_key"] for i in core.build_queue(conn, cfg, core.Queue.parse("document:doc:leeftijd"))} == \
        {"doc:leeftijd"}
    a = [i["sentence"] for i in core.build_queue(conn, cfg, core.Queue.parse("random"))]
    assert a == [i["sentence"] for i in core.build_queue(conn, cfg, core.Queue.parse("random"))]  # seeded
    for bad in ("label", "sometimes", "random:3"):
        with pytest.raises(core.ReviewError):
            core.Queue.parse(bad)
    conn.close()
    r = run_cli("review", "export", "--queue", "nonsense")
    assert r.exit_code == 2 and "unknown queue 'nonsense'" in r.output


def test_document_relevance_decision_and_undo_of_own_rows_only(db, cfg):
    from miner.review import core
    path, ids = db
    conn = _conn(path)
    rec = core.prepare_relevance(conn, reviewer="anna", doc_key="doc:leeftijd", decision="not_relevant")
    new, _ = store.record(conn, [rec])
    row = conn.execute("SELECT * FROM document_relevance WHERE document_id = ?", (ids["doc:leeftijd"],)).fetchone()
    assert row["is_relevant"] == 0 and row["relevance_override"] == 0
    assert not store.delete(conn, new[0], "bram")                   # not bram's decision
    assert store.delete(conn, new[0], "anna")
    row = conn.execute("SELECT * FROM document_relevance WHERE document_id = ?", (ids["doc:leeftijd"],)).fetchone()
    assert row["is_relevant"] == 1 and row["relevance_override"] is None
    with pytest.raises(core.ReviewError, match="unknown document decision"):
        core.prepare_relevance(conn, reviewer="anna", doc_key="doc:leeftijd", decision="maybe")
    tx = core.Taxonomy(cfg)
    s = "Oudere vrijwilligers ervaren leeftijdsdiscriminatie bij sportverenigingen."
    doc = store.document_by_key(conn, "doc:leeftijd")
    start = doc["text"].index(s)
    common = dict(reviewer="anna", doc_key="doc:leeftijd", sentence_start=start, sentence_end=start + len(s),
                  sentence_hash=store.sentence_hash(s))
    with pytest.raises(core.ReviewError, match="unknown ground label 'ras'"):
        core.prepare(conn, tx, layer="ground", label="ras", decision="add", **common)
    with pytest.raises(core.ReviewError, match="unknown actor"):
        core.prepare(conn, tx, layer="recommendation", label="recommendation", decision="add", actor=["koning"],
                     **common)
    with pytest.raises(core.ReviewError, match="no reviewer"):
        core.prepare(conn, tx, layer="ground", label="leeftijd", decision="accept", **dict(common, reviewer=" "))
    ok = core.prepare(conn, tx, layer="ground", label="leeftijd", decision="accept", **common)
    assert ok["model_suggested"] is True
    assert core.prepare(conn, tx, layer="ground", label="religie", decision="add", **common)["model_suggested"] is False
    conn.close()


def test_training_examples_in_the_shared_format(db, cfg):
    from miner.review import analysis, core, training_examples
    path, ids = db
    conn = _conn(path)
    tx = core.Taxonomy(cfg)
    s = "Gemeenten moeten het melden van discriminatie eenvoudiger maken."
    doc = store.document_by_key(conn, "doc:moslim")
    start = doc["text"].index(s)
    common = dict(reviewer="anna", doc_key="doc:moslim", sentence_start=start, sentence_end=start + len(s),
                  sentence_hash=store.sentence_hash(s))
    store.record(conn, [core.prepare(conn, tx, layer="mechanism", label="melden", decision="reject", **common),
                        core.prepare(conn, tx, layer="ground", label="religie", decision="add", **common),
                        core.prepare(conn, tx, layer="recommendation", label="recommendation", decision="accept",
                                     actor=["gemeente", "sociaal_werk"], **common),
                        core.prepare_seen(conn, **common)])
    ex = training_examples(conn, cfg=cfg)
    assert ex == [{"id": f"review:doc:moslim:{start}-{start + len(s)}", "text": s, "ground": ["religie"],
                   "mechanism": [], "recommendation": True, "actor": ["gemeente", "sociaal_werk"], "weight": 2.0}]
    assert training_examples(conn, weight=5)[0]["weight"] == 5.0
    assert training_examples(path)[0]["ground"] == ["religie"]
    p = analysis.as_passages(ex)[0]
    assert p["text"][p["sentences"][0]["start"]:p["sentences"][0]["end"]] == s
    conn.close()


@pytest.mark.parametrize("toml, message", [
    ('[review]\nhost = "0.0.0.0"\n', "review.host: must be a loopback address"),
    ('[review]\nlayers = ["ground", "mood"]\n', "review.layers: must be a non-empty list"),
    ('[review]\nthreshold = 1.5\n', "review.threshold: must be between 0 and 1"),
    ('[review]\ntrain_weight = 0\n', "review.train_weight: must be greater than 0"),
])
def test_review_config_errors_name_the_key(workdir, toml, message):
    (workdir / "config.toml").write_text(toml, encoding="utf-8")
    r = run_cli("review", "stats")
    assert r.exit_code == 2 and message in r.output and len(r.output.strip().splitlines()) == 1


def test_a_store_from_before_the_reviews_is_upgraded(db):
    """Migration 011 on a store from just before it: the views are replaced, nothing is lost."""
    path, _ = db
    conn = sqlite3.connect(path)
    conn.executescript("""
        DROP VIEW review_orphans; DROP VIEW review_decisions; DROP VIEW effective_annotations;
        DROP VIEW document_relevance; DROP TABLE reviews; DROP INDEX IF EXISTS annotations_doc_layer_label;
        CREATE VIEW document_relevance AS SELECT id AS document_id, relevance, relevant, relevance_override,
               COALESCE(relevance_override, relevant, 1) AS is_relevant FROM documents;
        CREATE VIEW effective_annotations AS SELECT a.*, 'model' AS origin, NULL AS reviewer FROM annotations a;
        DELETE FROM schema_migrations WHERE version >= 11;""")
    n = conn.execute("SELECT COUNT(*) FROM annotations").fetchone()[0]
    conn.close()
    r = run_cli("review", "stats")
    assert r.exit_code == 0 and "no reviews yet" in r.output
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT MAX(version) FROM schema_migrations").fetchone()[0] >= 11
    assert conn.execute("SELECT COUNT(*) FROM effective_annotations").fetchone()[0] == n
    conn.close()


def test_a_label_added_where_the_model_found_nothing_reaches_the_exports(db, workdir, cfg):
    from miner.review import core
    path, ids = db
    conn = _conn(path)
    text = "Dit is een nieuw document zonder labels van het model over training van vrijwilligers."
    conn.execute("INSERT INTO documents (doc_key, source, title, status, text, first_seen, updated_at) "
                 "VALUES ('doc:leeg', 'local', 'Leeg document', 'extracted', ?, 'n', 'n')", (text,))
    rec = core.prepare(conn, core.Taxonomy(cfg), reviewer="anna", doc_key="doc:leeg", sentence_start=0,
                       sentence_end=len(text), sentence_hash=store.sentence_hash(text), layer="mechanism",
                       label="training", decision="add")
    store.record(conn, [rec])
    row = conn.execute("SELECT * FROM effective_annotations WHERE label = 'training' AND sentence = ?",
                       (text,)).fetchone()
    assert row["id"] < 0 and row["source"] == "review" and row["confidence"] == 1.0 and row["origin"] == "reviewed"
    conn.close()
    assert run_cli("export", "tables").exit_code == 0
    import csv
    tidy = list(csv.DictReader(open(next((workdir / "outputs").glob("*.csv")), encoding="utf-8-sig"), delimiter=";"))
    assert any(t["title"] == "Leeg document" and t["code"] == "training" and t["reviewer"] == "anna" for t in tidy)
