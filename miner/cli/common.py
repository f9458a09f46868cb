"""Pieces every CLI command shares: the --config option, error reporting, output."""
from __future__ import annotations

import functools
import sys
from pathlib import Path

import click

from miner import config as config_mod


class UserError(click.ClickException):
    """An error phrased for a person; printed as one line, exit status 2."""
    exit_code = 2

    def show(self, file=None):
        click.echo(f"miner: {self.format_message()}", err=True)


def config_option(func):
    """Add ``--config`` to a command and pass the loaded, validated Config as ``cfg``."""
    @click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
                  default=None, envvar="MINER_CONFIG",
                  help="Path to config.toml (default: ./config.toml, else built-in defaults).")
    @functools.wraps(func)
    def wrapper(*args, config_path=None, **kwargs):
        ctx = click.get_current_context()
        path = config_path or (ctx.obj or {}).get("config_path")
        try:
            cfg = config_mod.load(path)
        except config_mod.ConfigError as exc:
            raise UserError(str(exc)) from None
        return func(*args, cfg=cfg, **kwargs)
    return wrapper


def echo_err(msg: str) -> None:
    click.echo(msg, err=True)


def progress_enabled() -> bool:
    return sys.stderr.isatty()
