"""The demo corpus (``corpus.toml``) rendered in the real formats of the sources, on loopback servers.

One :class:`~miner.demo.server.FixtureServer` per source host, so every path is the real one and the
sources are configured exactly as in ``config.toml`` with only the host changed:

* ``tweede_kamer``: OData v4 ``/OData/v4/2.0/Zaak`` with ``$filter`` (Nummer, ``contains(Onderwerp|Titel,…)``),
  ``$skiptoken`` paging, expanded ``Document`` (9-digit ``Aanhangselnummer``) and ``ZaakActor``;
* ``officielebekendmakingen``: SRU 2.0 ``/sru`` (``cql.textAndIndexes`` terms with ``*`` truncation,
  ``dt.identifier==``), per document the XML manifestation, the HTML page and ``metadata.xml``, and an old
  ASP.NET page (``form#mainForm``);
* ``movisie``, ``kis``, ``verwey_jonker``, ``sociaal_werk_nederland``: listing pages / sitemap, publication
  pages in each site's layout, PDFs generated here with fpdf2.

All text is invented for miner (see ``corpus.toml``).
"""
from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from html import escape
from pathlib import Path
from urllib.parse import quote

from miner.crawl.parsers.ids import answer_id, normalise_aanhangselnummer, question_id
from miner.demo.server import FixtureServer, Route

CORPUS_FILE = Path(__file__).with_name("corpus.toml")
HOSTS = ("tweede_kamer", "officielebekendmakingen", "movisie", "kis", "verwey_jonker", "sociaal_werk_nederland")
ODATA_ROOT = "/OData/v4/2.0/"
ODATA_PAGE = 3
SRU_NS = "http://docs.oasis-open.org/ns/search-ws/sruResponse"
GZD_NS = "http://standaarden.overheid.nl/sru"
OW_NS = "http://standaarden.overheid.nl/wetgeving/"
DC_NS = "http://purl.org/dc/terms/"
MONTHS = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
          "november", "december"]


@lru_cache(maxsize=1)
def load() -> dict:
    return tomllib.loads(CORPUS_FILE.read_text(encoding="utf-8"))


def dutch_date(iso: str) -> str:
    d = date.fromisoformat(iso)
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


def vergaderjaar_of(iso: str) -> str:
    d = date.fromisoformat(iso)
    start = d.year if d.month >= 9 else d.year - 1
    return f"{start}-{start + 1}"


def vergaderjaar_of_nummer(nummer: str) -> str:
    """``242502391`` → ``2024-2025`` (the first two digits are the vergaderjaar's first year)."""
    start = 2000 + int(nummer[:2])
    return f"{start}-{start + 1}"


