"""Scoring against gold sentences, exactly as the eval README prescribes.

1. every predicted annotation of layer ground/mechanism/recommendation is mapped
   to the gold sentence its span [start, end) overlaps most (ties: the first);
   overlapping no sentence makes it a false positive for its layer (and label);
2. per layer, the sets of (document, sentence, label) are compared (label
   "recommendation" for recommendations): micro P/R/F1 per layer and per label;
3. actor accuracy over sentences that are recommendations in gold and prediction:
   predicted actor set == gold actor set, where [] means ["onbepaald"].
"""
from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

from miner.nlp.tagging.taxonomy import SCORED_LAYERS
UNDETERMINED = "onbepaald"


class GoldError(Exception):
    pass


def read_gold(path: str | Path) -> list[dict]:
    """Gold documents from a JSONL file; one clear error line for a malformed one."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise GoldError(f"{path}: cannot read ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise GoldError(f"{path}: not UTF-8 text") from None
    docs, seen = [], set()
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            doc = json.loads(line)
        except json.JSONDecodeError as exc:
            raise GoldError(f"{path}:{n}: not valid JSON ({exc.msg})") from None
        problem = _check_doc(doc)
        if problem:
            raise GoldError(f"{path}:{n}: {problem}")
        if doc["id"] in seen:
            raise GoldError(f"{path}:{n}: duplicate id {doc['id']!r}")
        seen.add(doc["id"])
        docs.append(doc)
    if not docs:
        raise GoldError(f"{path}: no documents")
    return docs


def _check_doc(doc) -> str | None:
    if not isinstance(doc, dict):
        return "each line must be a JSON object"
    for key, typ in (("id", str), ("text", str), ("sentences", list)):
        if not isinstance(doc.get(key), typ):
            return f"key {key!r} missing or not a {typ.__name__}"
    for i, s in enumerate(doc["sentences"]):
        if not isinstance(s, dict) or not isinstance(s.get("start"), int) or not isinstance(s.get("end"), int):
            return f"sentences[{i}]: needs integer start and end"
        if not 0 <= s["start"] <= s["end"] <= len(doc["text"]):
            return f"sentences[{i}]: offsets {s['start']}..{s['end']} outside the text"
        for layer in ("ground", "mechanism", "actor"):
            if not isinstance(s.get(layer, []), list):
                return f"sentences[{i}].{layer}: must be a list"
        if not isinstance(s.get("recommendation", False), bool):
            return f"sentences[{i}].recommendation: must be true or false"
    return None


def map_to_sentence(start: int, end: int, sentences: list[dict]) -> int | None:
    best, best_overlap = None, 0
    for i, s in enumerate(sentences):
        overlap = min(end, s["end"]) - max(start, s["start"])
        if overlap > best_overlap:
            best, best_overlap = i, overlap
    return best


def _prf(tp: int, fp: int, fn: int) -> dict:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "tp": tp, "fp": fp, "fn": fn}


def _actor_set(actors) -> frozenset:
    return frozenset(actors or [UNDETERMINED])


def score(gold_docs: list[dict], predictions: dict[str, list[dict]]) -> dict:
    """predictions: doc id -> annotations with layer, label, start, end (and actor for recommendations)."""
    gold: dict[str, set] = defaultdict(set)
    pred: dict[str, set] = defaultdict(set)
    unmatched: dict[str, list[str]] = defaultdict(list)
    gold_actor: dict[tuple, frozenset] = {}
    pred_actor: dict[tuple, set] = defaultdict(set)
    conf: dict[tuple, float] = {}          # (layer, doc, sentence, label) -> highest confidence
    for doc in gold_docs:
        sents = doc["sentences"]
        for i, s in enumerate(sents):
            for layer in ("ground", "mechanism"):
                for label in s.get(layer, []):
                    gold[layer].add((doc["id"], i, label))
            if s.get("recommendation"):
                gold["recommendation"].add((doc["id"], i, "recommendation"))
                gold_actor[(doc["id"], i)] = _actor_set(s.get("actor"))
        for ann in predictions.get(doc["id"], []):
            layer = ann["layer"]
            if layer not in SCORED_LAYERS:
                continue
            label = "recommendation" if layer == "recommendation" else ann["label"]
            i = map_to_sentence(ann["start"], ann["end"], sents)
            if i is None:
                unmatched[layer].append(label)
                continue
            pred[layer].add((doc["id"], i, label))
            c = ann.get("confidence")
            if c is not None:
                key = (layer, doc["id"], i, label)
                conf[key] = max(conf.get(key, 0.0), float(c))
            if layer == "recommendation":
                pred_actor[(doc["id"], i)].update(ann.get("actor") or [])
    layers = {}
    for layer in SCORED_LAYERS:
        g, p, extra = gold[layer], pred[layer], unmatched[layer]
        labels = sorted({x[2] for x in g | p} | set(extra))
        per_label = {}
        for label in labels:
            gl = {x for x in g if x[2] == label}
            pl = {x for x in p if x[2] == label}
            per_label[label] = _prf(len(gl & pl), len(pl - gl) + extra.count(label), len(gl - pl))
        layers[layer] = {**_prf(len(g & p), len(p - g) + len(extra), len(g - p)), "labels": per_label}
    both = [key for key in gold_actor if (key[0], key[1], "recommendation") in pred["recommendation"]]
    correct = sum(1 for key in both if _actor_set(pred_actor.get(key)) == gold_actor[key])
    # passage level: which labels a passage has at all (what a gap-map cell counts)
    passages = {}
    for layer in SCORED_LAYERS:
        gp = {(d, label) for d, _, label in gold[layer]}
        pp = {(d, label) for d, _, label in pred[layer]}
        passages[layer] = _prf(len(gp & pp), len(pp - gp), len(gp - pp))
    return {"documents": len(gold_docs), "sentences": sum(len(d["sentences"]) for d in gold_docs),
            "layers": layers, "passages": passages, "calibration": calibration(gold, pred, conf),
            "actor_accuracy": round(correct / len(both), 4) if both else None, "actor_n": len(both)}


BANDS = (0.0, 0.2, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)


def calibration(gold: dict, pred: dict, conf: dict) -> dict:
    """Per layer (and all together): predicted confidence band -> observed precision of the
    (sentence, label) predictions in that band; plus the precision at confidence >= 0.8."""
    out = {}
    for layer in (*SCORED_LAYERS, "all"):
        layers = SCORED_LAYERS if layer == "all" else (layer,)
        items = [(conf.get((ly, *x)), x in gold[ly]) for ly in layers for x in pred[ly]]
        items = [(c, ok) for c, ok in items if c is not None]
        rows = []
        for lo, hi in zip(BANDS, BANDS[1:]):
            band = [ok for c, ok in items if lo <= c < hi or (hi == 1.0 and c == 1.0)]
            rows.append({"band": f"{lo:.1f}-{hi:.1f}", "n": len(band),
                         "precision": round(sum(band) / len(band), 4) if band else None})
        high = [ok for c, ok in items if c >= 0.8]
        out[layer] = {"bands": rows, "n": len(items),
                      "precision_at_0.8": round(sum(high) / len(high), 4) if high else None, "n_at_0.8": len(high)}
    return out


def format_table(result: dict) -> str:
    rows = [f"{'layer / label':34} {'P':>6} {'R':>6} {'F1':>6} {'TP':>5} {'FP':>5} {'FN':>5}"]
    for layer, r in result["layers"].items():
        rows.append(f"{layer:34} {r['precision']:6.3f} {r['recall']:6.3f} {r['f1']:6.3f} "
                    f"{r['tp']:5d} {r['fp']:5d} {r['fn']:5d}")
        if layer != "recommendation":
            for label, lr in r["labels"].items():
                rows.append(f"  {label:32} {lr['precision']:6.3f} {lr['recall']:6.3f} {lr['f1']:6.3f} "
                            f"{lr['tp']:5d} {lr['fp']:5d} {lr['fn']:5d}")
    if result.get("passages"):
        rows.append("")
        rows.append(f"{'passage level (labels a passage has)':34} {'P':>6} {'R':>6} {'F1':>6} {'TP':>5} {'FP':>5} {'FN':>5}")
        for layer, r in result["passages"].items():
            s = result["layers"][layer]["f1"]
            rows.append(f"{layer:34} {r['precision']:6.3f} {r['recall']:6.3f} {r['f1']:6.3f} "
                        f"{r['tp']:5d} {r['fp']:5d} {r['fn']:5d}   (sentence level F1 {s:.3f})")
    cal = result.get("calibration") or {}
    if cal.get("all", {}).get("n"):
        rows.append("")
        rows.append("calibration: confidence band -> observed precision (n)")
        rows.append(f"{'band':10}" + "".join(f"{layer:>22}" for layer in cal))
        for k, band in enumerate(cal["all"]["bands"]):
            cells = []
            for layer in cal:
                b = cal[layer]["bands"][k]
                cells.append(f"{'-' if b['precision'] is None else format(b['precision'], '.3f')} ({b['n']})")
            rows.append(f"{band['band']:10}" + "".join(f"{c:>22}" for c in cells))
        rows.append(f"{'>= 0.8':10}" + "".join(
            f"{'-' if cal[layer]['precision_at_0.8'] is None else format(cal[layer]['precision_at_0.8'], '.3f')} "
            f"({cal[layer]['n_at_0.8']})".rjust(22) for layer in cal))
    rows.append("")
    acc = result["actor_accuracy"]
    rows.append(f"actor accuracy on {result['actor_n']} true-positive recommendations: "
                + ("n/a" if acc is None else f"{acc:.3f}"))
    rows.append(f"{result['documents']} documents, {result['sentences']} gold sentences")
    return "\n".join(rows)
