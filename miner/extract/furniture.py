"""Running headers, footers and page numbers: lines at the page edges that repeat.

A line is furniture when it sits among the top or bottom rows of its page and
either looks like a page number ("12", "- 12 -", "12/40", "Pagina 3 van 40",
"blz. 7") or, with its digits masked, occurs at the same edge on a good share of
the pages.  Small-font lines below the last body line of a page are footnotes.
"""
from __future__ import annotations

import math
import re
from collections import defaultdict

from miner.extract.layout import Line

EDGE_ROWS = 3          # rows looked at, at the top and at the bottom of each page
EDGE_FRACTION = 0.16   # ... and only within this share of the page height
_PAGE_NO = re.compile(
    r"^\s*(?:[-–—|]\s*)?(?:(?:pagina|page|blz\.?|bladzijde|p\.|pag\.?)\s*)?"
    r"(?:\d{1,3}|[ivxlc]{1,7})(?:\s*(?:van|of|/|uit)\s*\d{1,4})?(?:\s*[-–—|])?\s*$", re.I)
_DIGITS = re.compile(r"\d+")


# A header or footer that carries the page number: "Rapport 2025 | 3", "3 | Rapport", "... pagina 3 van 40".
_WITH_PAGE_NO = re.compile(r"(?:(?:^|\s)(?:pagina|page|blz\.?)\s*\d{1,4}(?:\s*(?:van|of|/)\s*\d{1,4})?\s*$)|"
                           r"(?:[|·•]\s*\d{1,4}\s*$)|(?:^\s*\d{1,4}\s*[|·•])", re.I)


# Printer slugs at the page edge: "rapport_def.indd   665   14-03-2025   10:42", "Job 123 ... 10:42:13".
_SLUG = re.compile(r"\.(?:indd|qxd|qxp|idml|fm)\b|\b\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}\s+\d{1,2}:\d{2}(?::\d{2})?\b", re.I)
# Leader dots (or dot-space runs, ellipses, underscores) before a page number: table of contents lines.
_LEADER = re.compile(r"(?:\.\s?){4,}|…{2,}|_{4,}|(?:·\s?){4,}")
_TOC_LINE = re.compile(r"^(?P<entry>.*?\S)\s*(?:(?:\.\s?){4,}|…{2,}|_{4,}|(?:·\s?){4,})\s*(?P<page>\d{1,4}|[ivxlc]{1,7})\s*$", re.I)
_TOC_HEADING = re.compile(r"^\s*(inhoud|inhoudsopgave|inhoudstafel|contents|table of contents)\s*$", re.I)


def is_printer_slug(text: str) -> bool:
    return bool(_SLUG.search(text))


def strip_leaders(text: str) -> str:
    """"Inleiding ........ 3" → "Inleiding 3"."""
    m = _TOC_LINE.match(text)
    if m:
        return f"{m.group('entry')} {m.group('page')}"
    return _LEADER.sub(" ", text).strip()


def is_page_number(text: str) -> bool:
    return bool(_PAGE_NO.match(text))


def carries_page_number(text: str) -> bool:
    """An edge line that is or contains the page number (furniture even on a one-page document)."""
    return is_page_number(text) or bool(_WITH_PAGE_NO.search(text))


def _key(text: str) -> str:
    """A line with its numbers left out: "9 Rapport X" on one page and "Rapport X" (its page
    number read as a margin number) or "Rapport X 10" on the next are the same header."""
    return " ".join(_DIGITS.sub(" ", text.lower()).split())


def _edge_lines(lines: list[Line], height: float) -> list[tuple[str, Line]]:
    """(edge, line) for lines in the top/bottom rows of a page."""
    out = []
    tops = sorted({round(l.top) for l in lines})
    if not tops:
        return out
    top_rows, bottom_rows = set(tops[:EDGE_ROWS]), set(tops[-EDGE_ROWS:])
    for l in lines:
        t = round(l.top)
        if t in top_rows and l.bottom <= height * EDGE_FRACTION + l.size:
            out.append(("top", l))
        elif t in bottom_rows and l.top >= height * (1 - EDGE_FRACTION) - l.size:
            out.append(("bottom", l))
    return out


