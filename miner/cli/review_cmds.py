"""`miner review …`: review and correct the tags in a browser or a spreadsheet; agreement."""
from __future__ import annotations

import json
from pathlib import Path

import click

from miner.cli.common import UserError, config_option, progress_enabled


def register(main):
    main.add_command(review)


def _open(cfg, readonly=False):
    """The store; a store made before the reviews table is brought up to date first."""
    from miner.export.readonly import ensure_current_schema
    from miner.store import StoreError, open_store
    if not cfg.database.exists():
        raise UserError(f"no database at {cfg.database}: add and tag documents first (`miner add`, `miner tag --all`)")
    try:
        ensure_current_schema(cfg.database)
        return open_store(cfg, readonly=readonly)
    except StoreError as exc:
        raise UserError(str(exc)) from None


def _queue(spec):
    from miner.review.core import Queue, ReviewError
    try:
        return Queue.parse(spec)
    except ReviewError as exc:
        raise UserError(str(exc)) from None


def _taxonomy_errors(func):
    """Taxonomy and review problems are one line, exit status 2."""
    import functools

    @functools.wraps(func)
    def wrapper(*a, **kw):
        from miner.nlp.tagging.taxonomy import TaxonomyError
        from miner.review.core import ReviewError
        try:
            return func(*a, **kw)
        except (TaxonomyError, ReviewError) as exc:
            raise UserError(str(exc)) from None
    return wrapper


def _fmt(x, digits=2):
    return "–" if x is None else f"{x:.{digits}f}"


@click.group(invoke_without_command=True)
@click.option("--port", type=int, default=None, help="With no command: port of the review page.")
@click.option("--queue", "queue_spec", default="uncertain", help="With no command: the starting queue.")
@click.pass_context
def review(ctx, port, queue_spec):
    """Review and correct the tags: `miner review` alone starts the review page (= `miner review serve`)."""
    if ctx.invoked_subcommand is None:
        ctx.invoke(serve, port=port, queue_spec=queue_spec)


@review.command()
@click.option("--port", type=int, default=None, help="Port [review.port, default 8002; 0 = any free port].")
@click.option("--queue", "queue_spec", default="uncertain", show_default=True,
              help="Starting queue: uncertain, label:ID, document:KEY, source:NAME or random (switchable in the page).")
