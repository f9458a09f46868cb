"""Content-addressed raw files under ``<data_dir>/raw/ab/cd/<sha256>``."""
from __future__ import annotations

import hashlib
import os
import sqlite3
import tempfile
from pathlib import Path

from miner.store.db import utcnow

CHUNK = 1 << 20


def sha256_file(path: Path) -> tuple[str, int]:
    h = hashlib.sha256()
    size = 0
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            h.update(chunk)
            size += len(chunk)
    return h.hexdigest(), size


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def raw_relpath(sha: str) -> str:
    return f"raw/{sha[:2]}/{sha[2:4]}/{sha}"


def raw_path(data_dir: Path, sha: str) -> Path:
    return Path(data_dir) / raw_relpath(sha)


def _atomic_place(data_dir: Path, sha: str, write) -> Path:
    dest = raw_path(data_dir, sha)
    if dest.exists():
        return dest
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as out:
            write(out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, dest)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return dest


def put_bytes(conn: sqlite3.Connection, data_dir: Path, data: bytes, mime: str | None = None) -> str:
    """Store bytes once; returns their sha256."""
    sha = sha256_bytes(data)
    _atomic_place(data_dir, sha, lambda out: out.write(data))
    _record(conn, sha, len(data), mime)
    return sha


def put_file(conn: sqlite3.Connection, data_dir: Path, path: Path, sha: str | None = None,
             mime: str | None = None) -> str:
    """Copy a local file into the store once (streamed); returns its sha256."""
    if sha is None:
        sha, _ = sha256_file(path)

    def copy(out):
        with open(path, "rb") as fh:
            while chunk := fh.read(CHUNK):
                out.write(chunk)
    _atomic_place(data_dir, sha, copy)
    _record(conn, sha, Path(path).stat().st_size, mime)
    return sha


def _record(conn: sqlite3.Connection, sha: str, size: int, mime: str | None) -> None:
    conn.execute("INSERT OR IGNORE INTO files(sha256, size, path, mime, first_seen) VALUES (?,?,?,?,?)",
                 (sha, size, raw_relpath(sha), mime, utcnow()))
