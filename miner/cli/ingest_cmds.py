"""`miner add`, `miner extract`, `miner status`."""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import click

from miner.cli.common import UserError, config_option, progress_enabled
from miner.store import open_store, runs, StoreError


def register(main):
    main.add_command(add)
    main.add_command(extract)
    main.add_command(status)


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@config_option
def add(paths, cfg):
    """Ingest local files or folders (PDF, HTML, XML, TXT) into the store and extract them.

    Folders are walked recursively for .pdf/.html/.htm/.xhtml/.txt/.xml files; other
    files are named as skipped.  Adding the same bytes again is a no-op (unless they
    failed only because of their old name).  Exit status 1 when any file failed.
    """
    from miner.pipeline.ingest import DOCUMENT_SUFFIXES, add_paths
    t0 = time.monotonic()
    conn = open_store(cfg)
    run_id = runs.start(conn, "add")
    try:
        s = add_paths(cfg, conn, list(paths), progress=progress_enabled())
    except BaseException:
        runs.finish(conn, run_id, "interrupted", {})
        raise
    failed = s.extraction.failed
    for doc_id, reason in failed:
        row = conn.execute("SELECT local_path FROM documents WHERE id = ?", (doc_id,)).fetchone()
        click.echo(f"failed: {row['local_path'] if row else doc_id}: {reason}")
    for path, reason in s.refused:
        if reason == "no such file or folder":
            click.echo(f"failed: {path}: {reason}")
    for path in s.skipped:
        click.echo(f"skipped: {path}: not a document type miner reads ({path.suffix or 'no extension'}; "
                   f"reads {', '.join(sorted(DOCUMENT_SUFFIXES))})")
    summary = {"new": s.new, "unchanged": s.unchanged, "extracted": s.extraction.extracted,
               "needs_ocr": s.extraction.needs_ocr, "failed": len(failed), "skipped": len(s.skipped)}
    runs.finish(conn, run_id, "ok" if not failed else "failed", summary)
    click.echo(f"added {s.new} new document(s), {s.unchanged} already in the store; "
               f"extracted {s.extraction.extracted}, needs OCR {s.extraction.needs_ocr}, failed {len(failed)}"
               + (f"; skipped {len(s.skipped)} non-document file(s)" if s.skipped else "")
               + f" ({time.monotonic() - t0:.1f} s)")
    missing = [p for p, r in s.refused if r == "no such file or folder"]
    if missing or failed:
        sys.exit(1)


@click.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text: the clean body text; json: pages with numbers, paragraphs, tables and metadata.")
@config_option
def extract(file, fmt, cfg):
    """Print the clean body text of FILE without touching the store.

    Running headers, footers and page numbers are dropped, columns read in order,
    line-end hyphenation repaired.  Tables and footnotes are not part of the body
    text: --format json lists them per page (tables as rows, footnotes as
    paragraphs of kind 'footnote').
    """
    from miner.extract import ExtractOptions, ExtractionError, extract_file
    try:
        ext = extract_file(file, ExtractOptions.from_config(cfg))
    except ExtractionError as exc:
        raise UserError(f"{file}: {exc}") from None
    if fmt == "json":
        click.echo(json.dumps(ext.to_json(), ensure_ascii=False, indent=1))
    else:
        click.echo(ext.body_text())
    for w in ext.warnings:
        click.echo(f"warning: {w}", err=True)
    if ext.needs_ocr:
        n = sum(p.needs_ocr for p in ext.pages)
        click.echo(f"warning: {n} page(s) have no text layer and were not OCR'd (reason above)", err=True)


@click.command()
@config_option
def status(cfg):
    """Counts per source, type and language; the last run; every failed document with its reason."""
    # The pipeline in use is worth knowing before anything was added (fresh clone).
    click.echo(f"nlp pipeline: {_pipeline_name(cfg)}")
    if not Path(cfg.database).exists():
        click.echo(f"database: none yet at {cfg.database} (run `miner add` or `miner refresh`)")
        return
    try:
        conn = open_store(cfg, readonly=True)
    except StoreError as exc:
        raise UserError(str(exc)) from None
    click.echo(f"database: {cfg.database}")
    total = conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
    click.echo(f"documents: {total}")
    for title, col in (("per source", "source"), ("per type", "COALESCE(doc_type, '-')"),
                       ("per language", "COALESCE(language, '-')"), ("per status", "status")):
        rows = conn.execute(f"SELECT {col} AS k, COUNT(*) AS n FROM documents GROUP BY k ORDER BY n DESC").fetchall()
        if rows:
            click.echo(f"  {title}: " + ", ".join(f"{r['k']} {r['n']}" for r in rows))
    pages = conn.execute("SELECT COUNT(*), COALESCE(SUM(needs_ocr), 0), COALESCE(SUM(ocr), 0) FROM pages").fetchone()
    click.echo(f"pages: {pages[0]} ({pages[2]} by OCR, {pages[1]} need OCR)")
    last = runs.last(conn)
    if last:
        click.echo(f"last run: {last['command']} {last['started_at']} -> {last['status']} {last['summary']}")
    failed = conn.execute("SELECT id, COALESCE(local_path, url, doc_key) AS what, status, error FROM documents "
                          "WHERE status IN ('failed', 'needs_ocr') ORDER BY id").fetchall()
    if failed:
        click.echo(f"problems ({len(failed)}):")
        for r in failed:
            click.echo(f"  [{r['id']}] {r['what']}: {r['status']}: {r['error']}")
    for line in _stage_status_lines(conn):
        click.echo(line)


def _pipeline_name(cfg) -> str:
    try:
        from miner.nlp.loader import describe_pipeline
    except ImportError:
        return "(not configured)"
    return describe_pipeline(cfg)


def _stage_status_lines(conn) -> list[str]:
    """One line per later stage (annotations, topics, gaps) when its tables exist."""
    lines = []
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")}
    for table, label in (("annotations", "annotations"), ("kamervragen", "kamervragen"), ("topics", "topics"),
                         ("gaps", "gaps")):
        if table in tables:
            n = conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
            lines.append(f"{label}: {n}")
    return lines
