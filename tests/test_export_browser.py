"""The exported gap map in a real headless Chromium, opened from disk with the network blocked."""
import json

import dbfixture
from chromium import browser, pytestmark  # noqa: F401  (the browser fixture, skip marks)
from dbfixture import run_cli

COUNTS_SQL = """
SELECT m.label AS row_label, c.label AS col_label, COUNT(DISTINCT m.document_id) AS n
FROM annotations m JOIN annotations c ON c.document_id = m.document_id
WHERE m.layer = 'mechanism' AND c.layer = '{col}' {where}
GROUP BY m.label, c.label"""


def _query_counts(col, where=""):
    r = run_cli("query", COUNTS_SQL.format(col=col, where=where), "--format", "json")
    assert r.exit_code == 0, r.output
    return {(x["row_label"], x["col_label"]): x["n"] for x in json.loads(r.stdout)}


def _page_counts(page):
    cells = page.eval_on_selector_all(
        "#map td[data-row]", "els => els.map(e => [e.dataset.row, e.dataset.col, +e.dataset.count])")
    return cells, {(r, c): n for r, c, n in cells if n}


def test_gap_map_in_headless_chromium(workdir, browser):
    dbfixture.build(workdir / "corpora" / "miner.sqlite")
    r = run_cli("export", "map", "--no-static")
    assert r.exit_code == 0, r.output
    html = workdir / "outputs" / "evidence-gap-map.html"

    context = browser.new_context()
    requests, errors = [], []
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:") else (
        requests.append(route.request.url), route.abort())[1])
    page = context.new_page()
    page.on("pageerror", lambda e: errors.append(str(e)))
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(html.as_uri())

    # Every cell of the matrix is there, and the counts are those of `miner query`.
    cells, counts = _page_counts(page)
    assert len(cells) == 12 * 10
    assert counts == _query_counts("ground")
    assert page.get_attribute("#map td[data-row='handhaving'][data-col='overig']", "data-gap") == "1"
    assert "minder dan 3 onderzoeksdocumenten" in page.inner_text("#gap-definition")

    # A click lists the documents of the cell with quotes and pages.
    page.click("#map td[data-row='training'][data-col='religie']")
    details = page.inner_text("#details")
    assert "Moslimdiscriminatie in de sociale basis" in details
    assert "p. 2" in details and "Een training over vooroordelen hielp sociaal werkers" in details
    assert page.inner_text("#details mark") == "training over vooroordelen"
    assert page.get_attribute("#details a", "href") == "https://example.org/moslim.pdf"

    # Hostile title, quote and url are shown as text and never run.
    page.click("#map td[data-row='training'][data-col='herkomst']")
    assert dbfixture.HOSTILE_TITLE in page.inner_text("#details .doc-title")
    assert "onerror" in page.inner_text("#details .quote")
    assert page.evaluate("window.__pwned") is None
    assert page.evaluate("document.querySelectorAll('img').length") == 0
    assert page.evaluate("document.querySelectorAll('#details a').length") == 0  # javascript: is not a link
    assert dialogs == [] and errors == []

    # Columns switch to settings; filters narrow the counts the same way SQL does.
    page.select_option("#filter-columns", "setting")
    assert _page_counts(page)[1] == _query_counts("setting")
    page.select_option("#filter-columns", "ground")
    page.select_option("#filter-source", "tweedekamer")
    assert _page_counts(page)[1] == _query_counts(
        "ground", "AND m.document_id IN (SELECT id FROM documents WHERE source = 'tweedekamer')")
    page.select_option("#filter-source", "")
    page.select_option("#filter-from", "2021")
    assert _page_counts(page)[1] == _query_counts(
        "ground", "AND m.document_id IN (SELECT id FROM documents WHERE date >= '2021')")
    assert requests == []
    context.close()


def _english_only_fragments():
    """Phrases of the English UI table that the Dutch table does not use (placeholders cut out)."""
    import re
    from miner.export.i18n import TEXT
    nl_text = " ".join(TEXT["nl"].values()).lower()
    out = set()
    for value in TEXT["en"].values():
        for frag in re.split(r"\{[a-z]+\}|[():;,.\u2193\u2192/]", value):
            frag = frag.strip().lower()
            if len(frag) >= 5 and frag not in nl_text and not frag.startswith("`miner"):
                out.add(frag)
    return out


def _no_english(text: str) -> list[str]:
    low = text.lower()
    return sorted(f for f in _english_only_fragments() if f in low)


