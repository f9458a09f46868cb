"""The tagging task a worker runs (local pool, Dask, or this process with one worker).

A worker builds the tagging pipeline once and keeps it while the key stays the same (the
tagger hash, the ``[nlp]`` settings and the Kamervraag person names), so the model loads
once per worker process, not once per task.  The task gets the documents' texts and pages
and returns a ``TagResult`` per document; it never touches the store.
"""
from __future__ import annotations

import hashlib
import json
import threading

_CACHE: dict = {}   # key → tagging pipeline (one entry: a new key replaces it)
_LOCK = threading.Lock()   # a Dask worker with several threads builds it once


def pipeline_key(cfg, tagger_hash: str, persons: list[str]) -> str:
    what = [tagger_hash, sorted(persons), cfg["nlp"], str(cfg["store"]["models_dir"])]
    return hashlib.sha256(json.dumps(what, sort_keys=True, default=str).encode()).hexdigest()[:16]


def pipeline_for(cfg, key: str, persons: list[str]):
    with _LOCK:
        return _pipeline_for(cfg, key, persons)


def _pipeline_for(cfg, key: str, persons: list[str]):
    nlp = _CACHE.get(key)
    if nlp is None:
        from miner.nlp.tagging import pipeline
        _CACHE.clear()
        nlp = pipeline.build(cfg, fresh=True)   # person names of an earlier key must not linger
        nlp.get_pipe("miner_entities").tagger.add_persons(persons, "kamervraag-metadata")
        _CACHE[key] = nlp
    return nlp


def tag_task(cfg, key: str, persons: list[str], batch_size: int, items: list[tuple[int, str, list]]):
    """[(doc id, TagResult)] for ``items`` = [(doc id, text, pages)], in the given order."""
    from miner.nlp.tagging.pipeline import tag_records
    nlp = pipeline_for(cfg, key, persons)
    results = tag_records(nlp, (text for _, text, _ in items), batch_size=batch_size,
                          pages=(pages for _, _, pages in items))
    return [(doc_id, res) for (doc_id, _, _), res in zip(items, results)]
