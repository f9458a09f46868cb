"""Config section ``[gaps]``: what counts as a knowledge gap, and attention vs evidence."""
from miner.config import Field, non_negative, positive

SECTION = "gaps"

# Label ids come from the taxonomy file (the single source of label ids and names); labels found
# in the annotations are added.
from miner.export.labels import GROUNDS as _G, MECHANISMS as _M, SETTINGS as _S  # noqa: E402

GROUNDS, MECHANISMS, SETTINGS = list(_G), list(_M), list(_S)


def _sorted_years(v):
    return None if v == sorted(set(v)) else "must be increasing years without repeats"


SCHEMA = {
    "min_research_documents": Field(int, 3, "A cell with fewer research documents than this is a gap.",
                                    check=non_negative),
    "require_effect_study": Field(bool, True, "A cell without any effect study is a gap, however many other "
                                  "research documents it has."),
    "research_evidence_types": Field(list, ["literatuurstudie", "kennissynthese", "enquete", "interviews",
                                            "casestudy", "effectstudie", "praktijkvoorbeeld"],
                                     "Evidence types (document_labels) that make a document research.",
                                     item_type=str),
    "effect_evidence_types": Field(list, ["effectstudie"], "Evidence types that count as an effect study.",
                                   item_type=str),
    "research_doc_types": Field(list, ["rapport"], "Documents without an evidence type count as research "
                                "when their doc_type is one of these.", item_type=str),
    "parliamentary_doc_types": Field(list, ["kamervraag", "antwoord"], "doc_types that are parliamentary "
                                     "attention (Kamervragen); documents linked from the kamervragen table "
                                     "always are.", item_type=str),
    "period_bounds": Field(list, [2015, 2020], "Years where a new period starts: [2015, 2020] gives "
                           "'<2015', '2015-2019', '2020+'.", item_type=int, check=_sorted_years),
    "ignore_negated": Field(bool, True, "Annotations flagged as negated do not give a document a label."),
    "grounds": Field(list, GROUNDS, "Ground labels in the matrices (rows/columns even when empty).",
                     item_type=str),
    "mechanisms": Field(list, MECHANISMS, "Mechanism labels in the matrices.", item_type=str),
    "settings": Field(list, SETTINGS, "Setting labels in the matrices.", item_type=str),
    "attention_ratio": Field(float, 2.0, "Attention outruns research when the Kamervragen share is at least "
                             "this many times the research share.", check=positive),
    "min_kamervragen": Field(int, 2, "Attention needs at least this many Kamervragen to count.",
                             check=positive),
    "top": Field(int, 10, "How many gaps `miner gaps` prints.", check=positive),
    "neighbours": Field(int, 3, "Documents shown from the neighbouring cells of each gap.", check=non_negative),
}