def test_dutch_map_and_report_have_no_english_ui_strings(workdir, browser):
    dbfixture.build(workdir / "corpora" / "miner.sqlite")
    assert run_cli("export", "map", "--no-static").exit_code == 0
    assert run_cli("export", "report").exit_code == 0
    context = browser.new_context()
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort())
    page = context.new_page()
    page.goto((workdir / "outputs" / "evidence-gap-map.html").as_uri())
    assert page.evaluate("document.documentElement.lang") == "nl"
    texts = [page.inner_text("body")]
    page.click("#map td[data-row='training'][data-col='religie']")      # details of a cell with documents
    texts.append(page.inner_text("#details"))
    page.click("#map td[data-row='handhaving'][data-col='overig']")     # an empty gap
    texts.append(page.inner_text("#details"))
    assert "Leemte: geen documenten" in texts[-1]
    titles = page.eval_on_selector_all("#map td, #controls select, #controls option",
                                       "els => els.map(e => (e.title || '') + ' ' + (e.textContent || ''))")
    texts.append(" ".join(titles))
    for t in texts:
        assert _no_english(t) == [], _no_english(t)
    page.goto((workdir / "outputs" / "evidence-report-ground.html").as_uri())
    report = page.inner_text("body")
    assert "Bewijsrapport per discriminatiegrond" in report
    assert _no_english(report) == [], _no_english(report)
    # The same export in English is English (so the check above can fail).
    (workdir / "config.toml").write_text('[extract]\nworkers = 1\n[export]\nlanguage = "en"\n', encoding="utf-8")
    assert run_cli("export", "map", "--no-static").exit_code == 0
    page.goto((workdir / "outputs" / "evidence-gap-map.html").as_uri())
    assert "click a cell to list its documents and quotes" in _no_english(page.inner_text("body"))
    context.close()


def test_map_with_filters_that_keep_every_document_shows_the_gaps_of_miner_gaps(workdir, browser):
    dbfixture.build(workdir / "corpora" / "miner.sqlite")
    assert run_cli("export", "map", "--no-static").exit_code == 0
    cli = json.loads(run_cli("gaps", "--json", "--matrix", "mechanism x ground").stdout)
    expected = {(c["row_label"], c["col_label"]): "1" if c["is_gap"] else "0" for c in cli["cells"]}
    page = browser.new_page()
    page.goto((workdir / "outputs" / "evidence-gap-map.html").as_uri())

    def shown():
        return {(r, c): g for r, c, g in page.eval_on_selector_all(
            "#map td[data-row]", "els => els.map(e => [e.dataset.row, e.dataset.col, e.dataset.gap])")}

    assert shown() == expected
    years = sorted(int(o) for o in page.eval_on_selector_all("#filter-from option", "els => els.map(e => e.value)") if o)
    page.select_option("#filter-from", str(years[0]))          # keeps every document
    page.select_option("#filter-to", str(years[-1]))
    page.select_option("#filter-undated", "in")
    assert shown() == expected
    page.select_option("#filter-source", "tweedekamer")        # drops research: more gaps, same rule
    narrowed = shown()
    assert sum(g == "1" for g in narrowed.values()) >= sum(g == "1" for g in expected.values())
    assert page.get_attribute("#map td[data-row='melden'][data-col='religie']", "data-kind") == "no_research"
    page.close()


def test_map_quotes_say_reviewed_or_model_confidence(workdir, browser):
    ids = dbfixture.build(workdir / "corpora" / "miner.sqlite")
    import sqlite3
    conn = sqlite3.connect(workdir / "corpora" / "miner.sqlite")
    conn.execute("UPDATE annotations SET confidence = 0.83 WHERE document_id = ? AND label = 'training'",
                 (ids["doc:moslim"],))
    conn.commit()
    conn.close()
    assert run_cli("export", "map", "--no-static").exit_code == 0
    page = browser.new_page()
    page.goto((workdir / "outputs" / "evidence-gap-map.html").as_uri())
    page.click("#map td[data-row='training'][data-col='religie']")
    assert "(zekerheid 0.83)" in page.inner_text("#details")
    page.close()


# -- a paged map (large corpora): matrix and filters in the page, document lists from side files ----

PAGED = '[extract]\nworkers = 1\n[export]\nmap_inline_documents = 2\nmap_page_size = 1\nmap_top_documents = 0\n'


