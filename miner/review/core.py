"""What the review page and the review sheet share: the queue, one sentence with its context
and suggestions, and validated decisions.  SQL lives in ``miner/store/reviews.py``."""
from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass

from miner.store import reviews as store

QUEUE_MODES = ("uncertain", "label", "document", "source", "random")
_SENT_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[\"'‘“(A-Z0-9À-Ý•-])|\n\s*\n")


class ReviewError(Exception):
    """A decision or a queue that cannot be taken, phrased for a person (one line)."""


@dataclass(frozen=True)
class Queue:
    mode: str
    arg: str | None = None

    @classmethod
    def parse(cls, spec: str | None) -> "Queue":
        spec = (spec or "uncertain").strip()
        mode, _, arg = spec.partition(":")
        if mode not in QUEUE_MODES:
            raise ReviewError(f"unknown queue {spec!r}: use uncertain, label:ID, document:KEY, source:NAME or random")
        if mode in ("label", "document", "source") and not arg:
            raise ReviewError(f"queue {mode} needs a value, e.g. {mode}:{'religie' if mode == 'label' else 'X'}")
        if mode in ("uncertain", "random") and arg:
            raise ReviewError(f"queue {mode} takes no value (got {spec!r})")
        return cls(mode, arg or None)

    def __str__(self) -> str:
        return f"{self.mode}:{self.arg}" if self.arg else self.mode


class Taxonomy:
    """The label ids a reviewer may choose, per layer, from the tagger's taxonomy file."""

    def __init__(self, cfg):
        from miner.nlp.tagging import taxonomy as tx
        t = tx.load(tx.resolve_path(cfg))
        self.layers = list(cfg["review"]["layers"])
        self.labels = {layer: (["recommendation"] if layer == "recommendation" else t.labels(layer))
                       for layer in self.layers}
        self.actors = t.labels("actor")

    def check(self, layer: str, label: str, actor: list[str] | None = None) -> None:
        if layer not in self.labels:
            raise ReviewError(f"layer {layer!r} is not reviewed (review.layers: {', '.join(self.layers)})")
        if label not in self.labels[layer]:
            raise ReviewError(f"unknown {layer} label {label!r} (taxonomy: {', '.join(self.labels[layer])})")
        for a in actor or []:
            if a not in self.actors:
                raise ReviewError(f"unknown actor {a!r} (taxonomy: {', '.join(self.actors)})")
        if actor and layer != "recommendation":
            raise ReviewError("an actor belongs to a recommendation only")

    def as_dict(self) -> dict:
        return {"layers": self.layers, "labels": self.labels, "actors": self.actors}


def candidates(conn, cfg, queue: Queue) -> list[dict]:
    """Every sentence of a queue, in queue order, reviewed or not (what only re-tagging changes)."""
    layers = list(cfg["review"]["layers"])
    kw = {queue.mode: queue.arg} if queue.mode in ("label", "document", "source") else {}
    threshold = cfg["review"]["threshold"]
    items = []
    tagged: dict[int, list[tuple[int, int]]] = {}
    for r in store.sentences(conn, layers, **kw):
        tagged.setdefault(r["document_id"], []).append((r["sentence_start"], r["sentence_end"]))
        items.append({"document_id": r["document_id"], "doc_key": r["doc_key"], "source": r["source"],
                      "sentence_start": r["sentence_start"], "sentence_end": r["sentence_end"],
                      "sentence": r["sentence"], "sentence_hash": store.sentence_hash(r["sentence"]),
                      "uncertainty": min(abs(c - threshold) for c in json.loads(r["confidences"]))})
    if queue.mode in ("random", "document", "source"):
        # sentences where the model found nothing: what it missed is only seen there (and a random
        # sample for agreement must not be drawn from the model's hits alone)
        items += _untagged(conn, queue, tagged)
    if queue.mode == "uncertain":
        items.sort(key=lambda i: (i["uncertainty"], i["document_id"], i["sentence_start"]))
    elif queue.mode == "random":
        items.sort(key=lambda i: (i["document_id"], i["sentence_start"]))
        random.Random(cfg["review"]["seed"]).shuffle(items)  # the same order every time: a stable sample
    else:
        items.sort(key=lambda i: (i["document_id"], i["sentence_start"]))
    return items


def candidates_version(conn) -> tuple:
    """Changes whenever a queue's candidates may have changed (a document was tagged or re-tagged)."""
    return store.candidates_version(conn)


