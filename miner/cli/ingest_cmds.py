"""`miner add`, `miner extract`, `miner status`."""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import click

from miner.cli.common import UserError, config_option, progress_enabled
from miner.store import open_store, runs, StoreError
from miner.textsafe import for_terminal


def register(main):
    main.add_command(add)
    main.add_command(extract)
    main.add_command(status)


def _names(paths, limit: int = 5) -> str:
    shown = ", ".join(for_terminal(p) for p in paths[:limit])
    return shown + (f" and {len(paths) - limit} more" if len(paths) > limit else "")


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--follow-symlinks", is_flag=True,
              help="Follow symbolic links to files and folders (off: links are skipped and listed).")
@config_option
def add(paths, follow_symlinks, cfg):
    """Ingest local files or folders (PDF, HTML, XML, TXT) into the store and extract them.

    Folders are walked recursively for .pdf/.html/.htm/.xhtml/.txt/.xml files; hidden
    files and symbolic links are skipped (and counted).  Adding the same bytes again is a
    no-op.  An interrupted add (Ctrl-C, SIGTERM, a crash, a killed process) is finished by
    the next `miner add`: documents stored but not extracted are extracted first.
    """
    from miner.pipeline.ingest import add_paths
    t0 = time.monotonic()
    conn = open_store(cfg)
    with runs.tracked(conn, "add") as run:
        def on_progress(s, ext=None, total=None):
            run.progress({"new": s.new, "unchanged": s.unchanged, "stored": s.new,
                          "extracted": ext.total if ext else 0, "to_extract": total or 0})
        s = add_paths(cfg, conn, list(paths), progress=progress_enabled(), follow_symlinks=follow_symlinks,
                      on_progress=on_progress)
        failed = s.extraction.failed
        for doc_id, reason in failed:
            row = conn.execute("SELECT local_path, url FROM documents WHERE id = ?", (doc_id,)).fetchone()
            what = (row["local_path"] or row["url"]) if row else doc_id
            click.echo(f"failed: {for_terminal(what)}: {for_terminal(reason)}")
        for path, reason in s.refused:
            if reason == "no such file or folder":
                click.echo(f"failed: {for_terminal(path)}: {reason}")
        summary = {"new": s.new, "unchanged": s.unchanged, "resumed": s.resumed,
                   "extracted": s.extraction.extracted, "needs_ocr": s.extraction.needs_ocr,
                   "failed": len(failed), "skipped": len(s.skipped), "hidden": len(s.hidden),
                   "symlinks": len(s.symlinks)}
        runs.finish(conn, run.id, "ok" if not failed else "failed", summary)
    if s.symlinks:
        click.echo(f"skipped {len(s.symlinks)} symbolic link(s) (use --follow-symlinks to add their targets): "
                   f"{_names(s.symlinks)}")
    if s.hidden:
        click.echo(f"skipped {len(s.hidden)} hidden file(s)/folder(s): {_names(s.hidden)}")
    if s.skipped:
        click.echo(f"skipped {len(s.skipped)} non-document file(s): {_names(s.skipped)}")
    click.echo(f"added {s.new} new document(s), {s.unchanged} already in the store"
               + (f"; finished {s.resumed} left unextracted by an earlier run" if s.resumed else "")
               + f"; extracted {s.extraction.extracted}, needs OCR {s.extraction.needs_ocr}, failed {len(failed)}"
               + f" ({time.monotonic() - t0:.1f} s)")
    missing = [p for p, r in s.refused if r == "no such file or folder"]
    if missing:
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
    click.echo(f"tagger: {_tagger_name(cfg)}")
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
        click.echo(f"last run: {last['command']} {last['started_at']} -> {last['status']} "
                   f"{for_terminal(last['summary'])}")
    for line in _unfinished_lines(conn):
        click.echo(line)
    failed = conn.execute("SELECT id, COALESCE(local_path, url, doc_key) AS what, status, error FROM documents "
                          "WHERE status IN ('failed', 'needs_ocr') ORDER BY id").fetchall()
    if failed:
        click.echo(f"problems ({len(failed)}):")
        for r in failed:
            click.echo(f"  [{r['id']}] {for_terminal(r['what'])}: {r['status']}: {for_terminal(r['error'])}")
    for line in _stage_status_lines(conn):
        click.echo(line)
    from miner.store import relevance
    rel = relevance.counts(conn)
    if rel["documents"]:
        click.echo(f"relevance: {rel['relevant']} of {rel['documents']} extracted documents are about "
                   f"discrimination, exclusion or inclusion ({rel['not_relevant']} not, {rel['unscored']} not scored, "
                   f"{rel['overridden']} set by a researcher; `miner relevance` lists and overrides)")
    tag_failed = relevance.tagging_failures(conn)
    if tag_failed:
        click.echo(f"not tagged ({len(tag_failed)}):")
        for r in tag_failed:
            click.echo(f"  [{r['id']}] {r['what']}: {r['error']}")


# Which command finishes what an interrupted run of a command left.
_COMPLETES = {"add": "miner add (any folder, or the same one again)", "tag --all": "miner tag --all",
              "refresh": "miner refresh", "refresh --offline": "miner refresh --offline"}


def _unfinished_lines(conn) -> list[str]:
    """Runs that died or were interrupted, and documents stored but not extracted or tagged."""
    lines = []
    alive = {r["id"] for r in conn.execute("SELECT id FROM runs WHERE status = 'running'")}
    for r in runs.unfinished(conn):
        if r["id"] in alive and r["pid"] and runs._alive(r["pid"], r["pid_start"]):
            lines.append(f"running now: {r['command']} since {r['started_at']} (pid {r['pid']})")
            continue
        state = "died" if r["status"] in ("died", "running") else r["status"]
        lines.append(f"unfinished run: {r['command']} started {r['started_at']} {state} "
                     f"({for_terminal(r['summary'])}); `{_COMPLETES.get(r['command'], 'miner ' + r['command'])}` "
                     f"completes it")
    pending = conn.execute("SELECT COUNT(*) FROM documents WHERE sha256 IS NOT NULL AND "
                           "(extracted_sha256 IS NULL OR extracted_sha256 != sha256)").fetchone()[0]
    if pending:
        lines.append(f"not extracted yet: {pending} document(s); `miner add` or `miner refresh` extracts them")
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "tagging_state" in tables:
        untagged = conn.execute(
            "SELECT COUNT(*) FROM documents d LEFT JOIN tagging_state t ON t.document_id = d.id "
            "WHERE d.status = 'extracted' AND d.text IS NOT NULL AND (t.document_id IS NULL "
            "OR t.extracted_sha256 IS NOT d.extracted_sha256)").fetchone()[0]
        if untagged:
            lines.append(f"not tagged yet: {untagged} document(s); `miner refresh` or `miner tag --all` tags them")
    return lines


def _pipeline_name(cfg) -> str:
    try:
        from miner.nlp.loader import describe_pipeline
    except ImportError:
        return "(not configured)"
    return describe_pipeline(cfg)


def _tagger_name(cfg) -> str:
    from miner.nlp.tagging.pipeline import describe_tagger
    return describe_tagger(cfg)


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
