"""Issue 14: outputs a researcher can hand in — metadata of local files, duplicates merged,
`miner add` leaves tagged documents and current gaps, exports other tools read."""
import json
import sqlite3

import pandas as pd
import pytest
import rispy
from click.testing import CliRunner
from fpdf import FPDF
from openpyxl import load_workbook

import dbfixture
import pdfgen
from dbfixture import run_cli
from miner.cli import main
from miner.extract import metadata as M

TITLE = "Drempels in de wijk: discriminatie in de sociale basis"


def report_pdf(account_author: str = "Microsoft Office User") -> bytes:
    """A report as government PDFs come: a cover with the title in a large font, a colophon with
    authors and a year, body text, and PDF metadata with a software title and an account name."""
    pdf = FPDF()
    pdf.set_title("Microsoft Word - eindrapport_def_v3.docx")
    pdf.set_author(account_author)
    pdf.set_creation_date(__import__("datetime").datetime(2024, 1, 9, tzinfo=__import__("datetime").timezone.utc))
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 26)
    pdf.multi_cell(0, 12, TITLE, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 12)
    pdf.ln(10)
    pdf.multi_cell(0, 7, "Een verkenning in vier gemeenten", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(60)
    pdf.multi_cell(0, 7, "Maart 2022", new_x="LMARGIN", new_y="NEXT")
    pdf.add_page()
    pdf.set_font("Helvetica", "", 10)
    for line in ("Colofon", "Auteurs: Anna de Vries en Pieter Bakker", "In opdracht van: Movisie",
                 "Jaar van uitgave: 2022"):
        pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    pdf.add_page()
    for kind, text in pdfgen.PARAGRAPHS:
        pdf.set_font("Helvetica", "B" if kind == "heading" else "", 12 if kind == "heading" else 10)
        pdf.multi_cell(0, 5, text, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
    return bytes(pdf.output())


def report_html() -> str:
    body = "".join(f"<h2>{t}</h2>" if k == "heading" else f"<p>{t}</p>" for k, t in pdfgen.PARAGRAPHS)
    return (f"<!DOCTYPE html><html lang='nl'><head><title>{TITLE} | Kennisbank</title></head><body>"
            f"<nav><a href='/'>Home</a></nav><main><h1>{TITLE}</h1>{body}</main></body></html>")


def _db(workdir):
    conn = sqlite3.connect(workdir / "corpora" / "miner.sqlite")
    conn.row_factory = sqlite3.Row
    return conn


# ---- metadata units -------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["Microsoft Office User", "jdevries", "HOORENMANJC", "Service_Parlis", "Gebruiker",
                                  "admin@gemeente.nl", "PC123", "Windows-gebruiker"])
def test_account_names_are_not_authors(name):
    assert M.is_account_name(name)


@pytest.mark.parametrize("name", ["Anna de Vries", "Mark Gremmen", "Pieter Bakker"])
def test_people_are_authors(name):
    assert not M.is_account_name(name)


@pytest.mark.parametrize("text, expected", [
    ("Rapport\n\n12 maart 2023\n\nInleiding", ("2023-03-12", "text")),
    ("Kennisplatform\nMaart 2023\n", ("2023-03", "text")),
    ("FFeebbrruuaarrii 22002244", ("2024-02", "text")),            # fake-bold cover
    ("Colofon\nJaar van uitgave: 2019\n", ("2019", "colophon")),
    ("© 2021 Verwey-Jonker Instituut", ("2021", "colophon")),
    ("Datum 1 maart 2011 Onderwerp Draagmoederschap", ("2011-03-01", "text")),
    ("Vastgesteld op 31-12-2020.", ("2020-12-31", "text")),
    ("Geen datum hier, alleen 45 procent en 31 punten.", None),
    ("Op 31 februari 2020 (bestaat niet) of in februari 2020.", ("2020-02", "text")),
])
def test_dates_from_cover_and_colophon(text, expected):
    assert M.date_from_text(text) == expected