def build_queue(conn, cfg, queue: Queue, reviewer: str | None = None, limit: int | None = None,
                include_reviewed: bool = False, all_items: list[dict] | None = None) -> list[dict]:
    """Sentences to review, in queue order, without those already reviewed (by ``reviewer``,
    or by anyone when no reviewer is given).  ``all_items``: the queue's candidates, if known."""
    items = candidates(conn, cfg, queue) if all_items is None else all_items
    if not include_reviewed:
        done = store.reviewed_sentence_keys(conn, reviewer)
        items = [i for i in items
                 if (i["doc_key"], i["sentence_start"], i["sentence_end"], i["sentence_hash"]) not in done]
    return items[:limit] if limit else items


_MIN_SENTENCE = 20  # characters: shorter pieces (numbers, list bullets) are no sentence to review


def split_sentences(text: str, offset: int = 0) -> list[tuple[int, int, str]]:
    """A simple sentence split of a passage, as absolute spans (for sentences the tagger left alone)."""
    out, pos = [], 0
    for m in list(_SENT_SPLIT.finditer(text)) + [None]:
        end = m.start() if m else len(text)
        piece = text[pos:end]
        lead = len(piece) - len(piece.lstrip())
        s = piece.strip()
        if len(s) >= _MIN_SENTENCE:
            out.append((offset + pos + lead, offset + pos + lead + len(s), s))
        pos = m.end() if m else len(text)
    return out


def _untagged(conn, queue: Queue, tagged: dict) -> list[dict]:
    kw = {queue.mode: queue.arg} if queue.mode in ("document", "source") else {}
    out = []
    for p in store.passages(conn, **kw):
        spans = tagged.get(p["document_id"], [])
        for start, end, s in split_sentences(p["text"], p["char_start"]):
            if any(a < end and start < b for a, b in spans):
                continue
            h = store.sentence_hash(s)
            out.append({"document_id": p["document_id"], "doc_key": p["doc_key"], "source": p["source"],
                        "sentence_start": start, "sentence_end": end, "sentence": s, "sentence_hash": h,
                        "uncertainty": None})
    return out


def context(text: str, start: int, end: int, n: int) -> tuple[str, str]:
    """Up to ``n`` sentences before and after the span (a simple split: the context is for reading)."""
    if n == 0:
        return "", ""
    before = [s for s in _SENT_SPLIT.split(text[max(0, start - 1500):start]) if s and s.strip()]
    after = [s for s in _SENT_SPLIT.split(text[end:end + 1500]) if s and s.strip()]
    if start > 1500 and before:
        before = before[1:]  # a cut sentence
    if end + 1500 < len(text) and after:
        after = after[:-1]
    return " ".join(s.strip() for s in before[-n:]), " ".join(s.strip() for s in after[:n])


def safe_url(url: str | None) -> str | None:
    return url if url and re.match(r"^https?://", url, re.I) else None


def item(conn, cfg, doc_key: str, start: int, end: int, reviewer: str | None = None) -> dict:
    """One sentence as the reviewer sees it: context, title, page, link, the model's labels per layer
    (confidence, cue offsets inside the sentence) and the reviewer's current decisions."""
    doc = store.document_by_key(conn, doc_key)
    if doc is None or doc["text"] is None:
        raise ReviewError(f"document {doc_key} is not in the store")
    layers = list(cfg["review"]["layers"])
    text = doc["text"]
    sentence = text[start:end]
    before, after = context(text, start, end, cfg["review"]["context_sentences"])
    suggestions: dict[str, dict] = {}
    for a in store.annotations_in(conn, doc["id"], start, end, layers):
        s = suggestions.setdefault(f"{a['layer']}:{a['label']}", {
            "layer": a["layer"], "label": a["label"], "confidence": None, "cues": [], "actor": []})
        if a["confidence"] is not None:
            s["confidence"] = max(s["confidence"] or 0.0, a["confidence"])
        s["cues"].append([a["char_start"] - start, a["char_end"] - start])
        s["actor"] = sorted(set(s["actor"]) | set(json.loads(a["actor"] or "[]")))
    decisions = {}
    if reviewer:
        h = store.sentence_hash(sentence)
        for r in store.latest_per_reviewer(conn, reviewer, doc_key):
            if r["sentence_start"] == start and r["sentence_end"] == end and r["sentence_hash"] == h:
                decisions[f"{r['layer']}:{r['label']}"] = {"id": r["id"], "decision": r["decision"],
                                                           "actor": json.loads(r["actor"]), "note": r["note"]}
    return {"doc_key": doc_key, "document_id": doc["id"], "title": doc["title"] or doc_key,
            "url": safe_url(doc["url"]), "source": doc["source"], "page": store.page_of(conn, doc["id"], start),
            "sentence_start": start, "sentence_end": end, "sentence": sentence,
            "sentence_hash": store.sentence_hash(sentence), "before": before, "after": after,
            "suggestions": sorted(suggestions.values(), key=lambda s: (layers.index(s["layer"]), s["label"])),
            "decisions": decisions}


