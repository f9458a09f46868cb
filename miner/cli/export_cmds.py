"""`miner export …`: gap map, EPPI JSON, tidy tables, RIS, evidence report (into outputs/)."""
from __future__ import annotations

from pathlib import Path

import click

from miner.cli.common import UserError, config_option


def register(main):
    main.add_command(export)


def _run(cfg, kind, output=None, **kw):
    import sqlite3
    from miner.export.readonly import ReadOnlyError
    from miner.export.run import export as run_export
    from miner.store import StoreError
    try:
        written = run_export(cfg, kind, output, **kw)
    except (StoreError, ReadOnlyError) as exc:
        raise UserError(str(exc)) from None
    except sqlite3.Error as exc:
        raise UserError(f"{kind} export: cannot read {cfg.database}: {exc}") from None
    except OSError as exc:
        raise UserError(f"cannot write {kind} export: {exc}") from None
    click.echo(f"{kind}: {written.note}")
    for p in written.paths:
        click.echo(f"  wrote {p}")


_irrelevant = click.option("--include-irrelevant", is_flag=True,
                           help="Also export documents judged not relevant (document_relevance.is_relevant = 0).")
_output = click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
                       help="Write here instead of outputs/ (related files get the same name, other suffix).")


@click.group()
def export():
    """Write exports into outputs/ (store.outputs_dir): map, eppi, tables, ris, report, or all."""


@export.command("map")
@click.option("--columns", type=click.Choice(["ground", "setting"]), default=None,
              help="Columns of the map [export.map_columns]; switchable in the page too.")
@click.option("--static/--no-static", default=True, show_default=True, help="Also write PNG and SVG.")
@_irrelevant
@_output
@config_option
def map_cmd(columns, static, include_irrelevant, output, cfg):
    """Evidence gap map: one self-contained HTML file (works offline) plus PNG and SVG.

    Counts and gaps are those of `miner gaps` (same documents, same rule), whatever the
    filters chosen in the page."""
    _run(cfg, "map", output, columns=columns, static=static, include_irrelevant=include_irrelevant)


@export.command("eppi")
@_irrelevant
@_output
@config_option
def eppi_cmd(include_irrelevant, output, cfg):
    """EPPI-Reviewer JSON (CodeSets, References, coded text) as EPPI-Reviewer exports it, for EPPI-Mapper."""
    _run(cfg, "eppi", output, include_irrelevant=include_irrelevant)


@export.command("tables")
@click.option("--dialect", type=click.Choice(["excel-nl", "excel"]), default=None,
              help="CSV dialect [export.csv_dialect]: excel-nl = semicolon and decimal comma (Dutch Excel).")
@_irrelevant
@_output
@config_option
def tables_cmd(dialect, include_irrelevant, output, cfg):
    """Tidy table document x code x quote x page, as CSV and XLSX (autofilter, codebook sheet)."""
    _run(cfg, "tables", output, dialect=dialect, include_irrelevant=include_irrelevant)


@export.command("ris")
@_irrelevant
@_output
@config_option
def ris_cmd(include_irrelevant, output, cfg):
    """RIS of the coded corpus for Zotero and ASReview (type, year, authors, publisher, url, file, abstract, labels)."""
    _run(cfg, "ris", output, include_irrelevant=include_irrelevant)


@export.command("plots")
@_irrelevant
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder to write into instead of outputs/.")
@config_option
def plots_cmd(include_irrelevant, output, cfg):
    """Plots as PNG and SVG: documents per year per ground and per mechanism, topics over time,
    evidence types per ground."""
    _run(cfg, "plots", output, include_irrelevant=include_irrelevant)


@export.command("report")
@click.option("--by", type=click.Choice(["ground", "mechanism", "setting"]), default=None,
              help="Sections per ground, mechanism or setting [export.report_by].")
@_irrelevant
@_output
@config_option
def report_cmd(by, include_irrelevant, output, cfg):
    """Annotated evidence report (HTML): quotes with highlights and citations."""
    _run(cfg, "report", output, by=by, include_irrelevant=include_irrelevant)


@export.command("all")
@_irrelevant
@config_option
def all_cmd(include_irrelevant, cfg):
    """Every export with its default name into outputs/."""
    from miner.export.run import KINDS
    for kind in KINDS:
        _run(cfg, kind, include_irrelevant=include_irrelevant)
