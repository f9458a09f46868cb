"""`miner gaps` counts its cells in SQL (miner.store.gaps); the result must be exactly what the
Python counting it replaced gave, on stores with everything that changes a count: reviews
(accepted, rejected, added labels, later decisions, orphans), documents judged not relevant
(model, override, review), merged duplicates, negated mentions, Kamervragen linked from the
kamervragen table, documents without evidence type or date."""
import random
from collections import Counter, defaultdict

import pytest

from miner import config
from miner.gaps import analysis, stage as gaps_stage
from miner.store import connect, reviews, tagging, transaction, works

GROUNDS = ["herkomst", "religie", "handicap", "leeftijd"]
MECHANISMS = ["training", "contact", "melden", "beleid"]
SETTINGS = ["sport", "onderwijs", "wijkteam"]
EVIDENCE = ["interviews", "effectstudie", "enquete", "kamervraag", "beleidsdocument", "casestudy"]
SENTENCES = ["Zin nummer {i} gaat over discriminatie in de wijk.", "Vrijwilligers bespreken uitsluiting {i}.",
             "De gemeente meldt iets in zin {i}.", "Een training in zin {i} hielp."]


# -- the Python counting that `miner gaps` used before the SQL aggregates (the oracle) -------------

def _ref_year(date):
    if date and len(date) >= 4 and date[:4].isdigit():
        return int(date[:4])
    return None


def _ref_period(year, bounds):
    if year is None:
        return "onbekend"
    if not bounds or year < bounds[0]:
        return f"<{bounds[0]}" if bounds else "alle jaren"
    for lo, hi in zip(bounds, bounds[1:]):
        if lo <= year < hi:
            return f"{lo}-{hi - 1}"
    return f"{bounds[-1]}+"


def _ref_kind(sql_kind, doc_type, evidence, gcfg):
    if sql_kind == "kamervragen" or "kamervraag" in evidence:
        return "kamervragen"
    if set(evidence) & set(gcfg["research_evidence_types"]) or (
            not evidence and doc_type in gcfg["research_doc_types"]):
        return "research"
    return "other"


def reference_cells(conn, gcfg, include_irrelevant):
    """Cells as the old miner.gaps.analysis computed them: labels from a plain
    SELECT DISTINCT over effective_annotations, set intersections in Python."""
    negated = " AND negated = 0" if gcfg["ignore_negated"] else ""
    labels = defaultdict(lambda: defaultdict(set))
    for r in conn.execute("SELECT DISTINCT document_id, layer, label FROM effective_annotations "
                          f"WHERE layer IN ('ground', 'mechanism', 'setting'){negated}"):
        labels[r[0]][r[1]].add(r[2])
    evidence = defaultdict(list)
    for r in conn.execute("SELECT document_id, label FROM document_labels WHERE layer = 'evidence_type' "
                          "ORDER BY document_id, label"):
        evidence[r[0]].append(r[1])
    parl = list(gcfg["parliamentary_doc_types"])
    marks = ", ".join("?" for _ in parl)
    relevant = "" if include_irrelevant else " AND r.is_relevant = 1"
    docs = {}
    for r in conn.execute(
            f"SELECT d.id, d.date, d.doc_type, CASE WHEN d.doc_type IN ({marks}) OR EXISTS (SELECT 1 FROM kamervragen k "
            "WHERE k.question_document_id = d.id OR k.answer_document_id = d.id) THEN 'kamervragen' ELSE 'research' END "
            "FROM documents d JOIN document_works w ON w.document_id = d.id AND w.counted = 1 "
            f"JOIN document_relevance r ON r.document_id = d.id WHERE 1 = 1{relevant} ORDER BY d.id", parl):
        if r[0] not in labels:
            continue
        ev = evidence.get(r[0], [])
        kind = _ref_kind(r[3], r[2], ev, gcfg)
        if not ev:
            ev = ["kamervraag"] if kind == "kamervragen" else ["onbekend"]
        docs[r[0]] = dict(kind=kind, ev=ev, year=_ref_year(r[1]), labels=labels[r[0]],
                          effect=kind == "research" and bool(set(ev) & set(gcfg["effect_evidence_types"])))
    out = {}
    n_research = sum(d["kind"] == "research" for d in docs.values())
    for row_layer, col_layer in analysis.MATRICES:
        key = analysis.LAYER_KEYS
        found_r = sorted({x for d in docs.values() for x in d["labels"].get(row_layer, ())} - set(gcfg[key[row_layer]]))
        found_c = sorted({x for d in docs.values() for x in d["labels"].get(col_layer, ())} - set(gcfg[key[col_layer]]))
        row_research = Counter(x for d in docs.values() if d["kind"] == "research" for x in d["labels"].get(row_layer, ()))
        col_research = Counter(x for d in docs.values() if d["kind"] == "research" for x in d["labels"].get(col_layer, ()))
        for row in list(gcfg[key[row_layer]]) + found_r:
            for col in list(gcfg[key[col_layer]]) + found_c:
                members = sorted(i for i, d in docs.items()
                                 if row in d["labels"].get(row_layer, ()) and col in d["labels"].get(col_layer, ()))
                research = [i for i in members if docs[i]["kind"] == "research"]
                out[(f"{row_layer} x {col_layer}", row, col)] = dict(
                    documents=members, n_research=len(research),
                    n_effect=sum(docs[i]["effect"] for i in research),
                    n_kamervragen=sum(docs[i]["kind"] == "kamervragen" for i in members),
                    by_evidence=dict(sorted(Counter(e for i in members for e in docs[i]["ev"]).items())),
                    by_period=dict(sorted(Counter(_ref_period(docs[i]["year"], gcfg["period_bounds"])
                                                  for i in members).items())),
                    expected=round(row_research[row] * col_research[col] / n_research if n_research else 0.0, 4))
    return docs, out


