"""`miner export …`: gap map data, EPPI JSON, tidy CSV/XLSX, RIS, report; all escaped and parseable."""
import csv
import json
import re
import sqlite3

import pytest
import rispy
from openpyxl import load_workbook

import dbfixture
from dbfixture import run_cli


@pytest.fixture
def project(workdir):
    ids = dbfixture.build(workdir / "corpora" / "miner.sqlite")
    return workdir, ids


def _db(workdir):
    conn = sqlite3.connect(workdir / "corpora" / "miner.sqlite")
    conn.row_factory = sqlite3.Row
    return conn


def test_export_all_writes_only_into_outputs(project):
    workdir, _ = project
    before = {p for p in workdir.rglob("*") if p.is_file() and "outputs" not in p.parts}
    r = run_cli("export", "all")
    assert r.exit_code == 0, r.output
    names = sorted(p.name for p in (workdir / "outputs").iterdir())
    plots = [f"{p}.{ext}" for p in ("documents-per-year-ground", "documents-per-year-mechanism",
                                     "evidence-per-ground", "topics-over-time") for ext in ("png", "svg")]
    assert names == sorted(["corpus.ris", "eppi-evidence.json", "evidence-gap-map.html", "evidence-gap-map.png",
                            "evidence-gap-map.svg", "evidence-report-ground.html", "evidence-table.csv",
                            "evidence-table.xlsx"] + plots)
    after = {p for p in workdir.rglob("*") if p.is_file() and "outputs" not in p.parts}
    assert {p for p in after - before if not p.name.endswith(("-shm", "-wal"))} == set()
    assert "map: 6 coded documents; mechanism x ground: 120 cells" in r.stdout


def test_explicit_output_path_is_honoured(project, tmp_path):
    target = tmp_path / "elders" / "kaart.html"
    r = run_cli("export", "map", "--no-static", "-o", str(target))
    assert r.exit_code == 0 and target.exists() and not (target.with_suffix(".png")).exists()


def test_generated_names_are_sanitised(cfg):
    from miner.export.paths import output_file, safe_name
    assert safe_name("../../etc/passwd") == "etc_passwd"
    assert safe_name("rapport ëëë <script>.html") == "rapport_eee_script_.html"
    p = output_file(cfg, "../../evil name.html")
    assert p.parent == (cfg.root / "outputs").resolve() and p.name == "evil_name.html"


def test_eppi_json_codes_and_quotes_match_the_database(project):
    workdir, ids = project
    assert run_cli("export", "eppi").exit_code == 0
    data = json.loads((workdir / "outputs" / "eppi-evidence.json").read_text(encoding="utf-8"))
    attrs = {a["AttributeId"]: a["ExtType"].removeprefix("miner:")
             for s in data["CodeSets"] for a in s["Attributes"]["AttributesList"]}
    assert {s["SetName"] for s in data["CodeSets"]} >= {"Discriminatiegronden", "Werkzame mechanismen", "Type bewijs"}
    assert len(attrs) == sum(len(s["Attributes"]["AttributesList"]) for s in data["CodeSets"])  # ids unique
    exported = set()
    evidence = set()
    for ref in data["References"]:
        for code in ref["Codes"]:
            layer, label = attrs[code["AttributeId"]].split(":")
            if layer == "evidence_type":
                evidence.add((ref["ItemId"], label))
            for d in code["ItemAttributeFullTextDetails"]:
                exported.add((ref["ItemId"], layer, label, d["Text"]))
                # Text is exactly the span TextFrom..TextTo of the document text
                doc_text = _db(workdir).execute("SELECT text FROM documents WHERE id = ?", (ref["ItemId"],)).fetchone()[0]
                assert doc_text[d["TextFrom"]:d["TextTo"]] == d["Text"]
    conn = _db(workdir)
    expected = {(r["document_id"], r["layer"], r["label"], r["sentence"]) for r in conn.execute(
        "SELECT document_id, layer, label, sentence FROM annotation_evidence"
        " WHERE layer IN ('ground', 'mechanism', 'setting', 'target_group')")}
    expected |= {(r["document_id"], "recommendation_actor", r["actor"], r["sentence"])
                 for r in conn.execute("SELECT r.document_id, r.actor, r.sentence FROM recommendations r")}
    assert exported == expected
    assert evidence == {(r[0], r[1]) for r in conn.execute(
        "SELECT document_id, label FROM document_labels WHERE layer = 'evidence_type'")}
    titles = {ref["ItemId"]: ref["Title"] for ref in data["References"]}
    assert titles[ids["doc:hostile"]] == dbfixture.HOSTILE_TITLE


