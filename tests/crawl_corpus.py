"""A fixture corpus on the loopback server, in the shapes of the real sources.

* ``/odata/Zaak``: Tweede Kamer OData JSON pages (``@odata.nextLink``, a deleted Zaak, expanded
  Document and ZaakActor);
* ``/sru``: KOOP SRU 2.0 XML with the real namespaces and ``nextRecordPosition``;
* ``/obk/<id>.html`` and ``/obk/<id>/metadata.xml``: the Kamervraag fixtures of
  ``tests/fixtures/kamervragen/`` (footnote links to movisie.nl / kis.nl rewritten to this server);
* ``/movisie/…`` and ``/kis/…``: publication sites with listing pages, a sitemap, publication pages
  with metadata and PDFs generated here with fpdf2;
* ``/robots.txt`` disallowing ``/movisie/intern/``.

``extra_questions`` and ``extra_publications`` grow the corpus for the benchmark.
All text is our own.
"""
from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

from fixture_server import FixtureServer, Route

from miner.demo import corpus as demo_corpus

FIXTURES = Path(__file__).parent / "fixtures" / "kamervragen"

SRU_NS = "http://docs.oasis-open.org/ns/search-ws/sruResponse"
GZD_NS = "http://standaarden.overheid.nl/sru"
OW_NS = "http://standaarden.overheid.nl/wetgeving/"
DC_NS = "http://purl.org/dc/terms/"

MAIN_ZAAK = "2023Z02090"


