"""Runs: one row per command that changes the store, with its summary.

A run records the process that owns it (host, pid and the process's start time).  The
next command that starts a run marks every 'running' row whose process is gone as
'died', keeping the progress it had written (``progress``), so `miner status` can say
what was interrupted and which command finishes the job.
"""
from __future__ import annotations

import json
import os
import socket
import sqlite3
import time
from contextlib import contextmanager

from miner.store.db import utcnow


def _proc_start(pid: int) -> str:
    """The process's start time in clock ticks since boot ('' when unknown: not Linux)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            stat = f.read().decode("ascii", "replace")
    except OSError:
        return ""
    # the command name (field 2) may contain spaces and parentheses: split after the last ')'
    fields = stat[stat.rfind(")") + 2:].split()
    return fields[19] if len(fields) > 19 else ""


def _alive(pid: int | None, pid_start: str | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass   # exists, owned by someone else
    if pid_start:
        now = _proc_start(pid)
        if now and now != pid_start:
            return False   # the pid was reused by another process
    return True


def mark_dead(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    """Mark 'running' rows of this host whose process is gone as 'died'; returns them."""
    host = socket.gethostname()
    rows = conn.execute("SELECT * FROM runs WHERE status = 'running'").fetchall()
    dead = [r for r in rows if (r["host"] in (None, host)) and not _alive(r["pid"], r["pid_start"])]
    for r in dead:
        summary = json.loads(r["summary"] or "{}")
        summary["died"] = f"the process ({r['pid'] or 'unknown'}) ended without finishing; noticed {utcnow()}"
        conn.execute("UPDATE runs SET status = 'died', finished_at = ?, summary = ? WHERE id = ? AND status = 'running'",
                     (utcnow(), json.dumps(summary, ensure_ascii=False, default=str), r["id"]))
    return dead


def start(conn: sqlite3.Connection, command: str) -> int:
    mark_dead(conn)
    pid = os.getpid()
    return conn.execute("INSERT INTO runs(command, started_at, host, pid, pid_start) VALUES (?, ?, ?, ?, ?)",
                        (command, utcnow(), socket.gethostname(), pid, _proc_start(pid))).lastrowid


def progress(conn: sqlite3.Connection, run_id: int, summary: dict) -> None:
    """Record how far a running run got (kept when it dies)."""
    conn.execute("UPDATE runs SET summary = ? WHERE id = ? AND status = 'running'",
                 (json.dumps(summary, ensure_ascii=False, default=str), run_id))


def finish(conn: sqlite3.Connection, run_id: int, status: str, summary: dict) -> None:
    conn.execute("UPDATE runs SET finished_at = ?, status = ?, summary = ? WHERE id = ?",
                 (utcnow(), status, json.dumps(summary, ensure_ascii=False, default=str), run_id))


def last(conn: sqlite3.Connection, command: str | None = None) -> sqlite3.Row | None:
    if command:
        return conn.execute("SELECT * FROM runs WHERE command = ? ORDER BY id DESC LIMIT 1", (command,)).fetchone()
    return conn.execute("SELECT * FROM runs ORDER BY id DESC LIMIT 1").fetchone()


def throughput(summary: dict | str | None) -> list[tuple[str, dict]]:
    """(stage, throughput) pairs a run's summary holds (``throughput`` dicts at any depth,
    named by the key above them: extraction, tag …)."""
    if isinstance(summary, str):
        try:
            summary = json.loads(summary)
        except ValueError:
            return []
    out: list[tuple[str, dict]] = []

    def walk(node, name):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "throughput" and isinstance(value, dict) and "wall_s" in value:
                    out.append((name, value))
                else:
                    walk(value, key)
    walk(summary, "")
    return out


def last_throughput(conn: sqlite3.Connection) -> tuple[sqlite3.Row, list[tuple[str, dict]]] | None:
    """The latest finished run that measured its throughput, with what it measured."""
    for row in conn.execute("SELECT * FROM runs WHERE status IN ('ok', 'failed') AND summary LIKE '%\"wall_s\"%' "
                            "ORDER BY id DESC LIMIT 20"):
        found = throughput(row["summary"])
        if found:
            return row, found
    return None


def unfinished(conn: sqlite3.Connection, command: str | None = None) -> list[sqlite3.Row]:
    """Runs that died or were interrupted and were not followed by a finished run of the same
    command: their work is still to be completed."""
    sql = ("SELECT r.* FROM runs r WHERE r.status IN ('died', 'interrupted', 'running') AND NOT EXISTS ("
           "SELECT 1 FROM runs later WHERE later.command = r.command AND later.id > r.id "
           "AND later.status IN ('ok', 'failed'))")
    args: tuple = ()
    if command:
        sql += " AND r.command = ?"
        args = (command,)
    return conn.execute(sql + " ORDER BY r.id", args).fetchall()


class Run:
    """A started run: ``progress`` writes at most every ``every_s`` seconds."""

    def __init__(self, conn, run_id: int, every_s: float = 2.0):
        self.conn, self.id, self.every_s = conn, run_id, every_s
        self.summary: dict = {}
        self._last = 0.0

    def progress(self, summary: dict | None = None, force: bool = False) -> None:
        if summary is not None:
            self.summary = summary
        now = time.monotonic()
        if force or now - self._last >= self.every_s:
            self._last = now
            progress(self.conn, self.id, self.summary)


@contextmanager
def tracked(conn: sqlite3.Connection, command: str):
    """``with tracked(conn, "add") as run:`` — the row is 'interrupted' (with the progress so
    far) when the block ends by Ctrl-C/SIGTERM or an error; the caller finishes it otherwise."""
    run = Run(conn, start(conn, command))
    try:
        yield run
    except BaseException as exc:
        summary = dict(run.summary)
        if not isinstance(exc, KeyboardInterrupt):
            summary["error"] = f"{type(exc).__name__}: {exc}"
        try:
            finish(conn, run.id, "interrupted" if isinstance(exc, KeyboardInterrupt) else "failed", summary)
        except sqlite3.Error:
            pass
        raise
