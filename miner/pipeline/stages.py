"""The stages `miner refresh` runs after crawling and extraction, in order.

Each entry is (name, "module:function"); the function is called as
``run(cfg, conn, progress=bool) -> dict`` and returns a summary for the run log.
Stages read what they need from the store and write their results back to it.
"""
from __future__ import annotations

import importlib

POST_EXTRACTION_STAGES = [
    ("duplicates", "miner.extract.duplicates:run"),
    ("tag", "miner.nlp.stage:run"),
    ("topics", "miner.topics.stage:run"),
    ("gaps", "miner.gaps.stage:run"),
]


def resolve(spec: str):
    module, func = spec.split(":")
    return getattr(importlib.import_module(module), func)
