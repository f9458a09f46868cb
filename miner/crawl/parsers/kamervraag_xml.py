"""The XML manifestation of a Kamervraag (``kv-tk-….xml``), an answer or a notice (``ah-tk-….xml``).

officielebekendmakingen serves every Kamervraag and aanhangsel as structured XML (KOOP's
``officiele-publicatie`` schema), listed in the SRU record as ``itemUrl manifestation="xml"``.  It
names what the HTML page only shows: ``<kamervraagnummer>``, ``<kamervraagomschrijving>``,
``<vraag>`` / ``<antwoord>`` blocks with their ``<nr>``, ``<al>`` paragraphs, footnotes as
``<noot><noot.nr>1</noot.nr><noot.al>… <extref doc="https://…">…</extref></noot.al></noot>`` at the
place of their marker, and ``<kamervraagopmerking>`` for a postponement.

The XML is read with defusedxml (no external entities, no entity expansion) and its structure is
mapped onto the block vocabulary of :mod:`miner.crawl.parsers.kamervraag_html` (``div.vraag``,
``p.nummer``, ``div.voet.noot`` …), so one set of rules reads the header lines, numbers, references
("Zie antwoord vraag 3") and notices of both manifestations.
"""
from __future__ import annotations

import re
from html import escape

from miner.crawl.parsers.errors import ParseError
from miner.crawl.parsers.kamervraag_html import KamervraagDocument, parse_kamervraag_html

_BLOCK_CLASSES = {"kamervraagomschrijving": "kamervraagomschrijving", "kamervraagopmerking": "kamervraagopmerking",
                  "vraag": "vraag", "antwoord": "antwoord", "ondertekening": "ondertekening",
                  "kamervraagkop": "kamervraagkop"}
_PARAGRAPHS = {"al", "tekstregel", "titel", "kop", "regel", "intitule", "functie", "slotformulering"}
_SKIP = {"metadata", "meta", "noot.nr", "noot.al", "li.nr"}
# Phrase-level elements (and text directly inside the description blocks) stay inside their line.
_INLINE = {"nadruk", "naam", "voornaam", "achternaam", "functie", "kamervraagonderwerp", "organisatie", "datum",
           "sup", "inf", "dossiernummer", "dossiernr", "ondernummer"}
_INLINE_PARENTS = _PARAGRAPHS | _INLINE | {"li", "nr", "extref", "intref", "kamervraagomschrijving",
                                           "kamervraagopmerking"}


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def looks_like_xml(data: bytes | str) -> bool:
    head = data[:512] if isinstance(data, (bytes, str)) else b""
    if isinstance(head, str):
        head = head.encode("utf-8", "ignore")
    head = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith(b"<?xml") and b"<html" not in head.lower()


