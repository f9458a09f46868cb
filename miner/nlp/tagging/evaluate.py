"""Tag gold documents and score them (``miner eval``, scripts/eval_dev.py)."""
from __future__ import annotations

from miner.nlp.tagging.annotation import to_records
from miner.nlp.tagging.pipeline import tag
from miner.nlp.tagging.scoring import score


def predict(nlp, gold_docs: list[dict], batch_size: int = 32, progress=None) -> dict[str, list[dict]]:
    out = {}
    docs = tag(nlp, (d["text"] for d in gold_docs), batch_size=batch_size)
    for gold, doc in zip(gold_docs, docs):
        out[gold["id"]] = to_records(doc)
        if progress is not None:
            progress.update(1)
    return out


def evaluate(nlp, gold_docs: list[dict], batch_size: int = 32, progress=None) -> tuple[dict, dict]:
    predictions = predict(nlp, gold_docs, batch_size, progress)
    return score(gold_docs, predictions), predictions
