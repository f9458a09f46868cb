"""Dutch or English text for what researchers read: the map, the report, plots, Datasette labels.

``[export] language`` picks the language (default nl).  Label display names come from the
taxonomy file (``name_nl`` / ``name_en`` per label); a label without one shows its id with
spaces for underscores.  The UI strings are data here, one table per language with the same keys.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

LANGUAGES = ("nl", "en")

TEXT = {
    "nl": {
        "map_title": "Bewijskaart: discriminatie in de sociale basis",
        "gap_definition": "Definitie van een leemte:",
        "filters": "Filters", "legend": "Legenda", "all": "alle", "columns": "Kolommen", "source": "Bron",
        "doc_type": "Documenttype", "from_year": "Vanaf jaar", "to_year": "Tot en met jaar",
        "undated": "Zonder jaar (onbekend)", "undated_in": "meetellen", "undated_out": "weglaten",
        "setting": "Setting", "click_cell": "Klik op een cel voor de documenten en citaten.",
        "evidence_type": "Type bewijs:", "bubble_note": "Oppervlakte = aantal documenten; kleuren = aandeel per type bewijs.",
        "gap_cell": "gearceerd = leemte", "empty_cell": "leeg = geen documenten",
        "policy_cell": "paars kader = alleen beleid/Kamervragen",
        "in_view": "{n} van {total} gecodeerde documenten in beeld ({undated} zonder jaar)",
        "generated": "gemaakt", "documents": "{n} document(en)", "gap": "Leemte: {reason}",
        "year_unknown": "jaar onbekend", "not_clickable": "link (geen webadres, niet klikbaar): ",
        "more_quotes": "+ {n} citaat/citaten meer in de tabelexport", "page": "p. ", "page_unknown": "p. ?",
        "page_prev": "\u2190 vorige", "page_next": "volgende \u2192", "page_of": "pagina {p} van {n}",
        "loading": "{n} document(en) worden geladen\u2026",
        "load_failed": "De documentenlijst kon niet worden geladen: de map {dir} hoort naast dit HTML-bestand te staan.",
        "no_url": "(geen url)", "noscript": "Deze kaart heeft JavaScript nodig; dezelfde aantallen staan in de PNG/SVG en de CSV-export.",
        "rule_note": "Dezelfde regel als `miner gaps`, toegepast op de documenten in beeld.",
        "reason_empty": "geen documenten", "reason_policy": "{n} document(en), alleen beleid/Kamervragen, geen onderzoek",
        "reason_thin": "slechts {r} onderzoeksdocument(en) (minder dan {min})",
        "reason_no_effect": "{r} onderzoeksdocumenten, maar geen effectstudie", "no_gap": "{r} onderzoeksdocument(en)",
        "gap_word": "leemte", "rows_cols": "{rows} \u2193 / {cols} \u2192",
        "layer_ground": "discriminatiegrond", "layer_mechanism": "werkzaam mechanisme", "layer_setting": "setting",
        "layer_target_group": "doelgroep", "layer_recommendation_actor": "aanbeveling aan", "layer_evidence_type": "type bewijs",
        "report_title": "Bewijsrapport per {layer}", "report_intro": "Per {layer}: elk geciteerd zin met paginanummer. {n} documenten; gemaakt {generated}.",
        "report_docs": "({n} documenten)", "hedged": "(voorzichtig geformuleerd)", "negated": "(ontkend)",
        "reviewed": "(beoordeeld door {reviewer})", "confidence": "zekerheid {c}",
        "untitled": "(zonder titel)", "unknown": "onbekend",
        "legend_gap": "leemte (rode ring / rood kruis)", "legend_policy": "alleen beleid/Kamervragen",
        "plot_docs_per_year": "Documenten per jaar per {layer}", "plot_year": "jaar", "plot_n_docs": "aantal documenten",
        "plot_topics_over_time": "Onderwerpen door de tijd", "plot_topic_share": "documenten met dit hoofdonderwerp",
        "plot_evidence_per_ground": "Type bewijs per discriminatiegrond", "plot_no_data": "nog geen gegevens",
    },
    "en": {
        "map_title": "Evidence gap map: discrimination in the sociale basis",
        "gap_definition": "Gap definition:",
        "filters": "Filters", "legend": "Legend", "all": "all", "columns": "Columns", "source": "Source",
        "doc_type": "Document type", "from_year": "From year", "to_year": "To year",
        "undated": "Without a year (unknown)", "undated_in": "include", "undated_out": "leave out",
        "setting": "Setting", "click_cell": "Click a cell to list its documents and quotes.",
        "evidence_type": "Evidence type:", "bubble_note": "Area = number of documents; colours = share per evidence type.",
        "gap_cell": "hatched = gap", "empty_cell": "empty = no documents",
        "policy_cell": "purple frame = policy/Kamervragen only",
        "in_view": "{n} of {total} coded documents in view ({undated} without a year)",
        "generated": "generated", "documents": "{n} document(s)", "gap": "Gap: {reason}",
        "year_unknown": "year unknown", "not_clickable": "link (not a web address, not clickable): ",
        "more_quotes": "+ {n} more quote(s) in the tables export", "page": "p. ", "page_unknown": "p. ?",
        "page_prev": "\u2190 previous", "page_next": "next \u2192", "page_of": "page {p} of {n}",
        "loading": "loading {n} document(s)\u2026",
        "load_failed": "The document list could not be loaded: the folder {dir} belongs next to this HTML file.",
        "no_url": "(no url)", "noscript": "This map needs JavaScript; the same counts are in the PNG/SVG and the CSV export.",
        "rule_note": "The same rule as `miner gaps`, applied to the documents in view.",
        "reason_empty": "no documents", "reason_policy": "{n} document(s), policy/Kamervragen only, no research",
        "reason_thin": "only {r} research document(s) (fewer than {min})",
        "reason_no_effect": "{r} research documents, but no effect study", "no_gap": "{r} research document(s)",
        "gap_word": "gap", "rows_cols": "{rows} \u2193 / {cols} \u2192",
        "layer_ground": "ground", "layer_mechanism": "mechanism", "layer_setting": "setting",
        "layer_target_group": "target group", "layer_recommendation_actor": "recommendation to", "layer_evidence_type": "evidence type",
        "report_title": "Evidence report per {layer}", "report_intro": "Per {layer}: every quoted sentence with its page. {n} documents; generated {generated}.",
        "report_docs": "({n} documents)", "hedged": "(hedged)", "negated": "(negated)",
        "reviewed": "(reviewed by {reviewer})", "confidence": "confidence {c}",
        "untitled": "(untitled)", "unknown": "unknown",
        "legend_gap": "gap (red ring / red x)", "legend_policy": "policy/Kamervragen only",
        "plot_docs_per_year": "Documents per year per {layer}", "plot_year": "year", "plot_n_docs": "documents",
        "plot_topics_over_time": "Topics over time", "plot_topic_share": "documents with this main topic",
        "plot_evidence_per_ground": "Evidence types per ground", "plot_no_data": "no data yet",
    },
}


@dataclass
class Language:
    code: str
    names: dict[tuple[str, str], str] = field(default_factory=dict)       # (layer, id) -> display name
    definitions: dict[tuple[str, str], str] = field(default_factory=dict)

    def t(self, key: str, **kw) -> str:
        text = TEXT[self.code][key]
        return text.format(**kw) if kw else text

    def name(self, layer: str, label: str) -> str:
        return self.names.get((layer, label)) or str(label).replace("_", " ")

    def layer(self, layer: str) -> str:
        return TEXT[self.code].get(f"layer_{layer}", layer)

    def ui(self) -> dict:
        return dict(TEXT[self.code])


def taxonomy_path(cfg) -> Path:
    configured = (cfg.get("nlp", {}) or {}).get("taxonomy") if cfg is not None else ""
    if configured:
        path = Path(configured)
        return path if path.is_absolute() else Path(getattr(cfg, "root", ".")) / path
    return Path(str(resources.files("miner.nlp").joinpath("taxonomy.toml")))


def _table_names(data: dict, code: str):
    """(layer, id, name, definition) from a taxonomy table; recommendation actors are [actor.*]."""
    for section, labels in data.items():
        if not isinstance(labels, dict):
            continue
        layer = "recommendation_actor" if section == "actor" else section
        for label, spec in labels.items():
            if isinstance(spec, dict):
                yield (layer, label, spec.get(f"name_{code}"),
                       spec.get(f"definition_{code}") or spec.get("definition") or spec.get("description"))


def load(cfg=None, code: str | None = None) -> Language:
    code = code or (cfg["export"]["language"] if cfg is not None else "nl")
    lang = Language(code)
    try:
        data = tomllib.loads(taxonomy_path(cfg).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return lang      # the tagger reports a broken taxonomy; exports fall back to the ids
    for layer, label, name, definition in _table_names(data, code):
        if isinstance(name, str) and name.strip():
            lang.names[(layer, label)] = name.strip()
        if isinstance(definition, str) and definition.strip():
            lang.definitions[(layer, label)] = " ".join(definition.split())
    return lang