@lru_cache(maxsize=None)
def make_pdf(title: str, paragraphs: tuple[str, ...]) -> bytes:
    """A real PDF with a text layer (fpdf2, core font: Latin-1 text)."""
    from fpdf import FPDF
    pdf = FPDF()
    pdf.set_auto_page_break(True, margin=20)
    pdf.set_title(title)
    for i, para in enumerate(paragraphs):
        if i % 2 == 0:
            pdf.add_page()
            pdf.set_font("Helvetica", "B", 14)
            pdf.multi_cell(0, 8, _latin1(title if i == 0 else f"{title} (vervolg)"), new_x="LMARGIN", new_y="NEXT")
            pdf.set_font("Helvetica", size=11)
        pdf.multi_cell(0, 6, _latin1(para), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
    return bytes(pdf.output())


def _latin1(text: str) -> str:
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"').replace("–", "-")
    return text.encode("latin-1", "replace").decode("latin-1")


# ---- Kamervragen: one part = one officielebekendmakingen document -----------------------------------------

@dataclass
class Part:
    ident: str
    kind: str                      # vraag, antwoord, mededeling, nader
    date: str
    title: str
    nummer: str | None = None      # 9-digit OData Aanhangselnummer (ah- documents)
    answers: dict[int, str] = field(default_factory=dict)
    groups: list[list[int]] = field(default_factory=list)
    notice: str | None = None
    in_search: bool = True


def _surname(name: str) -> str:
    parts = name.split()
    for i, p in enumerate(parts[1:], 1):
        if p[0].islower() or i == len(parts) - 1:
            rest = " ".join(parts[i:])
            return rest[0].upper() + rest[1:]
    return name


def _who(kv: dict) -> str:
    names = [f"{_surname(n)} ({f})" for n, f in kv["indieners"]]
    if len(names) == 1:
        return f"het lid {names[0]}"
    return "de leden " + ", ".join(names[:-1]) + " en " + names[-1]


def _omschrijving(kv: dict) -> str:
    return (f"Vragen van {_who(kv)} aan de {kv['ontvanger']} over {kv['onderwerp'][0].lower()}{kv['onderwerp'][1:]} "
            f"(ingezonden {dutch_date(kv['ingediend'])}).")


def _minister_line(kv: dict, when: str, nader: bool = False) -> str:
    name, dept = kv["minister"]
    role = "Staatssecretaris" if kv["ontvanger"].startswith("Staatssecretaris") else "Minister"
    return f"{'Nader antwoord' if nader else 'Antwoord'} van {role} {name} ({dept}) (ontvangen {dutch_date(when)})."


def parts_of(kv: dict) -> list[Part]:
    search = set(kv.get("search", []))
    parts = [Part(question_id(kv["nummer"]), "vraag", kv["ingediend"], kv["titel"], in_search="vraag" in search)]
    if "mededeling" in kv:
        m = kv["mededeling"]
        parts.append(Part(_ah(m["nummer"]), "mededeling", m["datum"], f"Mededeling over {kv['titel'][0].lower()}"
                          f"{kv['titel'][1:]}", m["nummer"], notice=m["tekst"], in_search="mededeling" in search))
    if "antwoord" in kv:
        a = kv["antwoord"]
        groups = a.get("antwoord_op") or [[i + 1] for i in range(len(a["teksten"]))]
        answers = {g[0]: t for g, t in zip(groups, a["teksten"])}
        parts.append(Part(_ah(a["nummer"]), "antwoord", a["datum"], f"Antwoord op {kv['titel'][0].lower()}"
                          f"{kv['titel'][1:]}", a["nummer"], answers, groups, in_search="antwoord" in search))
    if "nader" in kv:
        n = kv["nader"]
        answers = {int(k): v for k, v in n["teksten"].items()}
        parts.append(Part(_ah(n["nummer"]), "nader", n["datum"], f"Nader antwoord op {kv['titel'][0].lower()}"
                          f"{kv['titel'][1:]}", n["nummer"], answers, [[k] for k in sorted(answers)],
                          in_search="nader" in search))
    return parts


def _ah(nummer: str) -> str:
    return answer_id(vergaderjaar_of_nummer(nummer), nummer)


def _notes(kv: dict, mirror: dict[str, str]) -> dict[int, tuple[str, str]]:
    return {n: (text, _fill(url, mirror)) for n, text, url in kv.get("footnotes", [])}


def _fill(text: str, mirror: dict[str, str]) -> str:
    """``{MIRROR}/movisie/publicatie/x`` → ``<movisie mirror root>/publicatie/x``."""
    return re.sub(r"\{MIRROR\}/([\w-]+)/", lambda m: mirror[_SITE_OF_PREFIX[m.group(1)]] + "/", text)


_SITE_OF_PREFIX = {"movisie": "movisie", "kis": "kis", "verwey-jonker": "verwey_jonker", "swn": "sociaal_werk_nederland",
                   "obk": "officielebekendmakingen"}


def _text_with_marks(text: str, notes: dict, xml: bool) -> str:
    """Escape and put each footnote where its ``[n]`` marker is."""
    out, pos = [], 0
    for m in re.finditer(r"\[(\d+)\]", text):
        out.append(escape(text[pos:m.start()], quote=False))
        n = int(m.group(1))
        note_text, url = notes.get(n, ("", ""))
        if xml:
            out.append(f'<noot id="n{n}" type="voet"><noot.nr>{n}</noot.nr><noot.al>{escape(note_text)} '
                       f'(<extref soort="URL" doc="{escape(url)}">{escape(url)}</extref>).</noot.al></noot>')
        else:
            out.append(f'<sup><a class="nootref" href="#n{n}">{n}</a></sup>')
        pos = m.end()
    out.append(escape(text[pos:], quote=False))
    return "".join(out)


def _metadata_pairs(kv: dict, part: Part) -> list[tuple[str, str]]:
    pairs = [("DC.identifier", part.ident), ("DC.title", part.title),
             ("DC.type", "Kamervragen (Aanhangsel)" if part.kind != "vraag" else "Kamervragen zonder antwoord"),
             ("DC.creator", "Tweede Kamer der Staten-Generaal")]
    pairs += [("OVERHEIDop.indiener", n) for n, _ in kv["indieners"]]
    pairs += [("OVERHEIDop.ontvanger", kv["ontvanger"]), ("OVERHEIDop.vraagnummer", kv["nummer"]),
              ("OVERHEIDop.datumIndiening", kv["ingediend"])]
    if part.kind == "vraag":
        pairs += [("OVERHEIDop.vergaderjaar", vergaderjaar_of(kv["ingediend"])),
                  ("OVERHEIDop.publicationName", "Kamervragen zonder antwoord")]
    else:
        vj = vergaderjaar_of_nummer(part.nummer)
        pairs += [("OVERHEIDop.vergaderjaar", vj),
                  ("OVERHEIDop.aanhangselNummer", normalise_aanhangselnummer(part.nummer, vj)),
                  ("OVERHEIDop.publicationName", "Kamervragen (Aanhangsel)")]
        if part.kind in ("antwoord", "nader"):
            pairs.append(("OVERHEIDop.datumOntvangst", part.date))
    pairs += [("DCTERMS.issued", part.date), ("DCTERMS.available", part.date)]
    return pairs


def metadata_xml(kv: dict, part: Part) -> str:
    rows = "".join(f'\n  <metadata name="{n}" scheme="" content="{escape(v)}"/>' for n, v in _metadata_pairs(kv, part))
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<metadata_gegevens>{rows}\n</metadata_gegevens>\n'


def _qa_numbers(kv: dict, part: Part) -> list[int]:
    if part.kind == "vraag":
        return list(range(1, len(kv["vragen"]) + 1))
    if part.kind == "nader":
        return sorted(part.answers)
    if part.kind == "antwoord":
        return list(range(1, len(kv["vragen"]) + 1))
    return []


def manifestation_xml(kv: dict, part: Part, mirror: dict[str, str]) -> str:
    """The XML manifestation: ``officiele-publicatie`` with ``metadata`` and ``kamervragen`` (``kamervraagkop``,
    ``kamervraagomschrijving`` with ``kamervraagonderwerp``, ``vraag``/``antwoord`` with ``nr`` and ``al``,
    ``noot`` with ``noot.nr``/``noot.al``/``extref``, ``kamervraagopmerking``)."""
    notes = _notes(kv, mirror)
    meta = "".join(f'<meta name="{n}" content="{escape(v)}"/>' for n, v in _metadata_pairs(kv, part))
    body = []
    if part.kind != "vraag":
        nr = normalise_aanhangselnummer(part.nummer, vergaderjaar_of_nummer(part.nummer))
        body.append(f"<kamervraagkop><kamervraagnummer>{nr}</kamervraagnummer></kamervraagkop>")
    # as KOOP writes it: the subject marked inside the description, no <al>
    omschrijving = escape(_omschrijving(kv), quote=False)
    subject = escape(kv["onderwerp"][0].lower() + kv["onderwerp"][1:], quote=False)
    omschrijving = omschrijving.replace(subject, f"<kamervraagonderwerp>{subject}</kamervraagonderwerp>", 1)
    body.append(f"<kamervraagomschrijving>{omschrijving}</kamervraagomschrijving>")
    if part.kind in ("antwoord", "nader"):
        body.append(f"<kamervraagomschrijving><al>{escape(_minister_line(kv, part.date, part.kind == 'nader'), quote=False)}"
                    "</al></kamervraagomschrijving>")
    if part.kind == "mededeling":
        body.append(f"<kamervraagopmerking><al>Mededeling (ontvangen {dutch_date(part.date)})</al>"
                    f"<al>{escape(part.notice, quote=False)}</al></kamervraagopmerking>")
    groups = {g[0]: g for g in part.groups}
    for n in _qa_numbers(kv, part):
        body.append(f"<vraag><nr>Vraag {n}</nr><al>{_text_with_marks(kv['vragen'][n - 1], notes, True)}</al></vraag>")
        if n in part.answers:
            label = " en ".join(map(str, groups.get(n, [n])))
            body.append(f"<antwoord><nr>Antwoord {label}</nr><al>{escape(part.answers[n], quote=False)}</al></antwoord>")
    root = "kamervragen"
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<officiele-publicatie xmlns:xsi='
            f'"http://www.w3.org/2001/XMLSchema-instance"><metadata>{meta}</metadata>'
            f"<{root}>{''.join(body)}</{root}></officiele-publicatie>\n")


