"""The spreadsheet round trip: ``miner review export`` writes one row per sentence with its
context and the model's labels and empty decision columns (drop-downs from the taxonomy);
``miner review import`` validates every row and records the decisions in one transaction.

How a row is read:
  decision = accept   the model's labels shown in the row are right; labels filled in the
                      decision columns are added to them
  decision = correct  the decision columns ARE the labels of the sentence: a model label not
                      there is rejected, a label there the model did not have is added
  decision = skip / empty   nothing is recorded for the row
  document_relevant = ja / nee   the reviewer's decision on the whole document (optional)
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from miner.atomic import atomic_path
from miner.review import core
from miner.store import reviews as store

DECISIONS = ("accept", "correct", "skip")
YES, NO = "ja", "nee"
KEY_COLUMNS = ["doc_key", "sentence_start", "sentence_end", "sentence_hash", "context_hash"]
SLOTS = {"ground": 3, "mechanism": 3, "setting": 2, "target_group": 2}
ACTOR_SLOTS = 2


def context_hash(before: str, sentence: str, after: str, *model_cells: str) -> str:
    """Hash of what the reviewer was shown (context and the model's labels): an edit there is refused."""
    parts = [before or "", sentence or "", after or ""] + [c or "" for c in model_cells]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]


def _columns(layers: list[str]) -> tuple[list[str], list[str]]:
    shown = ["title", "page", "url", "context_before", "sentence", "context_after"] + \
            [f"model_{layer}" for layer in layers] + ["model_confidence"]
    decide = ["decision"]
    for layer in layers:
        if layer == "recommendation":
            decide += ["recommendation"] + [f"actor_{i}" for i in range(1, ACTOR_SLOTS + 1)]
        else:
            decide += [f"{layer}_{i}" for i in range(1, SLOTS.get(layer, 2) + 1)]
    decide += ["document_relevant", "note", "reviewer"]
    return KEY_COLUMNS + shown, decide


def _model_cell(layer: str, suggestions: list[dict]) -> str:
    if layer == "recommendation":
        recs = [s for s in suggestions if s["layer"] == "recommendation"]
        if not recs:
            return ""
        actors = sorted({a for s in recs for a in s["actor"]})
        return YES + (f" ({', '.join(actors)})" if actors else "")
    return ", ".join(s["label"] for s in suggestions if s["layer"] == layer)


def _bar(total, desc, progress):
    if not progress:
        return None
    from tqdm import tqdm
    return tqdm(total=total, desc=desc, unit="row", leave=False)


