"""Attention vs evidence: where parliament asks more than research answers.

Per ground (from the annotations) and per topic (documents whose clear main topic it
is): the share of Kamervragen documents about it against the share of research
documents about it.  Shares are taken among the Kamervragen (research documents) that
have at least one ground (clear topic), so both sides are distributions over the same keys.
Attention outruns research when there are at least ``min_kamervragen`` Kamervragen and
the Kamervragen share is at least ``attention_ratio`` times the research share (or
there is no research on it at all).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from miner.gaps.analysis import Doc


@dataclass
class Attention:
    kind: str            # ground or topic
    key: str
    label: str
    n_kamervragen: int
    n_research: int
    kamervragen_share: float
    research_share: float
    ratio: float | None
    outruns_research: bool


def definition_text(gcfg: dict) -> str:
    return (f"Attention outruns research when at least {gcfg['min_kamervragen']} Kamervragen concern it and "
            f"their share among Kamervragen is at least {gcfg['attention_ratio']:g} times the share among "
            "research documents (or no research concerns it).")


def compare(kind: str, kv_keys: dict[int, set[str]], research_keys: dict[int, set[str]],
            labels: dict[str, str], gcfg: dict) -> list[Attention]:
    """kv_keys / research_keys: document id -> keys (grounds or topic ids) it is about."""
    kv = Counter(k for keys in kv_keys.values() for k in keys)
    res = Counter(k for keys in research_keys.values() for k in keys)
    n_kv = sum(1 for keys in kv_keys.values() if keys)
    n_res = sum(1 for keys in research_keys.values() if keys)
    out = []
    for key in sorted(set(kv) | set(res) | set(labels)):
        kv_share = kv[key] / n_kv if n_kv else 0.0
        res_share = res[key] / n_res if n_res else 0.0
        ratio = kv_share / res_share if res_share else None
        outruns = kv[key] >= gcfg["min_kamervragen"] and (ratio is None or ratio >= gcfg["attention_ratio"])
        out.append(Attention(kind, key, labels.get(key, key), kv[key], res[key], round(kv_share, 4),
                             round(res_share, 4), round(ratio, 4) if ratio is not None else None, outruns))
    out.sort(key=lambda a: (not a.outruns_research, -(a.ratio if a.ratio is not None else float("inf")),
                            -a.n_kamervragen, a.key))
    return out


def by_ground(docs: dict[int, Doc], gcfg: dict) -> list[Attention]:
    kv = {d.id: set(d.labels.get("ground", ())) for d in docs.values() if d.kind == "kamervragen"}
    res = {d.id: set(d.labels.get("ground", ())) for d in docs.values() if d.kind == "research"}
    return compare("ground", kv, res, {g: g for g in gcfg["grounds"]}, gcfg)


def by_topic(conn, docs: dict[int, Doc], gcfg: dict, include_irrelevant: bool = False) -> list[Attention]:
    """Uses the active topic model's clear main topics; every document with a topic counts,
    not only annotated ones (kind from the same Kamervragen/research rule)."""
    from miner.gaps.analysis import load_kinds
    from miner.store import gaps as store
    rows = store.dominant_topics(conn)
    if not rows:
        return []
    kinds = load_kinds(conn, gcfg, include_irrelevant)
    labels = {str(r["topic_id"]): r["label"] or str(r["topic_id"]) for r in rows}
    for r in store.active_topics(conn):
        labels.setdefault(str(r["id"]), r["label"] or str(r["id"]))
    kv, res = {}, {}
    for r in rows:
        kind = kinds.get(r["document_id"])
        if kind == "kamervragen":
            kv.setdefault(r["document_id"], set()).add(str(r["topic_id"]))
        elif kind == "research":
            res.setdefault(r["document_id"], set()).add(str(r["topic_id"]))
    return compare("topic", kv, res, labels, gcfg)