def manifestation_html(kv: dict, part: Part, mirror: dict[str, str], layout: str) -> str:
    """The HTML page in one of three real layouts: ``div.stuk`` (zoek pages), ``broodtekst`` (the repository's
    manifestation: ``#broodtekst``, ``p.nummer``) and ``stuktitel`` (no wrapper, an ``h2.stuktitel`` heading)."""
    notes = _notes(kv, mirror)
    heads = [_omschrijving(kv)]
    if part.kind in ("antwoord", "nader"):
        heads.append(_minister_line(kv, part.date, part.kind == "nader"))
    groups = {g[0]: g for g in part.groups}
    blocks = []
    for n in _qa_numbers(kv, part):
        q = _text_with_marks(kv["vragen"][n - 1], notes, False)
        a = escape(part.answers[n], quote=False) if n in part.answers else None
        label = " en ".join(map(str, groups.get(n, [n])))
        if layout == "stuktitel":
            blocks.append(f"<p><strong>Vraag {n}</strong></p><p>{q}</p>")
            if a is not None:
                blocks.append(f"<p><strong>Antwoord {label}</strong></p><p>{a}</p>")
        elif layout == "broodtekst":
            blocks.append(f'<div class="vraag"><p class="nummer">Vraag {n}</p><p class="vraag-tekst">{q}</p></div>')
            if a is not None:
                blocks.append(f'<div class="antwoord"><p class="nummer">Antwoord {label}</p><p>{a}</p></div>')
        else:
            blocks.append(f'<div class="vraag"><h2>Vraag {n}</h2><p>{q}</p></div>')
            if a is not None:
                blocks.append(f'<div class="antwoord"><h2>Antwoord {label}</h2><p>{a}</p></div>')
    if part.kind == "mededeling":
        blocks.append(f'<div class="kamervraagopmerking"><p>Mededeling (ontvangen {dutch_date(part.date)})</p>'
                      f"<p>{escape(part.notice, quote=False)}</p></div>")
    used = {int(n) for n in re.findall(r"\[(\d+)\]", " ".join(kv["vragen"][n - 1] for n in _qa_numbers(kv, part)))}
    foot = "".join(f'<div class="voet noot" id="n{n}"><p><span class="nootnum">{n}</span> {escape(t)} '
                   f'(<a href="{escape(u)}">{escape(u)}</a>).</p></div>' for n, (t, u) in notes.items() if n in used)
    meta = "".join(f'<meta name="{n}" content="{escape(v)}">' for n, v in _metadata_pairs(kv, part)[:3])
    head_html = "".join(f"<p>{escape(h, quote=False)}</p>" for h in heads)
    chrome = ('<header><nav><a href="/">Officiële bekendmakingen</a> <a href="/zoeken">Zoeken</a></nav></header>')
    footer = '<footer><p>Dit is een demonstratiespiegel van miner.</p></footer>'
    if layout == "stuktitel":
        content = (f'<h2 class="stuktitel">Aanhangsel van de Handelingen</h2>{head_html}{"".join(blocks)}'
                   f'<div class="voetnoten">{foot}</div>')
        return (f'<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8"><title>{escape(part.title)}</title>'
                f'{meta}</head><body>{chrome}{content}{footer}</body></html>')
    if layout == "broodtekst":
        content = (f'<div id="broodtekst"><div class="kamervraagomschrijving">{head_html}</div>{"".join(blocks)}'
                   f'<div class="voetnoten">{foot}</div></div>')
    else:
        content = (f'<div class="stuk"><div class="kamervraagomschrijving">{head_html}</div>{"".join(blocks)}'
                   f'<div class="voetnoten">{foot}</div></div>')
    return (f'<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8"><title>{escape(part.title)}</title>{meta}'
            f'</head><body>{chrome}<main id="main-content">{content}</main>{footer}</body></html>')


