"""XML from crawled sources, parsed with defusedxml and matched on local names.

Crawled XML is hostile: entity declarations (billion laughs) and external references (XXE) are
refused.  Namespaces vary between versions of a service, so lookups ignore them.
"""
from __future__ import annotations

from xml.etree.ElementTree import Element, ParseError as _XmlSyntaxError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from miner.crawl.parsers.errors import ParseError


def parse_xml(data: bytes | str, what: str = "XML") -> Element:
    """The root element; ParseError for empty, malformed or entity-declaring documents."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    if not data or not data.strip():
        raise ParseError(f"{what}: empty document")
    try:
        return fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise ParseError(f"{what} refused: it declares entities or external references ({type(exc).__name__})") from exc
    except _XmlSyntaxError as exc:
        raise ParseError(f"{what} is not well-formed: {exc}") from exc


def local(tag) -> str:
    """``{http://purl.org/dc/terms/}identifier`` → ``identifier``."""
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1].split(":")[-1]


def children(el: Element, name: str) -> list[Element]:
    return [c for c in el if local(c.tag) == name]


def child(el: Element | None, name: str) -> Element | None:
    if el is None:
        return None
    for c in el:
        if local(c.tag) == name:
            return c
    return None


def descendants(el: Element, name: str) -> list[Element]:
    return [d for d in el.iter() if local(d.tag) == name]


def first_text(el: Element | None, name: str) -> str | None:
    """Stripped text of the first descendant called ``name`` that has text."""
    if el is None:
        return None
    for d in el.iter():
        if local(d.tag) == name:
            text = text_of(d)
            if text:
                return text
    return None


def text_of(el: Element | None) -> str | None:
    if el is None:
        return None
    text = " ".join("".join(el.itertext()).split())
    return text or None