def export(conn, cfg, dest: Path, queue: core.Queue, n: int | None, reviewer: str | None = None,
           progress: bool = False) -> int:
    """Write the review sheet; returns the number of sentences in it."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    taxonomy = core.Taxonomy(cfg)
    layers = taxonomy.layers
    shown, decide = _columns(layers)
    header = shown + decide
    wb = Workbook()
    ws = wb.active
    ws.title = "review"
    lists = wb.create_sheet("lists")
    lists.sheet_state = "hidden"
    list_ranges = {}
    named = {"decision": list(DECISIONS), "yesno": [YES, NO], "actor": taxonomy.actors,
             **{layer: taxonomy.labels[layer] for layer in layers if layer != "recommendation"}}
    for ci, (name, values) in enumerate(named.items(), 1):
        col = get_column_letter(ci)
        lists.cell(row=1, column=ci, value=name)
        for ri, v in enumerate(values, 2):
            lists.cell(row=ri, column=ci, value=v)
        list_ranges[name] = f"lists!${col}$2:${col}${max(2, len(values) + 1)}"

    ws.append(header)
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="FFF2CC")
    for ci, name in enumerate(header, 1):
        cell = ws.cell(row=1, column=ci)
        cell.font = bold
        if name in decide:
            cell.fill = fill

    items = core.build_queue(conn, cfg, queue, reviewer, n)
    bar = _bar(len(items), "review sheet", progress)
    for it in items:
        if bar is not None:
            bar.update(1)
        full = core.item(conn, cfg, it["doc_key"], it["sentence_start"], it["sentence_end"])
        confs = [s["confidence"] for s in full["suggestions"] if s["confidence"] is not None]
        row = {"doc_key": full["doc_key"], "sentence_start": full["sentence_start"],
               "sentence_end": full["sentence_end"], "sentence_hash": full["sentence_hash"],
               "title": full["title"], "page": full["page"], "url": full["url"] or "",
               "context_before": full["before"], "sentence": full["sentence"], "context_after": full["after"],
               "model_confidence": "; ".join(f"{s['layer']}:{s['label']} {s['confidence']:.2f}"
                                             for s in full["suggestions"] if s["confidence"] is not None)
               if confs else "",
               "reviewer": reviewer or ""}
        for layer in layers:
            row[f"model_{layer}"] = _model_cell(layer, full["suggestions"])
        row["context_hash"] = context_hash(full["before"], full["sentence"], full["after"],
                                           *(row[f"model_{layer}"] for layer in layers))
        ws.append([_cell_text(row.get(h, "")) for h in header])

    if bar is not None:
        bar.close()
    last = max(2, len(items) + 1)
    for ci, name in enumerate(header, 1):
        col = get_column_letter(ci)
        source = ("decision" if name == "decision" else
                  "yesno" if name in ("recommendation", "document_relevant") else
                  "actor" if name.startswith("actor_") else
                  name.rsplit("_", 1)[0] if name in decide and name.rsplit("_", 1)[0] in list_ranges else None)
        if source:
            dv = DataValidation(type="list", formula1=f"={list_ranges[source]}", allow_blank=True,
                                showErrorMessage=True, errorTitle="miner",
                                error=f"kies een waarde uit de lijst ({source})")
            ws.add_data_validation(dv)
            dv.add(f"{col}2:{col}{last}")
        width = {"context_before": 45, "sentence": 60, "context_after": 45, "title": 30}.get(name, 14)
        ws.column_dimensions[col].width = width
        if name in KEY_COLUMNS:
            ws.column_dimensions[col].hidden = True
    for row in ws.iter_rows(min_row=2, max_row=last):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "E2"
    dest.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(dest) as tmp:
        wb.save(tmp)
    return len(items)


def _cell_text(v):
    # A cell that starts with '=' would be a formula in Excel: crawled text is data, never a formula.
    if isinstance(v, str) and v[:1] in ("=", "+", "-", "@") and not v[1:2].isdigit():
        return "'" + v
    return v


def _uncell(v) -> str:
    if v is None:
        return ""
    s = str(v).strip()
    return s[1:] if s.startswith("'") else s


@dataclass
class ImportResult:
    rows: int = 0
    imported_rows: int = 0
    skipped: int = 0
    new: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)


def _labels_from(cell: str) -> list[str]:
    return [x.strip() for x in cell.split(",") if x.strip()]


def import_sheet(conn, cfg, path: Path, reviewer: str | None = None, progress: bool = False) -> ImportResult:
    """Validate every row; record the decisions of the good rows in one transaction.  Bad rows are
    reported (one line each) and skipped.  Importing the same file twice changes nothing."""
    from openpyxl import load_workbook
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is no workbook
        raise core.ReviewError(f"{path}: cannot read as an .xlsx workbook ({exc.__class__.__name__}: {exc})") from None
    ws = wb["review"] if "review" in wb.sheetnames else wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    header = [(_uncell(h) or "") for h in next(rows, [])]
    missing = [c for c in KEY_COLUMNS + ["sentence", "context_before", "context_after", "decision"]
               if c not in header]
    if missing:
        raise core.ReviewError(f"{path}: not a miner review sheet (missing columns: {', '.join(missing)})")
    taxonomy = core.Taxonomy(cfg)
    result = ImportResult()
    records: list[dict] = []
    bar = _bar(max(0, (ws.max_row or 1) - 1), "check rows", progress)
    for rowno, values in enumerate(rows, 2):
        if bar is not None:
            bar.update(1)
        row = {h: _uncell(v) for h, v in zip(header, values) if h}
        if not any(row.values()):
            continue
        result.rows += 1
        try:
            recs = _row_records(conn, taxonomy, row, reviewer)
        except core.ReviewError as exc:
            result.errors.append(f"{path.name} row {rowno}: {exc} (skipped)")
            continue
        if recs is None:
            result.skipped += 1
            continue
        result.imported_rows += 1
        records.extend(recs)
    wb.close()
    if bar is not None:
        bar.close()
    if records:
        new, unchanged = store.record(conn, records)
        result.new, result.unchanged = len(new), unchanged
    return result


def _row_records(conn, taxonomy: core.Taxonomy, row: dict, default_reviewer: str | None) -> list[dict] | None:
    decision = row.get("decision", "").lower()
    relevant = row.get("document_relevant", "").lower()
    if decision in ("", "skip") and not relevant:
        return None
    if decision not in ("", *DECISIONS):
        raise core.ReviewError(f"unknown decision {row['decision']!r} (accept, correct or skip)")
    reviewer = row.get("reviewer") or default_reviewer or ""
    if not reviewer:
        raise core.ReviewError("no reviewer (fill the reviewer column or pass --reviewer)")
    try:
        start, end = int(float(row["sentence_start"])), int(float(row["sentence_end"]))
    except ValueError:
        raise core.ReviewError("sentence_start/sentence_end are not numbers (the key columns were edited)") from None
    doc_key, h = row["doc_key"], row["sentence_hash"]
    if store.sentence_hash(row["sentence"]) != h:
        raise core.ReviewError("the sentence cell was edited (write corrections in the decision columns)")
    if context_hash(row["context_before"], row["sentence"], row["context_after"],
                    *(row.get(f"model_{layer}", "") for layer in taxonomy.layers)) != row["context_hash"]:
        raise core.ReviewError("the context or model cells were edited")
    doc = store.document_by_key(conn, doc_key)
    if doc is None or doc["text"] is None:
        raise core.ReviewError(f"document {doc_key} is no longer in the store")
    if store.sentence_hash(doc["text"][start:end]) != h:
        raise core.ReviewError(f"the sentence is no longer in document {doc_key} (its text changed)")
    note = row.get("note") or None
    out = []
    if relevant:
        if relevant not in (YES, NO):
            raise core.ReviewError(f"document_relevant must be {YES} or {NO}, got {relevant!r}")
        out.append(core.prepare_relevance(conn, reviewer=reviewer, doc_key=doc_key,
                                          decision="relevant" if relevant == YES else "not_relevant", via="sheet"))
    if decision in ("", "skip"):
        return out
    for layer in taxonomy.layers:
        suggested = _suggested(row.get(f"model_{layer}", ""), layer)
        actor: list[str] = []
        if layer == "recommendation":
            cell = row.get("recommendation", "").lower()
            if cell not in ("", YES, NO):
                raise core.ReviewError(f"recommendation must be {YES} or {NO}, got {cell!r}")
            actor = [row[c] for c in row if c.startswith("actor_") and row[c]]
            filled = ["recommendation"] if cell == YES else []
            if decision == "accept" and cell == NO:
                raise core.ReviewError("decision accept with recommendation = nee: use decision correct")
            if actor and not (filled or (decision == "accept" and suggested)):
                raise core.ReviewError("an actor without a recommendation")
        else:
            filled = [row[c] for c in row if c.rsplit("_", 1)[0] == layer and c.rsplit("_", 1)[-1].isdigit()
                      and row[c]]
        final = set(filled) | (set(suggested) if decision == "accept" else set())
        for label in sorted(set(suggested) | final):
            d = ("accept" if label in suggested else "add") if label in final else "reject"
            out.append(core.prepare(conn, taxonomy, reviewer=reviewer, doc_key=doc_key, sentence_start=start,
                                    sentence_end=end, sentence_hash=h, layer=layer, label=label, decision=d,
                                    actor=actor if layer == "recommendation" and d != "reject" else None,
                                    note=note, via="sheet"))
    out.append(core.prepare_seen(conn, reviewer=reviewer, doc_key=doc_key, sentence_start=start, sentence_end=end,
                                 sentence_hash=h, via="sheet"))
    return out


def _suggested(cell: str, layer: str) -> list[str]:
    if layer == "recommendation":
        return ["recommendation"] if cell.lower().startswith(YES) else []
    return _labels_from(cell)