# -- a store with everything that changes a count -------------------------------------------------

def build_store(conn, seed: int, n_docs: int = 60) -> None:
    rnd = random.Random(seed)
    now = "2026-01-01T00:00:00+00:00"
    doc_ids, sentences = [], {}
    for i in range(n_docs):
        sents = [rnd.choice(SENTENCES).format(i=f"{i}-{k}") for k in range(rnd.randint(1, 5))]
        text = " ".join(sents)
        date = rnd.choice(["2010-05-01", "2016-02-03", "2019", "2020-12-31", "2024-01-01", None, "onbekend", "1998"])
        doc_type = rnd.choice(["rapport", "rapport", "kamervraag", "antwoord", "webpagina", "kamerstuk", None])
        doc_id = conn.execute(
            "INSERT INTO documents (doc_key, source, title, date, doc_type, status, text, relevant, "
            "relevance_override, first_seen, updated_at) VALUES (?, 'test', ?, ?, ?, 'extracted', ?, ?, ?, ?, ?)",
            (f"d{i}", f"Titel {i}", date, doc_type, text, rnd.choice([1, 1, 1, 0, None]),
             rnd.choice([None, None, None, None, 1, 0]), now, now)).lastrowid
        doc_ids.append(doc_id)
        pos, spans = 0, []
        for s in sents:
            spans.append((pos, pos + len(s), s))
            pos += len(s) + 1
        sentences[doc_id] = (f"d{i}", spans)
        records = []
        for s0, s1, s in spans:
            for _ in range(rnd.randint(0, 3)):
                layer = rnd.choice(["ground", "mechanism", "setting", "target_group"])
                label = rnd.choice({"ground": GROUNDS + ["extra_grond"], "mechanism": MECHANISMS,
                                    "setting": SETTINGS, "target_group": ["jongeren"]}[layer])
                a = rnd.randint(s0, s1 - 2)
                records.append({"layer": layer, "label": label, "start": a, "end": a + 2, "text": "xx",
                                "sentence_start": s0, "sentence_end": s1, "sentence": s, "page": 1,
                                "negated": rnd.random() < 0.15, "source": "test"})
        tagging.write_annotations(conn, doc_id, records)
        for e in rnd.sample(EVIDENCE, rnd.choice([0, 0, 1, 1, 2])):
            conn.execute("INSERT INTO document_labels (document_id, layer, label, score, source) "
                         "VALUES (?, 'evidence_type', ?, ?, 'test')", (doc_id, e, rnd.random()))
    # a Kamervraag known from the crawl: question and answer linked, whatever their doc_type
    q, a = rnd.sample(doc_ids, 2)
    conn.execute("INSERT INTO kamervragen (zaak_nummer, question_document_id, answer_document_id) VALUES "
                 "('2024Z00001', ?, ?)", (q, a))
    # merged duplicates: the manifestation is not counted, its work is
    merges = [(m, w, 0.95) for m, w in zip(rnd.sample(doc_ids, 4), rnd.sample(doc_ids, 4)) if m != w]
    works.replace_merges(conn, merges[:3], "test")
    # researchers' decisions: accept, reject, add, a later decision that wins, an orphan, relevance
    decisions = []
    for _ in range(80):
        doc_id = rnd.choice(doc_ids)
        key, spans = sentences[doc_id]
        s0, s1, s = rnd.choice(spans)
        decision = rnd.choice(["accept", "reject", "reject", "add"])
        layer = rnd.choice(["ground", "mechanism", "setting"])
        label = rnd.choice({"ground": GROUNDS + ["nieuwe_grond"], "mechanism": MECHANISMS, "setting": SETTINGS}[layer])
        decisions.append({"doc_key": key, "sentence_start": s0, "sentence_end": s1, "sentence": s,
                          "sentence_hash": reviews.sentence_hash(s), "layer": layer, "label": label,
                          "decision": decision, "reviewer": rnd.choice(["anna", "bram"]),
                          "decided_at": f"2026-01-{rnd.randint(1, 28):02d}T10:00:00+00:00"})
    key, spans = sentences[doc_ids[0]]
    decisions.append({"doc_key": key, "sentence_start": 0, "sentence_end": 5, "sentence": "Anders",
                      "sentence_hash": reviews.sentence_hash("Anders"), "layer": "ground", "label": "religie",
                      "decision": "add", "reviewer": "anna"})          # orphan: never applied
    for doc_id in rnd.sample(doc_ids, 6):
        decisions.append({"doc_key": sentences[doc_id][0], "layer": "relevance", "label": "document",
                          "decision": rnd.choice(["relevant", "not_relevant"]), "reviewer": "anna"})
    reviews.record(conn, decisions)