def odata_zaak(kv: dict, parts: list[Part]) -> dict:
    soorten = {"vraag": "Schriftelijke vragen", "antwoord": "Antwoord schriftelijke vragen",
               "mededeling": "Mededeling (uitstel antwoord)", "nader": "Antwoord schriftelijke vragen (nader)"}
    docs = []
    for i, p in enumerate(parts):
        doc = {"Id": f"{kv['nummer'].lower()}-doc-{i}", "Soort": soorten[p.kind],
               "DocumentNummer": f"{p.date[:4]}D{(int(kv['nummer'][5:]) * 10 + i) % 100000:05d}",
               "Titel": p.title, "Onderwerp": kv["onderwerp"], "Datum": f"{p.date}T00:00:00+01:00",
               "Vergaderjaar": vergaderjaar_of_nummer(p.nummer) if p.nummer else vergaderjaar_of(p.date),
               "Aanhangselnummer": p.nummer, "GewijzigdOp": f"{p.date}T10:00:00+01:00", "Verwijderd": False}
        docs.append(doc)
    actors = [{"Id": f"{kv['nummer'].lower()}-a{i}", "Relatie": "Indiener" if i == 0 else "Medeindiener",
               "ActorNaam": n, "ActorFractie": f, "Verwijderd": False} for i, (n, f) in enumerate(kv["indieners"])]
    name, dept = kv["minister"]
    role = "staatssecretaris" if kv["ontvanger"].startswith("Staatssecretaris") else "minister"
    actors.append({"Id": f"{kv['nummer'].lower()}-g", "Relatie": "Gericht aan", "ActorNaam": name,
                   "Functie": f"{role} van {dept}", "Verwijderd": False})
    last = max(p.date for p in parts)
    return {"@odata.type": "#TK.DA.GGM.OData.Zaak", "Id": f"zaak-{kv['nummer'].lower()}", "Nummer": kv["nummer"],
            "Soort": "Schriftelijke vragen", "Titel": kv["titel"], "Onderwerp": kv["onderwerp"],
            "GestartOp": f"{kv['ingediend']}T00:00:00+01:00", "GewijzigdOp": f"{last}T10:00:00+01:00",
            "Verwijderd": False, "Document": docs, "ZaakActor": actors}


def aspnet_page(entry: dict) -> str:
    """An old zoek.officielebekendmakingen.nl page: ASP.NET WebForms, everything inside form#mainForm (view
    state, skip link, header, table of contents, then ``#main-column > #broodtekst`` with the text)."""
    paras = "".join(f"<p>{escape(p, quote=False)}</p>" for p in entry["alineas"])
    return f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" lang="nl"><head><title>{escape(entry['titel'])} | Officiële bekendmakingen</title>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8" /></head>
