"""`miner refresh`: the batch job (crawl → archive → store → extract → later stages)."""
from __future__ import annotations

import datetime

import click

from miner.cli.common import UserError, config_option, echo_err, progress_enabled


def _iso_date(ctx, param, value):
    if value is None:
        return None
    try:
        return datetime.date.fromisoformat(value).isoformat()
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date like 2024-01-31") from None


def _readable(summary) -> str:
    """A stage's summary dict as 'key value, key value' (nested dicts inline, ids left out)."""
    if not isinstance(summary, dict):
        return str(summary or "")
    parts = []
    for key, value in summary.items():
        if key in ("taxonomy", "model_id", "throughput"):   # throughput: a line of its own
            continue
        if isinstance(value, dict):
            value = ", ".join(f"{k} {v}" for k, v in value.items()) or "-"
            parts.append(f"{key.replace('_', ' ')} ({value})")
        elif isinstance(value, float):
            parts.append(f"{key.replace('_', ' ')} {value:.3g}")
        else:
            parts.append(f"{key.replace('_', ' ')} {value}")
    return ", ".join(parts)


def summary_lines(report) -> list[str]:
    lines = [] if report.sources else ["no crawl sources enabled: add [crawl.sources.<name>] tables to config.toml "
                                       "(README: \"Crawling and `miner refresh`\")"]
    width = max([len(s.name) for s in report.sources] + [6])
    for s in report.sources:
        if s.error:
            lines.append(f"{s.name:<{width}}  NOT CRAWLED: {s.error}")
            continue
        lines.append(f"{s.name:<{width}}  new {s.new:>4}  changed {s.changed:>4}  unchanged {s.unchanged:>4}  "
                     f"failed {len(s.failed):>3}  {s.seconds:6.1f} s  ({s.requests} requests, "
                     f"{s.not_modified} not modified, {s.bytes / 1024:.0f} KiB"
                     + (f", {s.skipped} skipped by robots.txt/host rules" if s.skipped else "") + ")")
        if s.terms:
            lines.append(f"{'':<{width}}  per term: " + ", ".join(f"{t} {n}" for t, n in s.terms.items()))
    ex = report.extraction
    from miner.compute import throughput_text
    lines.append(f"{'extract':<{width}}  extracted {ex.extracted}, needs OCR {ex.needs_ocr}, failed {len(ex.failed)}")
    if ex.throughput:
        lines.append(f"{'':<{width}}  {throughput_text(ex.throughput)}")
    for name, summary in report.stages.items():
        lines.append(f"{name:<{width}}  {_readable(summary) or 'done'}")
        if isinstance(summary, dict) and summary.get("throughput"):
            lines.append(f"{'':<{width}}  {throughput_text(summary['throughput'])}")
    lines.append(f"total {report.seconds:.1f} s" + (" (offline: from the archive)" if report.offline else ""))
    return lines


def register(main):
    @main.command()
    @click.option("--source", "sources", multiple=True, metavar="NAME",
                  help="Only this configured source (repeatable); default: every enabled source.")
    @click.option("--since", callback=_iso_date, metavar="DATE",
                  help="Only items changed on or after DATE (YYYY-MM-DD): dt.modified / GewijzigdOp / sitemap lastmod.")
    @click.option("--limit", type=click.IntRange(min=1), metavar="N", help="At most N items per source.")
    @click.option("--dry-run", is_flag=True, help="Show what would be fetched; fetch and store nothing.")
    @click.option("--offline", is_flag=True,
                  help="No network: rebuild the store from the WARC archive and extract what is new.")
    @config_option
    def refresh(cfg, sources, since, limit, dry_run, offline):
        """Crawl all enabled sources incrementally, archive, store, extract, then tag/topics/gaps.

        Safe to interrupt and rerun: the next run continues where this one stopped.
        Exit status 0 when everything succeeded, 1 when something failed (listed at the end).
        """
        from miner.pipeline.refresh import RefreshError, refresh as run_refresh
        try:
            report = run_refresh(cfg, only=list(sources) or None, since=since, limit=limit, dry_run=dry_run,
                                 offline=offline, progress=progress_enabled())
        except RefreshError as exc:
            raise UserError(str(exc)) from None
        except KeyboardInterrupt:
            raise UserError("interrupted; run `miner refresh` again to continue") from None
        if dry_run:
            for line in report.plan:
                click.echo(line)
            click.echo("dry run: nothing fetched, nothing stored")
            return
        for line in summary_lines(report):
            click.echo(line)
        failures = report.failures()
        if failures:
            echo_err(f"{len(failures)} failure(s):")
            for line in failures:
                echo_err(f"  {line}")
            raise SystemExit(1)
