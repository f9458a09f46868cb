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


_output = click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
                       help="Write here instead of outputs/ (related files get the same name, other suffix).")


@click.group()
def export():
    """Write exports into outputs/ (store.outputs_dir): map, eppi, tables, ris, report, or all."""


@export.command("map")
@click.option("--columns", type=click.Choice(["ground", "setting"]), default=None,
              help="Columns of the map [export.map_columns]; switchable in the page too.")
@click.option("--static/--no-static", default=True, show_default=True, help="Also write PNG and SVG.")
@_output
@config_option
def map_cmd(columns, static, output, cfg):
    """Evidence gap map: one self-contained HTML file (works offline) plus PNG and SVG."""
    _run(cfg, "map", output, columns=columns, static=static)


@export.command("eppi")
@_output
@config_option
def eppi_cmd(output, cfg):
    """EPPI-Reviewer-style JSON (CodeSets, References, coded quotes with pages) for EPPI-Mapper."""
    _run(cfg, "eppi", output)


@export.command("tables")
@_output
@config_option
def tables_cmd(output, cfg):
    """Tidy table document x code x quote x page, as CSV and XLSX with identical rows."""
    _run(cfg, "tables", output)


@export.command("ris")
@_output
@config_option
def ris_cmd(output, cfg):
    """RIS of the coded corpus for Zotero and ASReview (keywords = labels)."""
    _run(cfg, "ris", output)


@export.command("report")
@click.option("--by", type=click.Choice(["ground", "mechanism", "setting"]), default=None,
              help="Sections per ground, mechanism or setting [export.report_by].")
@_output
@config_option
def report_cmd(by, output, cfg):
    """Annotated evidence report (HTML): quotes with highlights and citations."""
    _run(cfg, "report", output, by=by)


@export.command("all")
@config_option
def all_cmd(cfg):
    """Every export with its default name into outputs/."""
    from miner.export.run import KINDS
    for kind in KINDS:
        _run(cfg, kind)
