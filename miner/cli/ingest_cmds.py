"""`miner add`, `miner extract`, `miner status`."""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import click

from miner.cli.common import UserError, config_option, progress_enabled
from miner.store import documents, open_store, overview, runs, StoreError
from miner.textsafe import for_terminal
from miner import lifecycle


def register(main):
    main.add_command(add)
    main.add_command(extract)
    main.add_command(status)
    main.add_command(meta)
    main.add_command(split)

# What `miner add` runs after extraction (the stages of `miner refresh` but the topic model,
# which needs a corpus and minutes: `miner topics` fits it).
ADD_STAGES = ("duplicates", "tag", "gaps")


def _names(paths, limit: int = 5) -> str:
    shown = ", ".join(for_terminal(p) for p in paths[:limit])
    return shown + (f" and {len(paths) - limit} more" if len(paths) > limit else "")


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--follow-symlinks", is_flag=True,
              help="Follow symbolic links to files and folders (off: links are skipped and listed).")
@click.option("--no-tag", is_flag=True, help="Only store and extract; do not tag, merge duplicates or update gaps.")
@config_option
def add(paths, follow_symlinks, no_tag, cfg):
    """Ingest local files or folders (PDF, HTML, XML, TXT), extract them, merge duplicates,
    tag what was added and update the gaps.

    Folders are walked recursively for .pdf/.html/.htm/.xhtml/.txt/.xml files; other files,
    hidden files and symbolic links are skipped and named.  Adding the same bytes again is a
    no-op (unless they failed only because of their old name).  An interrupted add (Ctrl-C,
    SIGTERM, a crash, a killed process) is finished by the next `miner add`: documents stored
    but not extracted are extracted first.  Exit status 1 when any file failed.
    """
    from miner.pipeline.ingest import DOCUMENT_SUFFIXES, add_paths
    from miner.pipeline import stages as stages_mod
    t0 = time.monotonic()
    conn = open_store(cfg)
    stage_summaries, stage_errors = {}, {}
    with runs.tracked(conn, "add") as run:
        def on_progress(s, ext=None, total=None):
            run.progress({"new": s.new, "unchanged": s.unchanged, "stored": s.new,
                          "extracted": ext.total if ext else 0, "to_extract": total or 0})
        click.echo(f"add: reading {len(paths)} path(s) …", err=True)
        s = add_paths(cfg, conn, list(paths), progress=progress_enabled(), follow_symlinks=follow_symlinks,
                      on_progress=on_progress)
        if not no_tag:
            for name, spec in stages_mod.POST_EXTRACTION_STAGES:
                if name not in ADD_STAGES:
                    continue
                click.echo(f"add: {name} …", err=True)   # a line per step, also when the output is piped
                try:
                    stage_summaries[name] = stages_mod.resolve(spec)(cfg, conn, progress=progress_enabled()) or {}
                except Exception as exc:   # reported like refresh does; what was added stays
                    lifecycle.raise_if_interrupted()
                    stage_errors[name] = f"{type(exc).__name__}: {exc}"
        failed = s.extraction.failed
        for doc_id, reason in failed:
            what = documents.where_from(conn, doc_id) or doc_id
            click.echo(f"failed: {for_terminal(what)}: {for_terminal(reason)}")
        for path, reason in s.refused:
            if reason == "no such file or folder":
                click.echo(f"failed: {for_terminal(path)}: {reason}")
        for name, reason in stage_errors.items():
            click.echo(f"failed: {name}: {for_terminal(reason)}")
        summary = {"new": s.new, "unchanged": s.unchanged, "resumed": s.resumed,
                   "extraction": {"throughput": s.extraction.throughput},
                   "extracted": s.extraction.extracted, "needs_ocr": s.extraction.needs_ocr,
                   "failed": len(failed), "skipped": len(s.skipped), "hidden": len(s.hidden),
                   "symlinks": len(s.symlinks), "stages": stage_summaries, "stage_errors": stage_errors}
        runs.finish(conn, run.id, "ok" if not failed and not stage_errors else "failed", summary)
    if s.symlinks:
        click.echo(f"skipped {len(s.symlinks)} symbolic link(s) (use --follow-symlinks to add their targets): "
                   f"{_names(s.symlinks)}")
    if s.hidden:
        click.echo(f"skipped {len(s.hidden)} hidden file(s)/folder(s): {_names(s.hidden)}")
    for path in s.skipped:
        click.echo(f"skipped: {for_terminal(path)}: not a document type miner reads "
                   f"({Path(path).suffix or 'no extension'}; reads {', '.join(sorted(DOCUMENT_SUFFIXES))})")
    if stage_summaries:
        tag = stage_summaries.get("tag", {})
        dup = stage_summaries.get("duplicates", {})
        gaps = stage_summaries.get("gaps", {})
        click.echo(f"tagged {tag.get('tagged', 0)} document(s) ({tag.get('annotations', 0)} annotations, "
                   f"{tag.get('relevant', 0)} relevant); {dup.get('merged', 0)} duplicate(s) merged; "
                   f"gaps: {gaps.get('gaps', 0)} of {gaps.get('cells', 0)} cells")
    elif no_tag:
        click.echo("not tagged (--no-tag): run `miner tag --all` and `miner gaps` before exporting")
    from miner.compute import throughput_text
    for name, t in runs.throughput(summary):   # before the last line, which stays the summary
        click.echo(f"throughput {name}: {throughput_text(t)}")
    click.echo(f"added {s.new} new document(s), {s.unchanged} already in the store"
               + (f"; finished {s.resumed} left unextracted by an earlier run" if s.resumed else "")
               + f"; extracted {s.extraction.extracted}, needs OCR {s.extraction.needs_ocr}, failed {len(failed)}"
               + f" ({time.monotonic() - t0:.1f} s)")
    missing = [p for p, r in s.refused if r == "no such file or folder"]
    if missing or stage_errors or failed:
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
    click.echo(f"documents: {overview.document_count(conn)}")
    for title, col in (("per source", "source"), ("per type", "doc_type"), ("per language", "language"),
                       ("per status", "status")):
        rows = overview.documents_by(conn, col)
        if rows:
            click.echo(f"  {title}: " + ", ".join(f"{k} {n}" for k, n in rows))
    n_pages, need_ocr, by_ocr = overview.page_counts(conn)
    click.echo(f"pages: {n_pages} ({by_ocr} by OCR, {need_ocr} need OCR)")
    last = runs.last(conn)
    if last:
        click.echo(f"last run: {last['command']} {last['started_at']} -> {last['status']} "
                   f"{for_terminal(last['summary'])}")
    measured = runs.last_throughput(conn)
    if measured:
        from miner.compute import throughput_text
        row, found = measured
        for name, t in found:
            click.echo(f"throughput of {row['command']} ({row['started_at']}), {name}: {throughput_text(t)}")
    for line in _unfinished_lines(conn):
        click.echo(line)
    failed = overview.problem_documents(conn)
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
            click.echo(f"  [{r['id']}] {for_terminal(r['what'])}: {for_terminal(r['error'])}")
    for line in _merge_lines(conn):
        click.echo(line)


