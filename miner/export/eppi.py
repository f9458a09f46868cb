"""EPPI-Reviewer JSON in the structure of a genuine EPPI-Reviewer export (the file EPPI-Mapper
reads): ``CodeSets`` (``SetId``, ``ReviewSetId``, ``SetName``, ``SetDescription``, ``SetType`` with
``SetTypeName`` and ``SetTypeDescription``, attributes under ``Attributes.AttributesList``) and
``References`` with the 34 keys of an exported item, their ``Codes`` and the coded text
(``ItemAttributeFullTextDetails``).

Ids are stable across re-exports: SetId = set number, ReviewSetId = 100 + set number,
AttributeId = set number × 1000 + position of the label in the contract order, and
AttributeSetId (the row that places an attribute in its set; in EPPI-Reviewer a separate id
from the attribute's own) = 500,000 + AttributeId.

Coded text: ``Text`` is the quoted sentence and ``TextFrom``/``TextTo`` are its character
offsets in the document text, so ``document text[TextFrom:TextTo] == Text``.  Each code's
``AdditionalText`` carries the effective label's origin (model/reviewed), reviewer and
calibrated confidence.
"""
from __future__ import annotations

from miner.export import labels as L
from miner.export.evidence import Document, layer_labels
from miner.export.i18n import Language

# (layer in the store, set name shown in EPPI)
CODE_SETS = (
    ("ground", "Discriminatiegronden"),
    ("mechanism", "Werkzame mechanismen"),
    ("recommendation_actor", "Aanbevelingen: wie moet handelen"),
    ("setting", "Settings"),
    ("target_group", "Doelgroepen"),
    ("evidence_type", "Type bewijs"),
)
SELECTABLE = "Selectable (show checkbox)"
STANDARD_SET_TYPE = {
    "SetTypeName": "Standard",
    "SetTypeDescription": "The Standard codeset type is used for regular coding such as keywording or "
                          "data-extraction. This codeset type can contain multiple levels of child codes but "
                          "cannot contain the special code types \"Include\" and \"Exclude\".",
}
ATTRIBUTE_SET_OFFSET = 500_000
# Item types of EPPI-Reviewer (TypeName), by miner doc_type.
TYPE_NAMES = {"rapport": "Report", "kamervraag": "Report", "antwoord": "Report", "kamerbrief": "Report",
              "beleidsdocument": "Report", "besluitenlijst": "Report", "motie": "Report",
              "artikel": "Journal, Article", "article": "Journal, Article",
              "webpagina": "Document From Internet Site", "boek": "Book, Whole"}
REFERENCE_KEYS = ("Codes", "Outcomes", "ItemId", "Title", "ParentTitle", "ShortTitle", "DateCreated", "CreatedBy",
                  "DateEdited", "EditedBy", "Year", "Month", "StandardNumber", "City", "Country", "Publisher",
                  "Institution", "Volume", "Pages", "Edition", "Issue", "Availability", "URL", "OldItemId",
                  "Abstract", "Comments", "TypeName", "Authors", "ParentAuthors", "DOI", "Keywords", "ItemStatus",
                  "ItemStatusTooltip", "QuickCitation")


def attribute_ids(docs: list[Document]) -> dict[tuple[str, str], int]:
    ids = {}
    for set_no, (layer, _) in enumerate(CODE_SETS, start=1):
        found = ({t for d in docs for t in d.evidence_types} if layer == "evidence_type" else None)
        labels = L.ordered(layer, found) if found is not None else layer_labels(docs, layer)
        for pos, label in enumerate(labels, start=1):
            ids[(layer, label)] = set_no * 1000 + pos
    return ids


