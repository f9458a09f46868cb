"""Pure parts of the crawler: publication metadata, sitemaps, the archive after a kill, config checks."""
from datetime import datetime, timezone
from pathlib import Path

import pytest

from miner import config
from miner.crawl import archive
from miner.crawl.publication import content_links, parse_sitemap, publication_metadata
from miner.crawl.sources import SourceConfigError, build_sources

ROOT = Path(__file__).resolve().parent.parent

KIS_LIKE = """<html><head><title>Wijkteams | KIS</title></head><body>
<nav><a href="/">Home</a></nav>
<main><h1>Over sociale wijkteams en diversiteit</h1><h2>Een verkenning</h2>
<p>PublicatiesGepubliceerd op: 03-05-16</p>
<p>Deze verkenning gaat over het bereik van wijkteams onder bewoners met een migratieachtergrond.</p>
<p>ISBN 978-90-5830-703-3</p><p>21 pag</p><p>2016</p>
<p><a href="/bestanden/wijkteams.pdf">Download via KIS</a> <a href="https://elders.example/stuk">elders</a></p>
<h3>Onderzoekers</h3><ul class="people"><li>Marieke Smit</li><li>Yusuf Demir</li></ul>
<h3>Thema's</h3><ul class="themes"><li>Buurten en leefbaarheid</li><li>Diversiteit</li></ul>
</main><footer><a href="https://elders.example/privacy">privacy</a></footer></body></html>"""


def test_publication_metadata_falls_back_to_dutch_labels():
    sel = {"title": "h1", "date": ".nope", "authors": ".people li", "themes": ".themes li", "summary": "",
           "details": "", "pdf": "a[href$='.pdf']"}
    meta = publication_metadata(KIS_LIKE, "https://www.kis.nl/publicatie/wijkteams", sel)
    assert meta["title"] == "Over sociale wijkteams en diversiteit"
    assert meta["date"] == "2016-05-03"
    assert meta["isbn"] == "978-90-5830-703-3" and meta["pages"] == 21
    assert meta["authors"] == ["Marieke Smit", "Yusuf Demir"]
    assert meta["themes"] == ["Buurten en leefbaarheid", "Diversiteit"]
    assert meta["pdf_urls"] == ["https://www.kis.nl/bestanden/wijkteams.pdf"]


def test_publication_metadata_without_selectors_uses_labels_and_meta_tags():
    html = """<html><head><meta name="description" content="Korte samenvatting van het onderzoek.">
    <meta property="article:published_time" content="2024-03-05T10:00:00+01:00"></head><body>
    <h1>Uitsluiting in de sociale basis</h1>
    <h3>Onderzoekers</h3><ul><li><a href="/p/a">Fatima Bouali</a></li><li>Kees Visser</li></ul>
    <h3>Thema's</h3><ul><li><h4>Buurten en leefbaarheid</h4><p>We doen veel onderzoek in wijken.</p></li>
    <li><h4>Diversiteit</h4><p>Verschillend ervaren.</p></li></ul>
    <dl><dt>Auteurs</dt><dd>niet gebruikt</dd></dl></body></html>"""
    empty = {k: "" for k in ("title", "date", "authors", "themes", "summary", "details", "pdf")}
    meta = publication_metadata(html, "https://x.nl/publicatie/u", {**empty, "title": "h1"})
    assert meta["authors"] == ["Fatima Bouali", "Kees Visser"]
    assert meta["themes"] == ["Buurten en leefbaarheid", "Diversiteit"]
    assert meta["date"] == "2024-03-05" and meta["summary"] == "Korte samenvatting van het onderzoek."


def test_content_links_leave_out_navigation_and_footer():
    links = [u for u, _ in content_links(KIS_LIKE, "https://www.kis.nl/publicatie/wijkteams")]
    assert "https://elders.example/stuk" in links
    assert "https://elders.example/privacy" not in links and "https://www.kis.nl/" not in links


def test_sitemap_index_and_urlset_and_hostile_xml():
    index = b"""<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
      <sitemap><loc>https://x.nl/sitemap-1.xml</loc></sitemap></sitemapindex>"""
    assert parse_sitemap(index) == (["https://x.nl/sitemap-1.xml"], [])
    urlset = b"""<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
      <url><loc> https://x.nl/publicatie/a </loc><lastmod>2023-02-03T10:00:00+01:00</lastmod></url>
      <url><loc>https://x.nl/b</loc></url></urlset>"""
    assert parse_sitemap(urlset) == ([], [("https://x.nl/publicatie/a", "2023-02-03"), ("https://x.nl/b", None)])
    bomb = b"""<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>
      <urlset><url><loc>&lol2;</loc></url></urlset>"""
    with pytest.raises(Exception) as exc:
        parse_sitemap(bomb)
    assert "Entit" in type(exc.value).__name__ or "entit" in str(exc.value).lower()


