"""A researcher's flow, as a new user would do it: add documents, tag them, export a review sheet
of 20 sentences, fill it in (openpyxl, as a spreadsheet program would), import it, re-tag with
`tag --all`: the effective labels, the gap map and the exports follow every decision.
Plus: two reviewers' kappa equals scikit-learn's, a killed import leaves nothing half-written,
and the reviewed sentences come back as training examples."""
from __future__ import annotations

import csv
import json
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

import dbfixture
from dbfixture import run_cli
from tests.test_tag_support import blank_dir  # noqa: F401  (fixture)

ROOT = Path(__file__).resolve().parent.parent

# Own text, in the structure of a short report.
DOC_A = """Discriminatie in de wijk

Bewoners met een migratieachtergrond ervaren discriminatie bij de woningzoektocht.
Moslims worden in buurthuizen soms buitengesloten vanwege hun geloof.
Een training over vooroordelen hielp sociaal werkers om racisme te herkennen.
Ontmoeting tussen oude en nieuwe bewoners verminderde vooroordelen over afkomst.
Vrouwen met een hoofddoek worden vaker gediscrimineerd bij sollicitaties.
Gemeenten moeten het melden van discriminatie eenvoudiger maken.
Het meldpunt discriminatie registreerde meer meldingen over afkomst.
Ouderen voelen zich uitgesloten door leeftijdsdiscriminatie in de sport.
Een dialoog tussen jongeren en ouderen maakte stereotypen over leeftijd bespreekbaar.
Mensen met een beperking worden gediscrimineerd bij vrijwilligerswerk.
Het onderzoek liep van januari tot en met juni in drie wijken van de stad.
"""
DOC_B = """Uitsluiting en inclusie in het sociaal werk

Homoseksuele jongeren ervaren discriminatie op school en in de sportclub.
Transgender personen worden in de zorg vaak gediscrimineerd.
Sociaal werkers moeten discriminatie van lhbti-jongeren bespreekbaar maken.
Samenwerking tussen de antidiscriminatievoorziening en het wijkteam verbeterde de aanpak van racisme.
Bewustwording van vooroordelen over religie is volgens professionals nodig.
Mensen met een laag inkomen worden buitengesloten door armoede en discriminatie.
De gemeente moet investeren in trainingen tegen discriminatie op grond van afkomst.
Contact tussen buurtbewoners van verschillende herkomst vermindert racisme.
Vrijwilligers met een migratieachtergrond ervaren uitsluiting bij verenigingen.
Handhaving van het discriminatieverbod bij uitzendbureaus blijft achter.
Empathie voor slachtoffers van moslimdiscriminatie groeit door persoonlijke verhalen.
Vrouwen worden gediscrimineerd bij promoties vanwege hun geslacht.
"""


