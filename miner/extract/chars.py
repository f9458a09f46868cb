"""Words from pdfium's character boxes (pypdfium2), the fast source of page text.

pdfminer (under pdfplumber) parses content streams in pure Python; on real reports
that was 80 % of extraction time.  pdfium parses them in C: here every character
of a page comes with its box, its font size and weight from pdfium's text page,
through the raw API (one ctypes call per value, no Python objects per character
beyond a tuple).  Characters are grouped into words with the rules of pdfplumber's
word extractor: a line is a cluster of characters whose tops lie within
``Y_TOLERANCE``; a word ends at white space, at a gap wider than
``X_TOLERANCE_RATIO`` times the font size, when the text jumps backwards, or when
the font size changes (so raised footnote marks become words of their own).
Characters pdfium generates itself (spaces and line breaks it guesses) are ignored:
the geometry decides.  A word split by wide glyph spacing ("B eschermde") is closed
again when the gap is narrow for its line and the word list agrees (``_close_gaps``).

Page objects tell whether a page can hold a ruled table (path objects) and how
much of it an image covers (for OCR of scans), without pdfminer.
"""
from __future__ import annotations

import ctypes
import math
from dataclasses import dataclass

import pypdfium2.raw as pdfium_c

from miner.extract.layout import Word
from miner.extract.normalize import BULLET, clean, is_bullet

X_TOLERANCE_RATIO = 0.15
Y_TOLERANCE = 3.0


@dataclass
class PageObjects:
    words: list[Word]
    ruling: int            # crossings of horizontal and vertical strokes: a ruled table needs several
    image_area: float      # largest image, as a share of the page
    horiz: list = None     # horizontal strokes (y, x0, x1), PDF coordinates (y up)
    vert: list = None      # vertical strokes (x, y0, y1)


def _objects(page, width: float, height: float) -> tuple[int, float, list, list]:
    """(grid crossings of ruling lines, largest image share) from the page's objects.

    A ruled table is a grid: horizontal and vertical strokes that cross.  Counting the
    crossings of axis-parallel path segments (pdfium gives them without parsing anything
    in Python) keeps pdfplumber's slow table finder for pages that can hold one: an
    underline, a frame or a logo does not make a grid."""
    image = 0.0
    area = max(1.0, width * height)
    horiz: list[tuple[float, float, float]] = []     # (y, x0, x1)
    vert: list[tuple[float, float, float]] = []      # (x, y0, y1)
    budget = 4000                                     # segments looked at per page
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH, pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=4):
        try:
            x0, y0, x1, y1 = obj.get_bounds()
        except Exception:
            continue
        share = max(0.0, x1 - x0) * max(0.0, y1 - y0) / area
        if obj.type == pdfium_c.FPDF_PAGEOBJ_IMAGE:
            image = max(image, share)
            continue
        if share >= 0.5 or budget <= 0:      # a full-page background or frame is no table ruling
            continue
        budget -= _segments(obj.raw, horiz, vert, budget)
    return _crossings(horiz, vert), min(1.0, image), horiz, vert


def _segments(raw, horiz: list, vert: list, budget: int) -> int:
    """Axis-parallel strokes of one path object (page coordinates) into ``horiz``/``vert``."""
    n = pdfium_c.FPDFPath_CountSegments(raw)
    if n <= 0:
        return 0
    n = min(n, budget)
    m = pdfium_c.FS_MATRIX()
    if not pdfium_c.FPDFPageObj_GetMatrix(raw, ctypes.byref(m)):
        m.a, m.b, m.c, m.d, m.e, m.f = 1, 0, 0, 1, 0, 0
    fx, fy = ctypes.c_float(), ctypes.c_float()
    start = prev = None
    for i in range(n):
        seg = pdfium_c.FPDFPath_GetPathSegment(raw, i)
        if not seg or not pdfium_c.FPDFPathSegment_GetPoint(seg, ctypes.byref(fx), ctypes.byref(fy)):
            continue
        x, y = m.a * fx.value + m.c * fy.value + m.e, m.b * fx.value + m.d * fy.value + m.f
        kind = pdfium_c.FPDFPathSegment_GetType(seg)
        if kind == pdfium_c.FPDF_SEGMENT_MOVETO or prev is None:
            start = prev = (x, y)
            continue
        if kind == pdfium_c.FPDF_SEGMENT_LINETO:
            _edge(prev, (x, y), horiz, vert)
        prev = (x, y)
        if pdfium_c.FPDFPathSegment_GetClose(seg) and start is not None:
            _edge(prev, start, horiz, vert)
            prev = start
    return n


def _edge(a, b, horiz: list, vert: list) -> None:
    (ax, ay), (bx, by) = a, b
    if abs(ay - by) <= 1.0 and abs(ax - bx) >= 8:
        horiz.append((ay, min(ax, bx), max(ax, bx)))
    elif abs(ax - bx) <= 1.0 and abs(ay - by) >= 6:
        vert.append((ax, min(ay, by), max(ay, by)))