<body><form action="kst-30950-150" id="mainForm" method="post">
<div class="aspNetHidden"><input id="__VIEWSTATE" name="__VIEWSTATE" type="hidden" value="/wEPDwUKMTY1NDU2MTA1MmRk" /></div>
<p class="tekstueel"><a id="top" name="top">Start van deze pagina</a><br /><a href="#Inhoud">Ga direct naar de inhoud</a></p>
<div id="PaginaContainer"><div class="header"><p><a href="/">Overheid.nl</a> | <a href="/zoeken">Zoeken</a></p></div>
<div class="inhoud"><div id="left-column"><div class="inhouds-opgave" id="KorteInhoudsOpgave"><ul class="toc">
<li><a href="#p1">Brief</a></li></ul><p><a href="/uitgebreidzoeken">Uitgebreid zoeken</a></p></div></div>
<div id="main-column"><div id="broodtekst"><div class="stuk-kop"><h1>{escape(entry['titel'])}</h1>
<p class="documentinfo">Kamerstuk 30 950, nr. 150 · Tweede Kamer der Staten-Generaal</p></div>
<a name="Inhoud"></a>{paras}
</div></div></div>
<div id="footer"><p>Copyright · Privacy · Toegankelijkheid</p></div></div>
<div class="aspNetHidden"><input id="__EVENTVALIDATION" name="__EVENTVALIDATION" type="hidden" value="/wEWAgKf" /></div>
</form></body></html>"""


# ---- SRU ------------------------------------------------------------------------------------------------

@dataclass
class SruRecord:
    ident: str
    title: str
    date: str
    publicatienaam: str
    text: str
    items: dict[str, str]
    in_search: bool = True
    withdrawn: bool = False        # the service does not know it (tests of expected-but-missing parts)
    vergaderjaar: str | None = None


def _sru_record(r: SruRecord, pos: int) -> str:
    items = "".join(f'\n            <gzd:itemUrl manifestation="{k}">{escape(v)}</gzd:itemUrl>' for k, v in r.items.items())
    vergaderjaar = (f"\n                <overheidwetgeving:vergaderjaar>{r.vergaderjaar}</overheidwetgeving:vergaderjaar>"
                    if r.vergaderjaar else "")
    return f"""
    <sru:record>
      <sru:recordSchema>http://standaarden.overheid.nl/sru/</sru:recordSchema>
      <sru:recordPacking>xml</sru:recordPacking>
      <sru:recordData>
        <gzd:gzd>
          <gzd:originalData>
            <overheidwetgeving:meta>
              <overheidwetgeving:owmskern>
                <dcterms:identifier>{r.ident}</dcterms:identifier>
                <dcterms:title>{escape(r.title)}</dcterms:title>
                <dcterms:type scheme="OVERHEIDop.Parlementair">Kamervragen</dcterms:type>
                <dcterms:creator scheme="OVERHEID.StatenGeneraal">Tweede Kamer der Staten-Generaal</dcterms:creator>
                <dcterms:modified>{r.date}</dcterms:modified>
              </overheidwetgeving:owmskern>
              <overheidwetgeving:owmsmantel>
                <dcterms:date>{r.date}</dcterms:date>
                <dcterms:available>{r.date}</dcterms:available>
              </overheidwetgeving:owmsmantel>
              <overheidwetgeving:tpmeta>
                <overheidwetgeving:publicatienaam>{r.publicatienaam}</overheidwetgeving:publicatienaam>{vergaderjaar}
              </overheidwetgeving:tpmeta>
            </overheidwetgeving:meta>
          </gzd:originalData>
          <gzd:enrichedData>
            <gzd:preferredUrl>{escape(r.items.get('html', ''))}</gzd:preferredUrl>{items}
          </gzd:enrichedData>
        </gzd:gzd>
      </sru:recordData>
      <sru:recordPosition>{pos}</sru:recordPosition>
    </sru:record>"""


def _cql_matches(query: str, record: SruRecord) -> bool:
    """The parts of CQL the demo needs: ``dt.identifier==x`` and ``cql.textAndIndexes="term"`` (``*`` = prefix)."""
    if record.withdrawn:
        return False
    ident = re.search(r"dt\.identifier==\"?([\w-]+)", query)
    if ident:
        return record.ident == ident.group(1)
    if not record.in_search:
        return False
    terms = re.findall(r'cql\.textAndIndexes="([^"]*)"', query)
    words = re.findall(r"\w+", (record.title + " " + record.text).lower())
    for term in terms:
        t = term.lower().strip()
        if t.endswith("*"):
            if not any(w.startswith(t[:-1]) for w in words):
                return False
        elif " " in t:
            if t not in " ".join(words):
                return False
        elif t not in words:
            return False
    return True


def sru_route(records: list[SruRecord]):
    def route(query: dict):
        cql = query.get("query", "")
        chosen = [r for r in records if _cql_matches(cql, r)]
        start = max(1, int(query.get("startRecord", "1") or 1))
        size = max(1, int(query.get("maximumRecords", "10") or 10))
        chunk = chosen[start - 1:start - 1 + size]
        body = "".join(_sru_record(r, start + i) for i, r in enumerate(chunk))
        nxt = start + size if start - 1 + size < len(chosen) else None
        xml = (f'<?xml version="1.0" encoding="UTF-8"?>\n'
               f'<sru:searchRetrieveResponse xmlns:sru="{SRU_NS}" xmlns:gzd="{GZD_NS}" '
               f'xmlns:overheidwetgeving="{OW_NS}" xmlns:dcterms="{DC_NS}">\n'
               f'  <sru:version>2.0</sru:version>\n  <sru:numberOfRecords>{len(chosen)}</sru:numberOfRecords>\n'
               f'  <sru:records>{body}\n  </sru:records>\n'
               + (f'  <sru:nextRecordPosition>{nxt}</sru:nextRecordPosition>\n' if nxt else '')
               + '</sru:searchRetrieveResponse>\n')
        return Route(xml.encode("utf-8"), "text/xml; charset=utf-8")
    route.records = records
    return route


# ---- OData ----------------------------------------------------------------------------------------------

def odata_route(server: FixtureServer, zaken: list[dict]):
    def route(query: dict):
        flt = query.get("$filter", "")
        chosen = zaken
        nummer = re.search(r"Nummer eq '([^']+)'", flt)
        if nummer:
            chosen = [z for z in chosen if z["Nummer"] == nummer.group(1)]
        for term in re.findall(r"contains\(Onderwerp,'((?:[^']|'')*)'\)", flt):
            t = term.replace("''", "'").lower()
            in_title = f"contains(Titel,'{term}')" in flt
            chosen = [z for z in chosen if t in z["Onderwerp"].lower() or (in_title and t in z["Titel"].lower())]
        since = re.search(r"GestartOp ge (\d{4}-\d{2}-\d{2})", flt)
        if since:
            chosen = [z for z in chosen if z["GestartOp"][:10] >= since.group(1)]
        changed = re.search(r"GewijzigdOp ge (\d{4}-\d{2}-\d{2})", flt)
        if changed:
            chosen = [z for z in chosen if z["GewijzigdOp"][:10] >= changed.group(1)]
        skip = int(query.get("$skiptoken", "0") or 0)
        page = chosen[skip:skip + ODATA_PAGE]
        body = {"@odata.context": f"{server.base}{ODATA_ROOT}$metadata#Zaak(Document(),ZaakActor())", "value": page}
        if skip + ODATA_PAGE < len(chosen):
            rest = "&".join(f"{k}={quote(v, safe=chr(39) + '(),$:/')}" for k, v in query.items() if k != "$skiptoken")
            body["@odata.nextLink"] = f"{server.base}{ODATA_ROOT}Zaak?{rest}&$skiptoken={skip + ODATA_PAGE}"
        return Route(json.dumps(body, ensure_ascii=False).encode(), "application/json; odata.metadata=full")
    return route


# ---- publication sites ----------------------------------------------------------------------------------

def _pdf_paragraphs(pub: dict) -> tuple[str, ...]:
    auteurs = ", ".join(pub["auteurs"])
    return (f"{pub['titel']}. {pub['samenvatting']} Auteurs: {auteurs}.", *pub["alineas"])


def movisie_page(pub: dict) -> str:
    authors = "".join(f'<a class="author-name" href="/medewerker/{_slug(a)}">{escape(a)}</a> ' for a in pub["auteurs"])
    themes = "".join(f'<a href="/thema/{_slug(t)}">{escape(t)}</a> ' for t in pub["themas"])
    return f"""<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8"><title>{escape(pub['titel'])} | Movisie</title></head>
