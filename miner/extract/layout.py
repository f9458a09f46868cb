"""Reading order on a page: columns found from where words are NOT, then lines.

The page is cut into horizontal bands (runs of words that overlap vertically).
Consecutive bands that share an empty vertical strip (a gutter) with text on
both sides form a multi-column region; such a region is cut at its gutters and
each column is ordered the same way (recursively, so a column may again hold
columns).  A full-width title or paragraph crosses the gutter and therefore
ends a column region: it is read before or after the columns, as on paper.
A gutter only counts when at least ``MIN_COLUMN_LINES`` lines lie on each side;
two justified lines whose wide spaces happen to line up are not columns.
"""
from __future__ import annotations

from dataclasses import dataclass
from statistics import median


MIN_COLUMN_LINES = 3


@dataclass(slots=True)
class Word:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool = False


@dataclass(slots=True)
class Line:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool
    block: int            # column/region id on the page; lines of one block are read top to bottom
    block_x0: float = 0.0
    block_x1: float = 0.0
    kind: str = "body"    # body, furniture (header/footer/page number), footnote


def _bands(words: list[Word]) -> list[list[Word]]:
    """Split words into bands at horizontal whitespace (no word overlaps the cut)."""
    bands, cur, bottom = [], [], None
    for w in sorted(words, key=lambda w: w.top):
        # a word starts a new band only if it lies clearly below everything so far
        if cur and w.top >= bottom - 0.25 * min(w.size, cur[-1].size):
            bands.append(cur)
            cur, bottom = [], None
        cur.append(w)
        bottom = w.bottom if bottom is None else max(bottom, w.bottom)
    if cur:
        bands.append(cur)
    return bands


def _free(words: list[Word], x0: float, x1: float, min_gap: float) -> list[tuple[float, float]]:
    """Intervals of [x0, x1] that no word covers, at least ``min_gap`` wide."""
    spans = sorted((w.x0, w.x1) for w in words)
    free, pos = [], x0
    for a, b in spans:
        if a - pos >= min_gap:
            free.append((pos, a))
        pos = max(pos, b)
    if x1 - pos >= min_gap:
        free.append((pos, x1))
    return free


def _intersect(a: list[tuple[float, float]], b: list[tuple[float, float]], min_gap: float):
    out = []
    for a0, a1 in a:
        for b0, b1 in b:
            lo, hi = max(a0, b0), min(a1, b1)
            if hi - lo >= min_gap:
                out.append((lo, hi))
    return out


def _gutters(free, words: list[Word]) -> list[tuple[float, float]]:
    """Free intervals with text on both sides."""
    lo = min(w.x0 for w in words)
    hi = max(w.x1 for w in words)
    return [(a, b) for a, b in free if a > lo + 0.5 and b < hi - 0.5]


def _distinct_lines(words: list[Word]) -> int:
    tops = sorted(w.top for w in words)
    n, last = 0, None
    for t in tops:
        if last is None or t - last > 2:
            n += 1
        last = t
    return n


def _valid_columns(words: list[Word], gutters, size: float) -> bool:
    """Real columns hold several lines each and are wide enough for running text
    (a column of bullets or list numbers next to the items is not a text column)."""
    cols = _split(words, gutters)
    if len(cols) != len(gutters) + 1:
        return False
    min_width = max(8 * size, 0.12 * (max(w.x1 for w in words) - min(w.x0 for w in words)))
    return (all(_distinct_lines(c) >= MIN_COLUMN_LINES and max(w.x1 for w in c) - min(w.x0 for w in c) >= min_width
                for c in cols)
            and all(_gutter_stands_out(words, g) for g in gutters)
            and all(_equally_dense(a, b) for a, b in zip(cols, cols[1:])))


def _tops(words: list[Word]) -> list[float]:
    tops, last = [], None
    for t in sorted(w.top for w in words):
        if last is None or t - last > 2:
            tops.append(t)
        last = t
    return tops


