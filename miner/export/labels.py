"""The label ids of the annotation contract, in display order, read from the taxonomy file
(``miner/nlp/taxonomy.toml``: the single source of label ids and their Dutch/English names).

Exports list labels in this order; a label found in the database but not listed here
(a researcher added one to their own taxonomy file) is appended, so nothing is dropped.
"""
from __future__ import annotations

from miner.nlp.tagging.taxonomy import load as _load_taxonomy

_TAXONOMY = _load_taxonomy()
UNDETERMINED_ACTOR = "onbepaald"

GROUNDS = tuple(_TAXONOMY.labels("ground"))
MECHANISMS = tuple(_TAXONOMY.labels("mechanism"))
ACTORS = tuple(_TAXONOMY.labels("actor")) + (UNDETERMINED_ACTOR,)
SETTINGS = tuple(_TAXONOMY.labels("setting"))
TARGET_GROUPS = tuple(_TAXONOMY.labels("target_group"))
EVIDENCE_TYPES = tuple(_TAXONOMY.labels("evidence_type"))
# Evidence types that are not research: they count as attention, not as evidence.
NON_RESEARCH_TYPES = ("kamervraag", "beleidsdocument")
UNKNOWN_EVIDENCE = "onbekend"

BY_LAYER = {"ground": GROUNDS, "mechanism": MECHANISMS, "setting": SETTINGS, "target_group": TARGET_GROUPS,
            "evidence_type": EVIDENCE_TYPES, "recommendation_actor": ACTORS}


def ordered(layer: str, found) -> list[str]:
    """Contract labels of ``layer`` first (all of them: empty rows are gaps too), then any extra found."""
    known = list(BY_LAYER.get(layer, ()))
    extra = sorted(set(found) - set(known))
    return known + extra


def pretty(label: str) -> str:
    return label.replace("_", " ")