def _cfg(tmp_path, **gaps):
    base = {"grounds": GROUNDS, "mechanisms": MECHANISMS, "settings": SETTINGS}
    return config.from_dict({"store": {"database": "db.sqlite"}, "gaps": {**base, **gaps}}, tmp_path)


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("include_irrelevant", [False, True])
@pytest.mark.parametrize("gaps_cfg", [{}, {"ignore_negated": False, "period_bounds": [2000, 2012, 2021],
                                           "research_doc_types": ["rapport", "kamerstuk"],
                                           "effect_evidence_types": ["effectstudie", "casestudy"]},
                                      {"period_bounds": [], "parliamentary_doc_types": ["kamervraag"]}])
def test_sql_cell_counts_equal_the_python_counting(tmp_path, seed, include_irrelevant, gaps_cfg):
    cfg = _cfg(tmp_path, **gaps_cfg)
    conn = connect(cfg.database)
    build_store(conn, seed)
    assert conn.execute("SELECT COUNT(*) FROM review_decisions WHERE decision = 'reject'").fetchone()[0] > 5
    assert conn.execute("SELECT COUNT(*) FROM document_relevance WHERE is_relevant = 0").fetchone()[0] > 3
    ref_docs, ref = reference_cells(conn, cfg["gaps"], include_irrelevant)
    result = gaps_stage.compute(cfg, conn, include_irrelevant=include_irrelevant)
    assert set(result.docs) == set(ref_docs)
    for d in result.docs.values():
        assert (d.kind, d.evidence, d.effect) == (ref_docs[d.id]["kind"], ref_docs[d.id]["ev"], ref_docs[d.id]["effect"])
    got = {(c.matrix, c.row, c.col): dict(documents=c.documents, n_research=c.n_research, n_effect=c.n_effect,
                                          n_kamervragen=c.n_kamervragen, by_evidence=c.by_evidence,
                                          by_period=c.by_period, expected=round(c.expected_research, 4))
           for c in result.cells}
    assert list(got) == list(ref)           # the same cells in the same order
    assert got == ref
    assert sum(len(c["documents"]) for c in ref.values()) > 50       # the store really fills the matrices
    # the stored rows are what --json prints
    now = gaps_stage.store(conn, result)
    stored = conn.execute("SELECT COUNT(*), SUM(json_array_length(document_ids)) FROM gaps").fetchone()
    assert stored[0] == len(ref) and stored[1] == sum(len(c["documents"]) for c in ref.values())
    assert now