<body><header><nav><a href="/">Home</a> <a href="/publicaties">Publicaties</a></nav></header>
<div class="cookie-banner">Wij gebruiken cookies.</div>
<main><article><h1>{escape(pub['titel'])}</h1>
<p>Verschenen: <time datetime="{pub['datum']}">{dutch_date(pub['datum'])}</time></p>
<div class="intro"><p>{escape(pub['samenvatting'])}</p></div>
<div class="authors">Auteurs: {authors}</div>
<div class="themes">{themes}</div>
<div class="publication-details">ISBN {pub['isbn']} · {pub['paginas']} pagina's</div>
<p><a href="/sites/default/files/{pub['slug']}.pdf">Download de publicatie (pdf)</a></p>
</article></main><footer><p>Movisie · Utrecht</p></footer></body></html>"""


def kis_page(pub: dict) -> str:
    authors = "".join(f"<li>{escape(a)}</li>" for a in pub["auteurs"])
    themes = "".join(f'<a href="/thema/{_slug(t)}">{escape(t)}</a> ' for t in pub["themas"])
    return f"""<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8"><title>{escape(pub['titel'])} | KIS</title></head>
<body><nav><a href="/">Home</a> <a href="/publicaties">Publicaties</a></nav>
<main><h1>{escape(pub['titel'])}</h1>
<div class="lead"><p>{escape(pub['samenvatting'])}</p></div>
<h3>Auteurs</h3><ul>{authors}</ul>
<div class="tags">{themes}</div>
<div class="publication-details"><p>ISBN {pub['isbn']}</p><p>Pagina's {pub['paginas']}</p><p>Jaar van uitgave {pub['jaar']}</p></div>
<p><a href="/media/{pub['slug']}.pdf">Download</a></p>
</main><footer>KIS · Kennisplatform Inclusief Samenleven</footer></body></html>"""


def verwey_jonker_page(pub: dict) -> str:
    authors = "".join(f'<a href="/medewerkers/{_slug(a)}/">{escape(a)}</a>' for a in pub["auteurs"])
    themes = "".join(f'<a href="/thema/{_slug(t)}/">{escape(t)}</a>' for t in pub["themas"])
    return f"""<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8"><title>{escape(pub['titel'])}</title></head>
<body><header><nav><a href="/">Verwey-Jonker Instituut</a></nav></header>
<main><h1>{escape(pub['titel'])}</h1>
<div class="publication-meta"><span class="publication-date">{dutch_date(pub['datum'])}</span> · ISBN {pub['isbn']} · {pub['paginas']} pag</div>
<div class="researchers">{authors}</div><div class="themas">{themes}</div>
<div class="summary"><p>{escape(pub['samenvatting'])}</p></div>
<p><a class="download" href="/wp-content/uploads/{pub['slug']}.pdf">Download rapport</a></p>
</main></body></html>"""


def swn_page(pub: dict) -> str:
    paras = "".join(f"<p>{escape(p, quote=False)}</p>" for p in pub["alineas"])
    themes = "".join(f'<a href="/thema/{_slug(t)}">{escape(t)}</a> ' for t in pub["themas"])
    return f"""<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8"><title>{escape(pub['titel'])} | Sociaal Werk Nederland</title></head>
