"""Metadata of a publication page (title, date, authors, themes, ISBN, pages, summary, PDF links).

Pure functions over HTML; which element holds what is configured per site as
CSS selectors (``[crawl.sources.<name>.selectors]``).  Where a selector finds
nothing, the text of the page is searched for the usual Dutch labels
("ISBN 978-…", "21 pag", "Onderzoekers", "Gepubliceerd op: 03-05-16").
"""
from __future__ import annotations

import re
from urllib.parse import urldefrag, urljoin

import defusedxml.ElementTree as SafeET
from bs4 import BeautifulSoup

from miner.crawl.parsers.dates import parse_date

ISBN = re.compile(r"ISBN(?:-1[03])?[:\s]*((?:97[89][-\s]?)?\d{1,5}[-\s]?\d{1,7}[-\s]?\d{1,7}[-\s]?[\dX])", re.I)
_PAGE_WORD = r"(?:pagina[’']?s|paginas|pag\.|pag\b|blz\.|blz\b|pages\b)"
# "21 pag" (number first), else "Pagina's: 48", "Aantal pagina's 48" (label first, as on KIS pages); a number
# that ends an ISBN ("978-90-5830-703-3 Pagina's 21") is never a page count.
PAGES_LABEL_FIRST = re.compile(rf"(?:aantal\s+)?{_PAGE_WORD}\s*[:.]?\s*(\d{{1,4}})\b(?![-\d])", re.I)
PAGES = re.compile(rf"(?<![-\d])\b(\d{{1,4}})\s*{_PAGE_WORD}", re.I)
YEAR_ONLY = re.compile(r"(?:jaar\s+van\s+(?:uitgave|publicatie|verschijnen)|uitgavejaar|publicatiejaar|"
                       r"verschenen\s+in)\s*[:.]?\s*((?:19|20)\d{2})\b", re.I)
SHORT_DATE = re.compile(r"\b(\d{1,2})-(\d{1,2})-(\d{2})\b")
PDF_TEXT = re.compile(r"\b(download|pdf)\b", re.I)


def _select(soup, selector: str):
    if not selector:
        return []
    try:
        return soup.select(selector)
    except Exception:   # a selector the parser does not support: treat as not found
        return []


def _text(el) -> str:
    return " ".join(el.get_text(" ", strip=True).split())


def _date_of(els, page_text: str) -> str | None:
    for el in els:
        for value in (el.get("datetime"), el.get("content"), _text(el)):
            iso = parse_date(value) or _short_date(value)
            if iso:
                return iso
    m = re.search(r"(?:Gepubliceerd op|Publicatiedatum|Verschenen)[:\s]*([^\n]{4,30})", page_text, re.I)
    if m and (iso := parse_date(m.group(1)) or _short_date(m.group(1))):
        return iso
    m = YEAR_ONLY.search(page_text)     # "Jaar van uitgave 2017": the year alone (ISO 8601 reduced precision)
    return m.group(1) if m else None


def _short_date(value: str | None) -> str | None:
    """``03-05-16`` → 2016-05-03 (Dutch day-month-year with a two-digit year)."""
    if not value:
        return None
    m = SHORT_DATE.search(value)
    if not m:
        return None
    from datetime import date
    try:
        return date(2000 + int(m.group(3)), int(m.group(2)), int(m.group(1))).isoformat()
    except ValueError:
        return None


def _names(els) -> list[str]:
    names = []
    for el in els:
        for part in re.split(r"\s*(?:,|;|\ben\b|&)\s*", _text(el)):
            part = part.strip()
            if part and part.lower() not in ("onderzoekers", "auteurs", "auteur") and part not in names:
                names.append(part)
    return names


AUTHOR_LABELS = ("onderzoekers", "onderzoeker", "auteurs", "auteur", "auteur(s)", "auteurs:", "geschreven door")
THEME_LABELS = ("thema's", "themas", "thema", "onderwerpen", "onderwerp")


def _after_label(soup, labels: tuple[str, ...]) -> list[str]:
    """Values listed under a label such as "Onderzoekers" or "Thema's" (heading + list, dt + dd)."""
    for el in soup.find_all(["h2", "h3", "h4", "h5", "h6", "dt", "strong", "b", "p", "span", "div"]):
        if _text(el).rstrip(":").strip().lower() not in labels:
            continue
        sib = el.find_next_sibling("dd") if el.name == "dt" else el.find_next_sibling()
        if sib is None:
            continue
        items = sib.find_all("li") or ([sib] if sib.name != "li" else [])
        values = []
        for item in items:
            first_line = next(iter(item.stripped_strings), "")
            if first_line and first_line not in values:
                values.append(" ".join(first_line.split()))
        if values:
            return values
    return []