def _paged_export(workdir, conf=PAGED):
    (workdir / "config.toml").write_text(conf, encoding="utf-8")
    r = run_cli("export", "map", "--no-static")
    assert r.exit_code == 0, r.output
    assert "paged:" in r.output
    html = workdir / "outputs" / "evidence-gap-map.html"
    side = [p for p in (workdir / "outputs").iterdir() if p.is_dir() and p.name.startswith("evidence-gap-map.files-")]
    assert len(side) == 1 and list(side[0].glob("docs-*.js"))
    return html, side[0]


def test_paged_map_opens_from_disk_and_loads_a_cells_documents_from_its_side_file(workdir, browser):
    dbfixture.build(workdir / "corpora" / "miner.sqlite")
    html, side = _paged_export(workdir)
    # the page itself holds no document titles or quotes (top documents per cell = 0)
    page_text = html.read_text(encoding="utf-8")
    assert "Moslimdiscriminatie in de sociale basis" not in page_text and "__pwned" not in page_text

    context = browser.new_context()
    requests, errors, dialogs = [], [], []
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:") else (
        requests.append(route.request.url), route.abort())[1])
    page = context.new_page()
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(html.as_uri())

    # the counts and filters work as in a small map: from the page alone
    assert _page_counts(page)[1] == _query_counts("ground")
    page.select_option("#filter-source", "tweedekamer")
    assert _page_counts(page)[1] == _query_counts(
        "ground", "AND m.document_id IN (SELECT id FROM documents WHERE source = 'tweedekamer')")
    page.select_option("#filter-source", "")

    # a click loads the cell's documents (one per page here) from the side file; the pager pages
    page.click("#map td[data-row='training'][data-col='religie']")
    page.wait_for_selector("#cell-docs .doc")
    details = page.inner_text("#details")
    assert "Moslimdiscriminatie in de sociale basis" in details
    assert "Een training over vooroordelen hielp sociaal werkers" in details
    assert page.inner_text("#details mark") == "training over vooroordelen"

    assert page.query_selector("#page-of") is None       # one document: no pager

    # every document of the biggest cell, page by page, each once
    (row, col), n = max(_query_counts("ground").items(), key=lambda kv: kv[1])
    assert n >= 2
    page.click(f"#map td[data-row='{row}'][data-col='{col}']")
    page.wait_for_selector("#cell-docs .doc")
    assert page.inner_text("#page-of").strip() == f"pagina 1 van {n}"
    assert page.is_disabled("#page-prev") and not page.is_disabled("#page-next")
    seen = []
    for i in range(n):
        page.wait_for_selector("#cell-docs .doc")
        seen.append(page.inner_text("#cell-docs .doc-title"))
        if i < n - 1:
            page.click("#page-next")
    assert len(set(seen)) == n and page.is_disabled("#page-next")

    # hostile title and quote arrive from the side file as text and never run
    page.click("#map td[data-row='training'][data-col='herkomst']")
    page.wait_for_selector("#cell-docs .doc")
    titles = []
    while True:
        page.wait_for_selector("#cell-docs .doc")
        titles.append(page.inner_text("#cell-docs .doc-title"))
        if page.query_selector("#page-next") is None or page.is_disabled("#page-next"):
            break
        page.click("#page-next")
    assert dbfixture.HOSTILE_TITLE in titles
    assert page.evaluate("window.__pwned") is None
    assert page.evaluate("document.querySelectorAll('img').length") == 0
    assert dialogs == [] and errors == [] and requests == []
    context.close()


def test_paged_map_shows_each_cells_best_document_from_the_page_and_says_when_its_folder_is_missing(
        workdir, browser):
    dbfixture.build(workdir / "corpora" / "miner.sqlite")
    html, side = _paged_export(workdir, PAGED.replace("map_top_documents = 0", "map_top_documents = 1")
                               .replace("map_page_size = 1", "map_page_size = 25"))
    side.rename(side.with_name("elsewhere"))
    page = browser.new_page()
    page.goto(html.as_uri())
    (row, col), n = max(_query_counts("ground").items(), key=lambda kv: kv[1])
    page.click(f"#map td[data-row='{row}'][data-col='{col}']")
    page.wait_for_selector("#cell-docs .load-error")
    assert side.name in page.inner_text("#cell-docs .load-error")
    assert len(page.query_selector_all("#cell-docs .doc")) == 1        # the best one, with its quotes
    assert page.query_selector_all("#cell-docs .doc .quote")
    page.close()
