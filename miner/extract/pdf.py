"""PDF extraction on pdfium's character boxes: reading order, furniture, hyphenation, tables, OCR.

Work is split in two so a long PDF can be spread over processes:
``analyse_pages`` turns a range of pages into positioned text lines and tables
(the expensive part, per page, memory released page by page), and ``assemble``
makes the document: it needs all pages at once to see which lines repeat at the
page edges, then builds paragraphs with their page numbers.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from statistics import median


from miner.extract.model import Extraction, ExtractionError, PageInfo, Table, TextBuilder
from miner.extract.language import detect_language
from miner.extract.chars import page_objects
from miner.extract import quiet  # noqa: F401  (silences pdfminer's debug logging)
from miner.extract.tables import ruled_tables
from miner.extract.layout import Line, Word, page_lines
from miner.extract.normalize import clean
from miner.extract import dehyphen, furniture

MIN_GRID_CROSSINGS = 8    # a table of 2 rows × 2 columns has 9 crossings of its ruling lines
MIN_TEXT_CHARS = 20       # fewer characters than this on an image page: treat it as a scan
_SENTENCE_END = re.compile(r"[.!?:;]['\"”’)]*$")
_LIST_START = re.compile(r"^(?:[•·▪◦●■►–—-]|\(?\d{1,2}[.)]|\(?[a-z][.)])\s")


@dataclass
class PageLayout:
    number: int
    width: float
    height: float
    lines: list[Line] = field(default_factory=list)
    tables: list[list[list[str]]] = field(default_factory=list)
    ocr_text: str | None = None
    needs_ocr: bool = False
    wants_ocr: bool = False       # scanned page whose OCR was left to the caller (see analyse_pages)
    note_marks: list[str] = field(default_factory=list)   # footnote marks removed from the body
    toc: bool = False             # a table-of-contents page (its lines are kept as kind 'toc', not body)


@dataclass
class PdfPart:
    """What one worker returns for a range of pages."""
    pages: list[PageLayout]
    info: dict | None = None        # document metadata, from the part holding page 1
    warnings: list[str] = field(default_factory=list)


def _reason(exc: BaseException) -> str:
    """The reason a PDF cannot be opened, from pdfium's error (or pdfplumber's, for tables)."""
    seen, todo = [], [exc]
    while todo:
        e = todo.pop()
        if e is None or e in seen:
            continue
        seen.append(e)
        if "password" in str(e).lower():
            return "encrypted PDF: it needs a password to open"
        todo.extend([e.__cause__, e.__context__] + [a for a in e.args if isinstance(a, BaseException)])
    inner = seen[-1] if len(seen) > 1 else exc
    detail = str(inner).strip() or type(inner).__name__
    return f"corrupt PDF: {detail}"


def _read(src) -> bytes:
    if isinstance(src, (bytes, bytearray)):
        return bytes(src)
    with open(src, "rb") as fh:
        return fh.read()


def _open(src, warnings: list[str] | None = None):
    """The document in pdfium (which rebuilds a damaged cross-reference table itself).  When
    pdfium gives up on a file whose end is missing, the objects that are complete get a new
    cross-reference table (``repair``) and the file is opened again."""
    import pypdfium2 as pdfium
    try:
        return pdfium.PdfDocument(src if isinstance(src, (bytes, bytearray)) else str(src))
    except Exception as exc:
        reason = _reason(exc)
        if reason.startswith("encrypted"):
            raise ExtractionError(reason) from None
    fixed = repair(_read(src))
    if fixed is not None:
        try:
            doc = pdfium.PdfDocument(fixed)
        except Exception:
            doc = None
        if doc is not None:
            if warnings is not None:
                _warn(warnings, "damaged PDF: cross-reference table rebuilt from the complete objects")
            return doc
    raise ExtractionError(reason)


_OBJ = re.compile(rb"(?<![0-9])(\d{1,10})\s+(\d{1,5})\s+obj\b")


def repair(data: bytes) -> bytes | None:
    """A PDF rebuilt from the complete ``N G obj … endobj`` objects of ``data``, with a new
    cross-reference table and trailer (the catalog found by its /Type), or None."""
    end = data.rfind(b"endobj")
    if end < 0:
        return None
    body = data[:end + len(b"endobj")] + b"\n"
    offsets: dict[int, tuple[int, int]] = {}
    root = None
    for m in _OBJ.finditer(body):
        num, gen = int(m.group(1)), int(m.group(2))
        stop = body.find(b"endobj", m.end())
        if stop < 0:
            break
        offsets[num] = (m.start(), gen)
        if root is None and re.search(rb"/Type\s*/Catalog\b", body[m.end():stop]):
            root = (num, gen)
    if root is None or not offsets:
        return None
    size = max(offsets) + 1
    xref = [b"xref\n0 %d\n" % size, b"0000000000 65535 f \n"]
    for n in range(1, size):
        if n in offsets:
            xref.append(b"%010d %05d n \n" % offsets[n])
        else:
            xref.append(b"0000000000 65535 f \n")
    trailer = b"trailer\n<< /Size %d /Root %d %d R >>\nstartxref\n%d\n%%%%EOF\n" % (size, root[0], root[1], len(body))
    return body + b"".join(xref) + trailer


def page_count(src) -> int:
    """Number of pages (fast, via pdfium); 0 when the file cannot be read that way."""
    try:
        doc = _open(src)
    except ExtractionError:
        return 0
    try:
        return len(doc)
    finally:
        doc.close()


_COUNT = re.compile(rb"/Type\s*/Pages\b[^>]*?/Count\s+(\d+)|/Count\s+(\d+)[^>]*?/Type\s*/Pages\b", re.S)


def damage(data: bytes, pages_read: int) -> list[str]:
    """Warnings naming what a damaged file lost: a missing end (truncation) and the pages
    its page tree promises but pdfium could not find."""
    out = []
    tail = data[-2048:]
    if b"%%EOF" not in tail:
        out.append(f"damaged PDF: the file is cut off after {len(data):,} bytes (no %%EOF); "
                   "recovered what pdfium could read")
    declared = 0
    for m in _COUNT.finditer(data):
        declared = max(declared, int(m.group(1) or m.group(2)))
    if declared > pages_read:
        lost = f"page {pages_read + 1}" if declared == pages_read + 1 else f"pages {pages_read + 1}-{declared}"
        out.append(f"damaged PDF: {lost} of {declared} could not be recovered")
    return out


def _info(doc) -> dict:
    try:
        meta = doc.get_metadata_dict(skip_empty=True)
    except Exception:
        meta = {}

    def text(key):
        v = meta.get(key)
        return clean(str(v)).strip() if v else None

    date = None
    m = re.match(r"(?:D:)?(\d{4})(\d{2})(\d{2})", text("CreationDate") or "")
    if m:
        date = f"{m.group(1)}-{m.group(2)}-{m.group(3)}"
    return {"title": text("Title"), "author": text("Author"), "created": date, "producer": text("Producer"),
            "raw": {k: str(v) for k, v in meta.items()}}


def _inside(w: Word, box) -> bool:
    x0, top, x1, bottom = box
    cx, cy = (w.x0 + w.x1) / 2, (w.top + w.bottom) / 2
    return x0 <= cx <= x1 and top <= cy <= bottom


def _analyse_page(doc, number: int, src, opts, warnings: list[str],
                  defer_ocr: bool) -> PageLayout:
    page = doc[number - 1]
    textpage = None
    try:
        width, height = page.get_size()
        pl = PageLayout(number, float(width), float(height))
        textpage = page.get_textpage()
        objs = page_objects(page, textpage, pl.width, pl.height)
    finally:
        if textpage is not None:
            textpage.close()
        page.close()
    words = objs.words
    if sum(len(w.text) for w in words) < MIN_TEXT_CHARS and objs.image_area > 0.3:
        if defer_ocr and opts.ocr:
            pl.wants_ocr = True
            return pl
        ocr_into(pl, src, opts, warnings)
        if pl.ocr_text is not None or not words:
            return pl
        pl.needs_ocr = False  # keep the little text there is
    if words and objs.ruling >= MIN_GRID_CROSSINGS:
        try:
            tables, boxes = ruled_tables(objs.horiz, objs.vert, words, pl.height)
        except Exception as exc:
            tables, boxes = [], []
            _warn(warnings, f"page {number}: tables could not be read: {type(exc).__name__}")
        if boxes:
            words = [w for w in words if not any(_inside(w, b) for b in boxes)]
        pl.tables = tables
    pl.lines = page_lines(words, pl.note_marks)
    return pl


def ocr_into(pl: PageLayout, src, opts, warnings: list[str]) -> None:
    """OCR page ``pl.number`` of ``src`` into ``pl``; when OCR cannot run or fails, mark it
    needs_ocr and say why (unavailable, image too large, timed out, Tesseract's own error)."""
    from miner.extract.ocr import OcrError, ocr_page
    if not opts.ocr:
        pl.needs_ocr = True
        _warn(warnings, "OCR is switched off (extract.ocr = false)")
        return
    try:
        pl.ocr_text = ocr_page(str(src) if isinstance(src, Path) else src, pl.number - 1, opts.ocr_language,
                               opts.ocr_timeout_s, getattr(opts, "ocr_max_megapixels", 50))
        pl.wants_ocr = False
    except OcrError as exc:
        pl.needs_ocr = True
        _warn(warnings, f"page {pl.number}: {exc}" if exc.per_page else str(exc))


def _warn(warnings: list[str], msg: str) -> None:
    if msg not in warnings:
        warnings.append(msg)


def analyse_pages(src, opts, first: int = 1, last: int | None = None, defer_ocr: bool = False) -> PdfPart:
    """Pages ``first``..``last`` (1-based, inclusive) as positioned lines and tables.

    With ``defer_ocr`` scanned pages come back with ``wants_ocr`` set instead of being
    OCR'd here, so a process pool can OCR them page by page on all cores."""
    part = PdfPart(pages=[])
    doc = _open(src, part.warnings if first == 1 else None)
    try:
        n = len(doc)
        if first == 1:
            part.info = _info(doc)
            part.info["n_pages"] = n
            for w in damage(_read(src), n):
                _warn(part.warnings, w)
        last = n if last is None else min(last, n)
        lost: list[int] = []
        reasons: dict[str, None] = {}
        for number in range(first, last + 1):
            try:
                part.pages.append(_analyse_page(doc, number, src, opts, part.warnings, defer_ocr))
            except ExtractionError:
                raise
            except Exception as exc:  # one broken page must not cost the document
                part.pages.append(PageLayout(number, 595.0, 842.0))
                lost.append(number)
                reasons.setdefault(f"{type(exc).__name__}: {exc}", None)
    finally:
        doc.close()
    if lost:
        _warn(part.warnings, f"damaged PDF: {_ranges(lost)} of {n} could not be read ({'; '.join(reasons)})")
    return part


def _ranges(numbers: list[int]) -> str:
    """"page 3", "pages 3-6", "pages 2, 5-7"."""
    spans, start = [], numbers[0]
    for a, b in zip(numbers, numbers[1:] + [None]):
        if b != a + 1:
            spans.append(str(start) if start == a else f"{start}-{a}")
            start = b
    return ("page " if len(numbers) == 1 else "pages ") + ", ".join(spans)


def extract_pdf(src: Path | bytes, opts) -> Extraction:
    return assemble([analyse_pages(src, opts)])


# ---------------------------------------------------------------- assembly

def _body_size(pages: list[PageLayout]) -> float:
    weights: dict[float, int] = {}
    for pg in pages:
        for l in pg.lines:
            if l.kind == "body":
                weights[round(l.size, 1)] = weights.get(round(l.size, 1), 0) + len(l.text)
    return max(weights, key=weights.get) if weights else 10.0


def _leading(pages: list[PageLayout], body_size: float) -> float:
    """Typical distance between consecutive body lines, as a multiple of the font size."""
    ratios = []
    for pg in pages:
        body = [l for l in pg.lines if l.kind == "body"]
        for a, b in zip(body, body[1:]):
            if a.block == b.block and abs(a.size - body_size) < 0.5 and abs(b.size - body_size) < 0.5 and b.top > a.top:
                ratios.append((b.top - a.top) / body_size)
        if len(ratios) > 2000:
            break
    return median(ratios) if ratios else 1.3


def _new_paragraph(prev: Line, cur: Line, leading: float) -> bool:
    ended = bool(_SENTENCE_END.search(prev.text))
    if _LIST_START.match(cur.text):
        return True
    if cur.block != prev.block:
        # a paragraph running on into the next column
        return ended or not (cur.text[:1].islower() and abs(cur.size - prev.size) < 0.15 * prev.size)
    if abs(cur.size - prev.size) > 0.12 * max(cur.size, prev.size) or cur.bold != prev.bold:
        return True
    if cur.top - prev.top > (leading + 0.45) * max(cur.size, prev.size):
        return True
    width = prev.block_x1 - prev.block_x0
    if ended and prev.x1 < prev.block_x1 - max(0.1 * width, 2 * prev.size):
        return True
    if ended and cur.x0 > prev.x0 + 1.2 * cur.size:
        return True
    return False


def _paragraphs(lines: list[Line], leading: float, body_size: float) -> list[tuple[str, list[str]]]:
    """(kind, line texts) per paragraph, in order."""
    out: list[tuple[str, list[str]]] = []
    prev = None
    for line in lines:
        if prev is None or _new_paragraph(prev, line, leading):
            out.append((_kind(line, body_size), [line.text]))
        else:
            out[-1][1].append(line.text)
        prev = line
    return out


def _kind(line: Line, body_size: float) -> str:
    if line.kind == "footnote":
        return "footnote"
    if _LIST_START.match(line.text):
        return "list_item"
    if line.size >= 1.15 * body_size or (line.bold and len(line.text) < 120 and not _SENTENCE_END.search(line.text)):
        return "heading"
    return "paragraph"


def _ocr_paragraphs(text: str) -> list[tuple[str, list[str]]]:
    paras = []
    for chunk in re.split(r"\n\s*\n", text):
        lines = [clean(l).strip() for l in chunk.splitlines() if l.strip()]
        if lines and not (len(lines) == 1 and furniture.is_page_number(lines[0])):
            paras.append(("paragraph", lines))
    return paras


def assemble(parts: list[PdfPart]) -> Extraction:
    parts = sorted(parts, key=lambda p: p.pages[0].number if p.pages else 0)
    pages = [pg for p in parts for pg in p.pages]
    info = next((p.info for p in parts if p.info), {}) or {}
    warnings = []
    for p in parts:
        for w in p.warnings:
            _warn(warnings, w)
    furniture.mark_furniture(pages)
    body_size = _body_size(pages)
    furniture.mark_footnotes(pages, body_size)
    furniture.mark_toc(pages)
    leading = _leading(pages, body_size)
    doc_words = dehyphen.document_words(
        [l.text for pg in pages for l in pg.lines if l.kind != "furniture"] +
        [pg.ocr_text for pg in pages if pg.ocr_text])

    # Paragraphs per page: body first, then the page's footnotes.
    per_page: list[list[tuple[str, str]]] = []
    for pg in pages:
        if pg.ocr_text is not None:
            paras = _ocr_paragraphs(pg.ocr_text)
        else:
            body = [l for l in pg.lines if l.kind == "body"]
            notes = [l for l in pg.lines if l.kind == "footnote"]
            toc = [l for l in pg.lines if l.kind == "toc"]
            paras = ([("toc", [l.text]) for l in toc] + _paragraphs(body, leading, body_size) +
                     [("footnote", lines) for lines in furniture.group_notes(notes)])
        per_page.append([(kind, dehyphen.join_lines(lines, doc_words)) for kind, lines in paras])
    _mend_page_breaks(per_page, doc_words)

    b = TextBuilder()
    infos, tables = [], []
    for pg, paras in zip(pages, per_page):
        start = b.length + (len(b.SEP) if b.length else 0)
        for kind, text in paras:
            b.add(text, page=pg.number, kind=kind)
        infos.append(PageInfo(number=pg.number, start=min(start, b.length), end=b.length,
                              ocr=pg.ocr_text is not None, needs_ocr=pg.needs_ocr or pg.wants_ocr))
        tables.extend(Table(page=pg.number, rows=rows) for rows in pg.tables)
    text = b.text()
    if not pages:
        raise ExtractionError("; ".join(warnings) or "PDF without pages") if warnings else \
            ExtractionError("no pages could be read from this PDF")
    if not text.strip() and not any(p.needs_ocr for p in infos):
        # Nothing recovered (and no scan waiting for OCR): failed, never "extracted" with no text.
        raise ExtractionError("no text could be read from this PDF"
                              + (f" ({'; '.join(warnings)})" if warnings else f" ({len(pages)} page(s), all empty)"))
    title = info.get("title")
    if not title or re.match(r"(microsoft word|untitled|document\d*$|\S+\.(docx?|pdf)$)", title, re.I):
        title = _first_heading(b, text)
    authors = [a.strip() for a in re.split(r"[;,]| en ", info.get("author") or "") if a.strip()]
    metadata = {"pdf_created": info.get("created"), "producer": info.get("producer"),
                "ocr_pages": sum(p.ocr for p in infos), "needs_ocr_pages": sum(p.needs_ocr for p in infos),
                "pdf_info": info.get("raw"), "toc_pages": [pg.number for pg in pages if pg.toc],
                "first_page_lines": _first_page_lines(pages)}
    return Extraction(text=text, passages=b.passages, pages=infos, tables=tables, mime="application/pdf",
                      title=title, authors=authors, language=detect_language(text),
                      metadata={k: v for k, v in metadata.items() if v}, warnings=warnings)


def _first_page_lines(pages: list[PageLayout]) -> list[dict]:
    """Page 1 as lines with font size, weight and kind, for metadata (title, authors) downstream."""
    first = next((pg for pg in pages if pg.number == 1), None)
    if first is None:
        return []
    return [{"text": l.text, "size": round(l.size, 2), "bold": l.bold, "top": round(l.top, 1), "kind": l.kind}
            for l in first.lines[:60]]


def _first_heading(b: TextBuilder, text: str) -> str | None:
    for p in b.passages[:10]:
        if p.kind == "heading" and p.page == 1:
            return text[p.start:p.end][:300]
    return None


def _mend_page_breaks(per_page: list[list[tuple[str, str]]], doc_words) -> None:
    """A word hyphenated across a page break is completed on the page where it starts."""
    for i in range(1, len(per_page)):
        prev = next((k for k in range(len(per_page[i - 1]) - 1, -1, -1)
                     if per_page[i - 1][k][0] != "footnote"), None)
        if prev is None or not per_page[i]:
            continue
        kind_a, a = per_page[i - 1][prev]
        kind_b, b = per_page[i][0]
        if not a.endswith(("-", "\u00ad")) or not b[:1].islower():
            continue
        first, _, rest = b.partition(" ")
        joined = dehyphen.join_pair(a, first, doc_words)
        if joined.endswith(first) and not joined.endswith("-" + first) and not joined.endswith(" " + first):
            per_page[i - 1][prev] = (kind_a, joined)
            if rest:
                per_page[i][0] = (kind_b, rest)
            else:
                per_page[i].pop(0)
