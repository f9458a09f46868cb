"""HTML: main content without navigation, cookie banners and footers; metadata; any charset."""
import sqlite3

from click.testing import CliRunner

from miner.cli import main
from miner.extract import extract_bytes

PAGE = """<!DOCTYPE html>
<html lang="nl"><head><meta charset="{charset}">
<title>Meldpunt | Gemeente Voorbeeld</title>
<meta name="DCTERMS.issued" content="2024-03-12">
</head><body>
<div id="cookie-consent" class="cookiebar"><p>Wij gebruiken cookies om deze website te verbeteren.</p>
<button>Akkoord</button></div>
<header><nav><ul><li><a href="/">Home</a></li><li><a href="/nieuws">Nieuws</a></li></ul></nav></header>
<nav class="breadcrumb"><a href="/">Home</a> &gt; Onderzoek</nav>
<main>
<h1>Coördinatie van meldingen over discriminatie</h1>
<p>De gemeente onderzocht hoe bewoners’ meldingen over discriminatie lopen bij het wijkteam en de antidiscriminatievoorziening.</p>
<p>Het volledige rapport staat in de bijlage: <a href="/documenten/rapport-meldingen.pdf">rapport (PDF)</a>.</p>
<div class="share-buttons"><a href="https://example.org/share">Deel dit bericht</a></div>
<ul><li>Meldingen in 2023: 42</li><li>Meldingen in 2024: 57</li></ul>
</main>
<aside><p>Gerelateerd nieuws over de begroting</p></aside>
<footer><p>© Gemeente Voorbeeld — privacyverklaring</p></footer>
</body></html>"""


def _page(charset="utf-8", encoding="utf-8"):
    return PAGE.format(charset=charset).encode(encoding)


def test_main_content_only_with_metadata():
    ext = extract_bytes(_page(), name="meldpunt.html", base_url="https://www.voorbeeld.nl/onderzoek/meldpunt")
    assert "Coördinatie van meldingen over discriminatie" in ext.text
    assert "antidiscriminatievoorziening" in ext.text and "Meldingen in 2024: 57" in ext.text
    for clutter in ("cookies", "Akkoord", "Nieuws", "Deel dit bericht", "begroting", "privacyverklaring"):
        assert clutter not in ext.text, clutter
    assert ext.title == "Coördinatie van meldingen over discriminatie"
    assert ext.date == "2024-03-12"
    pdfs = [l["url"] for l in ext.links if l["kind"] == "pdf"]
    assert pdfs == ["https://www.voorbeeld.nl/documenten/rapport-meldingen.pdf"]
    assert ext.language == "nl"
    assert [p.kind for p in ext.passages][:2] == ["heading", "paragraph"]


def test_charsets():
    want = "Coördinatie van meldingen"
    quote = "bewoners’ meldingen"
    assert want in extract_bytes(_page("windows-1252", "cp1252"), name="a.html").text
    assert quote in extract_bytes(_page("windows-1252", "cp1252"), name="a.html").text
    assert quote in extract_bytes(_page("iso-8859-1", "cp1252"), name="a.html").text   # browsers read latin-1 as cp1252
    # the HTTP header wins over a wrong meta tag
    assert want in extract_bytes(_page("utf-8", "cp1252"), name="a.html",
                                 content_type="text/html; charset=windows-1252").text
    # a byte order mark wins over everything
    assert want in extract_bytes(b"\xef\xbb\xbf" + _page("windows-1252", "utf-8"), name="a.html").text
    assert want in extract_bytes("\ufeff".encode("utf-16-le") + PAGE.format(charset="utf-16").encode("utf-16-le"),
                                 name="a.html").text
    # no declaration at all, cp1252 bytes
    undeclared = PAGE.replace('<meta charset="{charset}">', "").encode("cp1252")
    assert want in extract_bytes(undeclared, name="a.html").text
    assert quote in extract_bytes(undeclared, name="a.html").text


def test_english_page_kept_but_flagged(workdir):
    (workdir / "en.html").write_text(
        "<html><body><main><h1>Report</h1><p>This report describes how residents experience discrimination "
        "in community centres and what the municipality can do about it. It is written for the council and "
        "for the organisations that work with volunteers.</p></main></body></html>", encoding="utf-8")
    (workdir / "nl.html").write_bytes(_page())
    CliRunner().invoke(main, ["add", str(workdir / "en.html"), str(workdir / "nl.html")], catch_exceptions=False)
    conn = sqlite3.connect(workdir / "corpora" / "miner.sqlite")
    rows = dict(conn.execute("SELECT substr(local_path, -7), is_dutch FROM documents").fetchall())
    assert rows == {"en.html": 0, "nl.html": 1}
    assert conn.execute("SELECT COUNT(*) FROM documents WHERE status = 'extracted'").fetchone()[0] == 2


def test_aspnet_page_inside_form_main_form_gives_its_text():
    # Old zoek.officielebekendmakingen.nl pages: ASP.NET WebForms, the whole page inside form#mainForm.
    from miner.demo import corpus
    from miner.extract.html import extract_html
    entry = corpus.load()["aspnet"]
    ex = extract_html(corpus.aspnet_page(entry).encode("utf-8"))
    assert entry["titel"] in ex.text
    for para in entry["alineas"]:
        assert para in ex.text
    assert "__VIEWSTATE" not in ex.text and "Copyright" not in ex.text and "Uitgebreid zoeken" not in ex.text
    assert "Start van deze pagina" not in ex.text and ex.text.startswith(entry["titel"])


def test_search_form_is_still_dropped():
    from miner.extract.html import extract_html
    html = ("<html><body><form role='search'><p>Zoek op trefwoord</p><input name='q'></form>"
            "<main><p>" + "Sociaal werkers signaleren discriminatie in de wijk. " * 8 + "</p></main></body></html>")
    ex = extract_html(html.encode())
    assert "Zoek op trefwoord" not in ex.text and "signaleren discriminatie" in ex.text


def test_trafilatura_is_the_fallback_when_the_rules_read_little(monkeypatch):
    from miner.extract import html as html_mod
    # Text in bare <div>s under a "sidebar"-classed wrapper: the rules drop it as clutter.
    body = "".join(f"<div>Alinea {i}: buurthuizen en vrijwilligers bespreken uitsluiting en discriminatie "
                   f"met bewoners van de wijk.</div>" for i in range(8))
    page = f"<html><body><div class='sidebar-layout'>{body}</div></body></html>".encode()
    ex = html_mod.extract_html(page)
    assert "Alinea 7" in ex.text                       # read by trafilatura
    monkeypatch.setattr(html_mod, "_trafilatura_text", lambda data, ct: None)
    assert "Alinea 7" not in html_mod.extract_html(page).text   # the rules alone miss it
