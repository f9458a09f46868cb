"""The stages `miner refresh` runs after crawling and extraction, in order.

Each entry is (name, "module:function"); the function is called as
``run(cfg, conn, progress=bool) -> dict`` and returns a summary for the run log.
Stages read what they need from the store and write their results back to it.

One contract for failure: a stage that cannot do its job raises (any Exception, with a
message for a person).  It never returns a 'failed' status instead: `run_stage` turns the
exception into the stage's error, which `miner refresh` shows in its summary, its run row
('failed') and its exit status (1).  A stage with nothing to do returns a summary with
status 'skipped' and the reason; that is not a failure.
"""
from __future__ import annotations

import importlib
from miner import lifecycle

POST_EXTRACTION_STAGES = [
    ("duplicates", "miner.extract.duplicates:run"),
    ("tag", "miner.nlp.stage:run"),
    ("topics", "miner.topics.stage:run"),
    ("gaps", "miner.gaps.stage:run"),
]


def resolve(spec: str):
    module, func = spec.split(":")
    return getattr(importlib.import_module(module), func)


def run_stage(name: str, spec: str, cfg, conn, progress: bool = False) -> tuple[dict, str | None]:
    """Run one stage: (summary, None) or ({}, reason).  Ctrl-C/SIGTERM are not failures: they stop the run."""
    try:
        summary = resolve(spec)(cfg, conn, progress=progress) or {}
    except Exception as exc:
        lifecycle.raise_if_interrupted()
        return {}, f"{type(exc).__name__}: {exc}"
    if summary.get("status") == "failed":   # a stage outside this package breaking the contract
        return summary, str(summary.get("reason", "failed"))
    return summary, None