@lru_cache(maxsize=None)
def make_pdf(title: str, paragraphs: tuple[str, ...]) -> bytes:
    from fpdf import FPDF
    pdf = FPDF()
    pdf.set_auto_page_break(True, margin=20)
    for i, para in enumerate(paragraphs):
        if i % 3 == 0:
            pdf.add_page()
            pdf.set_font("Helvetica", "B", 14)
            pdf.multi_cell(0, 8, title if i == 0 else f"{title} (vervolg)", new_x="LMARGIN", new_y="NEXT")
            pdf.set_font("Helvetica", size=11)
        pdf.multi_cell(0, 6, para, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


# ---- Tweede Kamer OData ----------------------------------------------------------------------------

def _zaak(nummer: str, onderwerp: str, gestart: str, docs: list[dict], actors: list[dict], deleted=False) -> dict:
    return {"@odata.type": "#TK.DA.GGM.OData.Zaak", "Id": f"zaak-{nummer.lower()}", "Nummer": nummer,
            "Soort": "Schriftelijke vragen", "Titel": onderwerp, "Onderwerp": onderwerp,
            "GestartOp": f"{gestart}T00:00:00+01:00", "GewijzigdOp": f"{gestart}T09:00:00+01:00",
            "Verwijderd": deleted, "Document": docs, "ZaakActor": actors}


def main_zaak() -> dict:
    docs = [
        {"Id": "doc-vraag-2090", "Soort": "Schriftelijke vragen", "DocumentNummer": "2023D04567",
         "Titel": "Vragen over discriminatie in de sociale basis", "Datum": "2023-02-08T00:00:00+01:00",
         "Vergaderjaar": "2022-2023", "Verwijderd": False},
        {"Id": "doc-uitstel-2090", "Soort": "Mededeling (uitstel antwoord)", "DocumentNummer": "2023D08910",
         "Datum": "2023-03-01T00:00:00+01:00", "Vergaderjaar": "2022-2023", "Aanhangselnummer": "1702",
         "Verwijderd": False},
        {"Id": "doc-antwoord-2090", "Soort": "Antwoord schriftelijke vragen", "DocumentNummer": "2023D11223",
         "Datum": "2023-03-21T00:00:00+01:00", "Vergaderjaar": "2022-2023", "Aanhangselnummer": "222301944",
         "Verwijderd": False},
    ]
    actors = [
        {"Id": "a1", "Relatie": "Indiener", "ActorNaam": "S.R. Simons", "ActorFractie": "BIJ1", "Verwijderd": False},
        {"Id": "a2", "Relatie": "Gericht aan", "ActorNaam": "E.J. Kuipers",
         "Functie": "minister van Volksgezondheid, Welzijn en Sport", "Verwijderd": False},
    ]
    return _zaak(MAIN_ZAAK, "Het nieuwe Movisie-rapport over uitsluiting in buurtwerk en "
                            "wijkteams", "2023-02-08", docs, actors)


def extra_zaak(i: int) -> dict:
    nummer = f"2022Z{10000 + i:05d}"
    actors = [{"Id": f"x{i}", "Relatie": "Indiener", "ActorNaam": f"Kamerlid {i}", "ActorFractie": "GL",
               "Verwijderd": False}]
    return _zaak(nummer, f"Discriminatie bij de toegang tot buurthuizen, deel {i}", "2022-05-01", [], actors)


def odata_route(server: FixtureServer, zaken: list[dict], page_size: int):
    def route(query: dict):
        skip = int(query.get("$skiptoken", "0") or 0)
        wanted = re.search(r"Nummer eq '([^']+)'", query.get("$filter", ""))
        chosen = [z for z in zaken if z["Nummer"] == wanted.group(1)] if wanted else zaken
        page = chosen[skip:skip + page_size]
        body = {"@odata.context": f"{server.base}/odata/$metadata#Zaak(Document(),ZaakActor())", "value": page}
        if skip + page_size < len(chosen):
            body["@odata.nextLink"] = f"{server.base}/odata/Zaak?$skiptoken={skip + page_size}"
        return Route(json.dumps(body, ensure_ascii=False).encode(), "application/json; odata.metadata=full")
    return route


# ---- SRU + officielebekendmakingen pages -----------------------------------------------------------

def _sru_record(server: FixtureServer, ident: str, title: str, date: str, publicatie: str, pos: int) -> str:
    """One search record in the structure of the real service (the demo mirror's builder)."""
    base = f"{server.base}/obk"
    items = {"html": f"{base}/{ident}.html", "metadata": f"{base}/{ident}/metadata.xml", "pdf": f"{base}/{ident}.pdf"}
    return demo_corpus._sru_record(demo_corpus.SruRecord(ident, title, date, publicatie, "", items,
                                                         vergaderjaar="2022-2023"), pos)


def sru_route(server: FixtureServer, records: list[tuple], hidden: tuple = ()):
    """Search results; ``hidden`` ids are only found by ``dt.identifier==<id>`` (published later)."""
    def route(query: dict):
        wanted = re.search(r"dt\.identifier==([\w-]+)", query.get("query", ""))
        records_now = [r for r in all_records if r[0] == wanted.group(1)] if wanted else \
            [r for r in all_records if r[0] not in hidden]
        return _page(query, records_now)
    all_records = records

    def _page(query: dict, records: list[tuple]):
        start = int(query.get("startRecord", "1"))
        size = int(query.get("maximumRecords", "10"))
        chunk = records[start - 1:start - 1 + size]
        body = "".join(_sru_record(server, *r, start + i) for i, r in enumerate(chunk))
        nxt = start + size if start - 1 + size < len(records) else None
        xml = (f'<?xml version="1.0" encoding="UTF-8"?>\n'
               f'<sru:searchRetrieveResponse xmlns:sru="{SRU_NS}" xmlns:gzd="{GZD_NS}" '
               f'xmlns:overheidwetgeving="{OW_NS}" xmlns:dcterms="{DC_NS}">\n'
               f'  <sru:version>2.0</sru:version>\n  <sru:numberOfRecords>{len(records)}</sru:numberOfRecords>\n'
               f'  <sru:records>{body}\n  </sru:records>\n'
               + (f'  <sru:nextRecordPosition>{nxt}</sru:nextRecordPosition>\n' if nxt else '')
               + '</sru:searchRetrieveResponse>\n')
        return Route(xml.encode("utf-8"), "text/xml; charset=utf-8")
    return route


def _rewrite(text: str, server: FixtureServer) -> str:
    return (text.replace("{BASE}", f"{server.base}/obk")
            .replace("https://www.movisie.nl/", f"{server.base}/movisie/")
            .replace("https://www.kis.nl/", f"{server.base}/kis/"))


def extra_question_html(i: int) -> tuple[str, str]:
    nummer = f"2022Z{10000 + i:05d}"
    html = f"""<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8">
<meta name="DC.identifier" content="kv-tk-{nummer}"><meta name="DC.type" content="Kamervragen"></head>
<body><div class="stuk">
<div class="kamervraagomschrijving"><p>Vragen van het lid Kamerlid {i} (GL) aan de Minister van Binnenlandse Zaken en
Koninkrijksrelaties over discriminatie bij de toegang tot buurthuizen, deel {i} (ingezonden 1 mei 2022).</p></div>
<div class="vraag"><h2>Vraag 1</h2><p>Bent u bekend met signalen dat bezoekers van buurthuis nummer {i} worden geweigerd
vanwege hun afkomst?</p></div>
<div class="vraag"><h2>Vraag 2</h2><p>Welke stappen zet u om gemeenten te helpen dit te voorkomen?</p></div>
</div></body></html>"""
    meta = f"""<?xml version="1.0" encoding="UTF-8"?><metadata_gegevens>
<metadata name="DC.identifier" content="kv-tk-{nummer}"/>
<metadata name="DC.title" content="Discriminatie bij de toegang tot buurthuizen, deel {i}"/>
<metadata name="OVERHEIDop.vraagnummer" content="{nummer}"/>
<metadata name="OVERHEIDop.datumIndiening" content="2022-05-01"/>
<metadata name="OVERHEIDop.publicationName" content="Kamervragen zonder antwoord"/>
</metadata_gegevens>"""
    return html, meta


# ---- publication sites -----------------------------------------------------------------------------

def publication_html(server, site: str, slug: str, title: str, date_iso: str, authors: list[str],
                     themes: list[str], isbn: str, pages: int, summary: str) -> str:
    author_items = "".join(f'<li><a href="/{site}/medewerker/{a.lower().replace(" ", "-")}">{a}</a></li>'
                           for a in authors)
    theme_items = "".join(f'<li><a href="/{site}/thema/{t.lower()}">{t}</a></li>' for t in themes)
    return f"""<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8"><title>{title} | {site}</title></head>
<body><header><nav><a href="/{site}/">Home</a> <a href="/{site}/publicaties">Publicaties</a></nav></header>
<main><h1>{title}</h1>
<p class="meta">Gepubliceerd op: <time datetime="{date_iso}">{date_iso}</time></p>
<div class="intro"><p>{summary}</p></div>
<h2>Onderzoekers</h2><ul class="authors">{author_items}</ul>
<h2>Thema's</h2><ul class="themes">{theme_items}</ul>
<div class="publication-details">ISBN {isbn} · {pages} pag · {date_iso[:4]}</div>
<p><a class="download" href="/{site}/files/{slug}.pdf">Download {title} [pdf]</a></p>
<p>Lees ook het <a href="https://www.example.org/achtergrond/{slug}">achtergrondartikel</a> elders.</p>
</main><footer><a href="https://www.example.org/privacy">Privacy</a></footer></body></html>"""


def publication_pdf_text(title: str, slug: str) -> tuple[str, ...]:
    return (
        f"{title}. Dit rapport beschrijft hoe discriminatie en uitsluiting in de sociale basis zichtbaar worden.",
        "Sociaal werkers en vrijwilligers vertellen dat zij opmerkingen over afkomst en geloof horen in buurthuizen.",
        "Gemeenten kunnen de antidiscriminatievoorziening vaker betrekken bij het werk in de wijk.",
        f"Kenmerk van dit rapport: {slug}. De onderzoekers spraken met professionals in vijf gemeenten.",
    )


SITES = {
    "movisie": [
        ("aanpak-discriminatie-sociale-basis", "Discriminatie aanpakken in buurt en wijk", "2023-02-03",
         ["Hanna de Vries", "Samir El Amrani"], ["Discriminatie", "Sociaal werk"], "978-90-1234-567-8", 64,
         "Een verkenning van wat sociaal werkers meemaken en wat helpt."),
        ("vrijwilligers-en-uitsluiting", "Vrijwilligers en uitsluiting in de wijk", "2022-11-15",
         ["Joke Bakker"], ["Vrijwilligerswerk"], "978-90-1234-568-5", 32,
         "Hoe vrijwilligersorganisaties omgaan met uitsluiting van nieuwe vrijwilligers."),
        ("handreiking-lokaal-antidiscriminatiebeleid", "Handreiking lokaal antidiscriminatiebeleid", "2022-09-01",
         ["Pieter Jansen"], ["Discriminatie", "Gemeenten"], "978-90-1234-569-2", 40,
         "Een handreiking voor gemeenten die hun antidiscriminatiebeleid willen versterken."),
    ],
    "kis": [
        ("sociale-wijkteams-en-diversiteit", "Over sociale wijkteams en diversiteit", "2016-05-03",
         ["Marieke Smit", "Yusuf Demir"], ["Buurten", "Diversiteit"], "978-90-5830-703-3", 21,
         "Een verkenning van het bereik van sociale wijkteams onder bewoners met een migratieachtergrond."),
        ("discriminatie-in-de-sport", "Discriminatie in de sport", "2021-06-10",
         ["Anouk Peters"], ["Sport", "Discriminatie"], "978-90-5830-800-9", 28,
         "Wat sportclubs kunnen doen tegen racistische spreekkoren."),
    ],
}


def extra_publication(i: int) -> tuple:
    return (f"rapport-{i:04d}", f"Rapport {i} over inclusie in het sociaal domein", "2020-01-15",
            [f"Auteur {i}"], ["Inclusie"], "978-90-0000-000-0", 12 + i % 30,
            f"Samenvatting van rapport {i} over inclusie en uitsluiting.")


def install(server: FixtureServer, *, extra_questions: int = 0, extra_publications: int = 0,
            odata_page_size: int = 2, modified: dict | None = None, extra_records: list | None = None,
            sru_hidden: tuple = ()) -> dict:
    """Register every route; returns what the tests need to know (config tables, expectations)."""
    server.add("/robots.txt", "User-agent: *\nDisallow: /movisie/intern/\n", "text/plain")

    zaken = [main_zaak(), _zaak("2021Z99999", "Een verwijderde zaak", "2021-01-01", [], [], deleted=True)]
    zaken += [extra_zaak(i) for i in range(extra_questions)]
    server.add("/odata/Zaak", odata_route(server, zaken, odata_page_size))
    for doc in main_zaak()["Document"]:
        server.add(f"/odata/Document({doc['Id']})/resource",
                   make_pdf(doc["Soort"], (f"{doc['Soort']} bij zaak {MAIN_ZAAK} over discriminatie in de sociale "
                                           "basis.",)), "application/pdf")

    records = []
    for ident in ("kv-tk-2023Z02090", "ah-tk-20222023-1702", "ah-tk-20222023-1944",
                  "kv-tk-2023Z11111", "ah-tk-20222023-2345"):
        html = _rewrite((FIXTURES / f"{ident}.html").read_text(encoding="utf-8"), server)
        meta = (FIXTURES / f"{ident}.metadata.xml").read_text(encoding="utf-8")
        server.add(f"/obk/{ident}.html", html)
        server.add(f"/obk/{ident}/metadata.xml", meta, "application/xml")
        title = "Kamervraag " + ident
        records.append((ident, title, (modified or {}).get(ident, "2023-03-21"),
                        "Kamervragen (Aanhangsel)" if ident.startswith("ah") else "Kamervragen zonder antwoord"))
    for i in range(extra_questions):
        html, meta = extra_question_html(i)
        ident = f"kv-tk-2022Z{10000 + i:05d}"
        server.add(f"/obk/{ident}.html", html)
        server.add(f"/obk/{ident}/metadata.xml", meta, "application/xml")
        records.append((ident, f"Vragen deel {i}", "2022-05-01", "Kamervragen zonder antwoord"))
    records += extra_records or []   # (id, title, date, publicatienaam); the test serves their pages
    server.add("/sru", sru_route(server, records, sru_hidden))
    server.add("/nieuws/spreekkoren-jeugdvoetbal", "<html><body><h1>Spreekkoren bij jeugdvoetbal</h1><p>Scheidsrechters "
               "melden vaker racistische spreekkoren langs de lijn.</p></body></html>")

    for site, pubs in SITES.items():
        pubs = list(pubs) + ([extra_publication(i) for i in range(extra_publications)] if site == "movisie" else [])
        listed = [p for p in pubs if p[0] != "handreiking-lokaal-antidiscriminatiebeleid"]
        for p in pubs:
            slug, title = p[0], p[1]
            server.add(f"/{site}/publicatie/{slug}", publication_html(server, site, *p))
            server.add(f"/{site}/files/{slug}.pdf", make_pdf(title, publication_pdf_text(title, slug)),
                       "application/pdf")
        if site == "movisie":
            half = (len(listed) + 1) // 2
            for n, chunk in ((1, listed[:half]), (2, listed[half:])):
                links = "".join(f'<li><a href="/movisie/publicatie/{p[0]}">{p[1]}</a></li>' for p in chunk)
                nav = '<a href="/movisie/publicaties?page=2">Volgende</a>' if n == 1 else ""
                path = "/movisie/publicaties" if n == 1 else "/movisie/publicaties?page=2"
                server.add(path, f"<html><body><h1>Publicaties</h1><ul>{links}</ul>{nav}"
                                 f'<a href="/movisie/intern/concept">Intern concept</a></body></html>')
            server.add("/movisie/intern/concept", "<html><body>niet voor crawlers</body></html>")
        else:
            urls = "".join(f"<url><loc>{server.base}/{site}/publicatie/{p[0]}</loc><lastmod>{p[2]}</lastmod></url>"
                           for p in listed)
            server.add(f"/{site}/sitemap.xml",
                       f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/'
                       f'sitemap/0.9">{urls}</urlset>', "application/xml")
    return {"zaken": len(zaken) - 1, "sru_records": len(records)}


def sources_config(server: FixtureServer, *, page_size: int = 2) -> dict:
    base = server.base
    esc = base.replace(".", r"\.")
    selectors = {"title": "h1", "date": "time", "authors": ".authors a", "themes": ".themes a",
                 "summary": ".intro", "details": ".publication-details", "pdf": "a[href$='.pdf']"}
    return {
        "tweede_kamer": {"type": "tk_odata", "base_url": f"{base}/odata/", "query": "discriminatie",
                         "since": "2015-01-01"},
        "officielebekendmakingen": {"type": "officielebekendmakingen", "base_url": f"{base}/sru",
                                    "query": 'c.product-area==officielepublicaties and cql.textAndIndexes="discriminatie"',
                                    "page_size": page_size},
        "movisie": {"type": "site", "seeds": [f"{base}/movisie/publicaties"],
                    "publication": [f"^{esc}/movisie/publicatie/[^/?#]+$"],
                    "follow": [f"^{esc}/movisie/publicaties(\\?page=\\d+)?$", f"^{esc}/movisie/intern/"],
                    "max_depth": 3, "selectors": selectors},
        "kis": {"type": "site", "sitemaps": [f"{base}/kis/sitemap.xml"],
                "publication": ["^/kis/publicatie/[^/?#]+$"], "selectors": selectors},   # a path pattern
    }


def write_config(path: Path, server: FixtureServer, data_dir: Path, *, delay: float = 0, workers: int = 1,
                 read_timeout: float = 1, page_size: int = 2, extra: str = "") -> Path:
    """A config.toml for `miner refresh` against the fixture server."""
    lines = [f'[store]\ndata_dir = "{data_dir}"\ndatabase = "{data_dir}/miner.sqlite"\n',
             f"[extract]\nworkers = {workers}\nocr = false\n",
             f'[crawl]\ncontact = "tests@example.org"\ndelay_s = {delay}\nconnect_timeout_s = 2\n'
             f"read_timeout_s = {read_timeout}\nretries = 2\nbackoff_s = 0.05\nmax_retry_after_s = 3\n{extra}\n"]
    for name, table in sources_config(server, page_size=page_size).items():
        lines.append(f"[crawl.sources.{name}]")
        for k, v in table.items():
            if k == "selectors":
                continue
            lines.append(f"{k} = {json.dumps(v)}")
        if "selectors" in table:
            lines.append(f"[crawl.sources.{name}.selectors]")
            lines.extend(f"{k} = {json.dumps(v)}" for k, v in table["selectors"].items())
        lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")
    return path
