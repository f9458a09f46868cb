"""Tidy tables (one row per document × code × quote) and RIS of the corpus."""
from __future__ import annotations

import csv
import re
from pathlib import Path

from miner.atomic import atomic_open, atomic_path
from miner.export.evidence import Document
from miner.export.formats import spreadsheet_safe, write_xlsx

TIDY_COLUMNS = ("document_id", "title", "year", "source", "doc_type", "url", "layer", "code", "quote",
                "matched_text", "page", "char_start", "char_end", "hedge", "negated", "origin", "reviewer")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def tidy_rows(docs: list[Document]) -> list[tuple]:
    """Quotes for annotation codes; one row without a quote for each document-level evidence type."""
    rows = []
    for d in docs:
        base = (d.id, d.title, d.year, d.source, d.doc_type, d.url)
        for (layer, label), quotes in sorted(d.codes.items()):
            for q in quotes:
                rows.append(base + (layer, label, q.sentence, q.matched, q.page_no, q.char_start, q.char_end,
                                    int(q.hedge), int(q.negated), q.origin, q.reviewer))
        for label in d.evidence_types:
            rows.append(base + ("evidence_type", label, None, None, None, None, None, 0, 0, "model", None))
    return [tuple(_cell(v) for v in row) for row in rows]


def _cell(value):
    # The same cleaned value goes into CSV and XLSX: no control characters (XLSX cannot hold
    # them) and no formula start (crawled text must not run in a spreadsheet).
    if isinstance(value, str):
        return spreadsheet_safe(_CONTROL.sub(" ", value))
    return value


def write_tidy(docs: list[Document], csv_path: Path | None, xlsx_path: Path | None) -> int:
    rows = tidy_rows(docs)
    if csv_path is not None:
        with atomic_open(csv_path, "w", encoding="utf-8-sig", newline="") as fh:  # BOM: Excel reads UTF-8
            w = csv.writer(fh)
            w.writerow(TIDY_COLUMNS)
            w.writerows(["" if v is None else v for v in row] for row in rows)
    if xlsx_path is not None:
        with atomic_path(xlsx_path) as tmp:
            write_xlsx(tmp, {"evidence": (TIDY_COLUMNS, rows)})
    return len(rows)


_RIS_TYPES = {"rapport": "RPRT", "kamervraag": "GOVDOC", "antwoord": "GOVDOC", "beleidsdocument": "GOVDOC",
              "webpagina": "ELEC"}


def _ris_value(value) -> str:
    # RIS is line based: a newline in crawled text could start a fake tag or end the record.
    return " ".join(str(value).split())


def ris(docs: list[Document]) -> str:
    lines = []
    for d in docs:
        tag = lambda t, v: lines.append(f"{t}  - {_ris_value(v)}") if v not in (None, "") else None  # noqa: E731
        tag("TY", _RIS_TYPES.get(d.doc_type or "", "GEN"))
        tag("ID", f"miner-{d.id}")
        tag("TI", d.title)
        for a in d.authors:
            tag("AU", a)
        tag("PY", d.year)
        tag("DA", (d.date or "").replace("-", "/"))
        tag("UR", d.url)
        tag("PB", d.source)
        tag("AB", d.summary)
        for layer, label in sorted(d.codes):
            tag("KW", f"{layer}:{label}")
        for label in d.evidence_types:
            tag("KW", f"evidence_type:{label}")
        lines.append("ER  - ")
        lines.append("")
    return "\n".join(lines)