def _crossings(horiz: list, vert: list, tol: float = 2.0) -> int:
    """How many (horizontal, vertical) stroke pairs meet, capped at 64 (only "several" matters)."""
    if len(horiz) < 2 or len(vert) < 2:
        return 0
    n = 0
    for y, x0, x1 in horiz:
        for x, y0, y1 in vert:
            if x0 - tol <= x <= x1 + tol and y0 - tol <= y <= y1 + tol:
                n += 1
                if n >= 64:
                    return n
    return n


def page_objects(page, textpage, width: float, height: float) -> PageObjects:
    """Words, ruling count and image share of a pypdfium2 page (``textpage`` = page.get_textpage())."""
    ruling, image, horiz, vert = _objects(page, width, height)
    words = _close_gaps(_words(_chars(textpage, height)))
    return PageObjects(words, ruling, image, horiz, vert)


def _address_returning(fn, *argtypes):
    """The same pdfium function, returning the handle as a plain int (cheap to compare and hash)."""
    addr = ctypes.cast(fn, ctypes.c_void_p).value
    return ctypes.CFUNCTYPE(ctypes.c_void_p, *argtypes)(addr)


_TEXT_OBJECT = _address_returning(pdfium_c.FPDFText_GetTextObject, ctypes.c_void_p, ctypes.c_int)
_OBJ_FONT = _address_returning(pdfium_c.FPDFTextObj_GetFont, ctypes.c_void_p)


def _chars(textpage, height: float) -> list[tuple]:
    """(top, x0, x1, bottom, size, text, bold) per character, page coordinates with y down.

    The text of the page comes in one call; per character pdfium is asked for its box and
    font size (2 ctypes calls); weight and rotation only at the start of a word (after a
    space or a size change: a word is set in one weight and one direction).  The text
    matrix is only asked for when the font size and the box disagree (a PDF that sets
    "1 Tf" and scales with the matrix)."""
    tp = textpage.raw
    tp_addr = ctypes.cast(tp, ctypes.c_void_p).value
    n = pdfium_c.FPDFText_CountChars(tp)
    if n <= 0:
        return []
    buf = (ctypes.c_ushort * (n + 1))()
    got = pdfium_c.FPDFText_GetText(tp, 0, n, ctypes.cast(buf, ctypes.POINTER(ctypes.c_ushort)))
    codes = buf[:n] if got >= n else [0] * n
    rect = pdfium_c.FS_RECTF()
    mtx = pdfium_c.FS_MATRIX()
    prect, pmtx = ctypes.byref(rect), ctypes.byref(mtx)
    get_unicode = pdfium_c.FPDFText_GetUnicode
    generated = pdfium_c.FPDFText_IsGenerated
    loose = pdfium_c.FPDFText_GetLooseCharBox
    font_size = pdfium_c.FPDFText_GetFontSize
    weight = pdfium_c.FPDFText_GetFontWeight
    angle = pdfium_c.FPDFText_GetCharAngle
    matrix = pdfium_c.FPDFText_GetMatrix
    out = []
    last_size = None          # consecutive characters mostly share their size: keep the identical float
    bold_objects: dict = {}   # text object -> bold (for fonts without a weight)
    bold_fonts: dict = {}     # font -> bold by name
    two_pi = 2 * math.pi
    word_start = True
    bold = rotated = False
    for i in range(n):
        code = codes[i]
        if code == 0 or code >= 0xFFFE or 0xD800 <= code <= 0xDFFF:
            code = get_unicode(tp, i)     # GetText writes U+FFFE for the hyphen GetUnicode calls U+0002
        if code in (0xFFFE, 0xFFFF, 10, 13):
            word_start = True
            continue
        if code == 32:
            word_start = True
            if generated(tp, i) == 1:
                # pdfium adds a space where the PDF positions words apart without one (TJ offsets,
                # word spacing): it ends a word right after the character before it.
                if out:
                    prev = out[-1]
                    out.append((prev[0], prev[2] + 0.01, prev[2] + 0.02, prev[3], prev[4], " ", prev[6]))
                continue
        if not loose(tp, i, prect):
            continue
        raw = font_size(tp, i)
        box = rect.top - rect.bottom
        if raw <= 0:
            size = box
        elif box > 1.6 * raw or box < 0.5 * raw:
            size = raw * (math.hypot(mtx.c, mtx.d) or 1.0) if matrix(tp, i, pmtx) else raw
        else:
            size = raw
        if last_size is not None and abs(size - last_size) < 0.01:
            size = last_size
        else:
            word_start = True
        last_size = size
        if word_start and code != 32:
            word_start = False
            a = angle(tp, i)
            rotated = a > 0.01 and abs(a - two_pi) > 0.01
            wt = weight(tp, i)
            if wt >= 600:
                bold = True
            elif wt > 0:
                bold = False
            else:   # the standard 14 fonts and some subsets report no weight: judge the font's name
                obj = _TEXT_OBJECT(tp_addr, i)
                bold = bold_objects.get(obj)
                if bold is None:
                    font = _OBJ_FONT(obj) if obj else None
                    bold = bold_fonts.get(font)
                    if bold is None:
                        bold = bold_fonts[font] = _bold_name(font)
                    bold_objects[obj] = bold
        if rotated:
            continue  # rotated margin text (stamps, vertical labels) is not body text
        if code == 2:
            # pdfium reports a hyphen at a line end as U+0002, whether the PDF drew "-" or a soft
            # hyphen: a plain hyphen lets the dehyphenator decide (lhbti-/personen stays hyphenated)
            text = "-"
        else:
            try:
                text = chr(code)
            except ValueError:
                continue
        out.append((height - rect.top, rect.left, rect.right, height - rect.bottom, size, text, bold))
    return out


