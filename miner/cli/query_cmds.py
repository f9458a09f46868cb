"""`miner query`, `miner search`, `miner serve`: reading the store."""
from __future__ import annotations

import ipaddress
import sys
from pathlib import Path

import click

from miner.cli.common import UserError, config_option, echo_err
from miner.store import StoreError


def register(main):
    main.add_command(query)
    main.add_command(search)
    main.add_command(serve)


def _open(cfg):
    from miner.export.readonly import ReadOnlyDatabase
    try:
        return ReadOnlyDatabase(cfg.database)
    except StoreError as exc:
        raise UserError(str(exc)) from None


@click.command()
@click.argument("sql")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json", "jsonl", "xlsx"]), default="table",
              show_default=True, help="Output format; xlsx needs -o.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to this file instead of the terminal.")
@click.option("--max-width", type=click.IntRange(8, 10_000), default=60, show_default=True,
              help="Table format: cut cells longer than this.")
@config_option
def query(sql, fmt, output, max_width, cfg):
    """Run one SQL statement (SELECT) on a read-only connection and print the rows.

    SQL may be '-' to read it from stdin. Writes, ATTACH and schema changes are refused.
    The tables and views are described in the README ("Querying the corpus"), e.g.
    miner query "SELECT label, COUNT(*) FROM annotation_evidence WHERE layer='ground' GROUP BY label"
    """
    from miner.export.formats import render_table, to_text, write_xlsx
    from miner.export.readonly import ReadOnlyError
    if sql == "-":
        sql = sys.stdin.read()
    db = _open(cfg)
    try:
        result = db.run(sql)
    except ReadOnlyError as exc:
        raise UserError(str(exc)) from None
    finally:
        db.close()
    if fmt == "xlsx":
        if output is None:
            raise UserError("--format xlsx needs -o FILE.xlsx")
        output.parent.mkdir(parents=True, exist_ok=True)
        write_xlsx(output, {"query": (result.columns, result.rows)})
    elif fmt == "table":
        text = render_table(result.columns, result.rows, max_width=max_width) + "\n"
        _emit(text, output)
    else:
        _emit(to_text(result.columns, result.rows, fmt), output)
    if output is not None or fmt == "table":
        echo_err(f"{len(result.rows)} row(s)" + (f" written to {output}" if output else ""))


def _emit(text: str, output: Path | None) -> None:
    if output is None:
        click.echo(text, nl=False)
    else:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")


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
@config_option
def serve(host, port, cfg):
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
    from miner.export.readonly import ensure_current_schema
    try:
        ensure_current_schema(Path(cfg.database))  # the metadata names the views of the newest migration
    except StoreError as exc:
        raise UserError(str(exc)) from None
    if not _is_loopback(host):
        echo_err(f"warning: serving on {host}: anyone who can reach this address can read the whole store")
    echo_err(f"serving {cfg.database} read-only at http://{host}:{port}/ (Ctrl-C stops)")
    status = serve_mod.run(Path(cfg.database), Path(cfg["store"]["outputs_dir"]) / "datasette", host, port,
                           cfg["export"]["language"])
    if status not in (0, -15, -2):
        raise UserError(f"datasette stopped with status {status}")


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
