"""Metadata for documents without crawl metadata (local PDFs, HTML and text files).

For every field the best value and where it came from:

* title: the PDF's own Title when it is a real title (not a file name, software or account
  name), else the largest-font lines of page 1, else the HTML ``<title>``/``<h1>`` the
  extractor found, else the first heading, else the file name;
* date: a date in the text of the first pages or the colophon ("12 maart 2023", "maart 2023",
  "Jaar van uitgave 2023", "© 2023"), else the PDF's creation/modification date (last resort);
* authors and organisation: labelled lines on the cover and colophon ("Auteurs:", "In opdracht
  van") and the organisation gazetteer; PDF Author only when it is not an account name;
* doc_type: kamervraag, kamerbrief, besluitenlijst, motie, artikel, webpagina, rapport;
* summary: the samenvatting/abstract, else the first substantive paragraphs (for RIS/ASReview).

The word lists are data (``metadata.toml``).  ``update`` is the one hook the extraction
pipeline calls; a researcher's correction (`miner meta set`) is stored with origin
``researcher`` and wins, also after re-extraction.
"""
from __future__ import annotations

import json
import re
import tomllib
from datetime import date as _date
from functools import lru_cache
from importlib import resources
from pathlib import Path

FIELDS = ("title", "date", "authors", "organisation", "doc_type", "summary")
# Which origin wins for a field: a researcher's correction, then crawl metadata, then the file.
ORIGIN_RANK = {"researcher": 0, "crawl": 1}
MONTHS = {"januari": 1, "februari": 2, "maart": 3, "april": 4, "mei": 5, "juni": 6, "juli": 7, "augustus": 8,
          "september": 9, "oktober": 10, "november": 11, "december": 12, "jan": 1, "feb": 2, "mrt": 3, "apr": 4,
          "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9, "okt": 10, "nov": 11, "dec": 12,
          "january": 1, "february": 2, "march": 3, "may": 5, "june": 6, "july": 7, "august": 8, "october": 10}
_MONTH_RE = "|".join(sorted(MONTHS, key=len, reverse=True))
_FULL_DATE = re.compile(rf"\b(\d{{1,2}})\s+({_MONTH_RE})\.?\s+((?:19|20)\d\d)\b", re.I)
_MONTH_YEAR = re.compile(rf"\b({_MONTH_RE})\s+((?:19|20)\d\d)\b", re.I)
_NUM_DATE = re.compile(r"\b(\d{1,2})[-/.](\d{1,2})[-/.]((?:19|20)\d\d)\b")
_YEAR = re.compile(r"\b((?:19|20)\d\d)\b")
_PDF_DATE = re.compile(r"D?:?((?:19|20)\d\d)(\d\d)?(\d\d)?")


@lru_cache(maxsize=1)
def words() -> dict:
    return tomllib.loads(resources.files("miner.extract").joinpath("metadata.toml").read_text(encoding="utf-8"))


def _clean(s) -> str:
    return " ".join(str(s or "").split())


# ---- title -------------------------------------------------------------------------------

def is_real_title(value: str | None, file_name: str | None = None) -> bool:
    v = _clean(value)
    if len(v) < 6 or " " not in v:
        return False
    low = v.lower()
    if re.search(r"\.(docx?|pdf|pptx?|indd|xlsx?|odt|rtf|txt)\b", low) or low.startswith(("microsoft ", "untitled")):
        return False
    if low.strip(" .") in words()["generic_titles"]:
        return False
    if file_name and low.replace(" ", "") == Path(file_name).stem.lower().replace(" ", "").replace("_", ""):
        return False
    return sum(ch.isalpha() for ch in v) >= len(v) / 2


def title_matches_text(title: str, text: str) -> bool:
    """A PDF's Title is often left over from a template: trust it only when most of its words
    are in the first pages."""
    tw = [w for w in re.findall(r"\w{4,}", title.lower())]
    if not tw:
        return False
    low = text.lower()
    return sum(w in low for w in tw) / len(tw) >= 0.6