@config_option
@_taxonomy_errors
def serve(port, queue_spec, cfg):
    """The review page on 127.0.0.1: accept, reject, add labels and actors with the keyboard."""
    import socket
    import uvicorn
    from miner.review.core import Taxonomy
    from miner.review.web import create_app
    _queue(queue_spec)
    _open(cfg).close()  # create/migrate the store before serving
    Taxonomy(cfg)       # a broken taxonomy is one line now, not an error page later
    host = cfg["review"]["host"]
    port = cfg["review"]["port"] if port is None else port
    if port == 0:
        with socket.socket() as s:
            s.bind((host, 0))
            port = s.getsockname()[1]
    app = create_app(cfg, default_queue=queue_spec)
    click.echo(f"miner review: http://{host}:{port}/  (queue {queue_spec}; Ctrl+C stops; every decision is "
               "saved when it is made)", err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")


@review.command("export")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The sheet to write (.xlsx) [outputs/review.xlsx].")
@click.option("--queue", "queue_spec", default="uncertain", show_default=True,
              help="uncertain, label:ID, document:KEY, source:NAME or random.")
@click.option("-n", "limit", type=int, default=50, show_default=True, help="Sentences in the sheet (0 = all).")
@click.option("--reviewer", default=None, help="Leave out what this reviewer already decided (default: anyone) "
              "and fill the reviewer column.")
@config_option
@_taxonomy_errors
def export_cmd(output, queue_spec, limit, reviewer, cfg):
    """A review sheet: one row per sentence with context, the model's labels and empty decision columns."""
    from miner.review import sheet
    queue = _queue(queue_spec)
    dest = output or (cfg["store"]["outputs_dir"] / "review.xlsx")
    if dest.suffix.lower() != ".xlsx":
        raise UserError(f"{dest}: the review sheet is an .xlsx file")
    conn = _open(cfg, readonly=True)
    try:
        n = sheet.export(conn, cfg, dest, queue, limit or None, reviewer, progress=progress_enabled())
    except OSError as exc:
        raise UserError(f"cannot write {dest}: {exc}") from None
    finally:
        conn.close()
    click.echo(f"review sheet: {n} sentence(s) from queue {queue}")
    click.echo(f"  wrote {dest}")
    if n == 0:
        click.echo("  nothing to review in this queue (all reviewed, or nothing tagged yet)")


@review.command("import")
@click.argument("sheet_path", metavar="SHEET.xlsx", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--reviewer", default=None, help="Reviewer for rows whose reviewer column is empty.")
@config_option
@_taxonomy_errors
def import_cmd(sheet_path, reviewer, cfg):
    """Record the decisions of a filled review sheet; bad rows are listed and skipped."""
    from miner.review import sheet
    conn = _open(cfg)
    try:
        res = sheet.import_sheet(conn, cfg, sheet_path, reviewer, progress=progress_enabled())
    finally:
        conn.close()
    for line in res.errors:
        click.echo(line, err=True)
    click.echo(f"{sheet_path.name}: {res.rows} row(s): {res.imported_rows} imported, {res.skipped} without "
               f"decision, {len(res.errors)} bad (skipped); {res.new} new decision(s), {res.unchanged} unchanged")
    if res.errors:
        raise SystemExit(1)


@review.command()
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@config_option
@_taxonomy_errors
def stats(as_json, cfg):
    """The model's agreement with the reviewers per layer (at review time and now), reviews per reviewer,
    reviews whose sentence is gone."""
    from miner.review import analysis
    conn = _open(cfg, readonly=True)
    try:
        s = analysis.stats(conn, cfg)
    finally:
        conn.close()
    if as_json:
        click.echo(json.dumps(s, ensure_ascii=False, indent=2))
        return
    if not s["reviewers"]:
        click.echo("no reviews yet: `miner review` (page) or `miner review export` (sheet)")
        return
    click.echo("model vs reviewers        at review time (P / R / F1)     now (P / R / F1)")
    for layer, v in s["layers"].items():
        a, n = v["at_review"], v["now"]
        click.echo(f"  {layer:<15} {v['decisions']:>5}  {_fmt(a['precision'])} / {_fmt(a['recall'])} / "
                   f"{_fmt(a['f1'])}              {_fmt(n['precision'])} / {_fmt(n['recall'])} / {_fmt(n['f1'])}")
    changed = s["model_versions"]["at_review"] != s["model_versions"]["now"]
    click.echo("  (the model was re-tagged or retrained since the reviews)" if changed else
               "  (same model as at review time)")
    click.echo("reviews per reviewer:")
    for r in s["reviewers"]:
        click.echo(f"  {r['reviewer']:<20} {r['decisions']:>5} decision(s) on {r['sentences']} sentence(s), "
                   f"last {r['last']}")
    if s["orphans"]:
        click.echo(f"{len(s['orphans'])} review(s) whose sentence is no longer in the store (kept, not applied):")
        for o in s["orphans"][:20]:
            click.echo(f"  #{o['id']} {o['doc_key']} {o['layer']}:{o['label']} {o['decision']} by {o['reviewer']}: "
                       f"{o['sentence'][:80]!r}")


@review.command()
@click.argument("reviewers", nargs=-1)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the disagreements to this .csv or .xlsx file.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@config_option
@_taxonomy_errors
def agreement(reviewers, output, as_json, cfg):
    """Cohen's kappa and percentage agreement of two reviewers (default: the only two there are),
    per layer and label, on the sentences both decided on; lists the disagreements."""
    from miner.review import analysis
    conn = _open(cfg, readonly=True)
    try:
        if not reviewers:
            known = analysis.reviewers(conn)
            if len(known) != 2:
                raise UserError(f"name two reviewers (reviewers: {', '.join(known) or 'none yet'})")
            reviewers = known
        if len(reviewers) != 2:
            raise UserError("name exactly two reviewers")
        res = analysis.agreement(conn, cfg, *reviewers)
    finally:
        conn.close()
    if output:
        try:
            analysis.write_table(res["disagreements"], output)
        except OSError as exc:
            raise UserError(f"cannot write {output}: {exc}") from None
    if as_json:
        click.echo(json.dumps(res, ensure_ascii=False, indent=2))
        return
    a, b = res["reviewers"]
    click.echo(f"{a} vs {b}: {res['sentences']} sentence(s) both reviewed")
    click.echo(f"  {'layer / label':<32} {'kappa':>6} {'agree':>6}")
    for layer, v in res["layers"].items():
        click.echo(f"  {layer:<32} {_fmt(v['kappa']):>6} {_fmt(v['agreement']):>6}")
        for lab in res["labels"]:
            if lab["layer"] == layer:
                click.echo(f"    {lab['label']:<30} {_fmt(lab['kappa']):>6} {_fmt(lab['agreement']):>6}"
                           f"   ({a}: {lab[a]}, {b}: {lab[b]})")
    click.echo(f"{len(res['disagreements'])} disagreement(s)" + (f", written to {output}" if output else ""))
    for d in res["disagreements"][:20]:
        click.echo(f"  {d['doc_key']} {d['layer']}:{d['label']}  {a}={d[a]} {b}={d[b]}  {d['sentence'][:70]!r}")
