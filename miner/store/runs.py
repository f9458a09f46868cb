"""Runs: one row per command that changes the store, with its summary."""
from __future__ import annotations

import json
import sqlite3

from miner.store.db import utcnow


def start(conn: sqlite3.Connection, command: str) -> int:
    return conn.execute("INSERT INTO runs(command, started_at) VALUES (?, ?)", (command, utcnow())).lastrowid


def finish(conn: sqlite3.Connection, run_id: int, status: str, summary: dict) -> None:
    conn.execute("UPDATE runs SET finished_at = ?, status = ?, summary = ? WHERE id = ?",
                 (utcnow(), status, json.dumps(summary, ensure_ascii=False, default=str), run_id))


def last(conn: sqlite3.Connection, command: str | None = None) -> sqlite3.Row | None:
    if command:
        return conn.execute("SELECT * FROM runs WHERE command = ? ORDER BY id DESC LIMIT 1", (command,)).fetchone()
    return conn.execute("SELECT * FROM runs ORDER BY id DESC LIMIT 1").fetchone()
