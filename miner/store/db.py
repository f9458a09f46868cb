"""SQLite connection handling and versioned migrations.

The database is one SQLite file in WAL mode.  Migrations are the numbered
``migrations/NNN_name.sql`` files of this package, applied in order, each in
its own transaction, and recorded in ``schema_migrations``.
"""
from __future__ import annotations

import os
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


def known_version() -> int:
    return max((v for v, _, _ in migrations()), default=0)


def schema_version(conn: sqlite3.Connection) -> int:
    row = conn.execute(
        "SELECT name FROM sqlite_master WHERE type='table' AND name='schema_migrations'").fetchone()
    if not row:
        return 0
    return conn.execute("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").fetchone()[0]


def _statements(sql: str) -> list[str]:
    """Split a migration script into statements (trigger bodies stay whole)."""
    out, buf = [], ""
    for line in sql.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            out.append(buf)
            buf = ""
    rest = "\n".join(line for line in buf.splitlines() if line.strip() and not line.strip().startswith("--"))
    if rest.strip():
        out.append(buf)
    return out


def _newer(database, version: int, known: int) -> StoreError:
    return StoreError(f"the database {database} was made by a newer miner (schema version {version}, this "
                      f"miner knows up to {known}): update miner before using it")


def migrate(conn: sqlite3.Connection, database: str | Path = "") -> list[int]:
    """Apply pending migrations; returns the versions applied.

    Each migration runs in its own IMMEDIATE transaction that first re-reads which versions
    are done, so two commands starting together on a new store serialise on SQLite's write
    lock: one applies a migration, the other waits, sees it done and goes on.  A store made
    by a newer miner (a version this one does not ship) is refused before anything is written.
    """
    shipped = migrations()
    known = max((v for v, _, _ in shipped), default=0)
    conn.execute("CREATE TABLE IF NOT EXISTS schema_migrations ("
                 "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)")
    newest = conn.execute("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").fetchone()[0]
    if newest > known:
        raise _newer(database, newest, known)
    applied = []
    for version, name, sql in shipped:
        conn.execute("BEGIN IMMEDIATE")
        try:
            if conn.execute("SELECT 1 FROM schema_migrations WHERE version = ?", (version,)).fetchone():
                conn.execute("COMMIT")
                continue
            for stmt in _statements(sql):
                conn.execute(stmt)
            conn.execute("INSERT INTO schema_migrations VALUES (?, ?, ?)", (version, name, utcnow()))
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            if _is_access_problem(exc):
                raise
            raise StoreError(f"migration {version:03d}_{name} failed: {exc}") from exc
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        applied.append(version)
    return applied


def _is_access_problem(exc: BaseException) -> bool:
    msg = str(exc).lower()
    return any(w in msg for w in ("readonly", "read-only", "not a database", "malformed", "unable to open",
                                  "disk i/o", "locked", "encrypted"))


def explain(database: str | Path, exc: BaseException, readonly: bool = False) -> StoreError:
    """One line naming the file and what to do, for every way opening a store goes wrong."""
    database = Path(database)
    msg = str(exc).lower()
    if database.is_dir():
        return StoreError(f"{database} is a folder, not a database file: set store.database to a file path")
    if "not a database" in msg or "malformed" in msg or "encrypted" in msg:
        return StoreError(f"{database} is not a valid SQLite database (damaged, truncated or another kind "
                          f"of file): restore it from a backup, or move it aside to start a new store")
    if database.exists() and not os.access(database, os.R_OK):
        return StoreError(f"cannot read the database {database}: permission denied (check the file's permissions)")
    if isinstance(exc, PermissionError) or "readonly" in msg or "read-only" in msg or (
            not readonly and database.exists() and not os.access(database, os.W_OK)):
        return StoreError(f"cannot write the database {database}: read-only file or folder (check the "
                          f"permissions of {database} and of {database.parent}, which holds its -wal file)")
    if "unable to open" in msg or "disk i/o" in msg or isinstance(exc, OSError):
        if not readonly and database.parent.exists() and not os.access(database.parent, os.W_OK):
            return StoreError(f"cannot write the database {database}: the folder {database.parent} is not writable")
        return StoreError(f"cannot open the database {database}: {exc}")
    if "locked" in msg or "busy" in msg:
        return StoreError(f"the database {database} is locked by another program: try again when it is done")
    return StoreError(f"database {database}: {exc}")


def connect(database: str | Path, *, readonly: bool = False, create: bool = True) -> sqlite3.Connection:
    """Open the store.  Read-write connections create the file and apply migrations;
    read-only connections refuse every write (used for user SQL).  Every way this can go
    wrong (a folder, not SQLite, truncated, unreadable, read-only, newer schema) is a
    StoreError with one line naming the file."""
    database = Path(database)
    if readonly:
        if not database.exists():
            raise StoreError(f"no database at {database}: run `miner add` or `miner refresh` first")
        try:
            if database.is_dir():
                raise IsADirectoryError(str(database))
            conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True, check_same_thread=False)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA query_only = ON")
            version = schema_version(conn)
        except (sqlite3.Error, OSError) as exc:
            raise explain(database, exc, True) from None
        known = known_version()
        if version > known:
            conn.close()
            raise _newer(database, version, known)
        return conn
    if not database.exists() and not create:
        raise StoreError(f"no database at {database}")
    try:
        if database.is_dir():
            raise IsADirectoryError(str(database))
        database.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(database, timeout=60, isolation_level=None, check_same_thread=False)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA busy_timeout = 60000")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
        migrate(conn, database)
    except (sqlite3.Error, OSError) as exc:
        raise explain(database, exc, False) from None
    return conn


@contextmanager
def transaction(conn: sqlite3.Connection):
    """One atomic write: everything inside commits together or not at all.  Inside another
    transaction (a batch of writes) it is a savepoint: the outer one commits it."""
    if getattr(conn, "in_transaction", False):   # (a wrapped connection may not say)
        conn.execute("SAVEPOINT miner_nested")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK TO miner_nested")
            conn.execute("RELEASE miner_nested")
            raise
        else:
            conn.execute("RELEASE miner_nested")
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    else:
        conn.execute("COMMIT")
