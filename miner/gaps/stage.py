"""The gaps step of `miner refresh`: recompute the matrices, gaps and attention tables."""
from __future__ import annotations

from dataclasses import dataclass

from miner.gaps import analysis, attention
from miner.store import gaps as gap_store
from miner.store import utcnow


@dataclass
class GapResult:
    definition: str
    attention_definition: str
    docs: dict
    cells: list
    attention: list


def compute(cfg, conn, include_irrelevant: bool = False) -> GapResult:
    gcfg = cfg["gaps"]
    with gap_store.read_once(conn, gcfg, include_irrelevant):      # read once for the documents and the cell counts
        docs = analysis.load_documents(conn, gcfg, include_irrelevant)
        cells = analysis.build_cells(conn, docs, gcfg, include_irrelevant)
    att = attention.by_topic(conn, docs, gcfg, include_irrelevant) + attention.by_ground(docs, gcfg)
    return GapResult(analysis.definition_text(gcfg), attention.definition_text(gcfg), docs, cells, att)


def store(conn, result: GapResult) -> str:
    """Replace the stored analysis; returns its computed_at."""
    now = utcnow()
    rows = [analysis.cell_to_row(c, result.definition, now) for c in result.cells]
    gap_store.replace(conn, rows, [(now, a.kind, a.key, a.n_kamervragen, a.n_research, a.kamervragen_share,
                                    a.research_share, a.ratio, int(a.outruns_research), a.label,
                                    result.attention_definition) for a in result.attention])
    return now


def run(cfg, conn, progress: bool = True) -> dict:
    result = compute(cfg, conn)
    store(conn, result)
    return {"documents": len(result.docs), "cells": len(result.cells),
            "gaps": sum(c.is_gap for c in result.cells),
            "attention_outruns_research": sum(a.outruns_research for a in result.attention)}