def test_archive_survives_a_record_cut_short(tmp_path):
    arc = archive.WarcArchive(tmp_path)
    now = datetime.now(timezone.utc)
    f1, o1 = arc.write("http://h/a", 200, "OK", [("Content-Type", "text/html")], b"<p>een</p>", now)
    f2, o2 = arc.write("http://h/b", 200, "OK", [("Content-Type", "text/html")], b"<p>twee</p>" * 50, now)
    arc.close()
    path = tmp_path / f2
    data = path.read_bytes()
    path.write_bytes(data[: o2 + (len(data) - o2) // 2])   # killed while writing the second record
    index = archive.ArchiveIndex(tmp_path)
    assert index.get("http://h/a").body == b"<p>een</p>"
    assert index.get("http://h/b") is None
    assert archive.read_record(tmp_path, f2, o2) is None


def test_default_config_points_at_the_real_endpoints_and_validates():
    cfg = config.load(ROOT / "config.toml")
    crawl = cfg["crawl"]
    assert crawl["delay_s"] == 5
    sources = {s.name: s for s in build_sources(crawl)}
    hosts = set().union(*(s.hosts() for s in sources.values()))
    for host in ("gegevensmagazijn.tweedekamer.nl", "repository.overheid.nl", "zoek.officielebekendmakingen.nl",
                 "www.movisie.nl", "www.kis.nl", "www.verwey-jonker.nl", "www.sociaalwerknederland.nl"):
        assert host in hosts
    assert "Kamervragen (Aanhangsel)" in sources["officielebekendmakingen"].conf["query"]
    # the search terms come from the taxonomy's core vocabulary, one search per term
    terms = sources["tweede_kamer"].search_terms()
    assert "discrimin*" in terms and "racis*" in terms and "antisemit*" in terms
    assert len(sources["officielebekendmakingen"].plan()) == len(terms)
    assert sources["tweede_kamer"].conf["since"] == "2015-01-01"


def test_source_config_errors_are_one_line(tmp_path):
    with pytest.raises(config.ConfigError, match=r"crawl\.sources\.x\.publication: '\(' is not a valid regular"):
        config.from_dict({"crawl": {"sources": {"x": {"type": "site", "publication": ["("]}}}}, tmp_path)
    with pytest.raises(config.ConfigError, match=r"crawl\.sources\.x\.since: must be a date"):
        config.from_dict({"crawl": {"sources": {"x": {"type": "tk_odata", "since": "vorig jaar"}}}}, tmp_path)
    cfg = config.from_dict({"crawl": {"sources": {"x": {"type": "officielebekendmakingen", "base_url": "http://h/sru"}}}},
                           tmp_path)
    with pytest.raises(SourceConfigError, match=r"crawl\.sources\.x\.query: required"):
        build_sources(cfg["crawl"])


def test_publication_page_count_label_first_and_year_of_publication():
    # KIS-style details: the label comes before the number, right after an ISBN ending in a digit.
    html = """<html><body><h1>Moslimdiscriminatie in buurthuizen</h1>
    <div class="details"><p>ISBN 978-90-5830-703-3</p><p>Pagina's 48</p><p>Jaar van uitgave 2017</p></div></body></html>"""
    meta = publication_metadata(html, "https://www.kis.nl/publicatie/x", {"title": "h1", "details": ".details"})
    assert meta["pages"] == 48 and meta["isbn"] == "978-90-5830-703-3"
    assert meta["date"] == "2017"
    html2 = "<html><body><h1>T</h1><p>Aantal pagina’s: 12</p><p>Gepubliceerd op: 03-05-16</p></body></html>"
    meta2 = publication_metadata(html2, "https://x.nl/p", {"title": "h1"})
    assert meta2["pages"] == 12 and meta2["date"] == "2016-05-03"
    assert publication_metadata("<p>ISBN 978-90-5830-703-3 · 21 pag</p>", "https://x.nl/p", {})["pages"] == 21


def test_sociaal_werk_nederland_patterns_match_its_real_article_urls():
    cfg = config.load(ROOT / "config.toml")
    swn = {s.name: s for s in build_sources(cfg["crawl"])}["sociaal_werk_nederland"]
    base = "https://www.sociaalwerknederland.nl"
    for path in ("/actueel/nieuws/12052-sociaal-werk-en-discriminatie", "/thema/diversiteit/nieuws/6049-inclusie",
                 "/kennisbank/312-handreiking-inclusie"):
        assert swn.is_publication(base + path), path
    for path in ("/actueel/nieuws", "/thema/diversiteit", "/over-ons/contact", "/actueel/nieuws/12052-x/reacties"):
        assert not swn.is_publication(base + path), path
