"""The one place every stage gets its Dutch spaCy pipeline from.

``nlp.pipeline`` in config: "auto" prefers an installed ``nl_core_news_sm`` and
falls back to the pipeline shipped in ``models/nl_miner``; any other value is a
package name or a path.
"""
from __future__ import annotations

import importlib.util
from functools import lru_cache
from pathlib import Path

SHIPPED_NAME = "nl_miner"
OFFICIAL_NAME = "nl_core_news_sm"
# The checkout's own models/ folder: found even when a config elsewhere points models_dir at an empty folder.
CHECKOUT_MODELS = Path(__file__).resolve().parents[2] / "models"


class PipelineUnavailable(Exception):
    pass


def resolve_pipeline(cfg) -> tuple[str, str]:
    """(what to load: package name or path, a human description)."""
    wanted = cfg["nlp"]["pipeline"]
    shipped = Path(cfg["store"]["models_dir"]) / SHIPPED_NAME
    if wanted == "auto":
        if importlib.util.find_spec(OFFICIAL_NAME) is not None:
            return OFFICIAL_NAME, f"{OFFICIAL_NAME} (installed package)"
        for folder in (shipped, CHECKOUT_MODELS / SHIPPED_NAME):
            if (folder / "config.cfg").exists():
                return str(folder), f"{SHIPPED_NAME} (shipped, {folder})"
        raise PipelineUnavailable(
            f"no Dutch pipeline found: {OFFICIAL_NAME} is not installed and {shipped} does not exist. "
            f"Restore models/{SHIPPED_NAME} from a clean checkout, train it with `miner nlp train`, "
            f"or set nlp.pipeline in config.toml to an installed package or a pipeline folder.")
    path = Path(wanted)
    if not path.is_absolute():
        path = cfg.root / path
    if (path / "config.cfg").exists():
        return str(path), f"{path.name} ({path})"
    if importlib.util.find_spec(wanted) is not None:
        return wanted, f"{wanted} (installed package)"
    raise PipelineUnavailable(f"nlp.pipeline = {wanted!r}: neither an installed spaCy package nor a folder "
                              f"with a config.cfg (looked at {path})")


def describe_pipeline(cfg) -> str:
    try:
        return resolve_pipeline(cfg)[1]
    except PipelineUnavailable as exc:
        return f"none: {exc}"


@lru_cache(maxsize=4)
def _load(target: str, exclude: tuple[str, ...]):
    import spacy
    import miner.nlp.components  # noqa: F401  registers the factories the shipped pipeline names
    return spacy.load(target, exclude=list(exclude))


def load_pipeline(cfg, exclude: tuple[str, ...] = ()):
    """The configured pipeline (cached per process)."""
    target, _ = resolve_pipeline(cfg)
    return _load(target, tuple(exclude))
