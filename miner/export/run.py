"""The export jobs behind `miner export …`: each reads the store read-only and writes its file(s)."""
from __future__ import annotations

import json
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from miner.atomic import atomic_path, write_text
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


def _only(path: Path, output: Path | None, suffixes: tuple[str, ...]) -> str | None:
    """The suffix of a secondary format named with -o (map.png, table.xlsx): write only that."""
    suffix = path.suffix.lower()
    return suffix if output is not None and suffix in suffixes else None


@contextmanager
def _maybe_atomic(path: Path | None):
    if path is None:
        yield None
    else:
        with atomic_path(path) as tmp:
            yield tmp


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
            only = _only(html_path, output, (".png", ".svg"))   # -o map.png: just the PNG
            paths = []
            if only is None:
                write_text(html_path, gapmap.render_html(data))
                paths.append(html_path)
            if static or only is not None:
                png = html_path if only == ".png" else (_sibling(html_path, ".png") if only is None else None)
                svg = html_path if only == ".svg" else (_sibling(html_path, ".svg") if only is None else None)
                with _maybe_atomic(png) as tmp_png, _maybe_atomic(svg) as tmp_svg:
                    gapmap.render_static(data, tmp_png, tmp_svg)
                paths += [p for p in (png, svg) if p is not None]
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
            write_text(path, json.dumps(data, ensure_ascii=False, indent=1))
            n_codes = sum(len(r["Codes"]) for r in data["References"])
            return Written(kind, [path], f"{len(data['References'])} references, {n_codes} codes")
        if kind == "tables":
            csv_path = output_file(cfg, "evidence-table.csv", output)
            if _only(csv_path, output, (".xlsx",)):   # -o table.xlsx: just the XLSX
                csv_path, xlsx_path = None, csv_path
            else:
                xlsx_path = _sibling(csv_path, ".xlsx")
            n = tables.write_tidy(docs, csv_path, xlsx_path)
            return Written(kind, [p for p in (csv_path, xlsx_path) if p is not None],
                           f"{n} rows (document x code x quote x page)")
        if kind == "ris":
            path = output_file(cfg, "corpus.ris", output)
            write_text(path, tables.ris(docs))
            return Written(kind, [path], f"{len(docs)} references")
        if kind == "report":
            by = by or ex["report_by"]
            path = output_file(cfg, f"evidence-report-{by}.html", output)
            write_text(path, report.render(docs, by, title=f"Evidence report per {by}"))
            return Written(kind, [path], f"{len(docs)} documents, sections per {by}")
        raise ValueError(f"unknown export {kind!r}")
    finally:
        db.close()
