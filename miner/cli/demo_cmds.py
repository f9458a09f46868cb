"""`miner demo`: the whole chain offline, against the project's own loopback mirror of the sources."""
from __future__ import annotations

import shlex
from pathlib import Path

import click

from miner.cli.common import UserError, config_option, echo_err, progress_enabled


def register(main):
    @main.command()
    @click.option("--dir", "demo_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
                  help="Where the demo store goes (default: <store.data_dir>/demo, e.g. corpora/demo).")
    @config_option
    def demo(cfg, demo_dir):
        """Try miner offline: a loopback mirror of the sources serves about 30 invented documents in the real
        formats (Kamervragen with answers and a postponement, publication pages with PDFs, a few off-topic
        ones); the real `refresh` runs against it into a separate demo store, then the gap map and the
        evidence report are exported.  A second run is a no-op refresh.  Exit 1 when something failed."""
        from miner.cli.crawl_cmds import summary_lines
        from miner.demo import run
        from miner.pipeline.refresh import RefreshError
        click.echo("miner demo: starting the loopback mirror of the sources (127.0.0.1 only)")
        try:
            result = run(cfg, demo_dir=demo_dir, progress=progress_enabled(), on_mirror=lambda m: click.echo(
                "  " + ", ".join(f"{n} :{p}" for n, p in m.ports.items())
                + "\nrefreshing the demo store against the mirror (crawl, extract, tag, topics, gaps) …"),
                echo=click.echo)
        except RefreshError as exc:
            raise UserError(str(exc)) from None
        except KeyboardInterrupt:
            raise UserError("interrupted; run `miner demo` again to continue") from None
        click.echo("refresh of the demo store:")
        for line in summary_lines(result.report):
            click.echo("  " + line)
        for kind, note, paths in result.exports:
            click.echo(f"{kind}: {note}")
            for p in paths:
                click.echo(f"  wrote {p}")
        conf = shlex.quote(str(result.config_path))
        html = [p for kind, _, paths in result.exports for p in paths if str(p).endswith(".html")]
        click.echo("")
        click.echo(f"demo store: {result.demo_dir} (config {result.config_path}); your own store is untouched")
        if html:
            click.echo("open in a browser: " + "  ".join(str(p) for p in html))
        click.echo("three commands to try next:")
        click.echo(f"  miner gaps --config {conf}")
        click.echo(f"  miner search moslimdiscriminatie --config {conf}")
        click.echo(f"  miner query \"SELECT zaak_nummer, title, days_to_answer FROM kamervragen\" --config {conf}")
        failures = result.report.failures() + [f"export {k}: {v}" for k, v in result.export_errors.items()]
        if failures:
            echo_err(f"{len(failures)} failure(s):")
            for line in failures:
                echo_err(f"  {line}")
            raise SystemExit(1)