def test_subject_lines_and_kamervragen_give_titles():
    assert M.labelled_title("Datum 1 maart 2011 Onderwerp Draagmoederschap\n\nTekst") == "Draagmoederschap"
    assert M.labelled_title("inzake Juridische analyse van het advies zaaknr 1101\n") == "Juridische analyse van het advies"
    cover = "Vragen van het lid Jansen (D66) aan de Minister van SZW over discriminatie (ingezonden 3 juni 2021)."
    assert M.questions_title(cover).startswith("Vragen van het lid Jansen (D66) aan de Minister")
    assert not M.is_real_title("Microsoft Word - 20110301_draagmoederschap.doc")
    assert not M.is_real_title("Document1")
    assert M.title_matches_text("Ethische analyse notificatie-app", "Ethische analyse van de notificatie-app")
    assert not M.title_matches_text("De impact van de Coronapandemie op eenzaamheid", "Verborgen zorg en mantelzorg")


# ---- add: metadata, duplicates, tagging, gaps, status -----------------------------------------

@pytest.fixture
def added(workdir):
    folder = workdir / "rapporten"
    folder.mkdir()
    (folder / "eindrapport_def_v3.pdf").write_bytes(report_pdf())
    (folder / "drempels.html").write_text(report_html(), encoding="utf-8")
    (folder / "drempels.txt").write_text(pdfgen.gold_text(), encoding="utf-8")
    (folder / "notitie.txt").write_text("Een notitie over iets anders: de begroting van de bibliotheek.\n\n"
                                        "Geen verband met de rest.", encoding="utf-8")
    r = CliRunner().invoke(main, ["add", str(folder)], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    return workdir, r


def test_metadata_of_a_local_pdf(added):
    workdir, _ = added
    row = _db(workdir).execute("SELECT id, title, date, authors, doc_type FROM documents "
                               "WHERE local_path LIKE '%.pdf'").fetchone()
    assert row["title"] == TITLE
    assert row["date"] == "2022-03"
    assert json.loads(row["authors"]) == ["Anna de Vries", "Pieter Bakker"]
    origins = {r["field"]: r["origin"] for r in _db(workdir).execute(
        "SELECT field, origin FROM document_fields WHERE document_id = ?", (row["id"],))}
    assert origins["title"] == "cover" and origins["date"] == "text" and origins["authors"] == "colophon"
    assert _db(workdir).execute("SELECT value FROM document_fields WHERE document_id = ? AND field = 'organisation'",
                                (row["id"],)).fetchone()[0] == "Movisie"
    txt = _db(workdir).execute("SELECT title FROM documents WHERE local_path LIKE '%notitie.txt'").fetchone()[0]
    assert txt != "notitie"     # not the file name


def test_same_report_as_pdf_html_and_txt_is_one_work(added):
    workdir, r = added
    conn = _db(workdir)
    merged = conn.execute("SELECT document_id, work_id FROM document_duplicates WHERE decision = 'merged'").fetchall()
    pdf_id = conn.execute("SELECT id FROM documents WHERE local_path LIKE '%.pdf'").fetchone()[0]
    assert len(merged) == 2 and {m["work_id"] for m in merged} == {pdf_id}   # the PDF stands for the work
    assert "2 duplicate(s) merged" in r.output
    status = run_cli("status")
    assert "duplicates merged (2" in status.output and "drempels.html" in status.output
    # counted once in the map
    assert run_cli("export", "map", "--no-static").exit_code == 0
    page = (workdir / "outputs" / "evidence-gap-map.html").read_text(encoding="utf-8")
    data = json.loads(page.split('id="map-data">')[1].split("</script>")[0])
    assert [d["id"] for d in data["docs"]] == [pdf_id]
    gaps_json = json.loads(run_cli("gaps", "--json").stdout)
    assert all(c["document_ids"] in ([], [pdf_id]) for c in gaps_json["cells"])
    # a researcher splits them: they count on their own again, also after the next detection
    html_id = conn.execute("SELECT id FROM documents WHERE local_path LIKE '%.html'").fetchone()[0]
    assert run_cli("split", str(html_id)).exit_code == 0
    from miner import config
    from miner.extract import duplicates
    from miner.store import connect
    cfg = config.load(workdir / "config.toml")
    duplicates.run(cfg, connect(cfg.database))
    rows = {r[0]: r[1] for r in _db(workdir).execute("SELECT document_id, decision FROM document_duplicates")}
    assert rows[html_id] == "split" and list(rows.values()).count("merged") == 1


def test_add_leaves_tagged_documents_and_current_gaps(added):
    workdir, r = added
    conn = _db(workdir)
    assert conn.execute("SELECT COUNT(*) FROM annotations").fetchone()[0] > 0
    untagged = conn.execute("SELECT COUNT(*) FROM documents d WHERE status = 'extracted' AND NOT EXISTS "
                            "(SELECT 1 FROM tagging_state t WHERE t.document_id = d.id)").fetchone()[0]
    assert untagged == 0
    computed = conn.execute("SELECT MAX(computed_at) FROM gaps").fetchone()[0]
    assert computed and computed >= conn.execute("SELECT MAX(tagged_at) FROM tagging_state").fetchone()[0]
    assert "add: tag" in r.output and "tagged " in r.output
    status = run_cli("status").output
    assert "stale" not in status and " of 384 matrix cells (computed " in status


def test_add_no_tag_and_status_says_counts_are_stale(workdir):
    folder = workdir / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(pdfgen.gold_text(), encoding="utf-8")
    r = CliRunner().invoke(main, ["add", "--no-tag", str(folder)], catch_exceptions=False)
    assert r.exit_code == 0 and "not tagged (--no-tag)" in r.output
    assert "not tagged yet" in run_cli("status").output


def test_researcher_correction_survives_re_extraction(added):
    workdir, _ = added
    conn = _db(workdir)
    doc = conn.execute("SELECT id FROM documents WHERE local_path LIKE '%.pdf'").fetchone()[0]
    assert run_cli("meta", "set", str(doc), "date", "2021-11").exit_code == 0
    assert run_cli("meta", "set", str(doc), "date", "november").exit_code == 2      # one clear line
    from miner import config
    from miner.pipeline.extraction import extract_pending
    from miner.store import connect
    cfg = config.load(workdir / "config.toml")
    c = connect(cfg.database)
    c.execute("UPDATE documents SET extracted_sha256 = NULL WHERE id = ?", (doc,))
    assert extract_pending(cfg, c, [doc], progress=False).extracted == 1
    assert _db(workdir).execute("SELECT date FROM documents WHERE id = ?", (doc,)).fetchone()[0] == "2021-11"
    shown = run_cli("meta", "show", str(doc)).output
    assert "* date          researcher" in shown and "2022-03" in shown


# ---- exports other tools read ------------------------------------------------------------------

@pytest.fixture
def project(workdir):
    return workdir, dbfixture.build(workdir / "corpora" / "miner.sqlite")


# The keys of a reference in a genuine EPPI-Reviewer JSON export (EPPI-Reviewer 4/6 "Export coded data").
EPPI_REFERENCE_KEYS = {"Codes", "Outcomes", "ItemId", "Title", "ParentTitle", "ShortTitle", "DateCreated",
                       "CreatedBy", "DateEdited", "EditedBy", "Year", "Month", "StandardNumber", "City", "Country",
                       "Publisher", "Institution", "Volume", "Pages", "Edition", "Issue", "Availability", "URL",
                       "OldItemId", "Abstract", "Comments", "TypeName", "Authors", "ParentAuthors", "DOI",
                       "Keywords", "ItemStatus", "ItemStatusTooltip", "QuickCitation"}


def test_eppi_json_has_the_structure_of_a_real_export(project):
    workdir, ids = project
    assert run_cli("export", "eppi").exit_code == 0
    data = json.loads((workdir / "outputs" / "eppi-evidence.json").read_text(encoding="utf-8"))
    for s in data["CodeSets"]:
        assert {"SetName", "SetId", "ReviewSetId", "SetDescription", "SetType", "Attributes"} <= set(s)
        assert {"SetTypeName", "SetTypeDescription"} <= set(s["SetType"])
        for a in s["Attributes"]["AttributesList"]:
            assert a["AttributeSetId"] != a["AttributeId"]
    set_ids = [a["AttributeSetId"] for s in data["CodeSets"] for a in s["Attributes"]["AttributesList"]]
    assert len(set_ids) == len(set(set_ids))
    types = {}
    for ref in data["References"]:
        assert set(ref) == EPPI_REFERENCE_KEYS
        types[ref["ItemId"]] = ref["TypeName"]
        assert ref["DateCreated"] == "" and "(local" not in ref["ShortTitle"]
        for code in ref["Codes"]:
            assert code["AdditionalText"].startswith("origin: ")
    assert types[ids["doc:moslim"]] == "Report" and types[ids["doc:hostile"]] == "Document From Internet Site"
    assert set(types.values()) != {"Generic"}


def test_ris_for_zotero_and_asreview(project):
    workdir, ids = project
    assert run_cli("export", "ris").exit_code == 0
    entries = rispy.loads((workdir / "outputs" / "corpus.ris").read_text(encoding="utf-8"))
    dated = [e for e in entries if e.get("year")]
    with_link = [e for e in dated if e.get("year") and (e.get("urls") or e.get("file_attachments1"))]
    assert len(with_link) >= 0.8 * len(dated) and len(dated) == len(entries)
    by_title = {e["title"]: e for e in entries}
    kv = by_title["Vragen over moslimdiscriminatie bij meldpunten"]
    assert kv["type_of_reference"] == "GOVDOC" and kv["publication_year"].startswith("2023/02/06")
    assert "miner id" in kv["notes"][0]
    assert by_title[dbfixture.HOSTILE_TITLE]["type_of_reference"] == "ELEC"
    assert all(e["type_of_reference"] != "GEN" for e in entries)


def test_ris_links_the_local_file_and_names_the_organisation(added):
    workdir, _ = added
    assert run_cli("export", "ris").exit_code == 0
    entries = rispy.loads((workdir / "outputs" / "corpus.ris").read_text(encoding="utf-8"))
    report = next(e for e in entries if e["title"] == TITLE)
    assert report["publisher"] == "Movisie" and report["year"] == "2022"
    links = report.get("file_attachments1", [])
    links = links if isinstance(links, list) else [links]
    assert any(str(link).startswith("file://") and str(link).endswith(".pdf") for link in links)
    assert report["authors"] == ["Anna de Vries", "Pieter Bakker"] and len(report["abstract"]) > 200


def test_csv_excel_nl_opens_in_pandas_with_semicolons_and_xlsx_has_filter_and_codebook(project):
    workdir, _ = project
    assert run_cli("export", "tables", "--dialect", "excel-nl").exit_code == 0
    df = pd.read_csv(workdir / "outputs" / "evidence-table.csv", sep=";", encoding="utf-8-sig")
    assert {"document_id", "code", "quote", "confidence", "origin", "reviewer"} <= set(df.columns)
    assert len(df) > 10 and set(df["origin"]) == {"model"}
    wb = load_workbook(workdir / "outputs" / "evidence-table.xlsx")
    assert wb.sheetnames == ["evidence", "codebook"]
    assert wb["evidence"].auto_filter.ref.startswith("A1:")
    assert wb["evidence"].column_dimensions["J"].width > 20          # the quote column is wide
    codebook = [[c.value for c in row] for row in wb["codebook"].iter_rows()]
    assert codebook[0] == ["layer", "code", "name", "definition"] and ["ground", "religie"] in [r[:2] for r in codebook]
    assert run_cli("export", "tables", "--dialect", "excel").exit_code == 0
    assert pd.read_csv(workdir / "outputs" / "evidence-table.csv", encoding="utf-8-sig").shape == df.shape


def test_plots_exist_as_png_and_svg_and_are_not_empty(project):
    workdir, _ = project
    r = run_cli("export", "plots")
    assert r.exit_code == 0, r.output
    for name in ("documents-per-year-ground", "documents-per-year-mechanism", "topics-over-time",
                 "evidence-per-ground"):
        png = (workdir / "outputs" / f"{name}.png").read_bytes()
        svg = (workdir / "outputs" / f"{name}.svg").read_text(encoding="utf-8")
        assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 5000
        assert svg.count("<path") > 10 and "nog geen gegevens" not in svg
    from miner.api import Corpus
    paths = Corpus.from_config(workdir / "config.toml").plots(workdir / "figuren")
    assert len(paths) == 8 and all(p.stat().st_size > 0 for p in paths)


def test_gaps_json_has_nested_objects_and_computed_at(project):
    workdir, _ = project
    r = run_cli("gaps", "--json")
    data = json.loads(r.stdout)
    assert data["computed_at"]
    cell = next(c for c in data["cells"] if c["n_documents"])
    assert isinstance(cell["by_evidence"], dict) and isinstance(cell["by_period"], dict)
    assert isinstance(cell["document_ids"], list)
    kinds = {c["gap_kind"] for c in data["cells"]}
    assert {"empty", "thin"} <= kinds


def test_gap_reasons_separate_empty_policy_only_and_thin():
    from miner.gaps.analysis import classify_counts
    rule = {"minResearch": 3, "requireEffect": True}
    assert classify_counts(0, 0, 0, 0, rule) == ("empty", "no documents at all")
    kind, reason = classify_counts(4, 0, 0, 1, rule)
    assert kind == "no_research" and reason == "4 documents (1 Kamervragen, 3 policy or other non-research documents), no research"
    assert classify_counts(4, 2, 0, 0, rule)[0] == "thin"
    assert classify_counts(4, 3, 0, 0, rule)[0] == "no_effect_study"
    assert classify_counts(4, 3, 1, 0, rule) == (None, None)


def test_irrelevant_documents_are_left_out_unless_asked(project):
    workdir, ids = project
    conn = _db(workdir)
    conn.execute("UPDATE documents SET relevant = 0, relevance = 0.1 WHERE id = ?", (ids["doc:leeftijd"],))
    conn.commit()
    without = json.loads(run_cli("gaps", "--json").stdout)
    with_all = json.loads(run_cli("gaps", "--json", "--include-irrelevant").stdout)
    ids_without = {i for c in without["cells"] for i in c["document_ids"]}
    ids_with = {i for c in with_all["cells"] for i in c["document_ids"]}
    assert ids["doc:leeftijd"] not in ids_without and ids["doc:leeftijd"] in ids_with
    assert run_cli("export", "ris").exit_code == 0
    titles = {e["title"] for e in rispy.loads((workdir / "outputs" / "corpus.ris").read_text(encoding="utf-8"))}
    assert "Leeftijdsdiscriminatie in de sport" not in titles


@pytest.mark.parametrize("terms, hint", [("moslim NEAR/5 discriminatie", "NEAR(word1 word2, 5)"),
                                         ("racisme w/3 wijk", "NEAR(word1 word2, 3)"),
                                         ("discriminatie -racisme", "NOT racisme"),
                                         ("moslim~2", "NEAR(word1 word2, N)")])
def test_unsupported_search_operators_give_one_line_with_the_right_syntax(project, terms, hint):
    r = run_cli("search", terms)
    assert r.exit_code == 2 and len(r.stderr.strip().splitlines()) == 1
    assert hint in r.stderr and "syntax:" in r.stderr


def test_near_in_fts5_syntax_still_works(project):
    r = run_cli("search", "NEAR(moslimdiscriminatie wijkteams, 5)")
    assert r.exit_code == 0 and "Moslimdiscriminatie in de sociale basis" in r.output


def test_datasette_labels_follow_the_language(tmp_path):
    from miner.export.serve import CANNED_QUERIES, TABLES, metadata
    nl = metadata(tmp_path / "miner.sqlite", "nl")
    en = metadata(tmp_path / "miner.sqlite", "en")
    db_nl, db_en = nl["databases"]["miner"], en["databases"]["miner"]
    assert nl["title"].startswith("miner: Nederlands") and en["title"].startswith("miner: Dutch evidence")
    assert db_nl["queries"]["gaps"]["title"] == "Kennisleemtes"
    assert all(db_nl["queries"][q]["sql"] == CANNED_QUERIES[q]["sql"] for q in CANNED_QUERIES)
    assert all(db_nl["tables"][t]["description"] != TABLES[t]["description"] for t in TABLES)
    assert db_en["tables"] == TABLES


def test_progress_is_plain_lines_when_stderr_is_a_pipe(tmp_path):
    """A long command piped into a log shows progress lines (no carriage returns)."""
    import subprocess
    import sys
    script = ("import sys, time\n"
              "from miner.cli import common\n"
              "common.PIPED_INTERVAL_S = 0\n"
              "assert common.progress_enabled()\n"
              "from tqdm import tqdm\n"
              "for _ in tqdm(range(3), desc='tagging', unit='doc', leave=False, mininterval=0):\n"
              "    time.sleep(0.01)\n")
    r = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60,
                       cwd=str(tmp_path), env={**__import__("os").environ,
                                               "PYTHONPATH": str(__import__("pathlib").Path(__file__).parent.parent)})
    assert r.returncode == 0, r.stderr
    lines = [line for line in r.stderr.splitlines() if line.startswith("tagging")]
    assert len(lines) >= 2 and "\r" not in r.stderr and any("3/3" in line or "2/3" in line for line in lines)


