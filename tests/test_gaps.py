import json

import pytest
from click.testing import CliRunner

from miner import config
from miner.gaps import analysis, stage as gaps_stage
from miner.store import connect
from tests.topics_corpus import add_document, annotate, evidence

SMALL = {"grounds": ["herkomst", "religie"], "mechanisms": ["training", "contact", "melden"],
         "settings": ["sport", "onderwijs"]}


def _cfg(tmp_path, **gaps):
    return config.from_dict({"store": {"database": "db.sqlite"}, "gaps": {**SMALL, **gaps}}, tmp_path)


def _doc(conn, key, labels, ev=None, doc_type="rapport", date="2021-03-01", negated=()):
    doc_id = add_document(conn, key, f"Tekst van {key}.", doc_type=doc_type, date=date, title=f"Titel {key}")
    for layer_label in labels:
        layer, label = layer_label.split(":")
        annotate(conn, doc_id, layer, label, negated=layer_label in negated)
    for e in ev or []:
        evidence(conn, doc_id, e)
    return doc_id


def known_corpus(conn):
    """Counts per cell (mechanism x ground) are known by construction:
    training x herkomst: 4 research incl. 1 effect study          -> not a gap
    contact  x herkomst: 3 research, no effect study              -> gap: no effect study
    training x religie : 1 research (interviews)                   -> gap: thin
    melden   x religie : only 3 Kamervragen                        -> gap: no research
    """
    for i in range(3):
        _doc(conn, f"th{i}", ["mechanism:training", "ground:herkomst", "setting:sport"], ["interviews"],
             date=f"{2012 + i * 4}-01-01")
    _doc(conn, "th-effect", ["mechanism:training", "ground:herkomst", "setting:onderwijs"], ["effectstudie"])
    for i in range(3):
        _doc(conn, f"ch{i}", ["mechanism:contact", "ground:herkomst"], ["literatuurstudie"])
    _doc(conn, "tr", ["mechanism:training", "ground:religie"], ["interviews"])
    for i in range(3):
        _doc(conn, f"kv{i}", ["mechanism:melden", "ground:religie"], doc_type="kamervraag", date="2023-02-01")
    # a negated mention does not put a document in a cell
    _doc(conn, "neg", ["mechanism:contact", "ground:religie"], ["effectstudie"], negated=("ground:religie",))


def _cell(result, matrix, row, col):
    return next(c for c in result.cells if c.matrix == matrix and c.row == row and c.col == col)


def test_gap_definition_on_known_counts(tmp_path):
    cfg = _cfg(tmp_path)
    conn = connect(cfg.database)
    known_corpus(conn)
    result = gaps_stage.compute(cfg, conn)
    mg = "mechanism x ground"
    ok = _cell(result, mg, "training", "herkomst")
    assert (len(ok.documents), ok.n_research, ok.n_effect, ok.is_gap) == (4, 4, 1, False)
    assert ok.by_evidence == {"effectstudie": 1, "interviews": 3}
    assert ok.by_period == {"2015-2019": 1, "2020+": 2, "<2015": 1}
    no_effect = _cell(result, mg, "contact", "herkomst")
    assert (no_effect.n_research, no_effect.gap_kind) == (3, "no_effect_study")
    thin = _cell(result, mg, "training", "religie")
    assert (thin.n_research, thin.gap_kind) == (1, "thin")
    assert thin.reason == "only 1 research document (fewer than 3)"
    kv = _cell(result, mg, "melden", "religie")
    assert (len(kv.documents), kv.n_research, kv.gap_kind) == (3, 0, "no_research")
    assert kv.by_evidence == {"kamervraag": 3}
    assert _cell(result, mg, "contact", "religie").documents == []
    # the definition changes the verdicts
    relaxed = gaps_stage.compute(_cfg(tmp_path, min_research_documents=1, require_effect_study=False), conn)
    assert not _cell(relaxed, mg, "training", "religie").is_gap
    assert not _cell(relaxed, mg, "contact", "herkomst").is_gap
    assert "fewer than 1 research documents" in relaxed.definition and "effect" not in relaxed.definition.split(".")[0]


def test_ranking_puts_the_striking_gap_first(tmp_path):
    cfg = _cfg(tmp_path)
    conn = connect(cfg.database)
    known_corpus(conn)
    result = gaps_stage.compute(cfg, conn)
    ranked = analysis.ranked_gaps([c for c in result.cells if c.matrix == "mechanism x ground"])
    # melden x religie: nothing expected from its row and column, but 3 Kamervragen ask -> 3.0;
    # contact x sport: contact has 4 research docs (incl. the negated-ground one), sport 3, of 9.
    assert (ranked[0].row, ranked[0].col, ranked[0].priority) == ("melden", "religie", 3.0)
    cs = _cell(result, "mechanism x setting", "contact", "sport")
    assert cs.expected_research == pytest.approx(4 * 3 / 9) and cs.priority == pytest.approx(4 * 3 / 9, abs=1e-4)
    assert [c.priority for c in ranked] == sorted((c.priority for c in ranked), reverse=True)


