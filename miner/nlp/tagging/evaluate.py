"""Tag gold documents and score them (``miner eval``, scripts/eval_dev.py)."""
from __future__ import annotations

from miner.nlp.tagging.pipeline import tag_records
from miner.nlp.tagging.scoring import score


def predict(nlp, gold_docs: list[dict], batch_size: int = 32, progress=None) -> dict[str, list[dict]]:
    out = {}
    results = tag_records(nlp, (d["text"] for d in gold_docs), batch_size=batch_size)
    for gold, res in zip(gold_docs, results):
        out[gold["id"]] = res.records
        if progress is not None:
            progress.update(1)
    return out


def evaluate(nlp, gold_docs: list[dict], batch_size: int = 32, progress=None) -> tuple[dict, dict]:
    predictions = predict(nlp, gold_docs, batch_size, progress)
    return score(gold_docs, predictions), predictions
