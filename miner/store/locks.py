"""Advisory file locks beside the store, for work two commands must not do at once.

The kernel releases a lock when its holder dies (even by SIGKILL), so a killed run never
leaves a stale lock behind.
"""
from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path

try:
    import fcntl
except ImportError:   # pragma: no cover - not POSIX
    fcntl = None


@contextmanager
def exclusive(data_dir: str | Path, name: str, on_wait=None):
    """Hold ``<data_dir>/.<name>.lock``; calls ``on_wait()`` once when another process holds it."""
    if fcntl is None:
        yield
        return
    path = Path(data_dir) / f".{name}.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if on_wait:
                on_wait()
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)   # releases the lock