<body><header><nav><a href="/">Home</a> <a href="/actueel/nieuws">Nieuws</a> <a href="/kennisbank">Kennisbank</a></nav></header>
<main><article><h1>{escape(pub['titel'])}</h1><time datetime="{pub['datum']}">{dutch_date(pub['datum'])}</time>
<p class="author">{escape(pub['auteurs'][0])}</p><div class="lead"><p>{escape(pub['samenvatting'])}</p></div>
{paras}<div class="tags">{themes}</div></article></main>
<footer><p>Sociaal Werk Nederland · Utrecht</p></footer></body></html>"""


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _listing(title: str, links: list[tuple[str, str]], extra: str = "") -> str:
    items = "".join(f'<li><a href="{escape(u)}">{escape(t)}</a></li>' for u, t in links)
    return (f'<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8"><title>{escape(title)}</title></head><body>'
            f'<nav><a href="/">Home</a></nav><main><h1>{escape(title)}</h1><ul>{items}</ul>{extra}</main></body></html>')


# ---- the whole mirror ----------------------------------------------------------------------------------

class Mirror:
    """One loopback server per source host, serving the demo corpus.  ``ports`` asks for the ports of an
    earlier run (same URLs = a no-op refresh); a port that is taken is replaced by a free one."""

    def __init__(self, ports: dict[str, int] | None = None):
        self.servers: dict[str, FixtureServer] = {}
        for name in HOSTS:
            wanted = (ports or {}).get(name, 0)
            try:
                self.servers[name] = FixtureServer(wanted)
            except OSError:
                self.servers[name] = FixtureServer(0)
        self.expect = install(self)

    @property
    def ports(self) -> dict[str, int]:
        return {name: s.port for name, s in self.servers.items()}

    def base(self, name: str) -> str:
        return self.servers[name].base

    def start(self) -> "Mirror":
        for s in self.servers.values():
            s.start()
        return self

    def stop(self) -> None:
        for s in self.servers.values():
            s.stop()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def sources(self) -> dict[str, dict]:
        """The ``[crawl.sources.*]`` tables of ``config.toml`` pointed at the mirror."""
        return sources_config(self)


def install(mirror: Mirror) -> dict:
    corpus = load()
    bases = {name: s.base for name, s in mirror.servers.items()}
    for s in mirror.servers.values():
        s.add("/robots.txt", "User-agent: *\nDisallow: /intern/\n", "text/plain")

    # Tweede Kamer + officielebekendmakingen
    obk = mirror.servers["officielebekendmakingen"]
    zaken, records, expect = [], [], {"kamervragen": {}, "documents": 0}
    for kv in corpus["kamervraag"]:
        parts = parts_of(kv)
        zaken.append(odata_zaak(kv, parts))
        expect["kamervragen"][kv["nummer"]] = {p.kind: p.ident for p in parts}
        for p in parts:
            layout = kv.get("manifestation", "xml")
            html = manifestation_html(kv, p, bases, "stuk" if layout == "xml" else layout)
            obk.add(f"/{p.ident}.html", html)
            obk.add(f"/{p.ident}/metadata.xml", metadata_xml(kv, p), "application/xml")
            items = {"html": f"{obk.base}/{p.ident}.html", "metadata": f"{obk.base}/{p.ident}/metadata.xml"}
            if layout == "xml":
                obk.add(f"/{p.ident}.xml", manifestation_xml(kv, p, bases), "application/xml")
                items = {"xml": f"{obk.base}/{p.ident}.xml", **items}
            text = " ".join([kv["onderwerp"], *kv["vragen"], *p.answers.values(), p.notice or ""])
            records.append(SruRecord(p.ident, p.title, p.date, "Kamervragen zonder antwoord" if p.kind == "vraag"
                                     else "Kamervragen (Aanhangsel)", text, items, p.in_search))
            expect["documents"] += 1
    tk = mirror.servers["tweede_kamer"]
    tk.add(f"{ODATA_ROOT}Zaak", odata_route(tk, zaken))
    obk.add("/sru", sru_route(records))
    asp = corpus["aspnet"]
    obk.add(asp["path"], aspnet_page(asp))
    expect["aspnet_url"] = obk.base + asp["path"]
    expect["documents"] += 1

    # publication sites
    by_site: dict[str, list[dict]] = {}
    for pub in corpus["publicatie"]:
        by_site.setdefault(pub["site"], []).append(pub)
        expect["documents"] += 1
    mv = mirror.servers["movisie"]
    pubs = by_site.get("movisie", [])
    for pub in pubs:
        mv.add(f"/publicatie/{pub['slug']}", movisie_page(pub))
        mv.add(f"/sites/default/files/{pub['slug']}.pdf", make_pdf(pub["titel"], _pdf_paragraphs(pub)),
               "application/pdf")
    half = (len(pubs) + 1) // 2
    mv.add("/publicaties", _listing("Publicaties", [(f"/publicatie/{p['slug']}", p["titel"]) for p in pubs[:half]],
                                    '<a href="/publicaties?page=1">Volgende</a> <a href="/intern/concept">Intern</a>'))
    mv.add("/publicaties?page=1", _listing("Publicaties (2)", [(f"/publicatie/{p['slug']}", p["titel"])
                                                                 for p in pubs[half:]]))
    mv.add("/sitemap.xml", _sitemap(mv.base, [(f"/publicatie/{p['slug']}", None) for p in pubs]), "application/xml")
    kis = mirror.servers["kis"]
    pubs = by_site.get("kis", [])
    for pub in pubs:
        kis.add(f"/publicatie/{pub['slug']}", kis_page(pub))
        kis.add(f"/media/{pub['slug']}.pdf", make_pdf(pub["titel"], _pdf_paragraphs(pub)), "application/pdf")
    kis.add("/publicaties", _listing("Publicaties", [(f"/publicatie/{p['slug']}", p["titel"]) for p in pubs]))
    kis.add("/sitemap.xml", _sitemap(kis.base, [(f"/publicatie/{p['slug']}", None) for p in pubs]), "application/xml")
    vj = mirror.servers["verwey_jonker"]
    pubs = by_site.get("verwey-jonker", [])
    for pub in pubs:
        vj.add(f"/publicatie/{pub['slug']}/", verwey_jonker_page(pub))
        vj.add(f"/wp-content/uploads/{pub['slug']}.pdf", make_pdf(pub["titel"], _pdf_paragraphs(pub)),
               "application/pdf")
    vj.add("/publicaties/", _listing("Publicaties", [(f"/publicatie/{p['slug']}/", p["titel"]) for p in pubs]))
    vj.add("/sitemap.xml", _sitemap(vj.base, [(f"/publicatie/{p['slug']}/", None) for p in pubs]), "application/xml")
    swn = mirror.servers["sociaal_werk_nederland"]
    pubs = by_site.get("swn", [])
    for pub in pubs:
        swn.add(pub["path"], swn_page(pub))
    news = [(p["path"], p["titel"]) for p in pubs if p["path"].startswith("/actueel/")]
    themed = [(p["path"], p["titel"]) for p in pubs if p["path"].startswith("/thema/")]
    swn.add("/actueel/nieuws", _listing("Nieuws", news, '<a href="/thema/diversiteit">Thema diversiteit</a>'))
    swn.add("/thema/diversiteit", _listing("Diversiteit", themed))
    swn.add("/kennisbank", _listing("Kennisbank", [], '<p>Nog geen publicaties in de demo.</p>'))
    swn.add("/sitemap.xml", _sitemap(swn.base, []), "application/xml")
    return expect


def _sitemap(base: str, pages: list[tuple[str, str | None]]) -> str:
    urls = "".join(f"<url><loc>{escape(base + p)}</loc>" + (f"<lastmod>{m}</lastmod>" if m else "") + "</url>"
                   for p, m in pages)
    return f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'


def sources_config(mirror: Mirror) -> dict[str, dict]:
    """config.toml's source tables with the hosts of the mirror: same types, patterns and selectors."""
    b = mirror.base
    return {
        "tweede_kamer": {"type": "tk_odata", "base_url": b("tweede_kamer") + ODATA_ROOT, "since": "2015-01-01"},
        "officielebekendmakingen": {
            "type": "officielebekendmakingen", "base_url": b("officielebekendmakingen") + "/sru",
            "query": 'c.product-area==officielepublicaties and (w.publicatienaam=="Kamervragen (Aanhangsel)" or '
                     'w.publicatienaam=="Kamervragen zonder antwoord")',
            "since": "2015-01-01", "page_size": 100},
        "movisie": {"type": "site", "seeds": [b("movisie") + "/publicaties"], "sitemaps": [b("movisie") + "/sitemap.xml"],
                    "publication": ["^/publicatie/[^/?#]+$"], "follow": [r"^/publicaties(\?page=\d+)?$"],
                    "max_depth": 3,
                    "selectors": {"title": "h1", "date": "time, .publication-date, .date",
                                  "authors": ".authors a, .author-name", "themes": ".themes a, .tags a",
                                  "summary": ".intro, .lead", "details": ".publication-details",
                                  "pdf": "a[href$='.pdf'], a[href*='/sites/default/files/']"}},
        "kis": {"type": "site", "seeds": [b("kis") + "/publicaties"], "sitemaps": [b("kis") + "/sitemap.xml"],
                "publication": ["^/publicatie/[^/?#]+$"], "follow": [r"^/publicaties(\?page=\d+)?$"], "max_depth": 3,
                "selectors": {"title": "h1", "date": "time, .date", "authors": ".authors a, .author",
                              "themes": ".themes a, .tags a", "summary": ".intro, .lead",
                              "details": ".publication-details", "pdf": "a[href$='.pdf']"}},
        "verwey_jonker": {"type": "site", "seeds": [b("verwey_jonker") + "/publicaties/"],
                          "sitemaps": [b("verwey_jonker") + "/sitemap.xml"],
                          "publication": ["^/publicatie/[^/?#]+/?$"], "follow": [r"^/publicaties/(page/\d+/?)?$"],
                          "max_depth": 3,
                          "selectors": {"title": "h1", "date": ".publication-date, time",
                                        "authors": ".researchers a, .onderzoekers a", "themes": ".themes a, .themas a",
                                        "summary": ".intro, .summary", "details": ".publication-meta",
                                        "pdf": "a[href$='.pdf'], a.download"}},
        "sociaal_werk_nederland": {
            "type": "site", "seeds": [b("sociaal_werk_nederland") + "/kennisbank",
                                      b("sociaal_werk_nederland") + "/actueel/nieuws"],
            "sitemaps": [b("sociaal_werk_nederland") + "/sitemap.xml"],
            "publication": [r"^/(actueel/)?(kennisbank|publicaties|nieuws)/\d+[^/?#]*$",
                            r"^/thema/[^/?#]+/(nieuws|kennisbank|publicaties)/\d+[^/?#]*$"],
            "follow": [r"^/(kennisbank|publicaties|actueel/nieuws)(\?page=\d+)?$", r"^/thema/[^/?#]+/?$"],
            "max_depth": 2,
            "selectors": {"title": "h1", "date": "time, .date", "authors": ".author", "themes": ".themes a, .tags a",
                          "summary": ".intro, .lead", "details": "", "pdf": "a[href$='.pdf']"}},
    }
