"""User SQL on a read-only connection (`miner query`, `miner serve`, the notebook API).

Three locks: the file is opened with ``mode=ro``, ``PRAGMA query_only`` is on, and an
authorizer allows only reading.  The authorizer is what turns ATTACH (which ``mode=ro``
does not stop: it opens *another* file) and writes into one clear sentence.
"""
from __future__ import annotations

import re
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

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


class QueryTimeout(ReadOnlyError):
    """The query ran longer than its time limit."""


# Statements the authorizer sees only through what they do inside (VACUUM attaches a
# temporary database): the refusal names the statement the user wrote.
_STATEMENT = re.compile(r"^\s*(?:(?:--[^\n]*\n|/\*.*?\*/)\s*)*([A-Za-z]+)", re.S)
_READING = {"SELECT", "WITH", "VALUES", "EXPLAIN", "PRAGMA"}
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _statement_keyword(sql: str) -> str | None:
    m = _STATEMENT.match(sql)
    return m.group(1).upper() if m else None


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
    """The store opened for user SQL; ``run``/``stream`` execute one statement and report
    refusals in words.  ``timeout_s`` bounds the time SQLite spends on it (checked by the
    progress handler every few thousand VM steps, so a recursive query that never ends
    stops too); time spent writing the rows out does not count."""

    def __init__(self, database: str | Path):
        ensure_current_schema(Path(database))
        self.conn = connect(database, readonly=True)
        self._guard = _Guard()
        self.conn.set_authorizer(self._guard)
        self._deadline: float | None = None
        self._timed_out = False
        self._timeout_s: float | None = None
        # A Python callback every 10k VM steps checks the time limit and lets Ctrl-C stop a runaway query.
        self.conn.set_progress_handler(self._progress, 10_000)

    def _progress(self) -> int:
        if self._deadline is not None and time.monotonic() > self._deadline:
            self._timed_out = True
            return 1
        return 0

    def close(self) -> None:
        self.conn.close()

    def view(self, name: str, filters: dict | None = None, order: str = "1") -> Result:
        """Rows of view ``name`` whose columns equal the non-None ``filters``, in ``order`` (names from code only)."""
        given = {k: v for k, v in (filters or {}).items() if v is not None}
        for ident in (name, *given):
            if not _IDENTIFIER.match(ident):
                raise ValueError(f"not a plain SQL name: {ident!r}")
        where = f" WHERE {' AND '.join(f'{col} = :{col}' for col in given)}" if given else ""
        return self.run(f"SELECT * FROM {name}{where} ORDER BY {order}", given)

    def run(self, sql: str, params: tuple | dict = (), timeout_s: float | None = None) -> Result:
        columns, rows = self.stream(sql, params, timeout_s)
        return Result(columns, list(rows))

    def stream(self, sql: str, params: tuple | dict = (), timeout_s: float | None = None,
               batch: int = 1000) -> tuple[list[str], Iterator[tuple]]:
        """(columns, rows): rows are fetched ``batch`` at a time while the caller iterates."""
        self._guard.refused.clear()
        self._timeout_s = timeout_s
        budget = [timeout_s]
        cur = self._call(lambda: self.conn.execute(sql, params), sql, budget)
        columns = [d[0] for d in cur.description] if cur.description else []

        def rows():
            while True:
                chunk = self._call(lambda: cur.fetchmany(batch), sql, budget)
                if not chunk:
                    return
                for r in chunk:
                    yield tuple(r)
        return columns, rows()

    def _call(self, fn, sql: str, budget: list):
        start = time.monotonic()
        self._deadline = None if budget[0] is None else start + max(budget[0], 0.0)
        self._timed_out = False
        try:
            return fn()
        except sqlite3.ProgrammingError as exc:
            if "one statement" in str(exc):
                raise ReadOnlyError("only one SQL statement at a time (remove the ';' and what follows)") from None
            raise ReadOnlyError(f"SQL error: {exc}") from None
        except sqlite3.DatabaseError as exc:
            if "interrupted" in str(exc):
                if self._timed_out:
                    raise QueryTimeout(f"stopped: the query ran longer than its time limit of "
                                       f"{self._timeout_s:g} s (--timeout SECONDS or export.query_timeout_s "
                                       f"allows more)") from None
                raise KeyboardInterrupt from None
            keyword = _statement_keyword(sql)
            if self._guard.refused or "readonly" in str(exc) or "read-only" in str(exc):
                what = self._guard.refused[0] if self._guard.refused else None
                if keyword and keyword not in _READING and (what is None or (
                        what in ("ATTACH", "DETACH") and keyword not in ("ATTACH", "DETACH"))):
                    what = keyword   # VACUUM is refused through the ATTACH it does inside
                if what:
                    raise ReadOnlyError(f"refused: {what} is not allowed; "
                                        "the database is opened read-only (SELECT only)") from None
                raise ReadOnlyError("refused: the database is opened read-only (SELECT only)") from None
            raise ReadOnlyError(f"SQL error: {exc}") from None
        finally:
            if budget[0] is not None:
                budget[0] -= time.monotonic() - start
            self._deadline = None


def ensure_current_schema(database: Path) -> None:
    """A store made by an older miner lacks the newest views; apply the pending migrations
    once (the only write a reading command ever makes) before opening read-only."""
    if not database.exists():
        return  # connect(readonly=True) says what to do
    probe = connect(database, readonly=True)
    try:
        current = schema_version(probe)
        done = {r[0] for r in probe.execute("SELECT version FROM schema_migrations")} if current else set()
    finally:
        probe.close()
    if {v for v, _, _ in migrations()} <= done:   # every shipped migration, not just the newest number
        return
    try:
        connect(database).close()
    except (sqlite3.Error, StoreError) as exc:
        raise StoreError(f"{database}: schema version {current} is older than this miner and cannot be "
                         f"upgraded here ({exc}); run any miner command with write access to it first") from None
