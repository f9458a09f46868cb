"""SQLite connection handling and versioned migrations.

The database is one SQLite file in WAL mode.  Migrations are the numbered
``migrations/NNN_name.sql`` files of this package, applied in order, each in
its own transaction, and recorded in ``schema_migrations``.
"""
from __future__ import annotations

import re
import sqlite3
from contextlib import contextmanager
from datetime import datetime, timezone
from importlib import resources
from pathlib import Path

_MIGRATION_NAME = re.compile(r"^(\d{3})_([a-z0-9_]+)\.sql$")


class StoreError(Exception):
    pass


def utcnow() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


def migrations() -> list[tuple[int, str, str]]:
    """All migrations shipped with the package: (version, name, sql), in order."""
    found = []
    for entry in resources.files("miner.store").joinpath("migrations").iterdir():
        m = _MIGRATION_NAME.match(entry.name)
        if m:
            found.append((int(m.group(1)), m.group(2), entry.read_text(encoding="utf-8")))
    found.sort()
    versions = [v for v, _, _ in found]
    if len(set(versions)) != len(versions):
        raise StoreError(f"duplicate migration numbers: {versions}")
    return found


def schema_version(conn: sqlite3.Connection) -> int:
    row = conn.execute(
        "SELECT name FROM sqlite_master WHERE type='table' AND name='schema_migrations'").fetchone()
    if not row:
        return 0
    return conn.execute("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").fetchone()[0]


def migrate(conn: sqlite3.Connection) -> list[int]:
    """Apply pending migrations; returns the versions applied."""
    conn.execute("CREATE TABLE IF NOT EXISTS schema_migrations ("
                 "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)")
    done = {r[0] for r in conn.execute("SELECT version FROM schema_migrations")}
    applied = []
    for version, name, sql in migrations():
        if version in done:
            continue
        # executescript commits first; wrap the script in an explicit transaction.
        try:
            conn.executescript("BEGIN IMMEDIATE;\n" + sql + "\n;INSERT INTO schema_migrations VALUES "
                               f"({version}, '{name}', '{utcnow()}');\nCOMMIT;")
        except sqlite3.Error as exc:
            conn.rollback()
            raise StoreError(f"migration {version:03d}_{name} failed: {exc}") from exc
        applied.append(version)
    return applied


def connect(database: str | Path, *, readonly: bool = False, create: bool = True) -> sqlite3.Connection:
    """Open the store.  Read-write connections create the file and apply migrations;
    read-only connections refuse every write (used for user SQL)."""
    database = Path(database)
    if readonly:
        if not database.exists():
            raise StoreError(f"no database at {database}: run `miner add` or `miner refresh` first")
        conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True, check_same_thread=False)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA query_only = ON")
        return conn
    if not database.exists() and not create:
        raise StoreError(f"no database at {database}")
    database.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(database, timeout=60, isolation_level=None, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA busy_timeout = 60000")
    migrate(conn)
    return conn


@contextmanager
def transaction(conn: sqlite3.Connection):
    """One atomic write: everything inside commits together or not at all."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    else:
        conn.execute("COMMIT")
