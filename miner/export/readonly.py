"""User SQL on a read-only connection.

Three locks: the file is opened with ``mode=ro``, ``PRAGMA query_only`` is on, and an
authorizer allows only reading.  The authorizer is what turns ATTACH (which ``mode=ro``
does not stop: it opens *another* file) and writes into one clear sentence.
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from miner.store.db import StoreError, connect, migrations, schema_version

# Pragmas that only read the schema; any other pragma, or a pragma with a value
# (``PRAGMA query_only = 0``), is refused.
_READ_PRAGMAS = {"table_info", "table_xinfo", "index_list", "index_info", "index_xinfo",
                 "foreign_key_list", "database_list", "table_list", "compile_options",
                 "data_version", "schema_version", "user_version"}

_ALLOWED = {sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_FUNCTION, sqlite3.SQLITE_RECURSIVE}

_ACTION_NAMES = {
    sqlite3.SQLITE_ATTACH: "ATTACH", sqlite3.SQLITE_DETACH: "DETACH",
    sqlite3.SQLITE_INSERT: "INSERT", sqlite3.SQLITE_UPDATE: "UPDATE", sqlite3.SQLITE_DELETE: "DELETE",
    sqlite3.SQLITE_ALTER_TABLE: "ALTER TABLE", sqlite3.SQLITE_PRAGMA: "PRAGMA",
    sqlite3.SQLITE_TRANSACTION: "a transaction", sqlite3.SQLITE_SAVEPOINT: "a savepoint",
    sqlite3.SQLITE_ANALYZE: "ANALYZE", sqlite3.SQLITE_REINDEX: "REINDEX",
    sqlite3.SQLITE_CREATE_VTABLE: "CREATE VIRTUAL TABLE", sqlite3.SQLITE_DROP_VTABLE: "DROP VIRTUAL TABLE",
}
for _name in dir(sqlite3):
    if _name.startswith(("SQLITE_CREATE_", "SQLITE_DROP_")):
        _ACTION_NAMES.setdefault(getattr(sqlite3, _name), _name[len("SQLITE_"):].replace("_", " "))


class ReadOnlyError(Exception):
    """User SQL that would change something, or that SQLite rejects; one line for a person."""


@dataclass
class _Guard:
    refused: list[str] = field(default_factory=list)

    def __call__(self, action, arg1, arg2, db_name, trigger):
        if action in _ALLOWED:
            return sqlite3.SQLITE_OK
        if action == sqlite3.SQLITE_PRAGMA and arg1 and arg1.lower() in _READ_PRAGMAS and (
                arg2 is None or arg1.lower() not in ("schema_version", "user_version")):
            return sqlite3.SQLITE_OK
        # SQLite authorizes its own schema loading as an UPDATE of sqlite_master; the
        # mode=ro file refuses any real write to it.
        if action == sqlite3.SQLITE_UPDATE and arg1 == "sqlite_master":
            return sqlite3.SQLITE_OK
        what = _ACTION_NAMES.get(action, f"operation {action}")
        if action == sqlite3.SQLITE_PRAGMA and arg1:
            what = f"PRAGMA {arg1}"
        # The statement's own action (CREATE TABLE) reads better than the schema
        # insert SQLite checks before it.
        if isinstance(arg1, str) and arg1.startswith("sqlite_"):
            self.refused.append("changing the schema (CREATE, DROP, ALTER)")
        else:
            self.refused.insert(0, what)
        return sqlite3.SQLITE_DENY


@dataclass
class Result:
    columns: list[str]
    rows: list[tuple]


class ReadOnlyDatabase:
    """The store opened for user SQL; ``run`` executes one statement and reports refusals in words."""

    def __init__(self, database: str | Path):
        ensure_current_schema(Path(database))
        self.conn = connect(database, readonly=True)
        self._guard = _Guard()
        self.conn.set_authorizer(self._guard)
        # A Python callback every 100k VM steps lets Ctrl-C stop a runaway query.
        self.conn.set_progress_handler(lambda: 0, 100_000)

    def close(self) -> None:
        self.conn.close()

    def run(self, sql: str, params: tuple | dict = ()) -> Result:
        self._guard.refused.clear()
        try:
            cur = self.conn.execute(sql, params)
            rows = [tuple(r) for r in cur.fetchall()]
        except sqlite3.ProgrammingError as exc:
            if "one statement" in str(exc):
                raise ReadOnlyError("only one SQL statement at a time (remove the ';' and what follows)") from None
            raise ReadOnlyError(f"SQL error: {exc}") from None
        except sqlite3.DatabaseError as exc:
            if "interrupted" in str(exc):
                raise KeyboardInterrupt from None
            if self._guard.refused:
                raise ReadOnlyError(f"refused: {self._guard.refused[0]} is not allowed; "
                                    "the database is opened read-only (SELECT only)") from None
            if "readonly" in str(exc) or "read-only" in str(exc):
                raise ReadOnlyError("refused: the database is opened read-only (SELECT only)") from None
            raise ReadOnlyError(f"SQL error: {exc}") from None
        columns = [d[0] for d in cur.description] if cur.description else []
        return Result(columns, rows)


def ensure_current_schema(database: Path) -> None:
    """A store made by an older miner lacks the newest views; apply the pending migrations
    once (the only write a reading command ever makes) before opening read-only."""
    if not database.exists():
        return  # connect(readonly=True) says what to do
    probe = connect(database, readonly=True)
    try:
        current = schema_version(probe)
    finally:
        probe.close()
    if current >= migrations()[-1][0]:
        return
    try:
        connect(database).close()
    except (sqlite3.Error, StoreError) as exc:
        raise StoreError(f"{database}: schema version {current} is older than this miner and cannot be "
                         f"upgraded here ({exc}); run any miner command with write access to it first") from None
