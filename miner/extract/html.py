"""HTML: the main content without navigation, cookie banners and footers."""
from __future__ import annotations

import re
from urllib.parse import urljoin

from bs4 import BeautifulSoup, Comment

from miner.extract.model import Extraction, ExtractionError, TextBuilder
from miner.extract.language import detect_language
from miner.extract.text import decode

_DROP_TAGS = ["script", "style", "noscript", "template", "svg", "nav", "header", "footer", "aside", "form",
              "iframe", "button", "select", "input"]
# Class/id words that mark page chrome.  Matched as whole words of the attribute
# ("share-buttons", "cookie_bar"), so "shared-content" or "menuvoorbeeld" stay.
_CLUTTER_WORDS = {"cookie", "cookies", "cookiebar", "cookiebanner", "consent", "gdpr", "banner", "breadcrumb",
                  "breadcrumbs", "menu", "navbar", "nav", "navigation", "navigatie", "skip", "skiplink", "share",
                  "sharing", "social", "socials", "newsletter", "nieuwsbrief", "sidebar", "footer", "header",
                  "related", "gerelateerd", "pagination", "paginering", "search", "zoek", "zoeken", "toolbar",
                  "popup", "modal", "advertentie", "advertisement", "ads", "print", "feedback", "rating"}
_ATTR_WORDS = re.compile(r"[a-z0-9]+")
_BLOCKS = ["h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "blockquote", "pre", "dt", "dd", "figcaption", "td", "th"]
_MAIN_SELECTORS = ["main", "article", "[role=main]", "div.stuk", "#broodtekst", "#content", "#main", ".content", ".main-content"]
_DATE_META = ["article:published_time", "DCTERMS.issued", "DC.date", "date", "dcterms.date", "publication_date",
              "OVERHEIDop.datumIndiening", "datePublished"]


def _charset_from_meta(data: bytes) -> str | None:
    m = re.search(rb"<meta[^>]+charset\s*=\s*[\"']?([A-Za-z0-9_\-]+)", data[:4096], re.I)
    return m.group(1).decode("ascii", "ignore") if m else None


def _is_clutter(el) -> bool:
    if el.get("hidden") is not None or el.get("aria-hidden") == "true" or \
            re.search(r"display\s*:\s*none", el.get("style") or ""):
        return True
    if el.get("role") in ("navigation", "banner", "contentinfo", "search", "dialog", "alertdialog"):
        return True
    attrs = " ".join([el.get("id") or "", " ".join(el.get("class") or []), el.get("aria-label") or ""]).lower()
    return any(w in _CLUTTER_WORDS for w in _ATTR_WORDS.findall(attrs))


def _holds_content(form) -> bool:
    """A form that wraps real text (paragraphs or headings with a few hundred characters), not a search box."""
    blocks = [el for el in form.find_all(["p", "h1", "h2", "h3", "li", "td"])
              if not el.find_parent(["nav", "header", "footer", "select", "button"])]
    return len(blocks) >= 2 and sum(len(el.get_text(" ", strip=True)) for el in blocks) >= 200


# Elements that never hold others, or whose end tag HTML lets authors leave out: they do not nest.
_NO_NESTING = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
               "track", "wbr", "p", "li", "dt", "dd", "tr", "td", "th", "option", "thead", "tbody", "tfoot",
               "colgroup", "optgroup", "rb", "rt", "rp"}
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9:-]*)[^<>]*?(/?)>")


def nesting_depth(text: str, limit: int) -> int:
    """How deep elements nest (one linear pass over the tags, no tree), stopping above ``limit``."""
    depth = deepest = 0
    for m in _TAG.finditer(text):
        name = m.group(2).lower()
        if name in _NO_NESTING or m.group(3):
            continue
        if m.group(1):
            depth = max(0, depth - 1)
        else:
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > limit:
                    break
    return deepest


def parse(data: bytes, content_type: str | None = None, max_depth: int = 512) -> BeautifulSoup:
    """The document tree.  Tree building and every walk over it cost time with the depth
    (bs4 recurses), so a document nested deeper than ``max_depth`` is refused first."""
    charset = None
    if content_type and "charset=" in content_type:
        charset = content_type.split("charset=")[-1].split(";")[0].strip()
    text = decode(data, charset or _charset_from_meta(data))
    depth = nesting_depth(text, max_depth)
    if depth > max_depth:
        raise ExtractionError(f"HTML nested more than {max_depth} elements deep "
                              f"(extract.html_max_depth = {max_depth}): not read")
    try:
        return BeautifulSoup(text, "lxml")
    except RecursionError:
        raise ExtractionError("HTML nested too deeply to read") from None


def _iso_date(value: str) -> str | None:
    m = re.search(r"(\d{4})-(\d{2})-(\d{2})", value)
    if m:
        return m.group(0)
    m = re.search(r"\b(\d{1,2})-(\d{1,2})-(\d{2,4})\b", value)
    if m:
        d, mo, y = m.groups()
        y = int(y) + (2000 if len(y) == 2 else 0)
        return f"{y:04d}-{int(mo):02d}-{int(d):02d}"
    return None