# Which command finishes what an interrupted run of a command left.
_COMPLETES = {"add": "miner add (any folder, or the same one again)", "tag --all": "miner tag --all",
              "refresh": "miner refresh", "refresh --offline": "miner refresh --offline"}


def _unfinished_lines(conn) -> list[str]:
    """Runs that died or were interrupted, and documents stored but not extracted or tagged."""
    lines = []
    alive = overview.running_run_ids(conn)
    for r in runs.unfinished(conn):
        if r["id"] in alive and r["pid"] and runs._alive(r["pid"], r["pid_start"]):
            lines.append(f"running now: {r['command']} since {r['started_at']} (pid {r['pid']})")
            continue
        state = "died" if r["status"] in ("died", "running") else r["status"]
        lines.append(f"unfinished run: {r['command']} started {r['started_at']} {state} "
                     f"({for_terminal(r['summary'])}); `{_COMPLETES.get(r['command'], 'miner ' + r['command'])}` "
                     f"completes it")
    pending = overview.not_extracted(conn)
    if pending:
        lines.append(f"not extracted yet: {pending} document(s); `miner add` or `miner refresh` extracts them")
    untagged = overview.not_tagged(conn)
    if untagged:
        lines.append(f"not tagged yet: {untagged} document(s); `miner refresh` or `miner tag --all` tags them")
    return lines


