"""The export jobs behind `miner export …`: each reads the store read-only and writes its file(s)."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from miner.export import eppi, gapmap, report, tables
from miner.export.evidence import load
from miner.export.paths import output_file
from miner.export.readonly import ReadOnlyDatabase

KINDS = ("map", "eppi", "tables", "ris", "report")


@dataclass
class Written:
    kind: str
    paths: list[Path]
    note: str


def _sibling(path: Path, suffix: str) -> Path:
    return path.with_suffix(suffix)


def export(cfg, kind: str, output: Path | None = None, *, columns: str | None = None,
           by: str | None = None, static: bool = True) -> Written:
    db = ReadOnlyDatabase(cfg.database)
    try:
        conn = db.conn
        ex = cfg["export"]
        if kind == "map":
            min_research = cfg.get("gaps", {}).get("min_research_documents", 3)
            data = gapmap.build_data(conn, min_research=min_research, columns=columns or ex["map_columns"],
                                     title=ex["map_title"], max_quotes=ex["map_max_quotes"])
            html_path = output_file(cfg, "evidence-gap-map.html", output)
            html_path.write_text(gapmap.render_html(data), encoding="utf-8")
            paths = [html_path]
            if static:
                png, svg = _sibling(html_path, ".png"), _sibling(html_path, ".svg")
                gapmap.render_static(data, png, svg)
                paths += [png, svg]
            col = data["columnLayer"]
            cells = data["gaps"][gapmap.matrix_name(col)].values()
            n_gaps = sum(1 for g in cells if g["gap"])
            n_empty = sum(1 for g in cells if g["gap"] and g["reason"] == "no documents")
            source = "stored gap analysis" if data["gapSource"][gapmap.matrix_name(col)] == "table" else "computed"
            return Written(kind, paths, f"{len(data['docs'])} coded documents; mechanism x {col}: {len(cells)} cells, "
                                        f"{n_gaps} gaps ({n_empty} empty; {source})")
        docs = load(conn)
        if kind == "eppi":
            path = output_file(cfg, "eppi-evidence.json", output)
            data = eppi.build(docs)
            path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
            n_codes = sum(len(r["Codes"]) for r in data["References"])
            return Written(kind, [path], f"{len(data['References'])} references, {n_codes} codes")
        if kind == "tables":
            csv_path = output_file(cfg, "evidence-table.csv", output)
            xlsx_path = _sibling(csv_path, ".xlsx")
            n = tables.write_tidy(docs, csv_path, xlsx_path)
            return Written(kind, [csv_path, xlsx_path], f"{n} rows (document x code x quote x page)")
        if kind == "ris":
            path = output_file(cfg, "corpus.ris", output)
            path.write_text(tables.ris(docs), encoding="utf-8")
            return Written(kind, [path], f"{len(docs)} references")
        if kind == "report":
            by = by or ex["report_by"]
            path = output_file(cfg, f"evidence-report-{by}.html", output)
            path.write_text(report.render(docs, by, title=f"Evidence report per {by}"), encoding="utf-8")
            return Written(kind, [path], f"{len(docs)} documents, sections per {by}")
        raise ValueError(f"unknown export {kind!r}")
    finally:
        db.close()