def labelled_title(cover: str) -> str | None:
    """The subject line of a letter or note ("Onderwerp", "Inzake", "Betreft"), also where the
    letterhead column runs the labels into one line ("Datum 1 maart 2011 Onderwerp X")."""
    stops = "|".join(re.escape(w) for w in words()["title_stop_labels"])
    labels = [(w, ":?") for w in words()["title_labels"]] + [(w, ":") for w in words()["title_labels_colon"]]
    for label, colon in labels:
        for m in re.finditer(rf"(?i)(?:^|\s){re.escape(label)}\s*{colon}\s+(.+?)(?=\s+(?:{stops})\b|\n|$)", cover):
            value = _clean(m.group(1)).strip(" :.")
            if value[:1].isupper() and (len(value.split()) >= 2 or len(value) >= 8) and len(value) <= 300 \
                    and sum(ch.isalpha() for ch in value) >= len(value) / 2:
                return value
    return None


_QUESTIONS = re.compile(r"(Vragen van (?:het lid|de leden)\b.{10,400}?)(?:\s*\((?:ingezonden|ontvangen)|\n\n)", re.S)
_MOTION = re.compile(r"^((?:GEWIJZIGDE )?MOTIE VAN (?:HET LID|DE LEDEN) [^\n]{3,200})$", re.M | re.I)


def questions_title(cover: str) -> str | None:
    """Parliamentary papers: 'Vragen van het lid X aan de Minister van Y over Z' (Kamervragen) or
    'MOTIE VAN DE LEDEN X EN Y' (a motion) is the title."""
    m = _QUESTIONS.search(cover) or _MOTION.search(cover)
    return _clean(m.group(1))[:300] if m else None


