"""Load and validate ``config.toml``.

Every stage declares the schema of its own section (``miner/<stage>/settings.py``,
a ``SECTION`` name and a ``SCHEMA`` dict); this module only knows how to check a
table against a schema.  Errors are one line naming the file and the dotted key.

Schema values:
    Field(...)            a leaf value with a type and default
    {"key": Field, ...}   a nested table with a fixed set of keys
    Table(schema)         a table of user-named entries (e.g. ``[sources.<name>]``),
                          each checked against ``schema``
"""
from __future__ import annotations

import importlib
import tomllib
from dataclasses import dataclass, field as dc_field
from pathlib import Path
from typing import Any, Callable

DEFAULT_CONFIG_NAME = "config.toml"

# Stage modules that contribute a config section, in the order they appear in config.toml.
SECTION_MODULES = [
    "miner.store.settings",
    "miner.extract.settings",
    "miner.compute.settings",
    "miner.nlp.settings",
    "miner.crawl.settings",
    "miner.topics.settings",
    "miner.gaps.settings",
    "miner.export.settings",
    "miner.review.settings",
]


class ConfigError(Exception):
    """A config problem, already phrased for a person: ``file: key: what is wrong``."""


_MISSING = object()


@dataclass
class Field:
    type: type | tuple[type, ...]
    default: Any = _MISSING
    help: str = ""
    choices: tuple | None = None
    check: Callable[[Any], str | None] | None = None  # returns an error message or None
    item_type: type | tuple[type, ...] | None = None  # for lists
    is_path: bool = False  # resolved relative to the config file

    @property
    def required(self) -> bool:
        return self.default is _MISSING


@dataclass
class Table:
    schema: dict
    help: str = ""
    default: dict = dc_field(default_factory=dict)


def positive(v):
    return None if v > 0 else "must be greater than 0"


def non_negative(v):
    return None if v >= 0 else "must be 0 or more"


def unit_interval(v):
    return None if 0 <= v <= 1 else "must be between 0 and 1"


_TYPE_NAMES = {str: "a string", int: "an integer", float: "a number", bool: "true or false",
               list: "a list", dict: "a table"}


def _type_name(t) -> str:
    if isinstance(t, tuple):
        return " or ".join(_type_name(x) for x in t)
    return _TYPE_NAMES.get(t, t.__name__)


def _isinstance(value, t) -> bool:
    types = t if isinstance(t, tuple) else (t,)
    if isinstance(value, bool) and bool not in types:
        return False  # TOML true is not an int
    if float in types and isinstance(value, int) and not isinstance(value, bool):
        return True
    return isinstance(value, types)


class Config:
    """Validated configuration: attribute and item access by section, paths resolved."""

    def __init__(self, data: dict, path: Path | None):
        self._data = data
        self.path = path
        self.root = path.parent if path else Path.cwd()

    def __getitem__(self, section: str) -> dict:
        return self._data[section]

    def get(self, section: str, default=None):
        return self._data.get(section, default)

    def as_dict(self) -> dict:
        return self._data

    # Convenience for the most used paths.
    @property
    def data_dir(self) -> Path:
        return self._data["store"]["data_dir"]

    @property
    def database(self) -> Path:
        return self._data["store"]["database"]


def _check_across(cfg: Config) -> Config:
    """Checks that involve several keys: a section module's optional ``validate(cfg)``."""
    for name in SECTION_MODULES:
        check = getattr(importlib.import_module(name), "validate", None)
        if check is not None:
            check(cfg)
    return cfg


def _schemas() -> dict[str, dict]:
    out = {}
    for name in SECTION_MODULES:
        mod = importlib.import_module(name)
        out[mod.SECTION] = mod.SCHEMA
    return out


def _check_table(raw: dict, schema: dict, where: str, file: str, root: Path) -> dict:
    if not isinstance(raw, dict):
        raise ConfigError(f"{file}: {where or 'top level'}: must be a table")
    out = {}
    for key in raw:
        if key not in schema:
            known = ", ".join(sorted(schema)) or "none"
            dotted = f"{where}.{key}" if where else key
            raise ConfigError(f"{file}: {dotted}: unknown key (known keys: {known})")
    for key, spec in schema.items():
        dotted = f"{where}.{key}" if where else key
        if isinstance(spec, dict):
            out[key] = _check_table(raw.get(key, {}), spec, dotted, file, root)
        elif isinstance(spec, Table):
            entries = raw.get(key, spec.default)
            if not isinstance(entries, dict):
                raise ConfigError(f"{file}: {dotted}: must be a table of named entries")
            out[key] = {name: _check_table(entry, spec.schema, f"{dotted}.{name}", file, root)
                        for name, entry in entries.items()}
        else:
            out[key] = _check_value(raw.get(key, _MISSING), spec, dotted, file, root)
    return out


def _check_value(value, spec: Field, dotted: str, file: str, root: Path):
    if value is _MISSING:
        if spec.required:
            raise ConfigError(f"{file}: {dotted}: required key is missing")
        value = spec.default
        if isinstance(value, (list, dict)):
            value = type(value)(value)
    elif not _isinstance(value, spec.type):
        raise ConfigError(f"{file}: {dotted}: must be {_type_name(spec.type)}, got {value!r}")
    if value is None:
        return None
    if spec.item_type is not None and isinstance(value, list):
        for i, item in enumerate(value):
            if not _isinstance(item, spec.item_type):
                raise ConfigError(f"{file}: {dotted}[{i}]: must be {_type_name(spec.item_type)}, got {item!r}")
    if spec.choices is not None and value not in spec.choices:
        raise ConfigError(f"{file}: {dotted}: must be one of {', '.join(map(str, spec.choices))}, got {value!r}")
    if spec.check is not None:
        problem = spec.check(value)
        if problem:
            raise ConfigError(f"{file}: {dotted}: {problem}, got {value!r}")
    if spec.is_path:
        p = Path(value).expanduser()
        value = p if p.is_absolute() else (root / p)
    if isinstance(value, float) and isinstance(spec.type, type) and spec.type is float:
        value = float(value)
    return value


def load(path: str | Path | None = None) -> Config:
    """Load ``path`` (default: ./config.toml if present, else built-in defaults) and validate it."""
    if path is None:
        candidate = Path.cwd() / DEFAULT_CONFIG_NAME
        path = candidate if candidate.exists() else None
    raw: dict = {}
    file = "<defaults>"
    if path is not None:
        path = Path(path).resolve()
        file = str(path)
        if not path.exists():
            raise ConfigError(f"{file}: config file not found")
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{file}: not valid TOML: {exc}") from None
        except UnicodeDecodeError:
            raise ConfigError(f"{file}: not UTF-8 text") from None
    root = path.parent if path else Path.cwd()
    schemas = _schemas()
    data = _check_table(raw, schemas, "", file, root)
    return _check_across(Config(data, path))


def from_dict(raw: dict, root: str | Path) -> Config:
    """Validate a config given as a dict (tests, notebooks); paths relative to ``root``."""
    root = Path(root).resolve()
    data = _check_table(raw, _schemas(), "", "<dict>", root)
    cfg = Config(data, None)
    cfg.root = root
    return _check_across(cfg)