@pytest.fixture
def project(tmp_path, blank_dir, monkeypatch):
    (tmp_path / "config.toml").write_text(
        f'[extract]\nworkers = 1\n[nlp]\npipeline = "{blank_dir}"\n[review]\ntrain_weight = 3.0\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("MINER_CONFIG", raising=False)
    return tmp_path


def _sheet_rows(path):
    ws = load_workbook(path)["review"]
    rows = list(ws.iter_rows(values_only=True))
    return [dict(zip(rows[0], r)) for r in rows[1:]]


def _fill(path, fills: dict[int, dict]):
    wb = load_workbook(path)
    ws = wb["review"]
    header = [c.value for c in ws[1]]
    for rowno, cells in fills.items():
        for name, value in cells.items():
            ws.cell(row=rowno, column=header.index(name) + 1, value=value)
    wb.save(path)


def _map_cells(db):
    from miner import config
    from miner.export import i18n
    from miner.export.gapmap import build_data
    cfg = config.load(db.parent.parent / "config.toml")
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    data = build_data(conn, cfg["gaps"], i18n.load(cfg), include_irrelevant=True)
    conn.close()
    cells = {}
    for d in data["docs"]:
        for m in d["codes"].get("mechanism", {}):
            for g in d["codes"].get("ground", {}):
                cells[(m, g)] = cells.get((m, g), 0) + 1
    return cells


@pytest.mark.slow
def test_researcher_flow_sheet_retag_gapmap_exports(project):
    (project / "docs").mkdir()
    (project / "docs" / "wijk.txt").write_text(DOC_A, encoding="utf-8")
    (project / "docs" / "sociaalwerk.txt").write_text(DOC_B, encoding="utf-8")
    assert run_cli("add", "docs").exit_code == 0
    r = run_cli("tag", "--all")
    assert r.exit_code == 0, r.output
    db = project / "corpora" / "miner.sqlite"
    before_cells = _map_cells(db)

    sheet = project / "review.xlsx"
    r = run_cli("review", "export", "-o", str(sheet), "-n", "20")
    assert r.exit_code == 0 and "20 sentence(s)" in r.output, r.output
    rows = _sheet_rows(sheet)
    assert len(rows) == 20

    def row(prefix):
        return next(i for i, x in enumerate(rows, 2) if x["sentence"].startswith(prefix))

    def model(prefix, layer):
        cell = rows[row(prefix) - 2][f"model_{layer}"] or ""
        return [x.strip() for x in cell.split(",") if x.strip()]

    # what the researcher decides, row by row; every other row: the model is right
    samen, hoofddoek, bewust = "Samenwerking tussen", "Vrouwen met een hoofddoek", "Bewustwording van"
    assert "melden" in model(samen, "mechanism") and "herkomst" in model(samen, "ground")
    assert model(hoofddoek, "mechanism") == [] and model(bewust, "recommendation")[0].startswith("ja")
    fills = {i: {"decision": "accept"} for i in range(2, 22)}
    fills[row(samen)] = {"decision": "correct", "ground_1": "herkomst", "mechanism_1": "samenwerking"}  # melden wrong
    fills[row(hoofddoek)] = {"decision": "accept", "mechanism_1": "handhaving"}                        # model missed
    fills[row(bewust)] = {"decision": "correct", "ground_1": "religie", "mechanism_1": "bewustwording",
                          "recommendation": "nee"}                                                    # no advice
    _fill(sheet, fills)
    r = run_cli("review", "import", str(sheet), "--reviewer", "Fatima")
    assert r.exit_code == 0, r.output
    assert "20 imported" in r.output and "0 bad" in r.output

    def effective(prefix):
        conn = sqlite3.connect(db)
        out = {(l, lab, o, rv) for l, lab, o, rv in conn.execute(
            "SELECT layer, label, origin, reviewer FROM effective_annotations WHERE sentence LIKE ? "
            "AND layer IN ('ground', 'mechanism', 'recommendation')", (prefix + "%",))}
        conn.close()
        return out

    def check():
        assert effective(samen) == {("ground", "herkomst", "reviewed", "Fatima"),
                                    ("mechanism", "samenwerking", "reviewed", "Fatima")}
        assert ("mechanism", "handhaving", "reviewed", "Fatima") in effective(hoofddoek)
        assert effective(bewust) == {("ground", "religie", "reviewed", "Fatima"),
                                     ("mechanism", "bewustwording", "reviewed", "Fatima")}
        # every reviewed sentence: all its labels reviewed, none left as the model's
        conn = sqlite3.connect(db)
        reviewed_sentences = {r[0] for r in conn.execute("SELECT DISTINCT sentence FROM reviews")}
        assert len(reviewed_sentences) == 20
        origins = conn.execute(
            "SELECT DISTINCT origin FROM effective_annotations WHERE sentence IN (SELECT sentence FROM reviews) "
            "AND layer IN ('ground', 'mechanism', 'recommendation')").fetchall()
        conn.close()
        assert origins == [("reviewed",)]

    check()
    # re-tag everything: the annotations are new rows, the decisions still hold
    conn = sqlite3.connect(db)
    ids_before = {r[0] for r in conn.execute("SELECT id FROM annotations")}
    conn.close()
    r = run_cli("tag", "--all")
    assert r.exit_code == 0 and "re-tagged 2 document(s)" in r.output
    conn = sqlite3.connect(db)
    conn.execute("DELETE FROM annotations WHERE id IN (SELECT MIN(id) FROM annotations)")  # ids move on
    conn.commit()
    conn.close()
    r = run_cli("tag", "--all")
    assert r.exit_code == 0
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT COUNT(*) FROM annotations").fetchone()[0] == len(ids_before)
    conn.close()
    check()

    # the gap map counts follow: doc B leaves (melden x herkomst), doc A enters (handhaving x religie)
    after_cells = _map_cells(db)
    assert after_cells.get(("melden", "herkomst"), 0) == before_cells[("melden", "herkomst")] - 1
    assert after_cells.get(("handhaving", "religie"), 0) == before_cells.get(("handhaving", "religie"), 0) + 1
    assert after_cells.get(("samenwerking", "herkomst"), 0) == before_cells.get(("samenwerking", "herkomst"), 0)
    # and `miner gaps` counts from the effective labels too
    r = run_cli("gaps", "--json")
    assert r.exit_code == 0, r.output

    # the exports mark reviewed labels and who reviewed them
    assert run_cli("export", "all").exit_code == 0
    out = project / "outputs"
    tidy = list(csv.DictReader(open(next(out.glob("*.csv")), encoding="utf-8-sig"), delimiter=";"))
    rv = {(t["layer"], t["code"], t["quote"][:20]) for t in tidy if t["origin"] == "reviewed" and t["reviewer"] == "Fatima"}
    assert ("mechanism", "handhaving", hoofddoek[:20]) in rv
    assert not any(t["code"] == "melden" and t["quote"].startswith(samen) for t in tidy)
    eppi = json.loads(next(out.glob("*eppi*.json")).read_text(encoding="utf-8"))
    assert "origin: reviewed; reviewer: Fatima" in json.dumps(eppi)
    report = next(p for p in out.glob("*.html") if "report" in p.name).read_text(encoding="utf-8")
    assert "beoordeeld door Fatima" in report     # export.language = "nl" (the default)

    # learning from reviews: 20 sentences in the training format, weighted as configured
    from miner import config
    from miner.review import training_examples
    cfg = config.load(project / "config.toml")
    ex = training_examples(cfg)
    assert len(ex) == 20
    by_text = {e["text"]: e for e in ex}
    samen_ex = next(e for t, e in by_text.items() if t.startswith(samen))
    assert samen_ex["ground"] == ["herkomst"] and samen_ex["mechanism"] == ["samenwerking"]
    assert samen_ex["recommendation"] is False and samen_ex["weight"] == 3.0
    assert next(e for t, e in by_text.items() if t.startswith(bewust))["recommendation"] is False
    assert "handhaving" in next(e for t, e in by_text.items() if t.startswith(hoofddoek))["mechanism"]
    assert set(samen_ex) == {"id", "text", "ground", "mechanism", "recommendation", "actor", "weight"}

    r = run_cli("review", "stats")
    assert r.exit_code == 0 and "Fatima" in r.output and "mechanism" in r.output

    # the random queue also holds sentences the model found nothing in, and none Fatima reviewed
    rest = project / "rest.xlsx"
    assert run_cli("review", "export", "-o", str(rest), "-n", "0", "--queue", "random",
                   "--reviewer", "Fatima").exit_code == 0
    texts = [x["sentence"] for x in _sheet_rows(rest)]
    assert "Het onderzoek liep van januari tot en met juni in drie wijken van de stad." in texts
    assert not set(texts) & {e["text"] for e in ex}


# -- two reviewers: kappa ------------------------------------------------------------------------

def test_two_reviewers_kappa_equals_scikit_learn(workdir):
    from sklearn.metrics import cohen_kappa_score
    dbfixture.build(workdir / "corpora" / "miner.sqlite")
    sheets = {}
    for name in ("anna", "bram"):
        sheets[name] = workdir / f"{name}.xlsx"
        assert run_cli("review", "export", "-o", str(sheets[name]), "-n", "0", "--queue", "random").exit_code == 0
    rows = _sheet_rows(sheets["anna"])
    assert rows == _sheet_rows(sheets["bram"])
    grounds = ["religie", "herkomst", "leeftijd"]
    # Anna keeps the model's grounds; Bram swaps religie and herkomst on every third sentence
    fill_a, fill_b, truth_a, truth_b = {}, {}, [], []
    for i, r in enumerate(rows):
        model = [x.strip() for x in (r["model_ground"] or "").split(",") if x.strip()]
        mine_a = model
        mine_b = [{"religie": "herkomst", "herkomst": "religie"}.get(g, g) for g in model] if i % 3 == 0 else model
        if i % 5 == 4:
            mine_b = []
        fill_a[i + 2] = {"decision": "correct", **{f"ground_{k + 1}": g for k, g in enumerate(mine_a)},
                         "mechanism_1": "training" if i % 2 else None}
        fill_b[i + 2] = {"decision": "correct", **{f"ground_{k + 1}": g for k, g in enumerate(mine_b)},
                         "mechanism_1": "training" if i % 4 == 1 else None}
        truth_a.append(({("ground", g) for g in mine_a} | ({("mechanism", "training")} if i % 2 else set())))
        truth_b.append(({("ground", g) for g in mine_b} | ({("mechanism", "training")} if i % 4 == 1 else set())))
    _fill(sheets["anna"], fill_a)
    _fill(sheets["bram"], fill_b)
    assert run_cli("review", "import", str(sheets["anna"]), "--reviewer", "anna").exit_code == 0
    assert run_cli("review", "import", str(sheets["bram"]), "--reviewer", "bram").exit_code == 0

    r = run_cli("review", "agreement", "anna", "bram", "--json", "-o", str(workdir / "dis.csv"))
    assert r.exit_code == 0, r.output
    res = json.loads(r.stdout)
    assert res["sentences"] == len(rows)
    for label in grounds + ["training"]:
        layer = "mechanism" if label == "training" else "ground"
        ya = [int((layer, label) in t) for t in truth_a]
        yb = [int((layer, label) in t) for t in truth_b]
        got = next(x for x in res["labels"] if x["label"] == label)
        assert got["kappa"] == pytest.approx(cohen_kappa_score(ya, yb))
        assert got["agreement"] == pytest.approx(sum(a == b for a, b in zip(ya, yb)) / len(ya))
    # per layer: every label of the layer pooled
    from miner import config
    from miner.review.core import Taxonomy
    tx = Taxonomy(config.load(workdir / "config.toml"))
    ya = [int(("ground", g) in t) for g in tx.labels["ground"] for t in truth_a]
    yb = [int(("ground", g) in t) for g in tx.labels["ground"] for t in truth_b]
    assert res["layers"]["ground"]["kappa"] == pytest.approx(cohen_kappa_score(ya, yb))
    n_dis = sum(a != b for a, b in zip(ya, yb))
    dis = list(csv.DictReader(open(workdir / "dis.csv", encoding="utf-8")))
    assert sum(d["layer"] == "ground" for d in dis) == n_dis > 0
    r = run_cli("review", "agreement")  # the only two reviewers
    assert r.exit_code == 0 and "anna vs bram" in r.output and "disagreement(s)" in r.output
    r = run_cli("review", "agreement", "anna", "carla")
    assert r.exit_code == 2 and "no reviews by 'carla'" in r.output


# -- a killed import ---------------------------------------------------------------------------

KILLER = """
import os, signal, sys
from miner.store import reviews
real = reviews.record
def record(conn, rows):
    n = {"i": 0}
    class Killing:
        def __init__(self, c): self.c = c
        def execute(self, sql, *a):
            if sql.startswith("INSERT INTO reviews"):
                n["i"] += 1
                if n["i"] == 3:
                    os.kill(os.getpid(), signal.SIGKILL)   # in the middle of the transaction
            return self.c.execute(sql, *a)
    return real(Killing(conn), rows)
reviews.record = record
import miner.review.sheet as sheet
sheet.store.record = record
from miner.cli import main
sys.argv = ["miner"] + sys.argv[1:]
main()
"""


def test_killed_import_leaves_no_half_written_decision(workdir):
    db = workdir / "corpora" / "miner.sqlite"
    dbfixture.build(db)
    sheet = workdir / "s.xlsx"
    assert run_cli("review", "export", "-o", str(sheet), "-n", "0").exit_code == 0
    _fill(sheet, {i: {"decision": "accept"} for i in range(2, 16)})
    env = dict(os.environ, PYTHONPATH=f"{ROOT}{os.pathsep}{ROOT / 'tests'}")
    p = subprocess.run([sys.executable, "-c", KILLER, "review", "import", str(sheet), "--reviewer", "anna"],
                       cwd=workdir, env=env, capture_output=True, timeout=120)
    assert p.returncode == -signal.SIGKILL, p.stderr.decode()
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT COUNT(*) FROM reviews").fetchone()[0] == 0
    conn.close()
    r = run_cli("review", "import", str(sheet), "--reviewer", "anna")
    assert r.exit_code == 0 and "14 imported" in r.output
    conn = sqlite3.connect(db)
    n = conn.execute("SELECT COUNT(*) FROM reviews").fetchone()[0]
    conn.close()
    assert n > 14
