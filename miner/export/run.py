"""The export jobs behind `miner export …`: each reads the store read-only and writes its file(s),
every file to a temp name renamed into place (miner/atomic.py)."""
from __future__ import annotations

import json
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from miner.atomic import atomic_path, write_text
from miner.export import eppi, gapmap, i18n, plots, report, tables
from miner.export.evidence import load
from miner.export.paths import output_file
from miner.export.readonly import ReadOnlyDatabase

KINDS = ("map", "eppi", "tables", "ris", "report", "plots")


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
           by: str | None = None, static: bool = True, include_irrelevant: bool = False,
           dialect: str | None = None) -> Written:
    db = ReadOnlyDatabase(cfg.database)
    try:
        conn = db.conn
        ex = cfg["export"]
        lang = i18n.load(cfg)
        if kind == "map":
            data = gapmap.build_data(conn, cfg["gaps"], lang, columns=columns or ex["map_columns"],
                                     title=ex["map_title"], max_quotes=ex["map_max_quotes"],
                                     include_irrelevant=include_irrelevant,
                                     inline_max=ex["map_inline_documents"], page_size=ex["map_page_size"],
                                     top_quotes=ex["map_top_documents"])
            html_path = output_file(cfg, "evidence-gap-map.html", output)
            only = _only(html_path, output, (".png", ".svg"))   # -o map.png: just the PNG
            paths = []
            if only is None:
                paths += gapmap.write_map(conn, data, html_path)
            if static or only is not None:
                png = html_path if only == ".png" else (_sibling(html_path, ".png") if only is None else None)
                svg = html_path if only == ".svg" else (_sibling(html_path, ".svg") if only is None else None)
                with _maybe_atomic(png) as tmp_png, _maybe_atomic(svg) as tmp_svg:
                    gapmap.render_static(data, tmp_png, tmp_svg)
                paths += [p for p in (png, svg) if p is not None]
            col = data["columnLayer"]
            c = gapmap.gap_counts(data, col)
            n_docs = gapmap.n_documents(data)
            note = (f"{n_docs} coded documents; mechanism x {col}: {c['cells']} cells, {c['gaps']} gaps "
                    f"({c['empty']} empty, {c['no_research']} policy/Kamervragen only, {c['thin']} thin, "
                    f"{c['no_effect_study']} without an effect study)")
            if data.get("paged"):
                note += (f"; paged: {data['paged']['chunks']} side files in {data['paged']['dir']}/ "
                         "(keep that folder next to the HTML)")
            if not n_docs:
                note += ("; the map is empty: no tagged documents yet (run `miner tag --all`, or `miner add` "
                         "without --no-tag)")
            return Written(kind, paths, note)
        if kind == "plots":
            written = plots.write_all(conn, cfg, lang, output, include_irrelevant=include_irrelevant)
            return Written(kind, written, f"{len(written) // 2} plots as PNG and SVG")
        docs = load(conn, include_irrelevant)
        if kind == "eppi":
            path = output_file(cfg, "eppi-evidence.json", output)
            data = eppi.build(docs, lang)
            write_text(path, json.dumps(data, ensure_ascii=False, indent=1))
            n_codes = sum(len(r["Codes"]) for r in data["References"])
            return Written(kind, [path], f"{len(data['References'])} references, {n_codes} codes")
        if kind == "tables":
            csv_path = output_file(cfg, "evidence-table.csv", output)
            if _only(csv_path, output, (".xlsx",)):   # -o table.xlsx: just the XLSX
                csv_path, xlsx_path = None, csv_path
            else:
                xlsx_path = _sibling(csv_path, ".xlsx")
            n = tables.write_tidy(docs, csv_path, xlsx_path, dialect=dialect or ex["csv_dialect"], lang=lang)
            return Written(kind, [p for p in (csv_path, xlsx_path) if p is not None],
                           f"{n} rows (document x code x quote x page), CSV dialect {dialect or ex['csv_dialect']}")
        if kind == "ris":
            path = output_file(cfg, "corpus.ris", output)
            write_text(path, tables.ris(docs))
            return Written(kind, [path], f"{len(docs)} references")
        if kind == "report":
            by = by or ex["report_by"]
            path = output_file(cfg, f"evidence-report-{by}.html", output)
            write_text(path, report.render(docs, by, lang))
            return Written(kind, [path], f"{len(docs)} documents, sections per {by}")
        raise ValueError(f"unknown export {kind!r}")
    finally:
        db.close()
