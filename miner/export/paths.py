"""Where exports go: inside ``store.outputs_dir`` unless the user names a file with -o."""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_name(name: str, default: str = "export") -> str:
    """A file name that is safe on every OS: ASCII letters, digits, '.', '_', '-'; no leading dot."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    cleaned = _UNSAFE.sub("_", folded).strip("._-")[:120]
    return cleaned or default


def output_file(cfg, name: str, explicit: Path | None = None) -> Path:
    """The path to write: ``explicit`` as given by the user, else ``outputs_dir/<safe name>``.

    A generated name never leaves outputs_dir (no separators, no '..' survive safe_name).
    """
    if explicit is not None:
        path = Path(explicit).expanduser()
        path.parent.mkdir(parents=True, exist_ok=True)
        return path
    outputs = Path(cfg["store"]["outputs_dir"])
    outputs.mkdir(parents=True, exist_ok=True)
    stem, dot, ext = name.rpartition(".")
    filename = f"{safe_name(stem)}.{safe_name(ext, 'out')}" if dot else safe_name(name)
    path = (outputs / filename).resolve()
    if path.parent != outputs.resolve():
        raise ValueError(f"refusing to write outside {outputs}: {name}")
    return path