def test_tidy_csv_and_xlsx_have_identical_rows(project):
    workdir, _ = project
    assert run_cli("export", "tables").exit_code == 0
    with open(workdir / "outputs" / "evidence-table.csv", encoding="utf-8-sig", newline="") as fh:
        csv_rows = list(csv.reader(fh, delimiter=";"))   # default dialect excel-nl
    ws = load_workbook(workdir / "outputs" / "evidence-table.xlsx")["evidence"]
    xlsx_rows = [["" if v is None else str(v) for v in row] for row in ws.iter_rows(values_only=True)]
    assert csv_rows == xlsx_rows
    assert csv_rows[0][:4] == ["document_id", "title", "year", "source"]
    n_quotes = _db(workdir).execute(
        "SELECT (SELECT COUNT(*) FROM annotations WHERE layer IN ('ground','mechanism','setting','target_group'))"
        " + (SELECT COUNT(*) FROM recommendations) + (SELECT COUNT(*) FROM document_labels)").fetchone()[0]
    assert len(csv_rows) - 1 == n_quotes
    page_col = csv_rows[0].index("page")
    assert {r[page_col] for r in csv_rows[1:] if r[csv_rows[0].index("code")] == "religie"} == {"1", "2"}


def test_spreadsheet_cells_never_become_formulas(tmp_path):
    from openpyxl.cell.cell import TYPE_STRING
    from miner.export.evidence import Document, Quote
    from miner.export.tables import tidy_rows, write_tidy
    doc = Document(id=1, title='=HYPERLINK("http://evil","klik")', url=None, date=None, year=None, source="web",
                   doc_type=None, authors=[], evidence_types=[],
                   codes={("ground", "herkomst"): [Quote("-1 racisme\x07", 1, "racisme", 3, 10, 0, 7, 1)]})
    rows = tidy_rows([doc])
    assert rows[0][1].startswith("'=") and rows[0][9] == "'-1 racisme "
    write_tidy([doc], tmp_path / "t.csv", tmp_path / "t.xlsx")
    ws = load_workbook(tmp_path / "t.xlsx").active
    assert ws["B2"].data_type == TYPE_STRING and ws["B2"].value.startswith("'=")


def test_ris_imports_with_rispy(project):
    workdir, ids = project
    assert run_cli("export", "ris").exit_code == 0
    with open(workdir / "outputs" / "corpus.ris", encoding="utf-8") as fh:
        entries = rispy.load(fh)
    assert len(entries) == 6
    by_title = {e["title"]: e for e in entries}
    moslim = by_title["Moslimdiscriminatie in de sociale basis"]
    assert moslim["type_of_reference"] == "RPRT" and moslim["year"] == "2021"
    assert moslim["authors"] == ["Jansen, A.", "El Amrani, S."]
    assert moslim["urls"] == ["https://example.org/moslim.pdf"]
    assert set(moslim["keywords"]) == {"ground:religie", "mechanism:training", "mechanism:melden", "setting:wijkteam",
                                       "recommendation_actor:gemeente", "evidence_type:interviews",
                                       "evidence_type:casestudy"}
    assert moslim["abstract"].startswith("Moslimdiscriminatie komt ook voor")
    assert dbfixture.HOSTILE_TITLE in by_title