def _merge_lines(conn) -> list[str]:
    from miner.store import works
    try:
        rows = works.merges(conn)
    except Exception:          # a store from before migration 010 (read-only: not migrated yet)
        return []
    if not rows:
        return []
    out = [f"duplicates merged ({len(rows)}; counted once, split with `miner split DOC`):"]
    for r in rows:
        out.append(f"  [{r['document_id']}] {r['what']} = [{r['work_id']}] {r['work_title']} "
                   f"({r['work_what']}), similarity {r['similarity']:.2f}")
    return out


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
    tables = overview.names(conn)
    for table, label in (("annotations", "annotations"), ("kamervragen", "kamervragen"), ("topics", "topics"),
                         ("gaps", "gaps")):
        if table in tables:
            n = overview.row_count(conn, table)
            if table == "gaps":     # the table holds every cell; say how many are gaps
                n_gaps = overview.gap_cells(conn)
                lines.append(f"gaps: {n_gaps} of {n} matrix cells" + _stale_note(conn, table, tables))
                continue
            lines.append(f"{label}: {n}" + _stale_note(conn, table, tables))
    return lines


def _stale_note(conn, table: str, tables: set) -> str:
    """Say when a count is out of date: untagged documents, or gaps computed before the last change."""
    if table == "annotations" and "tagging_state" in tables:
        n = overview.extracted_not_tagged(conn)
        return f" (stale: {n} extracted document(s) not tagged yet; run `miner tag --all`)" if n else ""
    if table == "gaps":
        row = overview.gaps_computed_at(conn)
        if row is None:
            return ""
        changed = overview.last_change_for_gaps(conn)
        if changed and changed > row:
            return f" (stale: computed {row}, documents tagged or merged since; run `miner gaps`)"
        return f" (computed {row})"
    return ""


@click.group()
def meta():
    """Document metadata and where each field came from; corrections that survive re-extraction."""


@meta.command("show")
@click.argument("doc", type=int)
@config_option
def meta_show(doc, cfg):
    """Every metadata field of document DOC with its origin (the first of each field counts)."""
    from miner.store import fields
    conn = open_store(cfg)
    if not documents.id_exists(conn, doc):
        raise UserError(f"no document {doc} (see `miner status` or `miner query`)")
    seen = set()
    for r in fields.listing(conn, doc):
        mark = "*" if r["field"] not in seen else " "
        seen.add(r["field"])
        value = (r["value"] or "").replace("\n", " ")
        click.echo(f"{mark} {r['field']:<13} {r['origin']:<13} {value[:100]}")


@meta.command("set")
@click.argument("doc", type=int)
@click.argument("field", type=click.Choice(["title", "date", "authors", "organisation", "doc_type", "summary"]))
@click.argument("value")
@config_option
def meta_set(doc, field, value, cfg):
    """Correct FIELD of document DOC (authors: separate names with ';'; date: YYYY, YYYY-MM or YYYY-MM-DD).
    An empty VALUE removes the correction."""
    import re
    from miner.store import fields
    conn = open_store(cfg)
    if not documents.id_exists(conn, doc):
        raise UserError(f"no document {doc} (see `miner status` or `miner query`)")
    stored = value.strip() or None
    if stored and field == "date" and not re.fullmatch(r"(19|20)\d\d(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?", stored):
        raise UserError(f"date must be YYYY, YYYY-MM or YYYY-MM-DD, not {value!r}")
    if stored and field == "authors":
        stored = json.dumps([a.strip() for a in stored.split(";") if a.strip()], ensure_ascii=False)
    fields.set_field(conn, doc, field, stored)
    fields.apply_winners(conn, doc)
    click.echo(f"document {doc}: {field} = {value!r} (researcher); run `miner gaps` or `miner export` to use it")


@click.command()
@click.argument("doc", type=int)
@config_option
def split(doc, cfg):
    """Undo a duplicate merge: DOC (or every document merged into DOC) counts on its own again."""
    from miner.store import works
    conn = open_store(cfg)
    done = works.split(conn, doc)
    if not done:
        raise UserError(f"document {doc} is not part of a merged work (see `miner status`)")
    click.echo(f"split: document(s) {', '.join(map(str, done))} count on their own again; the split is kept "
               "on the next refresh. Run `miner gaps` to update the gaps.")

