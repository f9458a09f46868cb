"""The label ids of the annotation contract (shared/spec/taxonomy.md), in display order.

Exports list labels in this order; a label found in the database but not listed here
(a researcher added one to the taxonomy file) is appended, so nothing is dropped.
"""
from __future__ import annotations

GROUNDS = ("herkomst", "nationaliteit", "religie", "geslacht", "seksuele_orientatie", "genderidentiteit",
           "handicap", "leeftijd", "sociaaleconomisch", "overig")
MECHANISMS = ("contact", "gemeenschappelijk_doel", "empathie", "mindfulness", "training", "bewustwording",
              "omstanders", "dialoog", "organisatieverandering", "melden", "samenwerking", "handhaving")
ACTORS = ("gemeente", "rijksoverheid", "sociaal_werk", "vrijwilligersorganisatie", "adv", "onderzoek", "onbepaald")
SETTINGS = ("sociaal_werk", "wijkteam", "buurtinitiatief", "vrijwilligerswerk", "zorg", "welzijn", "sport",
            "onderwijs", "arbeidsmarkt", "wonen", "politie_justitie", "online")
TARGET_GROUPS = ("inwoners", "clienten", "vrijwilligers", "professionals", "jongeren", "ouderen", "ouders_kinderen")
EVIDENCE_TYPES = ("effectstudie", "literatuurstudie", "kennissynthese", "enquete", "interviews", "casestudy",
                  "praktijkvoorbeeld", "beleidsdocument", "kamervraag")
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
