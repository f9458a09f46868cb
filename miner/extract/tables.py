"""Ruled tables from pdfium's path strokes and miner's own words.

The grid geometry is pdfplumber's (``merge_edges`` → ``edges_to_intersections`` →
``intersections_to_cells`` → ``cells_to_tables``, the Nurminen/Tabula method), fed with
the axis-parallel strokes pdfium reports; pdfplumber's page objects are never built,
so a page with a table costs no pure-Python content parsing.  Cell text is the words
whose centre lies in the cell, line by line, with line-end hyphenation repaired
("Eind-" + "datum" → "Einddatum").
"""
from __future__ import annotations

from pdfplumber import table as pt

from miner.extract import dehyphen
from miner.extract.layout import Word

TOLERANCE = 3


def _edges(horiz, vert, height: float) -> list[dict]:
    out = []
    for y, x0, x1 in horiz:
        top = height - y
        out.append({"x0": x0, "x1": x1, "top": top, "bottom": top, "width": x1 - x0, "height": 0,
                    "orientation": "h", "object_type": "line"})
    for x, y0, y1 in vert:
        out.append({"x0": x, "x1": x, "top": height - y1, "bottom": height - y0, "width": 0, "height": y1 - y0,
                    "orientation": "v", "object_type": "line"})
    return out


def ruled_tables(horiz, vert, words: list[Word], height: float,
                 doc_words=frozenset()) -> tuple[list[list[list[str]]], list[tuple]]:
    """(tables as rows of cell text, table boxes (x0, top, x1, bottom)) of one page."""
    edges = pt.merge_edges(_edges(horiz, vert, height), TOLERANCE, TOLERANCE, TOLERANCE, TOLERANCE)
    edges = [e for e in edges if (e["x1"] - e["x0"] if e["orientation"] == "h" else e["bottom"] - e["top"]) >= 3]
    cells = pt.intersections_to_cells(pt.edges_to_intersections(edges, TOLERANCE, TOLERANCE))
    out, boxes = [], []
    for group in pt.cells_to_tables(cells):
        table = pt.Table(None, group)
        rows = [[_cell_text(c, words, doc_words) if c else "" for c in row.cells] for row in table.rows]
        rows = [r for r in rows if any(r)]
        if len(rows) >= 2 and max(len(r) for r in rows) >= 2:
            out.append(rows)
            boxes.append(table.bbox)
    return out, boxes


def _cell_text(bbox, words: list[Word], doc_words) -> str:
    x0, top, x1, bottom = bbox
    inside = [w for w in words if x0 <= (w.x0 + w.x1) / 2 <= x1 and top <= (w.top + w.bottom) / 2 <= bottom]
    if not inside:
        return ""
    inside.sort(key=lambda w: (w.top, w.x0))
    lines: list[list[Word]] = []
    for w in inside:
        if lines and abs(lines[-1][0].top - w.top) <= 0.5 * w.size:
            lines[-1].append(w)
        else:
            lines.append([w])
    return dehyphen.join_lines([" ".join(w.text for w in sorted(l, key=lambda w: w.x0)) for l in lines], doc_words)
