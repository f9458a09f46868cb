"""Datasette as `miner serve` runs it: ``python -m miner.export.datasette_main serve …``.

Registers one in-process plugin before Datasette's command line starts: every SQLite
connection Datasette opens gets a cap on the length of one text or blob value
(``SQLITE_LIMIT_LENGTH``, from ``MINER_SERVE_MAX_CELL_BYTES``) and on the number of result
columns, so a single GET such as ``select zeroblob(300000000)`` is refused by SQLite
("string or blob too big") instead of being built, base64-encoded and sent.  Datasette's
own ``max_returned_rows``, ``sql_time_limit_ms`` and ``max_csv_mb`` bound the rest.
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


def main() -> None:
    from miner.lifecycle import die_with_parent
    die_with_parent(int(os.environ["MINER_SERVE_PARENT"])) if os.environ.get("MINER_SERVE_PARENT") else None
    from datasette.cli import cli
    from datasette.plugins import pm
    pm.register(sys.modules[__name__], name="miner-limits")
    cli(prog_name="datasette")


if __name__ == "__main__":
    main()
