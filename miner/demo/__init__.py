"""`miner demo`: the whole chain on any machine, offline.

A loopback mirror of the sources (:mod:`miner.demo.corpus`, served by :mod:`miner.demo.server`) serves a
bundled corpus of invented Kamervragen and publications in the real formats; the real ``refresh`` runs
against it into a store of its own (``<data_dir>/demo/``), then the gap map and the evidence report are
exported there.  The mirror's ports are remembered (``mirror.json``), so a second run asks the same URLs
and is a no-op refresh (conditional requests, 304s).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from miner import atomic
from miner import config as config_mod
from miner.demo.corpus import Mirror

PORTS_FILE = "mirror.json"
CONFIG_FILE = "config.toml"


def demo_dir_of(cfg) -> Path:
    """``<store.data_dir>/demo``: never the user's own store."""
    return Path(cfg.data_dir) / "demo"


def _toml_value(value) -> str:
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_toml_value(v)}" for k, v in value.items()) + " }"
    return json.dumps(value, ensure_ascii=False)


def demo_config_text(mirror: Mirror, tagger_model: str | None = None) -> str:
    """The demo store's config.toml: everything under the demo folder, sources on the mirror; the
    tagger the user's config uses (the shipped learned model) tags the demo too."""
    lines = [
        "# Written by `miner demo`: the demo store, separate from your own. Sources point at the loopback mirror.",
        "[store]", 'data_dir = "."', 'database = "miner.sqlite"', 'outputs_dir = "outputs"', 'models_dir = "models"', "",
        "[extract]", "workers = 1", "ocr = false", "",
        "[crawl]", 'contact = "miner demo (loopback mirror)"', "delay_s = 0", "retries = 1", "backoff_s = 0.1",
        "read_timeout_s = 10", "",
        "[topics]", 'labels_file = "models/topic_labels.toml"', "",
        "[export]", 'map_title = "Evidence gap map: demo corpus (invented documents)"', "",
    ]
    if tagger_model:
        lines += ["[nlp]", f"tagger_model = {_toml_value(tagger_model)}", ""]
    for name, table in mirror.sources().items():
        lines.append(f"[crawl.sources.{name}]")
        lines.extend(f"{k} = {_toml_value(v)}" for k, v in table.items())
        lines.append("")
    return "\n".join(lines)


@dataclass
class DemoResult:
    demo_dir: Path
    config_path: Path
    report: object = None                         # miner.pipeline.refresh.RefreshReport
    exports: list[tuple[str, str, list[Path]]] = field(default_factory=list)   # (kind, note, paths)
    export_errors: dict[str, str] = field(default_factory=dict)


def _wanted_ports(demo_dir: Path) -> dict[str, int]:
    try:
        data = json.loads((demo_dir / PORTS_FILE).read_text(encoding="utf-8"))
        return {k: int(v) for k, v in data.items() if isinstance(v, int) and 1024 <= v <= 65535}
    except (OSError, ValueError, AttributeError):
        return {}


def run(cfg, *, demo_dir: Path | None = None, progress: bool = False, on_mirror=None, echo=None) -> DemoResult:
    """Start the mirror, refresh the demo store against it, export map + report, stop the mirror.
    ``on_mirror(mirror)`` is called once the mirror runs (tests use it to look at the requests)."""
    from miner.export.run import export as run_export
    from miner.pipeline.refresh import refresh

    demo_dir = Path(demo_dir or demo_dir_of(cfg)).resolve()
    demo_dir.mkdir(parents=True, exist_ok=True)
    result = DemoResult(demo_dir, demo_dir / CONFIG_FILE)
    mirror = Mirror(_wanted_ports(demo_dir))
    with mirror:
        if on_mirror is not None:
            on_mirror(mirror)
        from miner.nlp.tagging.pipeline import learned_settings
        learned = learned_settings(cfg, checkout_fallback=True)   # the shipped model, wherever miner is run from
        text = demo_config_text(mirror, learned["model"] if learned else None)
        if not result.config_path.exists() or result.config_path.read_text(encoding="utf-8") != text:
            atomic.write_text(result.config_path, text)
        atomic.write_text(demo_dir / PORTS_FILE, json.dumps(mirror.ports, indent=1) + "\n")
        demo_cfg = config_mod.load(result.config_path)
        result.report = refresh(demo_cfg, progress=progress)
    if echo is not None:
        echo("mirror stopped; exporting the gap map and the evidence report …")
    for kind in ("map", "report"):
        try:
            written = run_export(demo_cfg, kind)
            result.exports.append((kind, written.note, list(written.paths)))
        except Exception as exc:   # an export's failure is reported with the others; the store is kept
            result.export_errors[kind] = f"{type(exc).__name__}: {exc}"
    return result


__all__ = ["Mirror", "run", "DemoResult", "demo_dir_of", "demo_config_text"]
