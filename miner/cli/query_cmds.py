"""`miner query`, `miner search`, `miner serve`: reading the store."""
from __future__ import annotations

import ipaddress
import itertools
import os
import sys
from pathlib import Path

import click

from miner.atomic import atomic_open, atomic_path
from miner.cli.common import UserError, config_option, echo_err
from miner.store import StoreError


def register(main):
    main.add_command(query)
    main.add_command(search)
    main.add_command(serve)


def _open(cfg):
    from miner.store.readonly import ReadOnlyDatabase
    try:
        return ReadOnlyDatabase(cfg.database)
    except StoreError as exc:
        raise UserError(str(exc)) from None


@click.command()
@click.argument("sql")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json", "jsonl", "xlsx"]), default="table",
              show_default=True, help="Output format; xlsx needs -o.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to this file instead of the terminal (appears whole or not at all).")
@click.option("--max-width", type=click.IntRange(8, 10_000), default=60, show_default=True,
              help="Table format: cut cells longer than this.")
@click.option("--max-rows", type=click.IntRange(1, None), default=None,
              help="Table format: rows shown [export.query_table_rows]; csv/json/jsonl/xlsx stream every row.")
@click.option("--timeout", "timeout_s", type=click.FloatRange(0, None, min_open=True), default=None,
              help="Seconds the query may run [export.query_timeout_s, 30].")
@click.option("--keep-formulas", is_flag=True,
              help="csv: leave cells starting with = + - @ as they are (default: a leading ' so a "
                   "spreadsheet shows them as text instead of running them).")
@config_option
def query(sql, fmt, output, max_width, max_rows, timeout_s, keep_formulas, cfg):
    """Run one SQL statement (SELECT) on a read-only connection and print the rows.

    SQL may be '-' to read it from stdin. Writes, ATTACH and schema changes are refused.
    Rows are written as they come (any number of rows in flat memory); the query stops at
    its time limit with one line and exit status 1.
    The tables and views are described in the README ("Querying the corpus"), e.g.
    miner query "SELECT label, COUNT(*) FROM annotation_evidence WHERE layer='ground' GROUP BY label"
    """
    from miner.export.formats import render_table, stream_text, write_xlsx
    from miner.store.readonly import QueryTimeout, ReadOnlyError
    if sql == "-":
        sql = sys.stdin.read()
    if fmt == "xlsx" and output is None:
        raise UserError("--format xlsx needs -o FILE.xlsx")
    timeout_s = timeout_s or cfg["export"]["query_timeout_s"]
    max_rows = max_rows or cfg["export"]["query_table_rows"]
    db = _open(cfg)
    counted = {"n": 0}
    try:
        columns, rows = db.stream(sql, timeout_s=timeout_s)

        def counting():
            for row in rows:
                counted["n"] += 1
                yield row
        if fmt == "xlsx":
            with atomic_path(output) as tmp:
                write_xlsx(tmp, {"query": (columns, counting())})
        elif fmt == "table":
            shown = list(itertools.islice(counting(), max_rows))
            more = next(rows, None) is not None
            _emit_text(lambda out: out.write(render_table(columns, shown, max_width=max_width) + "\n"), output)
            if more:
                echo_err(f"only the first {max_rows} row(s) are shown (--max-rows N; --format csv or jsonl "
                         f"writes every row)")
        else:
            _emit_text(lambda out: stream_text(out, columns, counting(), fmt, safe_formulas=not keep_formulas),
                       output)
    except QueryTimeout as exc:
        echo_err(f"miner: {exc}")
        sys.exit(1)
    except ReadOnlyError as exc:
        raise UserError(str(exc)) from None
    finally:
        db.close()
    if output is not None or fmt == "table":
        echo_err(f"{counted['n']} row(s)" + (f" written to {output}" if output else ""))


def _emit_text(write, output: Path | None) -> None:
    """To stdout as rows come, or to a temp file renamed to ``output`` when complete."""
    if output is None:
        try:
            write(sys.stdout)
            sys.stdout.flush()
        except BrokenPipeError:   # `miner query ... | head`
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            sys.exit(0)
    else:
        with atomic_open(output, "w", encoding="utf-8", newline="") as out:
            write(out)


@click.command()
@click.argument("terms", nargs=-1, required=True)
@click.option("--in", "target", type=click.Choice(["passages", "annotations"]), default="passages", show_default=True,
              help="Search paragraphs, or only the sentences that carry an annotation.")
