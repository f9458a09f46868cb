"""Words straight from pdfminer's layout objects.

pdfplumber turns every character into a dict with all its attributes resolved
(colours, matrices, ...); on text-heavy pages that costs about half of the
extraction time and we use five numbers of it.  Here the characters of
``page.layout`` (pdfminer's LTPage, which pdfplumber builds anyway) are grouped
into words directly, with the rules of pdfplumber's word extractor: a line is a
cluster of characters whose tops lie within ``Y_TOLERANCE``; a word ends at
white space, at a gap wider than ``X_TOLERANCE_RATIO`` times the font size, when
the text jumps backwards, or when the font size changes (so raised footnote
marks become words of their own).
"""
from __future__ import annotations

from dataclasses import dataclass

from pdfminer.layout import LTChar, LTContainer, LTCurve, LTImage

from miner.extract.layout import Word
from miner.extract.normalize import clean

X_TOLERANCE_RATIO = 0.15
Y_TOLERANCE = 3.0


@dataclass
class PageObjects:
    words: list[Word]
    ruling: int            # rectangles, lines and curves: a table is possible when there are several
    image_area: float      # largest image, as a share of the page


def _walk(obj, chars: list, counts: dict) -> None:
    for child in obj:
        if isinstance(child, LTChar):
            chars.append(child)
        elif isinstance(child, LTImage):
            counts["image"] = max(counts["image"], child.width * child.height)
        elif isinstance(child, LTCurve):   # LTLine and LTRect are curves too
            counts["ruling"] += 1
        if isinstance(child, LTContainer) and not isinstance(child, LTChar):
            _walk(child, chars, counts)


def page_objects(ltpage, width: float, height: float) -> PageObjects:
    chars: list[LTChar] = []
    counts = {"image": 0.0, "ruling": 0}
    _walk(ltpage, chars, counts)
    words = _words(chars, height)
    return PageObjects(words, counts["ruling"], counts["image"] / max(1.0, width * height))


def _words(chars: list[LTChar], height: float) -> list[Word]:
    rows: list[list[tuple]] = []
    items = []
    for c in chars:
        if not c.upright:
            continue  # rotated margin text (stamps, vertical labels) is not body text
        text = c.get_text()
        items.append((height - c.y1, c.x0, c.x1, height - c.y0, c.size, text, c.fontname))
    items.sort(key=lambda t: t[0])
    row_top = None
    for it in items:
        if row_top is None or it[0] - row_top > Y_TOLERANCE:
            rows.append([it])
            row_top = it[0]
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
                if (it[1] > prev[2] + X_TOLERANCE_RATIO * it[4] or it[1] < prev[1]
                        or abs(it[4] - prev[4]) > 0.01 * prev[4]):
                    _emit(cur, words)
                    cur = []
            cur.append(it)
        _emit(cur, words)
    return words


def _emit(cur: list[tuple], words: list[Word]) -> None:
    if not cur:
        return
    text = clean("".join(it[5] for it in cur))
    if not text.strip():
        return
    font = cur[0][6].lower()
    words.append(Word(text, cur[0][1], max(it[2] for it in cur), min(it[0] for it in cur),
                      max(it[3] for it in cur), float(cur[0][4]),
                      "bold" in font or "black" in font or "heavy" in font))