def _bold_name(font: int | None) -> bool:
    if not font:
        return False
    buf = ctypes.create_string_buffer(128)
    pdfium_c.FPDFFont_GetBaseFontName(ctypes.cast(font, type(pdfium_c.FPDFTextObj_GetFont.restype())), buf, 128)
    name = buf.value.decode("latin-1", "replace").lower()
    return any(k in name for k in ("bold", "black", "heavy", "semibold", "demi"))


def _words(items: list[tuple]) -> list[Word]:
    # Rows per font size: characters of different sizes never form one word, and text
    # printed over other text in another size (layered titles) must not interleave.
    rows: list[list[tuple]] = []
    items.sort(key=lambda t: (round(t[4] * 2), t[0]))
    row_top = row_size = None
    for it in items:
        size = round(it[4] * 2)
        if row_top is None or size != row_size or it[0] - row_top > Y_TOLERANCE:
            rows.append([it])
            row_top, row_size = it[0], size
        else:
            rows[-1].append(it)
    words: list[Word] = []
    for row in rows:
        row.sort(key=lambda t: t[1])
        cur: list[tuple] = []
        for it in row:
            if it[5].isspace():
                _emit(cur, words)
                cur = []
                continue
            if cur:
                prev = cur[-1]
                if (it[1] > prev[2] + X_TOLERANCE_RATIO * it[4] or it[1] < prev[1] - 0.5 * it[4]
                        or abs(it[4] - prev[4]) > 0.01 * prev[4]):
                    _emit(cur, words)
                    cur = []
            cur.append(it)
        _emit(cur, words)
    return words


def _emit(cur: list[tuple], words: list[Word]) -> None:
    if not cur:
        return
    raw = "".join([it[5] for it in cur])
    text = BULLET if is_bullet(raw) else clean(raw)
    if not text.strip():
        return
    first = cur[0]
    if len(cur) == 1:
        words.append(Word(text, first[1], first[2], first[0], first[3], float(first[4]), first[6]))
        return
    top, x1, bottom, bold = first[0], first[2], first[3], 0
    for it in cur:
        if it[0] < top:
            top = it[0]
        if it[2] > x1:
            x1 = it[2]
        if it[3] > bottom:
            bottom = it[3]
        bold += it[6]
    words.append(Word(text, first[1], x1, top, bottom, float(first[4]), bold * 2 > len(cur)))


def _close_gaps(words: list[Word]) -> list[Word]:
    """Close gaps that glyph spacing opened inside a word ("B eschermde", "Awb-b esluitvorming").

    Two neighbours on one line are joined when their gap is clearly narrower than the
    line's typical word gap and the word list says so: the joined form is a known word
    (or a hyphenated form whose last part is known) while a piece is not."""
    from miner.extract.dehyphen import lexicon
    if len(words) < 2:
        return words
    lex = lexicon()
    if not lex:
        return words
    out: list[Word] = []
    # rows: words come row by row, left to right
    row_start = 0
    while row_start < len(words):
        row_end = row_start + 1
        while row_end < len(words) and abs(words[row_end].top - words[row_start].top) <= Y_TOLERANCE \
                and words[row_end].x0 >= words[row_end - 1].x0:
            row_end += 1
        row = words[row_start:row_end]
        gaps = sorted(b.x0 - a.x1 for a, b in zip(row, row[1:]) if b.x0 > a.x1 - 1)
        typical = gaps[len(gaps) // 2] if len(gaps) >= 3 else None
        merged = [row[0]]
        for w in row[1:]:
            p = merged[-1]
            gap = w.x0 - p.x1
            if typical and gap < 0.6 * typical and abs(w.size - p.size) < 0.05 * p.size \
                    and _glued(p.text, w.text, lex):
                merged[-1] = Word(p.text + w.text, p.x0, w.x1, min(p.top, w.top), max(p.bottom, w.bottom),
                                  p.size, p.bold)
            else:
                merged.append(w)
        out.extend(merged)
        row_start = row_end
    return out


def _glued(a: str, b: str, lex) -> bool:
    if not (a[-1:].isalpha() and b[:1].isalpha() and b[:1].islower()):
        return False
    core_b = b.rstrip(".,;:!?)»”’'\"")
    la = a.lstrip("(«“‘'\"").lower()
    joined = (la + core_b.lower())
    last = joined.rsplit("-", 1)[-1]
    if la in lex and core_b.lower() in lex:
        return False          # two real words
    # "Awb-b" + "esluitvorming": the hyphenated head's last part is completed by the next piece
    return joined in lex or ("-" in la and len(last) > 3 and last in lex and core_b.lower() not in lex)