def extract_html(data: bytes, content_type: str | None = None, base_url: str | None = None,
                 max_depth: int = 512) -> Extraction:
    try:
        return _extract_html(data, content_type, base_url, max_depth)
    except RecursionError:
        raise ExtractionError("HTML nested too deeply to read") from None


def _extract_html(data: bytes, content_type: str | None, base_url: str | None, max_depth: int) -> Extraction:
    soup = parse(data, content_type, max_depth)
    if soup.find() is None:
        raise ExtractionError("HTML file has no content")
    title = None
    for sel in ("meta[property='og:title']", "meta[name='DC.title']"):
        el = soup.select_one(sel)
        if el and el.get("content"):
            title = el["content"].strip()
            break
    if not title:
        h1 = soup.find("h1")
        title = h1.get_text(" ", strip=True) if h1 else (soup.title.get_text(" ", strip=True) if soup.title else None)
    date = None
    for name in _DATE_META:
        el = soup.find("meta", attrs={"name": name}) or soup.find("meta", attrs={"property": name})
        if el and el.get("content") and (date := _iso_date(el["content"])):
            break
    if not date:
        t = soup.find("time")
        if t:
            date = _iso_date(t.get("datetime") or t.get_text())
    links = []
    for a in soup.find_all("a", href=True):
        href = a["href"].strip()
        if href.startswith(("javascript:", "mailto:", "#")):
            continue
        url = urljoin(base_url, href) if base_url else href
        kind = "pdf" if re.search(r"\.pdf($|[?#])", href, re.I) or "[pdf]" in a.get_text().lower() else "link"
        links.append({"url": url, "text": a.get_text(" ", strip=True), "kind": kind})

    for c in soup.find_all(string=lambda s: isinstance(s, Comment)):
        c.extract()
    for form in soup.find_all("form"):
        if _holds_content(form):        # ASP.NET WebForms pages: the whole page sits in form#mainForm
            form.unwrap()
    for tag in soup.find_all(_DROP_TAGS):
        tag.decompose()
    for el in soup.find_all(True):
        if getattr(el, "decomposed", False) or el.attrs is None:
            continue
        if el.name not in ("html", "body", "main", "article") and _is_clutter(el):
            el.decompose()
    root = next((soup.select_one(s) for s in _MAIN_SELECTORS if soup.select_one(s)), None) or soup.body or soup

    b = TextBuilder()
    for el in root.find_all(_BLOCKS):
        if el.find(_BLOCKS):  # a container of blocks: its children are visited themselves
            continue
        txt = re.sub(r"\s+", " ", el.get_text(" ", strip=True))
        kind = "heading" if el.name.startswith("h") else ("list_item" if el.name == "li" else "paragraph")
        b.add(txt, kind=kind)
    if not b.passages:  # no block elements: plain text inside divs
        for chunk in re.split(r"\n\s*\n", root.get_text("\n")):
            b.add(re.sub(r"\s+", " ", chunk))
    text = b.text()
    if len(text) < FALLBACK_BELOW_CHARS:       # little read: a layout the rules above do not know
        fallback = _trafilatura_text(data, content_type)
        if fallback and len(fallback) >= 2 * max(len(text), 1) and len(fallback) >= FALLBACK_BELOW_CHARS:
            b = TextBuilder()
            for chunk in fallback.split("\n"):
                b.add(re.sub(r"\s+", " ", chunk))
            text = b.text()
    return Extraction(text=text, passages=b.passages, mime="text/html", title=title, date=date,
                      language=detect_language(text), links=links)


# Below this many characters the hand-written rules are taken to have missed the page, and trafilatura
# (scripts/bench_html_extract.py: the same F1 on miner's pages, see README) gets a try.
FALLBACK_BELOW_CHARS = 200


def _trafilatura_text(data: bytes, content_type: str | None) -> str | None:
    try:
        import trafilatura
    except ImportError:                          # an optional helper: without it the rules above stand
        return None
    try:
        html = parse(data, content_type)
        return trafilatura.extract(str(html), include_comments=False, include_tables=True, favor_recall=True)
    except Exception:                            # hostile or odd input: the rules' result stands
        return None


def extract_xml(data: bytes) -> Extraction:
    """Generic XML (e.g. an officielebekendmakingen .xml): its text, one passage per element with text."""
    from defusedxml import ElementTree as ET
    try:
        root = ET.fromstring(data)
    except Exception as exc:  # defusedxml raises its own errors for entities
        raise ExtractionError(f"XML could not be parsed safely: {exc}") from None
    b = TextBuilder()
    for el in root.iter():
        if el.text and el.text.strip() and len(el) == 0:
            b.add(re.sub(r"\s+", " ", "".join(el.itertext())))
    text = b.text()
    return Extraction(text=text, passages=b.passages, mime="application/xml", language=detect_language(text))
