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
    """Progress is always shown: a live bar on a terminal, and when the output goes to a pipe or
    a log file, a plain line at most every ``PIPED_INTERVAL_S`` seconds (no carriage returns)."""
    if sys.stderr.isatty():
        return True
    try:
        sys.stderr.fileno()
    except (AttributeError, OSError, ValueError):   # captured in memory (tests, notebooks): no progress
        return False
    _plain_progress_lines()
    return True


PIPED_INTERVAL_S = 10


class _LineStream:
    """What tqdm writes, as whole lines on the current stderr ('\r' redraws become lines)."""

    def write(self, text: str) -> int:
        for part in text.replace("\r", "\n").split("\n"):
            part = part.strip()
            if part and not set(part) <= {"\x1b", "[", "A"}:
                sys.stderr.write(part + "\n")
        return len(text)

    def flush(self) -> None:
        sys.stderr.flush()


_PATCHED = False


def _plain_progress_lines() -> None:
    global _PATCHED
    if _PATCHED:
        return
    import tqdm as tqdm_mod
    original = tqdm_mod.tqdm.__init__

    @functools.wraps(original)
    def init(self, *args, **kwargs):
        if not kwargs.get("disable"):
            if kwargs.get("file") in (None, sys.stderr, sys.__stderr__):
                kwargs["file"] = _LineStream()
            kwargs["mininterval"] = max(kwargs.get("mininterval", 0) or 0, PIPED_INTERVAL_S)
            kwargs.setdefault("ascii", True)
            kwargs["dynamic_ncols"] = False
            kwargs.setdefault("ncols", 100)
        original(self, *args, **kwargs)

    tqdm_mod.tqdm.__init__ = init
    _PATCHED = True