def build(docs: list[Document], lang: Language | None = None) -> dict:
    lang = lang or Language("nl")
    ids = attribute_ids(docs)
    code_sets = []
    for set_no, (layer, name) in enumerate(CODE_SETS, start=1):
        attrs = [{"AttributeSetId": ATTRIBUTE_SET_OFFSET + aid, "AttributeId": aid, "OriginalAttributeID": 0,
                  "AttributeSetDescription": "", "AttributeType": SELECTABLE,
                  "AttributeName": lang.name(layer, label),
                  "AttributeDescription": lang.definitions.get((layer, label), f"{layer}:{label}"),
                  "ExtURL": "", "ExtType": f"miner:{layer}:{label}"}
                 for (lay, label), aid in ids.items() if lay == layer]
        code_sets.append({"SetName": name, "SetId": set_no, "ReviewSetId": 100 + set_no,
                          "SetDescription": f"miner: {lang.layer(layer)} ({layer})",
                          "SetType": dict(STANDARD_SET_TYPE), "Attributes": {"AttributesList": attrs}})
    return {"CodeSets": code_sets, "References": [_reference(d, ids) for d in docs]}


def _provenance(quotes) -> str:
    reviewed = sorted({q.reviewer or "?" for q in quotes if q.origin == "reviewed"})
    confidences = [q.confidence for q in quotes if q.confidence is not None]
    parts = [f"origin: {'reviewed' if reviewed else 'model'}"]
    if reviewed:
        parts.append("reviewer: " + ", ".join(reviewed))
    if confidences:
        parts.append(f"confidence: {max(confidences):.2f}")
    return "; ".join(parts)


def _reference(d: Document, ids) -> dict:
    codes = []
    for (layer, label), quotes in sorted(d.codes.items(), key=lambda kv: ids.get(kv[0], 0)):
        if (layer, label) not in ids:
            continue
        seen, details = set(), []
        for q in quotes:
            if (q.sentence_start, q.sentence_end) in seen:
                continue
            seen.add((q.sentence_start, q.sentence_end))
            details.append({"ItemDocumentId": d.id, "TextFrom": q.sentence_start, "TextTo": q.sentence_end,
                            "Text": q.sentence, "IsFromPDF": False, "DocTitle": d.title, "ItemArm": ""})
        codes.append({"AttributeId": ids[(layer, label)], "AdditionalText": _provenance(quotes), "ArmId": 0,
                      "ArmTitle": "", "ItemAttributeFullTextDetails": details})
    for label in d.evidence_types:
        codes.append({"AttributeId": ids[("evidence_type", label)], "AdditionalText": "origin: model (document)",
                      "ArmId": 0, "ArmTitle": "", "ItemAttributeFullTextDetails": []})
    first = d.authors[0].split(",")[0].strip() if d.authors else (d.organisation or "")
    short = f"{first} ({d.year})" if first and d.year else (first or (d.title[:40] if d.title else ""))
    month = d.date[5:7] if d.date and len(d.date) >= 7 and d.date[4] == "-" else ""
    citation = (f"{'; '.join(d.authors) or d.organisation or ''} ({d.year or 'z.j.'}) {d.title}. "
                f"{d.organisation or ''}").strip()
    ref = {
        "Codes": codes, "Outcomes": [], "ItemId": d.id, "Title": d.title, "ParentTitle": "", "ShortTitle": short,
        "DateCreated": "", "CreatedBy": "miner", "DateEdited": "", "EditedBy": "", "Year": str(d.year or ""),
        "Month": month, "StandardNumber": "", "City": "", "Country": "", "Publisher": d.organisation or "",
        "Institution": d.organisation or "", "Volume": "", "Pages": "", "Edition": "", "Issue": "",
        "Availability": "", "URL": d.url or "", "OldItemId": f"miner-{d.id}", "Abstract": d.summary,
        "Comments": f"miner id {d.id}; source {d.source}" + (f"; relevance {d.relevance:.2f}" if d.relevance is not None else ""),
        "TypeName": TYPE_NAMES.get(d.doc_type or "", "Generic"), "Authors": "".join(f"{a} ; " for a in d.authors),
        "ParentAuthors": "", "DOI": "", "Keywords": "\r\n".join(f"{lay}:{lab}" for lay, lab in sorted(d.codes)),
        "ItemStatus": "I", "ItemStatusTooltip": "Included in review", "QuickCitation": citation,
    }
    return {k: ref[k] for k in REFERENCE_KEYS}
