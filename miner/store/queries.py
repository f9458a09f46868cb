"""Canned queries: user-facing SQL over the store's views, kept as data (``queries.toml``) beside the schema."""
from __future__ import annotations

import tomllib
from functools import lru_cache
from importlib import resources


@lru_cache(maxsize=1)
def _load() -> dict[str, dict[str, str]]:
    with resources.files("miner.store").joinpath("queries.toml").open("rb") as fh:
        return {name: dict(spec) for name, spec in tomllib.load(fh).items()}


def canned() -> dict[str, dict[str, str]]:
    """name -> {title, description, sql} of every canned query, in file order (a fresh copy)."""
    return {name: dict(spec) for name, spec in _load().items()}