def _equally_dense(a: list[Word], b: list[Word]) -> bool:
    """``a`` (left of ``b``) is not a column of labels ("Zaak:", "Besluit:") next to their values: such a column
    has far fewer lines than its neighbour where they run side by side, and each of its
    lines sits on a baseline of the neighbour.  A form like that is read row by row."""
    top = max(min(w.top for w in a), min(w.top for w in b))
    bottom = min(max(w.bottom for w in a), max(w.bottom for w in b))
    ta = _tops([w for w in a if top - 1 <= w.top <= bottom])
    tb = _tops([w for w in b if top - 1 <= w.top <= bottom])
    # Text fills the left column first, so only a sparse LEFT column is suspect; a short
    # right column is the normal end of an article.
    if not ta or len(ta) >= 0.6 * len(tb):
        return True
    aligned = sum(1 for t in ta if any(abs(t - u) <= 1.5 for u in tb))
    return aligned < 0.8 * len(ta)


def _rows(words: list[Word]) -> list[list[Word]]:
    rows: list[list[Word]] = []
    for w in sorted(words, key=lambda w: (round(w.top), w.x0)):
        if rows and abs(rows[-1][0].top - w.top) <= 1.5:
            rows[-1].append(w)
        else:
            rows.append([w])
    return rows


def _gutter_stands_out(words: list[Word], gutter: tuple[float, float]) -> bool:
    """On lines that run across the gutter, the gap there must be wider than the word gaps
    of the same line.  Justified lines have equal gaps, so wide spaces that happen to line
    up over a few lines (common in monospaced or narrow justified text) are not a gutter."""
    mid = (gutter[0] + gutter[1]) / 2
    votes = yes = 0
    for row in _rows(words):
        row.sort(key=lambda w: w.x0)
        left = [w for w in row if (w.x0 + w.x1) / 2 < mid]
        right = [w for w in row if (w.x0 + w.x1) / 2 >= mid]
        if len(left) < 2 or len(right) < 2:
            continue
        across = right[0].x0 - left[-1].x1
        inner = [b.x0 - a.x1 for side in (left, right) for a, b in zip(side, side[1:])]
        inner.sort()
        votes += 1
        yes += across > 1.25 * inner[len(inner) // 2]
    return votes == 0 or yes >= 0.6 * votes


def _split(words: list[Word], gutters) -> list[list[Word]]:
    cols = [[] for _ in range(len(gutters) + 1)]
    for w in words:
        mid = (w.x0 + w.x1) / 2
        k = sum(1 for a, b in gutters if mid > (a + b) / 2)
        cols[k].append(w)
    return [c for c in cols if c]


def order_blocks(words: list[Word], depth: int = 0) -> list[list[Word]]:
    """Words grouped into blocks (column pieces) in reading order."""
    if not words:
        return []
    sizes = sorted(w.size for w in words)
    size = sizes[len(sizes) // 2]
    min_gap = max(4.0, 0.6 * size)
    x0 = min(w.x0 for w in words)
    x1 = max(w.x1 for w in words)
    bands = _bands(words)
    frees = [_free(b, x0, x1, min_gap) for b in bands]
    out: list[list[Word]] = []
    plain: list[Word] = []          # consecutive single-column bands form one block
    i = 0
    while i < len(bands):
        # Grow a region from band i while the bands keep a common gutter with text on both sides.
        region, free, j = list(bands[i]), frees[i], i + 1
        while j < len(bands):
            common = _intersect(free, frees[j], min_gap)
            if not _gutters(common, region + bands[j]):
                break
            region.extend(bands[j])
            free = common
            j += 1
        gutters = _gutters(free, region) if j > i + 1 else []
        if gutters and depth < 4 and _valid_columns(region, gutters, size):
            if plain:
                out.append(plain)
                plain = []
            for col in _split(region, gutters):
                out.extend([col] if len(col) == len(region) else order_blocks(col, depth + 1))
            i = j
        else:
            # No real columns start here (e.g. a header whose white space lines up with a
            # gutter by chance): read this band as running text and try again from the next.
            plain.extend(bands[i])
            i += 1
    if plain:
        out.append(plain)
    return out


def drop_note_marks(words: list[Word], found: list[str] | None = None) -> list[Word]:
    """Remove footnote reference marks: small raised digits right after a normal word.
    Punctuation that followed the mark joins the word again ("fraude²." → "fraude.", not
    "fraude .").  The marks removed are appended to ``found`` (for footnote detection)."""
    marks = [w for w in words if _is_mark(w.text)]
    if not marks:
        return words
    normal = sorted(w.size for w in words)[len(words) // 2]
    drop = set()
    for m in marks:
        if m.size >= 0.8 * normal:
            continue
        for w in words:
            if (w.size >= 0.9 * normal and -1 <= m.x0 - w.x1 < 3 and w.top - 1 <= m.bottom <= w.bottom - 0.15 * w.size):
                drop.add(id(m))
                if found is not None:
                    found.append(m.text.rstrip(",)"))
                _glue_punctuation(w, m, words, drop)
                break
    return [w for w in words if id(w) not in drop] if drop else words


def _glue_punctuation(host: Word, mark: Word, words: list[Word], drop: set) -> None:
    for p in words:
        if (p is not host and p is not mark and id(p) not in drop and p.text[:1] in ".,;:!?)]»”’'"
                and -1 <= p.x0 - mark.x1 < 0.35 * host.size and abs(p.bottom - host.bottom) < 0.3 * host.size):
            host.text += p.text
            host.x1 = p.x1
            drop.add(id(p))
            return


def lines_of_block(words: list[Word], block: int) -> list[Line]:
    """Words of one block as text lines, top to bottom."""
    lines: list[Line] = []
    bx0 = min(w.x0 for w in words)
    bx1 = max(w.x1 for w in words)
    rows: list[list[Word]] = []
    r_top = r_bottom = 0.0
    for w in sorted(words, key=lambda w: (w.top, w.x0)):
        if rows:
            overlap = min(r_bottom, w.bottom) - max(r_top, w.top)
            if overlap > 0.4 * min(w.bottom - w.top, r_bottom - r_top):
                rows[-1].append(w)
                r_top, r_bottom = min(r_top, w.top), max(r_bottom, w.bottom)
                continue
        rows.append([w])
        r_top, r_bottom = w.top, w.bottom
    for row in rows:
        row.sort(key=lambda w: w.x0)
        text = " ".join(w.text for w in row)
        bold = sum(len(w.text) for w in row if w.bold) > 0.6 * sum(len(w.text) for w in row)
        lines.append(Line(text, row[0].x0, max(w.x1 for w in row), min(w.top for w in row),
                          max(w.bottom for w in row), median(w.size for w in row), bold, block, bx0, bx1))
    return lines


def _is_mark(text: str) -> bool:
    return text.isdigit() or text in ("*", "**", "†", "‡") or (text[:-1].isdigit() and text[-1] in ",)")


def margin_numbers(words: list[Word]) -> tuple[list[Word], list[Word]]:
    """(words, margin page numbers): a lone number in the side margin, outside the text
    block and far from its row's words ("…de 73 men uit het…" on real pages)."""
    if len(words) < 20:
        return words, []
    x0s = sorted(w.x0 for w in words)
    x1s = sorted(w.x1 for w in words)
    left, right = x0s[len(x0s) // 20], x1s[-(len(x1s) // 20) - 1]
    out = []
    for w in words:
        if not (w.text.isdigit() and len(w.text) <= 4):
            continue
        outside = w.x0 >= right + 0.5 * w.size or w.x1 <= left - 0.5 * w.size
        if not outside:
            continue
        near = [o for o in words if o is not w and abs(o.top - w.top) < 0.6 * w.size and
                min(abs(o.x0 - w.x1), abs(w.x0 - o.x1)) < 2 * w.size]
        if not near:
            out.append(w)
    # A page number stands alone in its margin; several numbers there are a column (a table, line numbers).
    out = [w for w in out if sum(1 for o in out if (o.x0 >= right) == (w.x0 >= right)) == 1]
    if not out:
        return words, []
    ids = {id(w) for w in out}
    return [w for w in words if id(w) not in ids], out


def page_lines(words: list[Word], note_marks: list[str] | None = None) -> list[Line]:
    words, margin = margin_numbers(words)
    words = drop_note_marks(words, note_marks)
    lines: list[Line] = []
    for k, block in enumerate(order_blocks(words)):
        lines.extend(lines_of_block(block, k))
    for w in margin:
        lines.append(Line(w.text, w.x0, w.x1, w.top, w.bottom, w.size, w.bold, -1, w.x0, w.x1, kind="furniture"))
    return lines
