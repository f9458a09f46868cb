"""The ``miner`` command: a thin layer that wires the stages together.

Each stage's commands live in their own module here and are attached to the
main group by ``register(main)``.
"""
from __future__ import annotations

from pathlib import Path

import click

from miner.cli import common


class MinerGroup(click.Group):
    """Every command: SIGTERM stops like Ctrl-C (cleanup runs, finished work is kept), and a
    store problem or an interruption is one line, never a traceback."""

    def invoke(self, ctx):
        import sqlite3

        from miner import lifecycle
        from miner.compute import ComputeError
        from miner.store import StoreError
        lifecycle.install_signal_handlers()
        try:
            return super().invoke(ctx)
        except (StoreError, ComputeError) as exc:
            raise common.UserError(str(exc)) from None
        except sqlite3.DatabaseError as exc:
            raise common.UserError(f"database problem: {exc}") from None
        except PermissionError as exc:
            raise common.UserError(f"permission denied: {exc.filename or exc}") from None
        except KeyboardInterrupt as exc:
            click.echo("miner: stopped; finished work is kept, run the same command again to complete it",
                       err=True)
            ctx.exit(lifecycle.exit_status(exc))
        finally:
            lifecycle.forget_interrupt()


@click.group(cls=MinerGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              envvar="MINER_CONFIG", help="Path to config.toml (also accepted after each command).")
@click.version_option(package_name="miner")
@click.pass_context
def main(ctx, config_path):
    """miner: a fresh, tagged corpus of Dutch research and policy on discrimination in the sociale basis.

    Typical use: `miner refresh` (crawl, extract, tag, topics, gaps), then
    `miner query`, `miner search`, `miner serve` or `miner export`.
    """
    ctx.ensure_object(dict)
    ctx.obj["config_path"] = config_path


def _register_all():
    from miner.cli import (ingest_cmds, nlp_cmds, crawl_cmds, tag_cmds, topics_cmds, query_cmds, export_cmds,
                           review_cmds, demo_cmds)
    for mod in (ingest_cmds, nlp_cmds, crawl_cmds, tag_cmds, topics_cmds, query_cmds, export_cmds, review_cmds,
                demo_cmds):
        mod.register(main)


_register_all()
