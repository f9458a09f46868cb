"""Tidy tables (one row per document × code × quote) and RIS of the corpus."""
from __future__ import annotations

import csv
import re
from pathlib import Path

from miner import atomic
from miner.export import labels as L
from miner.export.evidence import Document
from miner.export.formats import spreadsheet_safe, write_xlsx
from miner.export.i18n import Language

TIDY_COLUMNS = ("document_id", "title", "year", "source", "doc_type", "url", "layer", "code", "code_name", "quote",
                "matched_text", "page", "char_start", "char_end", "hedge", "negated", "confidence", "origin",
                "reviewer", "relevance")
CODEBOOK_COLUMNS = ("layer", "code", "name", "definition")
# CSV dialects: excel-nl is what Dutch-locale Excel opens by double-click (list separator ';',
# decimal comma); excel is the international comma-separated form.
DIALECTS = {"excel-nl": {"delimiter": ";", "decimal": ","}, "excel": {"delimiter": ",", "decimal": "."}}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def tidy_rows(docs: list[Document], lang: Language | None = None) -> list[tuple]:
    """Quotes for annotation codes; one row without a quote for each document-level evidence type."""
    lang = lang or Language("nl")
    rows = []
    for d in docs:
        base = (d.id, d.title, d.year, d.source, d.doc_type, d.url)
        rel = round(d.relevance, 4) if d.relevance is not None else None
        for (layer, label), quotes in sorted(d.codes.items()):
            for q in quotes:
                conf = round(q.confidence, 4) if q.confidence is not None else None
                rows.append(base + (layer, label, lang.name(layer, label), q.sentence, q.matched, q.page_no,
                                    q.char_start, q.char_end, int(q.hedge), int(q.negated), conf, q.origin,
                                    q.reviewer, rel))
        for label in d.evidence_types:
            rows.append(base + ("evidence_type", label, lang.name("evidence_type", label), None, None, None, None,
                                None, 0, 0, None, "model", None, rel))
    return [tuple(_cell(v) for v in row) for row in rows]


def codebook_rows(docs: list[Document], lang: Language) -> list[tuple]:
    layers = ("ground", "mechanism", "setting", "target_group", "recommendation_actor", "evidence_type")
    rows = []
    for layer in layers:
        found = {lab for d in docs for (lay, lab) in d.codes if lay == layer}
        if layer == "evidence_type":
            found = {t for d in docs for t in d.evidence_types}
        for label in L.ordered(layer, found):
            rows.append((layer, label, lang.name(layer, label), lang.definitions.get((layer, label), "")))
    return rows


def _cell(value):
    # The same cleaned value goes into CSV and XLSX: no control characters (XLSX cannot hold
    # them) and no formula start (crawled text must not run in a spreadsheet).
    if isinstance(value, str):
        return spreadsheet_safe(_CONTROL.sub(" ", value))
    return value


def _csv_value(value, decimal: str):
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value).replace(".", decimal)
    return value


def write_tidy(docs: list[Document], csv_path: Path | None, xlsx_path: Path | None, *, dialect: str = "excel-nl",
               lang: Language | None = None) -> int:
    lang = lang or Language("nl")
    rows = tidy_rows(docs, lang)
    if csv_path is not None:
        spec = DIALECTS[dialect]
        with atomic.atomic_open(csv_path, "w", encoding="utf-8-sig", newline="") as fh:  # BOM: Excel reads UTF-8
            w = csv.writer(fh, delimiter=spec["delimiter"])
            w.writerow(TIDY_COLUMNS)
            w.writerows([_csv_value(v, spec["decimal"]) for v in row] for row in rows)
    if xlsx_path is not None:
        with atomic.atomic_path(xlsx_path) as tmp:
            write_xlsx(tmp, {"evidence": (TIDY_COLUMNS, rows),
                             "codebook": (CODEBOOK_COLUMNS, codebook_rows(docs, lang))})
    return len(rows)


# RIS reference types by doc_type: reports RPRT, government documents GOVDOC, articles JOUR,
# web pages ELEC; anything else is a report (what local PDFs in this corpus are).
_RIS_TYPES = {"rapport": "RPRT", "kamervraag": "GOVDOC", "antwoord": "GOVDOC", "kamerbrief": "GOVDOC",
              "beleidsdocument": "GOVDOC", "besluitenlijst": "GOVDOC", "motie": "GOVDOC", "artikel": "JOUR", "article": "JOUR", "webpagina": "ELEC"}


def _ris_value(value) -> str:
    # RIS is line based: a newline in crawled text could start a fake tag or end the record.
    return " ".join(str(value).split())


def _ris_date(date: str | None, year: int | None) -> str | None:
    """RIS date form YYYY/MM/DD/ (parts left empty when unknown)."""
    if not year:
        return None
    parts = (date or "").split("-")
    month = parts[1] if len(parts) > 1 else ""
    day = parts[2][:2] if len(parts) > 2 else ""
    return f"{year}/{month}/{day}/"


def _file_link(path: str | None) -> str | None:
    return Path(path).resolve().as_uri() if path and Path(path).is_absolute() else None


def ris(docs: list[Document]) -> str:
    lines = []
    for d in docs:
        tag = lambda t, v: lines.append(f"{t}  - {_ris_value(v)}") if v not in (None, "") else None  # noqa: E731
        tag("TY", _RIS_TYPES.get(d.doc_type or "", "RPRT"))
        tag("ID", f"miner-{d.id}")
        tag("TI", d.title)
        for a in d.authors:
            tag("AU", a)
        tag("PY", d.year)
        tag("Y1", _ris_date(d.date, d.year))
        tag("DA", (d.date or "").replace("-", "/"))
        tag("PB", d.organisation or (d.source if d.source != "local" else None))
        tag("UR", d.url)
        for m in d.manifestations:
            tag("UR", m["url"] if m["url"] and m["url"] != d.url else None)
        for path in [d.local_path] + [m["local_path"] for m in d.manifestations]:
            tag("L1", _file_link(path))
        tag("AB", d.summary)
        for layer, label in sorted(d.codes):
            tag("KW", f"{layer}:{label}")
        for label in d.evidence_types:
            tag("KW", f"evidence_type:{label}")
        reviewed = sorted({q.reviewer or "?" for qs in d.codes.values() for q in qs if q.origin == "reviewed"})
        tag("N1", f"miner id {d.id}; source {d.source}"
            + (f"; relevance {d.relevance:.2f}" if d.relevance is not None else "")
            + (f"; labels reviewed by {', '.join(reviewed)}" if reviewed else "; labels: model"))
        lines.append("ER  - ")
        lines.append("")
    return "\n".join(lines)
