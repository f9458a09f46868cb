"""Datasette as `miner serve` runs it: ``python -m miner.export.datasette_main serve …``.

Registers one in-process plugin before Datasette's command line starts: every SQLite
connection Datasette opens gets a cap on the length of one text or blob value
(``SQLITE_LIMIT_LENGTH``, from ``MINER_SERVE_MAX_CELL_BYTES``) and on the number of result
columns, so a single GET such as ``select zeroblob(300000000)`` is refused by SQLite
("string or blob too big") instead of being built, base64-encoded and sent.  Datasette's
own ``max_returned_rows``, ``sql_time_limit_ms`` and ``max_csv_mb`` bound the rest.

CSV that Datasette streams gets the same formula protection as `miner query` and the tidy
export (a leading ``'`` before ``= + - @``), unless ``MINER_SERVE_KEEP_FORMULAS=1``
(`miner serve --keep-formulas`).  Datasette 0.65 has no hook for CSV cells, so its CSV view's
``csv.writer`` is wrapped (datasette is pinned below 1.0; tests/test_serve.py checks it).
"""
from __future__ import annotations

import os
import sqlite3
import sys

from datasette import hookimpl

MAX_COLUMNS = 200


@hookimpl
def prepare_connection(conn):
    limit = int(os.environ.get("MINER_SERVE_MAX_CELL_BYTES", str(1024 * 1024)))
    conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, limit)
    conn.setlimit(sqlite3.SQLITE_LIMIT_COLUMN, MAX_COLUMNS)


class _FormulaSafeWriter:
    def __init__(self, writer):
        self._writer = writer

    def writerow(self, row):
        from miner.export.formats import spreadsheet_safe
        return self._writer.writerow([spreadsheet_safe(v) for v in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


class _FormulaSafeCsv:
    """The ``csv`` module as Datasette's CSV view sees it, with formula-safe writers."""

    def __getattr__(self, name):
        import csv
        return getattr(csv, name)

    @staticmethod
    def writer(*args, **kwargs):
        import csv
        return _FormulaSafeWriter(csv.writer(*args, **kwargs))


def _protect_csv() -> None:
    from datasette.views import base
    base.csv = _FormulaSafeCsv()


def _limit_memory() -> None:
    """Cap the address space (MINER_SERVE_MAX_MEMORY_MB): a request that builds a huge response
    from many moderate cells fails with MemoryError (HTTP 500) instead of taking the machine."""
    mb = int(os.environ.get("MINER_SERVE_MAX_MEMORY_MB", "0"))
    if mb <= 0:
        return
    try:
        import resource
        resource.setrlimit(resource.RLIMIT_AS, (mb * 1024 * 1024, mb * 1024 * 1024))
    except (ImportError, ValueError, OSError):
        pass


def main() -> None:
    _limit_memory()
    from miner.lifecycle import die_with_parent
    die_with_parent(int(os.environ["MINER_SERVE_PARENT"])) if os.environ.get("MINER_SERVE_PARENT") else None
    from datasette.cli import cli
    from datasette.plugins import pm
    pm.register(sys.modules[__name__], name="miner-limits")
    if os.environ.get("MINER_SERVE_KEEP_FORMULAS") != "1":
        _protect_csv()
    cli(prog_name="datasette")


if __name__ == "__main__":
    main()