def _reviewer(name: str | None) -> str:
    name = (name or "").strip()
    if not name:
        raise ReviewError("no reviewer name")
    return name


def _sentence(conn, doc_key: str, start: int, end: int, sentence_hash: str):
    """(document row, sentence text) of a decision's sentence, or ReviewError when it is gone."""
    doc = store.document_by_key(conn, doc_key)
    if doc is None or doc["text"] is None:
        raise ReviewError(f"document {doc_key} is no longer in the store")
    sentence = doc["text"][start:end]
    if end <= start or store.sentence_hash(sentence) != sentence_hash:
        raise ReviewError(f"the sentence at {doc_key} {start}-{end} is no longer in the store "
                          "(the document text changed)")
    return doc, sentence


def prepare(conn, taxonomy: Taxonomy, *, reviewer: str, doc_key: str, sentence_start: int, sentence_end: int,
            sentence_hash: str, layer: str, label: str, decision: str, actor=None, note=None,
            via: str = "web") -> dict:
    """Validate one sentence decision against the taxonomy and the store; returns the row to record."""
    reviewer = _reviewer(reviewer)
    if decision not in store.SENTENCE_DECISIONS:
        raise ReviewError(f"unknown decision {decision!r} (accept, reject or add)")
    taxonomy.check(layer, label, actor)
    doc, sentence = _sentence(conn, doc_key, sentence_start, sentence_end, sentence_hash)
    conf = [a["confidence"] for a in store.annotations_in(conn, doc["id"], sentence_start, sentence_end, [layer])
            if a["label"] == label]
    return {"doc_key": doc_key, "sentence_start": sentence_start, "sentence_end": sentence_end,
            "sentence_hash": sentence_hash, "sentence": sentence, "layer": layer, "label": label,
            "decision": decision, "actor": actor or [], "reviewer": reviewer, "note": (note or "").strip() or None,
            "model_suggested": bool(conf),
            "model_confidence": max((c for c in conf if c is not None), default=None),
            "model_version": store.model_version(conn, doc["id"]), "via": via}


def prepare_seen(conn, *, reviewer: str, doc_key: str, sentence_start: int, sentence_end: int,
                 sentence_hash: str, via: str = "web") -> dict:
    """'This sentence is done': labels the reviewer did not accept or add are absent for them."""
    reviewer = _reviewer(reviewer)
    doc, sentence = _sentence(conn, doc_key, sentence_start, sentence_end, sentence_hash)
    return {"doc_key": doc_key, "sentence_start": sentence_start, "sentence_end": sentence_end,
            "sentence_hash": sentence_hash, "sentence": sentence, "layer": "sentence", "label": "sentence",
            "decision": store.SEEN, "reviewer": reviewer, "via": via,
            "model_version": store.model_version(conn, doc["id"])}


def prepare_relevance(conn, *, reviewer: str, doc_key: str, decision: str, note=None, via="web") -> dict:
    reviewer = _reviewer(reviewer)
    if decision not in store.DOCUMENT_DECISIONS:
        raise ReviewError(f"unknown document decision {decision!r} (relevant or not_relevant)")
    if store.document_by_key(conn, doc_key) is None:
        raise ReviewError(f"document {doc_key} is no longer in the store")
    return {"doc_key": doc_key, "layer": "relevance", "label": "document", "decision": decision,
            "reviewer": reviewer, "note": note, "via": via}


def model_agreement(conn, reviewer: str | None = None) -> dict:
    """How often the model (as it was when each decision was taken) agreed with the reviewer(s)."""
    agree = total = 0
    for r in store.latest_per_reviewer(conn, reviewer):
        if r["model_suggested"] is None or r["decision"] == store.SEEN:
            continue
        total += 1
        agree += (r["decision"] == "reject") != bool(r["model_suggested"])
    return {"decisions": total, "agree": agree, "share": (agree / total) if total else None}


def progress(conn, cfg, queue: Queue, reviewer: str, remaining: int | None = None) -> dict:
    reviewed = len(store.reviewed_sentence_keys(conn, reviewer))
    if remaining is None:
        remaining = len(build_queue(conn, cfg, queue, reviewer))
    return {"reviewed": reviewed, "remaining": remaining, "agreement": model_agreement(conn, reviewer)}