class _Writer:
    def __init__(self):
        self.out: list[str] = []
        self.notes: list[str] = []
        self.meta: list[tuple[str, str]] = []

    def text(self, value: str | None) -> None:
        if value:
            self.out.append(escape(value, quote=False))

    def element(self, el, parent: str = "") -> None:
        name = _local(el.tag)
        if name in ("metadata", "meta"):   # the document's own metadata → <meta> of the head, not text
            for m in el.iter():
                if _local(m.tag) == "meta" and m.get("name") and m.get("content") is not None:
                    self.meta.append((m.get("name"), m.get("content")))
            return self.tail(el)
        if name == "noot":
            self.note(el)
            return self.tail(el)
        if name in _SKIP:
            return self.tail(el)
        if name == "extref" or name == "intref":
            href = (el.get("doc") or el.get("ref") or "").strip()
            if re.match(r"^https?://", href, re.I):
                self.out.append(f'<a href="{escape(href)}">')
                self.inner(el, name)
                self.out.append("</a>")
            else:
                self.inner(el, name)
            return self.tail(el)
        if name == "kamervraagnummer" or name == "aanhangselnummer":
            self.out.append(f'<p class="nummer {name}">')
            self.inner(el, name)
            self.out.append("</p>")
        elif name == "nr" and parent in ("vraag", "antwoord"):
            self.out.append('<p class="nummer">')
            self.inner(el, name)
            self.out.append("</p>")
        elif name in _BLOCK_CLASSES:
            self.out.append(f'<div class="{_BLOCK_CLASSES[name]}">')
            number = (el.get("nummer") or el.get("nr") or "").strip()
            if name in ("vraag", "antwoord") and number and not any(_local(c.tag) == "nr" for c in el):
                # <vraag nummer="3"> without an <nr> child: the attribute numbers the block
                self.out.append(f'<p class="nummer">{name.capitalize()} {escape(number)}</p>')
            self.inner(el, name)
            self.out.append("</div>")
        elif name in _PARAGRAPHS:
            self.out.append("<p>")
            self.inner(el, name)
            self.out.append("</p>")
        elif name == "lijst":
            self.out.append("<ul>")
            self.inner(el, name)
            self.out.append("</ul>")
        elif name == "li":
            self.out.append("<li>")
            self.inner(el, name)
            self.out.append("</li>")
        else:
            inline = name in _INLINE or parent in _INLINE_PARENTS
            self.out.append("<span>" if inline else "<div>")
            self.inner(el, name)
            self.out.append("</span>" if inline else "</div>")
        self.tail(el)

    def inner(self, el, name: str) -> None:
        self.text(el.text)
        for child in el:
            self.element(child, name)

    def tail(self, el) -> None:
        self.text(el.tail)

    def note(self, el) -> None:
        """The marker stays where the note is; the note itself goes to the footnote block."""
        number = "".join((c.text or "") for c in el if _local(c.tag) == "noot.nr").strip() or el.get("nr") or \
            str(len(self.notes) + 1)
        self.out.append(f"<sup>{escape(number)}</sup>")
        body = _Writer()
        for child in el:
            if _local(child.tag) == "noot.al":
                body.out.append("<p>")
                body.inner(child, "al")
                body.out.append("</p>")
        self.notes.append(f'<div class="voet noot"><span class="nootnum">{escape(number)}</span>{"".join(body.out)}'
                          "</div>")


def kamervraag_xml_to_html(data: bytes | str) -> str:
    """The XML manifestation as an HTML page in the block vocabulary of the HTML parser."""
    from defusedxml import ElementTree as ET
    from defusedxml.common import DefusedXmlException
    try:
        root = ET.fromstring(data)
    except (ET.ParseError, DefusedXmlException, ValueError) as exc:
        raise ParseError(f"Kamervraag XML: not well-formed or unsafe: {exc}") from None
    if not any(_local(el.tag) in ("vraag", "antwoord", "kamervraagomschrijving", "kamervraagopmerking")
               for el in root.iter()):
        raise ParseError(f"Kamervraag XML: <{_local(root.tag)}> holds no vraag, antwoord, "
                         "kamervraagomschrijving or kamervraagopmerking")
    w = _Writer()
    w.element(root)
    head = "".join(f'<meta name="{escape(n)}" content="{escape(c)}">' for n, c in w.meta)
    notes = f'<div class="voetnoten">{"".join(w.notes)}</div>' if w.notes else ""
    return (f'<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8">{head}</head>'
            f'<body><div class="stuk">{"".join(w.out)}{notes}</div></body></html>')


def parse_kamervraag_xml(data: bytes | str, base_url: str | None = None,
                         document_id: str | None = None) -> KamervraagDocument:
    """Parse one XML manifestation; ParseError when it is not XML or holds no Kamervraag content."""
    return parse_kamervraag_html(kamervraag_xml_to_html(data), base_url=base_url, document_id=document_id)


def parse_kamervraag_document(data: bytes, base_url: str | None = None,
                              document_id: str | None = None) -> KamervraagDocument:
    """A stored part, whichever manifestation it is: the XML when it is XML, else the HTML page."""
    if looks_like_xml(data):
        return parse_kamervraag_xml(data, base_url=base_url, document_id=document_id)
    return parse_kamervraag_html(data, base_url=base_url, document_id=document_id)