def mark_furniture(pages) -> None:
    """Set ``kind = 'furniture'`` on header/footer/page-number lines of ``pages`` (PageLayout list)."""
    candidates = []
    seen: dict[tuple[str, str], set[int]] = defaultdict(set)
    for pg in pages:
        for edge, line in _edge_lines(pg.lines, pg.height):
            candidates.append((pg.number, edge, line))
            seen[(edge, _key(line.text))].add(pg.number)
    n_pages = sum(1 for pg in pages if pg.lines)
    threshold = max(2, math.ceil(0.25 * n_pages))
    typography: set[tuple] = set()
    for number, edge, line in candidates:
        if carries_page_number(line.text) or is_printer_slug(line.text) or \
                len(seen[(edge, _key(line.text))]) >= threshold:
            line.kind = "furniture"
            if number != 1:
                typography.add(_look(edge, line))
    # A header or footer on page 1 only ("Jaargang 12, nummer 3") does not repeat, but it has
    # the running header's typography: same edge, font size, weight and height on the page.
    for number, edge, line in candidates:
        if number == 1 and line.kind == "body" and _look(edge, line) in typography:
            line.kind = "furniture"
    # A header line and its page number may be one line ("Rapport X    12"); a key with
    # the number masked already matches across pages, so nothing more is needed here.


def _look(edge: str, line: Line) -> tuple:
    return (edge, round(line.size * 2) / 2, line.bold, round(line.top / 6))


def mark_toc(pages) -> None:
    """A table-of-contents page (several entries with leader dots and a page number) is
    recognised: its entries and its heading ("Inhoud") become lines of kind 'toc', and the
    page is flagged.  Leader dots are removed from every line ("Inleiding 3")."""
    for pg in pages:
        body = [l for l in pg.lines if l.kind == "body"]
        entries = [l for l in body if _TOC_LINE.match(l.text)]
        if len(entries) >= 3:
            pg.toc = True
            first, last = min(l.top for l in entries), max(l.top for l in entries)
            for l in body:
                if l in entries or _TOC_HEADING.match(l.text) or \
                        (first <= l.top <= last and re.search(r"\s\d{1,4}$", l.text)):
                    l.kind = "toc"
        for l in pg.lines:
            if _LEADER.search(l.text):
                l.text = strip_leaders(l.text)


_NOTE_START = re.compile(r"^\s*(?:\d{1,3}|[*†‡]|\[\d{1,3}\])(?:[.)]?\s+|(?=[A-Z]))")


def group_notes(lines: list[Line]) -> list[list[str]]:
    """Footnote lines grouped into notes: a note starts with its number ("12 Zie …");
    the lines after it continue it until the next number."""
    notes: list[list[str]] = []
    for l in lines:
        if not notes or _NOTE_START.match(l.text) and (notes[-1] and not notes[-1][-1].rstrip().endswith("-")):
            notes.append([l.text])
        else:
            notes[-1].append(l.text)
    return notes


# Captions in small print at the foot of a page are not footnotes.
_CAPTION = re.compile(r"^(?:figuur|tabel|grafiek|afbeelding|kader|bron|figure|table|source)\b", re.I)


def mark_footnotes(pages, body_size: float) -> None:
    """Small-font lines at the foot of a page, below the last body-size line above them,
    become footnotes.  "Above them" is judged per column: under a short left column the
    notes of a two-column page sit higher than the end of the right column.  The zone holds
    a few lines, not half a page of small print, unless it starts with the number of a
    footnote mark raised in the page's body."""
    for pg in pages:
        body = [l for l in pg.lines if l.kind == "body"]
        normal = [l for l in body if l.size >= 0.9 * body_size]
        if not normal:
            continue
        small = []
        for l in body:
            if l.size > 0.85 * body_size or l.top < 0.5 * pg.height or _CAPTION.match(l.text):
                continue
            above = [n.bottom for n in normal if n.x0 < l.x1 and l.x0 < n.x1]
            if not above or l.top >= max(above) - 1:
                small.append(l)
        if not small:
            continue
        small.sort(key=lambda l: (l.block, l.top))
        marks = set(getattr(pg, "note_marks", None) or ())
        first = small[0].text.split(" ", 1)[0].rstrip(".)")
        if len(small) <= max(8, len(body) // 3) or first in marks:
            for l in small:
                l.kind = "footnote"