def largest_font_title(pdf_page) -> str | None:
    """The largest-font lines at the top half of page 1 (consecutive lines of that size joined)."""
    chars = [c for c in pdf_page.chars if c.get("text", "").strip() and c["top"] < pdf_page.height * 0.75]
    if not chars:
        return None
    sizes = sorted(round(c["size"], 1) for c in chars)
    body = sizes[len(sizes) // 2]
    lines: dict[int, list] = {}
    for c in pdf_page.chars:
        if c["top"] < pdf_page.height * 0.75:
            lines.setdefault(round(c["top"] / 3), []).append(c)
    scored = []
    for key, cs in sorted(lines.items()):
        cs.sort(key=lambda c: c["x0"])
        text, last = "", None
        for c in cs:
            if last is not None and c["x0"] - last > c["size"] * 0.2 and not text.endswith(" "):
                text += " "
            text += c["text"]
            last = c["x1"]
        text = _clean(text)
        size = max(round(c["size"], 1) for c in cs)
        if sum(ch.isalpha() for ch in text) >= 3:
            scored.append((key, size, text))
    if not scored:
        return None
    top = max(s for _, s, _ in scored)
    if top < body * 1.15 and len(scored) > 3:
        return None
    picked, prev = [], None
    for key, size, text in scored:
        if size >= top - 0.6:
            if prev is not None and key - prev > 12:   # a second block of the same size: stop
                break
            picked.append(text)
            prev = key
    title = _clean(" ".join(picked))
    return title[:300] if len(title) >= 4 else None


# ---- dates -------------------------------------------------------------------------------

def _valid(y: int, m: int = 1, d: int = 1) -> bool:
    try:
        _date(y, m, d)
    except ValueError:
        return False
    return 1950 <= y <= _date.today().year + 1


def _dates_in(text: str):
    """Every date-like mention in ``text``: (position, ISO date, how)."""
    for m in _FULL_DATE.finditer(text):
        d, mon, y = int(m.group(1)), MONTHS[m.group(2).lower()], int(m.group(3))
        if _valid(y, mon, d):
            yield m.start(), f"{y:04d}-{mon:02d}-{d:02d}", "text"
    for m in _MONTH_YEAR.finditer(text):
        mon, y = MONTHS[m.group(1).lower()], int(m.group(2))
        if _valid(y, mon) and len(m.group(1)) > 3:
            yield m.start(), f"{y:04d}-{mon:02d}", "text"
    for m in _NUM_DATE.finditer(text):
        d, mon, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if _valid(y, mon, d):
            yield m.start(), f"{y:04d}-{mon:02d}-{d:02d}", "text"
    low = text.lower()
    for label in words()["year_labels"]:
        for m in re.finditer(re.escape(label) + r"\W{0,3}(?:\w+\W+){0,3}?((?:19|20)\d\d)\b", low):
            if _valid(int(m.group(1))):
                yield m.start(1), m.group(1), "colophon"


_DOUBLED = re.compile(r"\b(?:(\w)\1){3,}\b")


def undouble(text: str) -> str:
    """Fake-bold covers print every character twice ("FFeebbrruuaarrii 22002244")."""
    return _DOUBLED.sub(lambda m: m.group(0)[::2], text)


def date_from_text(text: str) -> tuple[str, str] | None:
    """(ISO date, how) of the first date in ``text`` (a cover or colophon): a full date, a month
    and year, a numeric date or a labelled year ("Jaar van uitgave 2023", "© 2023"); at one
    position the most precise form wins."""
    found = sorted(_dates_in(undouble(text)), key=lambda x: (x[0], -len(x[1])))
    return (found[0][1], found[0][2]) if found else None


def date_from_pages(pages: list[str]) -> tuple[str, str] | None:
    """The cover first, then the next two pages, then the colophon at the back."""
    scopes = [pages[0][:6000]] if pages else []
    if len(pages) > 1:
        scopes.append("\n".join(pages[1:3])[:15000])
    if len(pages) > 3:
        scopes.append("\n".join(pages[-2:])[-8000:])
    for scope in scopes:
        found = date_from_text(scope)
        if found:
            return found
    return None


def date_from_pdf(info: dict) -> str | None:
    for key in ("CreationDate", "ModDate"):
        raw = info.get(key)
        if isinstance(raw, bytes):
            raw = raw.decode("latin-1", "ignore")
        m = _PDF_DATE.match(str(raw or "").strip())
        if m and _valid(int(m.group(1))):
            y, mon, d = m.group(1), m.group(2), m.group(3)
            if mon and d and _valid(int(y), int(mon), int(d)):
                return f"{y}-{mon}-{d}"
            return y
    return None


# ---- people and organisations --------------------------------------------------------------

def is_account_name(name: str | None) -> bool:
    v = _clean(name)
    if not v or "@" in v or "\\" in v or "_" in v or re.search(r"\d{2,}", v):
        return True
    tokens = re.findall(r"[\w'-]+", v.lower())
    if not tokens or any(t in words()["account_words"] for t in tokens):
        return True
    if len(tokens) == 1:          # 'jdevries', 'HOORENMANJC', 'PC': account names, not people
        return True
    return v.isupper() and len(tokens) <= 2


def _all_labels() -> list[str]:
    w = words()
    return sorted(set(w["author_labels"] + w["organisation_labels"] + w["year_labels"] + w["title_labels"]
                      + w["title_stop_labels"] + ["colofon", "isbn", "foto", "fotografie", "vormgeving",
                                                  "ontwerp", "drukwerk", "contact", "e-mail", "website"]),
                  key=len, reverse=True)


def _label_values(text: str, labels: list[str]) -> list[str]:
    """Values after a label: at the start of a line ("Auteurs Anna de Vries"), or anywhere when
    followed by a colon ("Colofon Auteurs: A. de Vries In opdracht van: Movisie"), up to the
    next label, the end of the line or a full stop."""
    stops = "|".join(re.escape(w) for w in _all_labels() if w.isalpha() or " " in w)
    out = []
    for label in labels:
        pattern = (rf"(?im)(?:^[ \t]*{re.escape(label)}\b[ \t]*:?|(?<![\w-]){re.escape(label)}[ \t]*:)[ \t]*"
                   rf"(.+?)(?=[ \t]+(?:{stops})\b[ \t]*:|\.[ \t]|$)")
        for m in re.finditer(pattern, text):
            value = _clean(m.group(1)).strip(" :.-–")
            if value and len(value) <= 200:
                out.append(value)
    return out


def authors_from_text(text: str) -> list[str]:
    found = []
    for value in _label_values(text, words()["author_labels"]):
        for part in re.split(r"\s*(?:,|;| en | & | and )\s*", value):
            part = part.strip(" .()")
            if 2 <= len(part.split()) <= 5 and part[:1].isupper() and not is_account_name(part) \
                    and part not in found and not re.search(r"\d", part) and not _is_organisation(part):
                found.append(part)
    return found[:12]


def _is_organisation(value: str) -> bool:
    low = value.lower()
    return any(low == o.lower() or low.startswith(o.lower()) for o in words()["organisations"]) or \
        low.startswith(("ministerie", "gemeente", "tweede kamer", "eerste kamer", "directoraat", "directie")) or \
        "staten-generaal" in low


def organisation_from_text(text: str, cover: str = "") -> str | None:
    labelled = _label_values(text, words()["organisation_labels"])
    gazetteer = sorted(words()["organisations"], key=len, reverse=True)
    for value in labelled:
        for org in gazetteer:
            if re.search(rf"\b{re.escape(org)}\b", value):
                return org
    if labelled:
        return labelled[0][:120]
    for org in gazetteer:       # unlabelled: only a name on the cover page counts
        if re.search(rf"(?<![\w-]){re.escape(org)}(?![\w-])", cover):
            return org
    return None


# ---- type and summary ----------------------------------------------------------------------

def doc_type_from_text(text: str, mime: str, n_pages: int, n_chars: int = 0) -> str | None:
    """The type named on the first pages; a web page; a report when the document is long enough
    to be one (5+ pages or 15,000+ characters); else unknown (None)."""
    low = text.lower()
    for doc_type, cues in words()["doc_types"].items():
        if any(c in low for c in cues):
            return doc_type
    if "html" in (mime or ""):
        return "webpagina"
    return "rapport" if n_pages >= 5 or n_chars >= 15000 else None


def summary_from(ext) -> str | None:
    paras = [(p, ext.text[p.start:p.end].strip()) for p in ext.passages]
    headings = words()["summary_headings"]
    for i, (p, t) in enumerate(paras):
        if len(t) < 60 and t.lower().strip(" :.0123456789") in headings:
            body = []
            for q, u in paras[i + 1:]:
                if q.kind == "heading" and body:
                    break
                if q.kind in ("paragraph", "list_item") and len(u) > 40:
                    body.append(u)
                if sum(len(b) for b in body) > 1200:
                    break
            if body:
                return _clean(" ".join(body))[:2000]
    body = [t for p, t in paras if p.kind == "paragraph" and len(t) >= 200][:3]
    return _clean(" ".join(body))[:2000] or None


# ---- all fields ----------------------------------------------------------------------------

def _pdf_info(path: str | None):
    """(metadata dict, title from the largest font on page 1) of a PDF, or ({}, None)."""
    if not path:
        return {}, None
    try:
        import pdfplumber
        with pdfplumber.open(path) as pdf:
            info = dict(pdf.metadata or {})
            title = largest_font_title(pdf.pages[0]) if pdf.pages else None
            return info, title
    except Exception:     # not a PDF or an unreadable one: the extractor reports that
        return {}, None


def extract_fields(ext, raw_path: str | None, file_name: str | None = None) -> dict[str, tuple[object, str]]:
    """field -> (value, origin) found in the extraction result and the raw file."""
    out: dict[str, tuple[object, str]] = {}
    is_pdf = "pdf" in (ext.mime or "")
    info, big = _pdf_info(raw_path) if is_pdf else ({}, None)
    pdf_title = _clean(info.get("Title")) if isinstance(info.get("Title"), str) else ""
    pages = [ext.text[p.start:p.end] for p in ext.pages] or [ext.text]
    cover = pages[0][:6000]
    if big and _is_organisation(big):      # a letterhead ("Tweede Kamer der Staten-Generaal"), not a title
        big = None
    subject = labelled_title(cover) or questions_title(cover)
    if is_real_title(pdf_title, file_name) and not _is_organisation(pdf_title) and \
            title_matches_text(pdf_title, "\n".join(pages[:2])):
        out["title"] = (pdf_title, "pdf_metadata")
    elif subject:
        out["title"] = (subject, "cover")
    elif big and len(big.split()) >= 2:
        out["title"] = (big, "cover")
    elif ext.title and is_real_title(ext.title, file_name) and not _is_organisation(ext.title) \
            and title_matches_text(ext.title, ext.text[:20000]):
        out["title"] = (_clean(ext.title), "html" if not is_pdf else "cover")
    else:
        heading = next((t for t in (ext.text[p.start:p.end].strip() for p in ext.passages if p.kind == "heading")
                        if is_real_title(t) and not _is_organisation(t)), None)
        lines = [line.strip() for line in ext.text[:3000].splitlines() if line.strip()]
        first = lines[0] if lines else ""
        if heading:
            out["title"] = (_clean(heading)[:300], "text")
        elif "html" not in (ext.mime or "") and not is_pdf and 2 <= len(first.split()) and len(first) <= 150:
            # A plain-text file: its first line; a short label line ("Kamervraag 2023Z02090") takes the
            # title-like line after it along.
            second = lines[1] if len(lines) > 1 else ""
            if len(first.split()) <= 4 and second and len(second) <= 200 and not second.endswith((".", ":")):
                first = f"{first}: {second}"
            out["title"] = (first.rstrip(". "), "text")
        elif file_name:
            out["title"] = (Path(file_name).stem.replace("_", " "), "file_name")
    front = "\n".join(pages[:3])[:20000]
    back = "\n".join(pages[-2:])[-8000:] if len(pages) > 3 else ""
    found = date_from_pages(pages)
    if ext.date:
        out["date"] = (ext.date, "html" if not is_pdf else "pdf_metadata")
    elif found:
        out["date"] = found
    elif date_from_pdf(info):
        out["date"] = (date_from_pdf(info), "pdf_metadata")
    authors = authors_from_text(front + "\n" + back)
    if authors:
        out["authors"] = (authors, "colophon")
    else:
        meta_authors = [a for a in (ext.authors or []) if not is_account_name(a) and not _is_organisation(a)]
        pdf_author = _clean(info.get("Author")) if isinstance(info.get("Author"), str) else ""
        if not meta_authors and pdf_author and not is_account_name(pdf_author) and not _is_organisation(pdf_author):
            meta_authors = [pdf_author]
        out["authors"] = (meta_authors, "pdf_metadata" if is_pdf else ("html" if "html" in (ext.mime or "") else "text"))
    org = organisation_from_text(front + "\n" + back, pages[0][:3000])
    if org:
        out["organisation"] = (org, "colophon")
    doc_type = doc_type_from_text(front, ext.mime, len(ext.pages), len(ext.text))
    if doc_type:
        out["doc_type"] = (doc_type, "text")
    summary = summary_from(ext)
    if summary:
        out["summary"] = (summary, "text")
    return out


def update(conn, doc_id: int, ext, raw_path: str | None, file_name: str | None = None) -> dict:
    """The extraction pipeline's hook: record what the file says, then set the document's
    columns to the winning value per field (researcher > crawl > file).  Returns field -> origin."""
    from miner.store import fields as store_fields
    from miner.store import documents as store_documents
    row = store_documents.crawl_columns(conn, doc_id)
    if row is None:
        return {}
    found = extract_fields(ext, raw_path, file_name)
    crawl = {}
    if row["source"] != "local":
        # A crawled document's columns hold what the source said (or, where it said nothing, what an
        # earlier extraction filled in); they count as crawl metadata and win over the file.
        for f in ("title", "date", "doc_type"):
            if row[f]:
                crawl[f] = row[f]
        authors = json.loads(row["authors"] or "[]")
        if authors:
            crawl["authors"] = authors
    store_fields.replace_extracted(conn, doc_id, found, crawl)
    return store_fields.apply_winners(conn, doc_id)