def test_cli_gaps_names_thin_cells_with_numbers_and_neighbours(workdir):
    from miner.cli import main
    (workdir / "config.toml").write_text(
        "[gaps]\n" + "".join(f"{k} = {json.dumps(v)}\n" for k, v in SMALL.items()) + "top = 30\n",
        encoding="utf-8")
    cfg = config.load(workdir / "config.toml")
    conn = connect(cfg.database)
    known_corpus(conn)
    res = CliRunner().invoke(main, ["gaps", "--matrix", "mechanism x ground"])
    assert res.exit_code == 0, res.output
    out = res.output
    assert out.startswith("Gap definition: A cell is a gap when it has fewer than 3 research documents")
    assert "mechanism 'training' x ground 'religie': only 1 research document (fewer than 3)." in out
    assert "mechanism 'melden' x ground 'religie': 3 documents (3 Kamervragen), no research." in out
    assert "mechanism 'melden' x ground 'herkomst': no documents at all." in out
    assert "mechanism 'contact' x ground 'herkomst': 3 research documents, but none is an effect study." in out
    assert "mechanism 'training' x ground 'herkomst'" not in out.split("Attention vs evidence")[0].replace(
        "[training x herkomst]", "")
    block = out.split("mechanism 'training' x ground 'religie'")[1].split("\n\n")[0]
    assert "Nearest evidence (same row or column)" in block and "Titel th-effect" in block
    assert "ground 'religie': 3 Kamervragen" in out
    stored = conn.execute("SELECT COUNT(*), SUM(is_gap), MIN(definition) FROM gaps").fetchone()
    assert stored[0] == 3 * 2 + 3 * 2 + 2 * 2 and stored[1] > 0 and stored[2].startswith("A cell is a gap")
    data = json.loads(CliRunner().invoke(main, ["gaps", "--json"]).output)
    cell = next(c for c in data["cells"] if c["row_label"] == "training" and c["col_label"] == "religie")
    assert cell["is_gap"] == 1 and cell["n_research"] == 1


def test_attention_vs_evidence_per_ground(tmp_path):
    cfg = _cfg(tmp_path)
    conn = connect(cfg.database)
    for i in range(4):
        _doc(conn, f"kv{i}", ["ground:religie"], doc_type="kamervraag")
    _doc(conn, "kv-h", ["ground:herkomst"], doc_type="antwoord")
    for i in range(5):
        _doc(conn, f"r{i}", ["ground:herkomst"], ["literatuurstudie"])
    _doc(conn, "r-rel", ["ground:religie"], ["enquete"])
    # linked from the kamervragen table: counts as a Kamervraag whatever its doc_type
    linked = _doc(conn, "linked", ["ground:religie"], doc_type=None)
    conn.execute("INSERT INTO kamervragen (zaak_nummer, question_document_id) VALUES ('2024Z00001', ?)", (linked,))
    result = gaps_stage.compute(cfg, conn)
    att = {a.key: a for a in result.attention if a.kind == "ground"}
    rel, her = att["religie"], att["herkomst"]
    assert (rel.n_kamervragen, rel.n_research) == (5, 1)
    assert rel.kamervragen_share == pytest.approx(5 / 6, abs=1e-4) and rel.research_share == pytest.approx(1 / 6, abs=1e-4)
    assert rel.ratio == pytest.approx(5.0, abs=1e-3) and rel.outruns_research
    assert not her.outruns_research
    assert result.attention[0].key == "religie"          # outrunning first
    gaps_stage.store(conn, result)
    row = conn.execute("SELECT * FROM attention WHERE kind = 'ground' AND key = 'religie'").fetchone()
    assert row["outruns_research"] == 1 and row["definition"].startswith("Attention outruns research")