def test_ris_keeps_newlines_in_crawled_text_from_forging_records():
    from miner.export.evidence import Document
    from miner.export.tables import ris
    doc = Document(id=9, title="Titel\nER  - \nTY  - JOUR\nTI  - Vals", url=None, date="2020-01-01", year=2020,
                   source="web", doc_type=None, authors=[], evidence_types=[])
    entries = rispy.loads(ris([doc]))
    assert len(entries) == 1 and entries[0]["title"] == "Titel ER - TY - JOUR TI - Vals"


def test_html_exports_escape_hostile_text(project):
    workdir, ids = project
    assert run_cli("export", "map", "--no-static").exit_code == 0
    assert run_cli("export", "report", "--by", "mechanism").exit_code == 0
    page = (workdir / "outputs" / "evidence-gap-map.html").read_text(encoding="utf-8")
    # Only our own two script elements; the data block holds no '<' at all.
    assert len(re.findall(r"<script", page)) == 2
    block = re.search(r'<script type="application/json" id="map-data">(.*?)</script>', page, re.S).group(1)
    assert "<" not in block and ">" not in block
    data = json.loads(block)
    hostile = next(d for d in data["docs"] if d["id"] == ids["doc:hostile"])
    assert hostile["title"] == dbfixture.HOSTILE_TITLE and hostile["url"] is None
    assert "Content-Security-Policy" in page and "'sha256-" in page
    report = (workdir / "outputs" / "evidence-report-mechanism.html").read_text(encoding="utf-8")
    assert "<script" not in report and "<img" not in report and "javascript:" not in report.split("</style>")[1].replace(
        "javascript:window.__pwned=1", "")
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;Rapport" in report
    assert 'href="javascript' not in report
    assert "<mark>training voor vrijwilligers</mark>" in report and "p. 1" in report


def test_map_counts_and_gaps_equal_miner_gaps(project):
    """The map counts the documents and applies the rule `miner gaps` does (one definition)."""
    workdir, _ = project
    from miner import config
    from miner.export import gapmap, i18n
    from miner.export.readonly import ReadOnlyDatabase
    from miner.gaps.stage import compute
    cfg = config.load(workdir / "config.toml")
    db = ReadOnlyDatabase(workdir / "corpora" / "miner.sqlite")
    data = gapmap.build_data(db.conn, cfg["gaps"], i18n.load(cfg))
    result = compute(cfg, db.conn)
    view = {(r[0], r[1], r[2]): r[3] for r in db.conn.execute(
        "SELECT matrix, row_label, col_label, n_documents FROM evidence_matrix")}
    db.close()
    for col in ("ground", "setting"):
        counted = {}
        for d in data["docs"]:
            for m in d["codes"].get("mechanism", {}):
                for c in d["codes"].get(col, {}):
                    counted[(f"mechanism x {col}", m, c)] = counted.get((f"mechanism x {col}", m, c), 0) + 1
        assert counted == {k: v for k, v in view.items() if k[0] == f"mechanism x {col}"}
        cli = {f"{c.row}|{c.col}": (c.is_gap, c.gap_kind) for c in result.cells if c.matrix == f"mechanism x {col}"}
        page = {k: (g["gap"], g["kind"]) for k, g in data["gaps"][f"mechanism x {col}"].items()}
        assert page == cli
    cells = data["gaps"]["mechanism x ground"]
    assert cells["melden|religie"]["kind"] == "thin"          # 1 research document + 2 Kamervragen
    assert cells["handhaving|overig"] == {"gap": True, "kind": "empty", "n": 0}
    assert data["gapRule"] == {"minResearch": 3, "requireEffect": True}


def test_static_map_png_and_svg(project):
    workdir, _ = project
    r = run_cli("export", "map", "--columns", "setting")
    assert r.exit_code == 0
    assert (workdir / "outputs" / "evidence-gap-map.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    svg = (workdir / "outputs" / "evidence-gap-map.svg").read_text(encoding="utf-8")
    assert "<svg" in svg and "werkzaam mechanisme × setting" in svg
    assert "mechanism x setting" in r.stdout


def test_export_without_database_is_one_line(workdir):
    r = run_cli("export", "map")
    assert r.exit_code == 2 and "no database" in r.stderr