def _meta(soup, *names: str) -> str | None:
    for name in names:
        el = soup.find("meta", attrs={"name": name}) or soup.find("meta", attrs={"property": name})
        if el is not None and el.get("content"):
            return " ".join(el["content"].split())
    return None


def _names_of(values: list[str]) -> list[str]:
    names = []
    for value in values:
        for part in re.split(r"\s*(?:,|;|\ben\b|&)\s*", value):
            if part and part not in names:
                names.append(part)
    return names


def publication_metadata(html: bytes | str, url: str, selectors: dict) -> dict:
    soup = BeautifulSoup(html, "lxml")
    for el in soup(["script", "style", "noscript"]):
        el.decompose()
    page_text = soup.get_text("\n", strip=True)
    title_els = _select(soup, selectors.get("title", "h1"))
    title = _text(title_els[0]) if title_els else None
    if not title and soup.title:
        title = _text(soup.title)
    details_els = _select(soup, selectors.get("details", ""))
    details = " ".join(_text(e) for e in details_els) or page_text
    isbn = ISBN.search(details) or ISBN.search(page_text)
    pages = (PAGES.search(details) or PAGES_LABEL_FIRST.search(details)
             or PAGES.search(page_text) or PAGES_LABEL_FIRST.search(page_text))
    summary_els = _select(soup, selectors.get("summary", ""))
    themes = []
    for el in _select(soup, selectors.get("themes", "")):
        t = _text(el)
        if t and t not in themes:
            themes.append(t)
    pdfs = []
    for a in _select(soup, selectors.get("pdf", "")) or []:
        href = a.get("href")
        if href:
            full = urldefrag(urljoin(url, href))[0]
            if full not in pdfs:
                pdfs.append(full)
    authors = _names(_select(soup, selectors.get("authors", ""))) or _names_of(_after_label(soup, AUTHOR_LABELS))
    date = (_date_of(_select(soup, selectors.get("date", "")), page_text)
            or parse_date(_meta(soup, "article:published_time", "DCTERMS.issued", "date")))
    return {
        "title": title,
        "date": date,
        "authors": authors,
        "themes": themes or _after_label(soup, THEME_LABELS),
        "summary": " ".join(_text(e) for e in summary_els) or _meta(soup, "description", "og:description"),
        "isbn": re.sub(r"\s", "-", isbn.group(1)) if isbn else None,
        "pages": int(pages.group(1)) if pages else None,
        "pdf_urls": pdfs,
    }


def page_links(html: bytes | str, url: str) -> list[tuple[str, str]]:
    """(absolute URL without fragment, link text) of every link on a page, in order, once."""
    soup = BeautifulSoup(html, "lxml")
    out, seen = [], set()
    for a in soup.find_all("a", href=True):
        full = urldefrag(urljoin(url, a["href"].strip()))[0]
        if full not in seen:
            seen.add(full)
            out.append((full, _text(a)))
    return out


def content_links(html: bytes | str, url: str) -> list[tuple[str, str]]:
    """Links in the content of a page (navigation, header and footer left out)."""
    soup = BeautifulSoup(html, "lxml")
    for el in soup(["nav", "header", "footer", "script", "style"]):
        el.decompose()
    return page_links(str(soup), url)


def parse_sitemap(data: bytes) -> tuple[list[str], list[tuple[str, str | None]]]:
    """A sitemap or sitemap index → (child sitemap URLs, [(page URL, lastmod ISO date or None)])."""
    root = SafeET.fromstring(data)
    children, pages = [], []
    for el in root:
        tag = el.tag.rsplit("}", 1)[-1]
        loc = lastmod = None
        for child in el:
            name = child.tag.rsplit("}", 1)[-1]
            if name == "loc" and child.text:
                loc = child.text.strip()
            elif name == "lastmod" and child.text:
                lastmod = child.text.strip()[:10]
        if not loc:
            continue
        if tag == "sitemap":
            children.append(loc)
        elif tag == "url":
            pages.append((loc, lastmod))
    return children, pages
