"""Writing rows as a terminal table, CSV, JSON, JSON lines or XLSX."""
from __future__ import annotations

import csv
import json
import re
from pathlib import Path
from typing import Iterable, Sequence

FORMATS = ("table", "csv", "json", "jsonl", "xlsx")

# A spreadsheet treats a cell starting with one of these as a formula; crawled text
# must never become one.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    """Text that Excel or LibreOffice will show as text: a leading quote before formula characters."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def terminal_safe(text: str) -> str:
    """Crawled text without control characters (so it cannot send escape sequences to a
    terminal) and without bidi overrides (so it cannot display as other text)."""
    from miner.textsafe import for_terminal
    return for_terminal(_CONTROL.sub(" ", text))


def render_table(columns: Sequence[str], rows: Iterable[Sequence], max_width: int = 60) -> str:
    """A plain text table; long cells are cut with '…' and newlines shown as spaces."""
    def cell(v) -> str:
        s = terminal_safe("" if v is None else str(v))
        s = " ".join(s.split())
        return s if len(s) <= max_width else s[: max_width - 1] + "…"

    body = [[cell(v) for v in row] for row in rows]
    head = [cell(c) for c in columns]
    widths = [max([len(head[i])] + [len(r[i]) for r in body]) for i in range(len(head))]
    line = lambda vals: "  ".join(v.ljust(w) for v, w in zip(vals, widths)).rstrip()  # noqa: E731
    out = [line(head), "  ".join("-" * w for w in widths)]
    out += [line(r) for r in body]
    return "\n".join(out)


def stream_text(out, columns: Sequence[str], rows: Iterable[Sequence], fmt: str,
                safe_formulas: bool = True) -> int:
    """Write CSV, JSON or JSON lines to the text file ``out`` row by row (memory stays flat
    for any number of rows); returns the number of rows.  CSV cells that a spreadsheet would
    run as formulas get a leading quote, as in the tidy export, unless ``safe_formulas`` is off."""
    n = 0
    if fmt == "csv":
        w = csv.writer(out, lineterminator="\n")
        w.writerow(columns)
        for row in rows:
            w.writerow([spreadsheet_safe(v) for v in row] if safe_formulas else row)
            n += 1
        return n
    if fmt not in ("json", "jsonl"):
        raise ValueError(f"unknown text format {fmt!r}")
    if fmt == "json":
        out.write("[")
    for row in rows:
        record = json.dumps(dict(zip(columns, row)), ensure_ascii=False, default=_json_value)
        if fmt == "json":
            out.write(("\n" if n == 0 else ",\n") + record)
        else:
            out.write(record + "\n")
        n += 1
    if fmt == "json":
        out.write("\n]\n" if n else "]\n")
    return n


def _json_value(v):
    if isinstance(v, (bytes, bytearray, memoryview)):
        return bytes(v).hex()
    raise TypeError(f"{type(v).__name__} is not JSON")


def write_xlsx(path: Path, sheets: dict[str, tuple[Sequence[str], Sequence[Sequence]]]) -> None:
    """One sheet per entry (streamed, so large tables stay fast); text cells are stored as
    text, never as formulas."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import TYPE_STRING
    from openpyxl.utils.cell import get_column_letter

    wb = Workbook(write_only=True)
    for name, (columns, rows) in sheets.items():
        rows = list(rows)
        ws = wb.create_sheet(_sheet_title(name))
        ws.freeze_panes = "A2"
        # Width from the header and the first rows' contents (capped), so the sheet reads without resizing.
        for i, col in enumerate(columns, start=1):
            longest = max([len(str(col))] + [len(str(r[i - 1])) for r in rows[:200] if r[i - 1] is not None])
            ws.column_dimensions[get_column_letter(i)].width = min(60, max(8, longest + 2))
        if columns:
            ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{len(rows) + 1}"
        ws.append([str(c) for c in columns])
        for row in rows:
            cells = []
            for value in row:
                if isinstance(value, str):
                    cell = WriteOnlyCell(ws, value=_xlsx_text(value))
                    cell.data_type = TYPE_STRING
                else:
                    cell = WriteOnlyCell(ws, value=value)
                cells.append(cell)
            ws.append(cells)
    wb.save(path)


def _sheet_title(name: str) -> str:
    bad = set('[]:*?/\\')
    return "".join("_" if ch in bad else ch for ch in name)[:31] or "Sheet"


_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _xlsx_text(value: str) -> str:
    # XML 1.0 cannot hold most control characters; openpyxl refuses them.
    return _NOT_XML.sub("", value)