def test_added_label_on_a_reviewed_document_counts_and_rejected_one_does_not(tmp_path):
    """The small case spelled out: the reviewed document goes through effective_annotations."""
    cfg = _cfg(tmp_path, min_research_documents=1, require_effect_study=False)
    conn = connect(cfg.database)
    text = "Een training voor vrijwilligers. Moslims worden uitgesloten."
    doc = conn.execute("INSERT INTO documents (doc_key, source, title, doc_type, status, text, first_seen, updated_at) "
                       "VALUES ('k', 'test', 'T', 'rapport', 'extracted', ?, 'n', 'n')", (text,)).lastrowid
    tagging.write_annotations(conn, doc, [
        {"layer": layer, "label": label, "start": a, "end": b, "text": "x", "sentence_start": s0,
         "sentence_end": s1, "sentence": text[s0:s1], "source": "test"}
        for layer, label, a, b, s0, s1 in [("mechanism", "training", 4, 12, 0, 32), ("ground", "herkomst", 33, 39, 33, 60)]])

    def cell(row, col):
        result = gaps_stage.compute(cfg, conn)
        return next(c for c in result.cells if c.matrix == "mechanism x ground" and (c.row, c.col) == (row, col))

    assert cell("training", "herkomst").documents == [doc]
    s = text[33:60]
    reviews.record(conn, [{"doc_key": "k", "sentence_start": 33, "sentence_end": 60, "sentence": s,
                           "sentence_hash": reviews.sentence_hash(s), "layer": "ground", "label": "herkomst",
                           "decision": "reject", "reviewer": "anna"},
                          {"doc_key": "k", "sentence_start": 33, "sentence_end": 60, "sentence": s,
                           "sentence_hash": reviews.sentence_hash(s), "layer": "ground", "label": "religie",
                           "decision": "add", "reviewer": "anna"}])
    assert cell("training", "herkomst").documents == []
    assert cell("training", "religie").documents == [doc]


def test_gap_labels_are_read_from_the_per_document_table(tmp_path):
    """`gaps` reads the distinct gap labels per document from `document_gap_labels` (migration 018),
    in document order without a sort; a document's annotations still have an index."""
    conn = connect(tmp_path / "db.sqlite")
    from miner.store import gaps as store
    for ignore_negated in (True, False):
        sql, args = store._labels_select(conn, {"ignore_negated": ignore_negated})
        plan = " ".join(r[3] for r in conn.execute(f"EXPLAIN QUERY PLAN {sql}", args))
        assert "document_gap_labels" in plan and "TEMP B-TREE" not in plan
    plan = " ".join(r[3] for r in conn.execute("EXPLAIN QUERY PLAN SELECT * FROM effective_annotations"))
    assert "annotations_document (document_id=?)" in plan


def _gap_pairs_from_annotations(conn):
    return sorted(tuple(r) for r in conn.execute(
        "SELECT document_id, layer, label, COUNT(*), SUM(negated = 0) FROM annotations "
        "WHERE layer IN ('ground', 'mechanism', 'setting') GROUP BY document_id, layer, label"))


