"""EPPI-Reviewer-style JSON (the shape EPPI-Mapper reads): ``CodeSets`` with attributes,
``References`` with their ``Codes`` and the coded text (``ItemAttributeFullTextDetails``).

Attribute ids are stable: set number × 1000 + position of the label in the contract order,
so a re-export after a refresh keeps the ids of existing codes.
"""
from __future__ import annotations

from miner.export import labels as L
from miner.export.evidence import Document, layer_labels

# (layer in the store, set name shown in EPPI)
CODE_SETS = (
    ("ground", "Discriminatiegronden"),
    ("mechanism", "Werkzame mechanismen"),
    ("recommendation_actor", "Aanbevelingen: wie moet handelen"),
    ("setting", "Settings"),
    ("evidence_type", "Type bewijs"),
)
SELECTABLE = "Selectable (show checkbox)"


def attribute_ids(docs: list[Document]) -> dict[tuple[str, str], int]:
    ids = {}
    for set_no, (layer, _) in enumerate(CODE_SETS, start=1):
        found = ({t for d in docs for t in d.evidence_types} if layer == "evidence_type" else None)
        labels = L.ordered(layer, found) if found is not None else layer_labels(docs, layer)
        for pos, label in enumerate(labels, start=1):
            ids[(layer, label)] = set_no * 1000 + pos
    return ids


def build(docs: list[Document]) -> dict:
    ids = attribute_ids(docs)
    code_sets = []
    for set_no, (layer, name) in enumerate(CODE_SETS, start=1):
        attrs = [{"AttributeId": aid, "AttributeSetId": aid, "AttributeName": L.pretty(label),
                  "AttributeDescription": f"{layer}:{label}", "AttributeType": SELECTABLE,
                  "AttributeOrder": aid - set_no * 1000}
                 for (lay, label), aid in ids.items() if lay == layer]
        code_sets.append({"SetId": set_no, "SetName": name, "SetType": {"SetTypeName": "Standard"},
                          "Attributes": {"AttributesList": attrs}})
    return {"CodeSets": code_sets, "References": [_reference(d, ids) for d in docs]}


def _reference(d: Document, ids) -> dict:
    codes = []
    for (layer, label), quotes in sorted(d.codes.items(), key=lambda kv: ids.get(kv[0], 0)):
        if (layer, label) not in ids:
            continue
        reviewers = sorted({q.reviewer or "?" for q in quotes if q.origin == "reviewed"})
        codes.append({
            "AttributeId": ids[(layer, label)],
            "AdditionalText": f"reviewed by {', '.join(reviewers)}" if reviewers else "", "ArmId": 0, "ArmTitle": "",
            "ItemAttributeFullTextDetails": [
                {"ItemDocumentId": d.id, "DocTitle": d.title, "Text": q.sentence, "TextFrom": q.char_start,
                 "TextTo": q.char_end, "SelectedText": q.matched, "PageNumber": q.page_no, "IsFromPDF": False,
                 "ItemArm": ""}
                for q in quotes]})
    for label in d.evidence_types:
        codes.append({"AttributeId": ids[("evidence_type", label)], "AdditionalText": "document-level label",
                      "ArmId": 0, "ArmTitle": "", "ItemAttributeFullTextDetails": []})
    return {
        "ItemId": d.id, "Title": d.title, "ShortTitle": (d.authors[0].split(",")[0] if d.authors else d.source)
        + (f" ({d.year})" if d.year else ""),
        "Authors": "; ".join(d.authors), "Year": str(d.year or ""), "DateCreated": d.date or "",
        "URL": d.url or "", "Abstract": d.summary, "TypeName": _type_name(d.doc_type), "Publisher": d.source,
        "Keywords": "; ".join(f"{lay}:{lab}" for lay, lab in sorted(d.codes)), "Codes": codes, "Outcomes": [],
    }


def _type_name(doc_type: str | None) -> str:
    return {"rapport": "Report", "kamervraag": "Generic", "antwoord": "Generic",
            "webpagina": "Web Site"}.get(doc_type or "", "Generic")