@click.option("-n", "--limit", type=click.IntRange(1, 10_000), default=None,
              help="Number of hits [export.search_limit].")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per hit.")
@config_option
def search(terms, target, limit, as_json, cfg):
    """Full-text search (FTS5 syntax: words, "phrases", AND/OR/NOT, prefix*), diacritics folded.

    Hits are ranked by bm25 and show the highlighted snippet, document title, page and url.
    """
    import json
    from miner.export.formats import terminal_safe
    from miner.export.search import SearchError, search as run_search
    limit = limit or cfg["export"]["search_limit"]
    db = _open(cfg)
    try:
        hits = run_search(db.conn, " ".join(terms), target=target, limit=limit)
    except SearchError as exc:
        raise UserError(str(exc)) from None
    finally:
        db.close()
    bold = sys.stdout.isatty() and not as_json
    for i, h in enumerate(hits, 1):
        if as_json:
            click.echo(json.dumps({"rank": h.rank, "snippet": h.snippet, "document_id": h.document_id,
                                   "title": h.title, "page": h.page_no, "url": h.url, "date": h.date,
                                   "labels": h.labels.split(",") if h.labels else []}, ensure_ascii=False))
            continue
        snippet = " ".join(terminal_safe(h.snippet).split())
        if bold:
            parts = snippet.split("**")
            snippet = "".join(click.style(p, bold=True) if k % 2 else p for k, p in enumerate(parts))
        year = f" ({h.date[:4]})" if h.date else ""
        page = f" — p. {h.page_no}" if h.page_no is not None else ""    # HTML/TXT have no pages
        click.echo(f"{i}. {terminal_safe(h.title or '(zonder titel)')}{year}{page}")
        click.echo(f"   {snippet}")
        tail = terminal_safe(h.url or h.local_path or "(geen url)") + (f"   [{h.labels}]" if h.labels else "")
        click.echo(f"   {tail}")
    if not as_json:
        more = " (the best ones; -n N shows more)" if len(hits) == limit else ""
        echo_err(f"{len(hits)} hit(s) in {target}{more}")


@click.command()
@click.option("--host", default=None, help="Address to bind [export.serve_host, default 127.0.0.1].")
@click.option("--port", type=click.IntRange(1, 65535), default=None, help="Port [export.serve_port].")
@click.option("--keep-formulas", is_flag=True,
              help="CSV downloads: leave cells starting with = + - @ as they are (default: a leading ').")
@config_option
def serve(host, port, keep_formulas, cfg):
    """Browse the store in Datasette (read-only): facets, full-text search, canned queries, CSV/JSON."""
    from miner.export import serve as serve_mod
    host = host or cfg["export"]["serve_host"]
    port = port or cfg["export"]["serve_port"]
    if not Path(cfg.database).exists():
        raise UserError(f"no database at {cfg.database}: run `miner add` or `miner refresh` first")
    try:
        import datasette  # noqa: F401
    except ImportError:
        raise UserError("datasette is not installed (pip install datasette)") from None
    from miner.store.readonly import ensure_current_schema
    try:
        ensure_current_schema(Path(cfg.database))  # the metadata names the views of the newest migration
    except StoreError as exc:
        raise UserError(str(exc)) from None
    if not _is_loopback(host):
        echo_err(f"warning: serving on {host}, which is not loopback: anyone who can reach this address "
                 f"can read the whole store (use 127.0.0.1 unless you mean to share it)")
    echo_err(f"serving {cfg.database} read-only at http://{host}:{port}/ (Ctrl-C stops)")
    ex = cfg["export"]
    try:
        status = serve_mod.run(Path(cfg.database), Path(cfg["store"]["outputs_dir"]) / "datasette", host, port,
                               max_returned_rows=ex["serve_max_returned_rows"],
                               sql_time_limit_ms=ex["serve_sql_time_limit_ms"], max_cell_kb=ex["serve_max_cell_kb"],
                               keep_formulas=keep_formulas, max_memory_mb=ex["serve_max_memory_mb"],
                               language=ex["language"])
    except KeyboardInterrupt:
        echo_err("stopped")
        return
    if status not in (0, -15, -2, 130, 143):
        raise UserError(f"datasette stopped with status {status}")


def _is_loopback(host: str) -> bool:
    """Only 127.0.0.0/8, ::1 and localhost are private to this machine; 0.0.0.0, ::, a LAN
    address or a host name all get the warning."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
