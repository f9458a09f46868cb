"""Atomic file output: every file miner writes appears whole under its final name or not at all.

    with atomic_path(dest) as tmp:      # a temp path in dest's folder, same suffix
        figure.savefig(tmp)             # any writer that takes a path
    with atomic_open(dest, "w") as f:   # a file object
        json.dump(data, f)

The temporary file lives in the destination folder (so the rename cannot cross file
systems), is flushed and fsync'ed, and is renamed over ``dest`` only when the block ends
without an exception; otherwise it is removed and the previous ``dest`` stays as it was.
"""
from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Iterator


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@contextmanager
def atomic_path(dest: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``dest`` (same suffix, so writers that pick a format by
    suffix still work); rename it into place when the block succeeds."""
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.stem}.", suffix=f".tmp{dest.suffix}")
    os.close(fd)
    tmp = Path(name)
    os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; a written file gets the usual mode
    try:
        yield tmp
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(tmp, dest)
        _fsync_dir(dest.parent)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


@contextmanager
def atomic_open(dest: str | Path, mode: str = "w", encoding: str | None = "utf-8", newline: str | None = None) -> Iterator[IO]:
    """``open()`` for writing, atomically.  ``mode`` is "w" or "wb"."""
    if mode not in ("w", "wb"):
        raise ValueError(f"atomic_open writes only ('w' or 'wb'), not {mode!r}")
    with atomic_path(dest) as tmp:
        if "b" in mode:
            f = open(tmp, mode)
        else:
            f = open(tmp, mode, encoding=encoding, newline=newline)
        with f:
            yield f
            f.flush()


def write_text(dest: str | Path, text: str, encoding: str = "utf-8") -> None:
    with atomic_open(dest, "w", encoding=encoding) as f:
        f.write(text)


def write_bytes(dest: str | Path, data: bytes) -> None:
    with atomic_open(dest, "wb") as f:
        f.write(data)
