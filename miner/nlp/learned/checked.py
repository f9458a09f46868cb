"""Reading the learned tagger's saved files: a JSON description plus a numpy ``.npz`` whose sha256 the
JSON records. The format number and the checksum are checked before numpy reads a byte of the arrays,
and arrays load with ``allow_pickle=False``: a file can be refused, never run."""
from __future__ import annotations

import hashlib
import io
import json
from functools import lru_cache
from pathlib import Path
from typing import Callable

import numpy as np


def read_checked(folder: Path, meta_name: str, blob_name: str, fmt: int, sha_key: str, what: str,
                 error: type[Exception]) -> tuple[dict, "np.lib.npyio.NpzFile"]:
    """(description, arrays) of ``folder``; ``error`` with a one-line reason naming ``what`` otherwise."""
    try:
        meta = json.loads((folder / meta_name).read_text(encoding="utf-8"))
        blob = (folder / blob_name).read_bytes()
    except (OSError, ValueError) as exc:
        raise error(f"{folder}: not a miner {what} ({exc})") from None
    if not isinstance(meta, dict) or meta.get("format") != fmt:
        found = meta.get("format") if isinstance(meta, dict) else None
        raise error(f"{folder}: {what} format {found!r}, this miner reads {fmt}")
    if hashlib.sha256(blob).hexdigest() != meta.get(sha_key):
        raise error(f"{folder}/{blob_name}: checksum differs from {meta_name} (damaged or replaced)")
    try:
        return meta, np.load(io.BytesIO(blob), allow_pickle=False)
    except ValueError as exc:
        raise error(f"{folder}/{blob_name}: unreadable ({exc})") from None


@lru_cache(maxsize=8)
def _loaded(loader: Callable, path: str, mtime: float):
    return loader(path)


def load_cached(loader: Callable, folder: str | Path, meta_name: str, error: type[Exception], missing: str):
    """``loader(folder)``, once per version of ``folder/meta_name`` (its mtime: a retrained or rebuilt
    file is read again); ``error`` with ``missing`` when there is no such file."""
    folder = Path(folder)
    try:
        mtime = (folder / meta_name).stat().st_mtime
    except OSError:
        raise error(f"{folder}: {missing}") from None
    return _loaded(loader, str(folder.resolve()), mtime)