def test_export_map_says_when_the_map_is_empty(workdir):
    folder = workdir / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(pdfgen.gold_text(), encoding="utf-8")
    assert CliRunner().invoke(main, ["add", "--no-tag", str(folder)]).exit_code == 0
    r = run_cli("export", "map", "--no-static")
    assert r.exit_code == 0 and "the map is empty: no tagged documents yet" in r.output


def test_near_duplicates_merge_and_different_texts_do_not():
    from miner.extract import duplicates as D
    base = pdfgen.gold_text()
    html_like = "Home Publicaties Contact\n" + base.replace("-\n", "") + "\nDeel deze pagina Nieuwsbrief"
    other = " ".join(reversed(base.split()))            # same words, other text
    merges = D.find([(1, D.rank_key(1, "application/pdf", len(base)), base),
                     (2, D.rank_key(2, "text/html", len(html_like)), html_like),
                     (3, D.rank_key(3, "text/plain", len(other)), other),
                     (4, D.rank_key(4, "text/plain", 20), "te kort om te vergelijken")], 0.8)
    assert [(d, w) for d, w, _ in merges] == [(2, 1)] and merges[0][2] >= 0.8
    # a split pair stays apart
    assert D.find([(1, (0,), base), (2, (1,), html_like)], 0.8, {frozenset((1, 2))}) == []


def test_duplicate_signatures_are_computed_once_per_text(added):
    workdir, _ = added
    from miner import config
    from miner.extract import duplicates
    from miner.store import connect
    cfg = config.load(workdir / "config.toml")
    again = duplicates.run(cfg, connect(cfg.database))
    assert again["signatures_computed"] == 0 and again["merged"] == 2


def test_text_file_title_is_its_first_lines_not_the_file_name():
    from miner.extract.model import Extraction
    ext = Extraction(text="Kamervraag 2023Z02090\n\nHet rapport over discriminatie in de sociale basis\n\n"
                          "Ingediend 8 februari 2023.", mime="text/plain")
    fields = M.extract_fields(ext, None, "001_1a874675f7e96415.txt")
    assert fields["title"] == ("Kamervraag 2023Z02090: Het rapport over discriminatie in de sociale basis", "text")
    assert fields["date"] == ("2023-02-08", "text")