def test_attention_per_topic_uses_clear_main_topics(tmp_path):
    cfg = _cfg(tmp_path)
    conn = connect(cfg.database)
    kvs = [_doc(conn, f"kv{i}", ["ground:religie"], doc_type="kamervraag") for i in range(3)]
    res = [_doc(conn, f"r{i}", ["ground:herkomst"], ["interviews"]) for i in range(6)]
    conn.execute("INSERT INTO topic_models (id, created_at, method, n_topics) VALUES (1, 'now', 'nmf', 2)")
    conn.execute("INSERT INTO topics (id, model_id, top_terms, label) VALUES (7, 1, '[]', 'moskee'), "
                 "(8, 1, '[]', 'school')")
    for d in kvs:
        conn.execute("INSERT INTO document_topics VALUES (?, 7, 0.9, 1)", (d,))
    for d in res:
        conn.execute("INSERT INTO document_topics VALUES (?, 8, 0.9, 1)", (d,))
    conn.execute("INSERT INTO document_topics VALUES (?, 7, 0.9, 1)", (res[0],))
    result = gaps_stage.compute(cfg, conn)
    att = {a.key: a for a in result.attention if a.kind == "topic"}
    assert att["7"].outruns_research and att["7"].label == "moskee" and att["7"].n_research == 1
    assert not att["8"].outruns_research


def test_periods():
    assert analysis.period_of(2014, [2015, 2020]) == "<2015"
    assert analysis.period_of(2015, [2015, 2020]) == "2015-2019"
    assert analysis.period_of(2024, [2015, 2020]) == "2020+"
    assert analysis.period_of(None, [2015]) == "onbekend"


def test_bad_period_bounds_are_a_config_error(tmp_path):
    with pytest.raises(config.ConfigError, match="gaps.period_bounds"):
        config.from_dict({"gaps": {"period_bounds": [2020, 2015]}}, tmp_path)


def test_gaps_stage_is_idempotent_and_empty_store_is_fine(tmp_path):
    cfg = _cfg(tmp_path)
    conn = connect(cfg.database)
    assert gaps_stage.run(cfg, conn, progress=False)["gaps"] == 3 * 2 + 3 * 2 + 2 * 2   # all empty -> all gaps
    known_corpus(conn)
    first = gaps_stage.run(cfg, conn, progress=False)
    snap = lambda: conn.execute("SELECT matrix, row_label, col_label, n_documents, n_research, n_effect, "  # noqa: E731
                                "by_evidence, by_period, document_ids, is_gap, reason FROM gaps ORDER BY id").fetchall()
    before = [tuple(r) for r in snap()]
    assert gaps_stage.run(cfg, conn, progress=False) == first
    assert [tuple(r) for r in snap()] == before


def test_cli_gaps_on_empty_store(workdir):
    from miner.cli import main
    res = CliRunner().invoke(main, ["gaps"])
    assert res.exit_code == 0 and "No documents with ground, mechanism or setting annotations" in res.output


def test_refresh_stages_topics_then_gaps_twice_change_nothing(tmp_path):
    from miner.pipeline.stages import POST_EXTRACTION_STAGES, resolve
    from tests.topics_corpus import synthetic_store
    cfg = config.from_dict({"store": {"database": "db.sqlite"}, "gaps": SMALL,
                            "topics": {"n_topics_min": 4, "n_topics_max": 8, "n_topics_step": 4,
                                       "min_documents": 10}}, tmp_path)
    conn = synthetic_store(cfg.database, 60)
    for i, (doc_id,) in enumerate(conn.execute("SELECT id FROM documents ORDER BY id").fetchall()):
        annotate(conn, doc_id, "ground", "religie" if i % 3 else "herkomst")
        annotate(conn, doc_id, "mechanism", "training")
        if i < 10:
            conn.execute("UPDATE documents SET doc_type = 'kamervraag' WHERE id = ?", (doc_id,))
    stages = {name: resolve(spec) for name, spec in POST_EXTRACTION_STAGES if name in ("topics", "gaps")}

    def refresh():
        return {name: fn(cfg, conn, progress=False) for name, fn in stages.items()}

    first = refresh()
    assert first["topics"]["status"] == "fitted" and first["gaps"]["documents"] == 60
    tables = lambda: [conn.execute(q).fetchall() for q in (  # noqa: E731
        "SELECT id, model_id, top_terms, label FROM topics ORDER BY id",
        "SELECT * FROM document_topics ORDER BY document_id, topic_id",
        "SELECT matrix, row_label, col_label, n_documents, n_research, is_gap, reason FROM gaps ORDER BY id",
        "SELECT kind, key, n_kamervragen, n_research, ratio, outruns_research FROM attention ORDER BY id")]
    before = [[tuple(r) for r in t] for t in tables()]
    second = refresh()
    assert second["topics"]["status"] == "unchanged" and second["gaps"] == first["gaps"]
    assert [[tuple(r) for r in t] for t in tables()] == before
    assert conn.execute("SELECT COUNT(*) FROM attention WHERE kind = 'topic'").fetchone()[0] > 0