def test_document_gap_labels_follow_every_write_of_annotations(tmp_path):
    """Inserted, re-tagged, updated by hand, deleted with their document: the per-document table
    always equals the annotations grouped (the triggers of migration 018)."""
    conn = connect(tmp_path / "db.sqlite")

    def table():
        return sorted(tuple(r) for r in conn.execute(
            "SELECT document_id, layer, label, n, n_plain FROM document_gap_labels"))

    text = "Racisme en moslimhaat in het wijkteam. Geen racisme, zegt de gemeente."
    with transaction(conn):
        docs = [conn.execute("INSERT INTO documents (doc_key, source, title, status, text, first_seen, updated_at) "
                             "VALUES (?, 'test', 't', 'extracted', ?, '2026-01-01', '2026-01-01')",
                             (f"d{i}", text)).lastrowid for i in range(2)]

    def rec(label, start, end, negated=False, layer="ground"):
        s0, s1 = (0, 38) if start < 38 else (39, len(text))
        return {"layer": layer, "label": label, "start": start, "end": end, "text": text[start:end],
                "sentence_start": s0, "sentence_end": s1, "sentence": text[s0:s1], "page": 1, "actor": [],
                "hedge": False, "negated": negated, "value": None, "source": "test", "confidence": 0.9}
    first = [rec("herkomst", 0, 7), rec("religie", 11, 20), rec("wijkteam", 28, 37, layer="setting"),
             rec("herkomst", 44, 51, negated=True), rec("recommendation", 60, 66, layer="recommendation")]
    for d in docs:
        tagging.save(conn, d, "sha", "tax", first, [])
    assert table() == _gap_pairs_from_annotations(conn)
    assert (docs[0], "ground", "herkomst", 2, 1) in table()
    tagging.save(conn, docs[0], "sha", "tax", [rec("herkomst", 44, 51, negated=True)], [])   # re-tagged
    assert table() == _gap_pairs_from_annotations(conn)
    assert (docs[0], "ground", "herkomst", 1, 0) in table()
    with transaction(conn):   # changed by hand: label, negation, layer
        conn.execute("UPDATE annotations SET negated = 0 WHERE document_id = ?", (docs[0],))
        conn.execute("UPDATE annotations SET label = 'leeftijd' WHERE document_id = ? AND label = 'religie'",
                     (docs[1],))
        conn.execute("UPDATE annotations SET layer = 'target_group' WHERE document_id = ? AND layer = 'setting'",
                     (docs[1],))
    assert table() == _gap_pairs_from_annotations(conn)
    with transaction(conn):
        conn.execute("DELETE FROM documents WHERE id = ?", (docs[1],))
    assert table() == _gap_pairs_from_annotations(conn) == [(docs[0], "ground", "herkomst", 1, 1)]


def test_gaps_package_holds_no_sql():
    from pathlib import Path
    import re
    folder = Path(analysis.__file__).parent
    for path in folder.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"\b(SELECT|INSERT|DELETE|UPDATE)\b\s", text.replace("SELECT DISTINCT document_id, layer, label "
                                                                                  "FROM effective_annotations", "")), path
        assert "conn.execute" not in text, path


def test_many_reviewed_documents_read_the_view_for_all_and_count_the_same(tmp_path, monkeypatch):
    from miner.store import gaps as store
    monkeypatch.setattr(store, "MAX_NAMED_REVIEWED", 0)
    cfg = _cfg(tmp_path)
    conn = connect(cfg.database)
    build_store(conn, 4)
    _, ref = reference_cells(conn, cfg["gaps"], False)
    result = gaps_stage.compute(cfg, conn)
    assert {(c.matrix, c.row, c.col): c.documents for c in result.cells} == {k: v["documents"] for k, v in ref.items()}


def test_labels_read_once_give_the_same_cells_and_leave_nothing_behind(tmp_path):
    from miner.store import gaps as store
    cfg = _cfg(tmp_path)
    conn = connect(cfg.database)
    build_store(conn, 5)
    docs = analysis.load_documents(conn, cfg["gaps"])
    plain = analysis.build_cells(conn, docs, cfg["gaps"])
    with store.read_once(conn, cfg["gaps"]):
        assert conn.execute("SELECT COUNT(*) FROM temp.gap_lab").fetchone()[0] > 0
        once = analysis.build_cells(conn, analysis.load_documents(conn, cfg["gaps"]), cfg["gaps"])
        # other settings inside the block are read afresh, not from the tables made for these
        wide = analysis.build_cells(conn, analysis.load_documents(conn, cfg["gaps"], True), cfg["gaps"], True)
    assert [c.__dict__ for c in wide] == [c.__dict__ for c in analysis.build_cells(
        conn, analysis.load_documents(conn, cfg["gaps"], True), cfg["gaps"], True)]
    assert [c.__dict__ for c in wide] != [c.__dict__ for c in plain]
    assert [c.__dict__ for c in once] == [c.__dict__ for c in plain]
    assert conn.execute("SELECT COUNT(*) FROM sqlite_temp_master").fetchone()[0] == 0
    # a read-only connection (the exports) reads the labels per query instead
    import sqlite3
    ro = sqlite3.connect(f"file:{cfg.database}?mode=ro", uri=True)
    ro.row_factory = sqlite3.Row
    ro.execute("PRAGMA query_only = ON")
    with store.read_once(ro, cfg["gaps"]):
        again = analysis.build_cells(ro, analysis.load_documents(ro, cfg["gaps"]), cfg["gaps"])
    assert [c.__dict__ for c in again] == [c.__dict__ for c in plain]
