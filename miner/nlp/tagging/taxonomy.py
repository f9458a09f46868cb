"""Load and validate the taxonomy file (``miner/nlp/taxonomy.toml`` or ``[nlp] taxonomy``).

The file is the researchers' side of the tagger: every cue lives there. This
module checks its shape and reports problems as one line naming the file and the
dotted key, then hands the components plain lists (``CueList``) to compile.
"""
from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

BUILTIN_PATH = Path(__file__).resolve().parent.parent / "taxonomy.toml"
# Bump when the tagging logic changes so `miner refresh` re-tags what was tagged before.
TAGGER_VERSION = "2"  # 2: evidence_type weighed by position and density

CUE_KEYS = ("words", "stems", "infixes", "phrases",
            "weak_words", "weak_stems", "weak_infixes", "weak_phrases", "context_words",
            "hint_words", "hint_stems", "hint_infixes", "hint_phrases",
            "strong_words", "strong_stems", "strong_phrases", "compound_parts", "group_words",
            "exclude_words", "exclude_stems", "exclude_infixes", "exclude_phrases")
# The annotation layers (structure, not vocabulary): every module that lists layers imports these.
LAYERS = ("ground", "mechanism", "recommendation", "setting", "target_group", "statistic", "organisation", "person")
SCORED_LAYERS = ("ground", "mechanism", "recommendation")   # decided by the learned tagger; scored against gold
CUE_LAYERS = ("context", "ground", "mechanism", "actor", "setting", "target_group", "evidence_type")
REQUIRED_LAYERS = ("ground", "mechanism", "actor")

SETTINGS = {  # key: (type, default)
    "ground_window": (int, 45),
    "ground_basis_frames": (list, ["vanwege", "op basis van", "op grond van", "ongeacht", "naar"]),
    "dominant_ground_share": (float, 0.9),
    "dominant_min": (int, 5),
    "document_context_min": (int, 2),
    "document_context_window": (int, 8),
    "flag_window": (int, 6),
    # confidence given to annotations of rule-only layers (setting, target_group, statistic, organisation,
    # person): a prior, not a calibrated probability (the learned layers have calibrated ones)
    "rule_confidence": (float, 0.9),
    # document-level evidence_type (see miner/nlp/tagging/evidence.py)
    "evidence_lead_tokens": (int, 400),
    "evidence_lead_weight": (float, 3.0),
    "evidence_method_cues": (list, ["methode", "methoden", "methodiek", "methodologie", "onderzoeksmethode",
                                    "onderzoeksmethoden", "onderzoeksopzet", "onderzoeksverantwoording",
                                    "verantwoording", "aanpak van het onderzoek", "opzet van het onderzoek",
                                    "onderzoeksaanpak", "werkwijze", "dataverzameling", "voor dit onderzoek",
                                    "in dit onderzoek"]),
    "evidence_method_window": (int, 3),
    "evidence_method_weight": (float, 2.0),
    "evidence_min_tokens": (int, 1500),
    "evidence_min_density": (float, 0.5),
    "evidence_keep_fraction": (float, 0.4),
    "evidence_max_types": (int, 3),
}
RECOMMENDATION_KEYS = ("modal_words", "past_words", "frames", "predicative_words", "modals_needing_te",
                       "separable_advocacy", "advocacy", "advice", "imperative_frames",
                       "subject_pronouns", "question_words", "question_verbs", "exclude_phrases",
                       "clutter_imperatives", "audience_cues", "descriptive_determiners",
                       "discourse_verbs", "second_person", "relative_words", "indirect_question_words",
                       "object_openers", "modal_infinitive_heads", "condition_words", "organisation_nouns",
                       "possessives", "modal_lemmas", "pronouns_after_stem")
STATISTIC_KEYS = ("units", "count_nouns", "number_words", "share_phrases")
FLAG_KEYS = ("hedge_words", "hedge_phrases", "negation_words", "negation_phrases", "clause_breaks")
PERSON_KEYS = ("names", "titles")
CONTEXT_LABELS = ("discrimination", "exclusion", "topic")

_LABEL_ID = re.compile(r"^[a-z][a-z0-9_]*$")


class TaxonomyError(Exception):
    """A problem in the taxonomy file, phrased as ``file: key: what is wrong``."""


@dataclass
class CueList:
    layer: str
    label: str
    lists: dict[str, list[str]] = field(default_factory=dict)
    min_hits: int = 1
    doc_types: list[str] = field(default_factory=list)  # evidence_type: crawled doc_types that are this type
    exclusive: bool = False                              # evidence_type: when kept, the only label
    name_nl: str = ""                                    # display names (exports, map, report)
    name_en: str = ""

    def get(self, key: str) -> list[str]:
        return self.lists.get(key, [])


@dataclass
class Taxonomy:
    path: Path
    sha256: str
    settings: dict
    cues: list[CueList]
    recommendation: dict[str, list[str]]
    statistic: dict[str, list[str]]
    flags: dict[str, list[str]]
    organisations: dict[str, list[str]]
    persons: dict[str, list[str]]
    display: dict[str, tuple[str, str]] = field(default_factory=dict)   # "layer" / "layer.label" -> (nl, en)

    def labels(self, layer: str) -> list[str]:
        return [c.label for c in self.cues if c.layer == layer]

    def display_name(self, layer: str, label: str | None = None, language: str = "nl") -> str:
        """The Dutch (``nl``) or English (``en``) name of a layer or a label; the id when none is given."""
        i = 0 if language == "nl" else 1
        if label is None:
            names = self.display.get(layer)
            return names[i] if names else layer.replace("_", " ")
        cue = self.cue(layer, label)
        if cue is not None and (cue.name_nl if i == 0 else cue.name_en):
            return cue.name_nl if i == 0 else cue.name_en
        names = self.display.get(f"{layer}.{label}")
        return names[i] if names else label.replace("_", " ")

    def cue(self, layer: str, label: str) -> CueList | None:
        for c in self.cues:
            if c.layer == layer and c.label == label:
                return c
        return None

    @property
    def version_hash(self) -> str:
        """What tagging_state records: file content plus tagger version."""
        return hashlib.sha256(f"{TAGGER_VERSION}:{self.sha256}".encode()).hexdigest()[:16]


def resolve_path(cfg) -> Path:
    """The taxonomy file named in ``[nlp] taxonomy`` (relative to the config file), else the built-in one."""
    wanted = (cfg["nlp"].get("taxonomy") or "").strip() if cfg is not None else ""
    if not wanted:
        return BUILTIN_PATH
    path = Path(wanted).expanduser()
    return path if path.is_absolute() else (cfg.root / path)


def load(path: str | Path | None = None) -> Taxonomy:
    path = Path(path) if path else BUILTIN_PATH
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise TaxonomyError(f"{path}: cannot read taxonomy file ({exc.strerror or exc})") from None
    return _load_cached(str(path.resolve()), hashlib.sha256(data).hexdigest(), data)


@lru_cache(maxsize=8)
def _load_cached(path: str, sha: str, data: bytes) -> Taxonomy:
    try:
        raw = tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise TaxonomyError(f"{path}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise TaxonomyError(f"{path}: not valid TOML: {exc}") from None
    return _validate(raw, Path(path), sha)


def _validate(raw: dict, path: Path, sha: str) -> Taxonomy:
    err = _Reporter(path)
    known = set(CUE_LAYERS) | {"settings", "recommendation", "statistic", "flags", "organisation", "person",
                                "display"}
    for key in raw:
        if key not in known:
            err(key, f"unknown section (known: {', '.join(sorted(known))})")
    for layer in REQUIRED_LAYERS:
        if not isinstance(raw.get(layer), dict) or not raw[layer]:
            err(layer, "section is missing or empty")

    settings = {}
    raw_settings = _table(raw.get("settings", {}), "settings", err)
    for key in raw_settings:
        if key not in SETTINGS:
            err(f"settings.{key}", f"unknown key (known: {', '.join(sorted(SETTINGS))})")
    for key, (typ, default) in SETTINGS.items():
        value = raw_settings.get(key, default)
        if typ is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, typ) or isinstance(value, bool):
            err(f"settings.{key}", f"must be {'a list' if typ is list else typ.__name__}, got {value!r}")
        if typ is list:
            value = _strings(value, f"settings.{key}", err)
        settings[key] = value

    cues = []
    for layer in CUE_LAYERS:
        for label, table in _table(raw.get(layer, {}), layer, err).items():
            where = f"{layer}.{label}"
            if not _LABEL_ID.match(label):
                err(where, "label ids are lower case letters, digits and _ (they are the contract with exports)")
            if layer == "context" and label not in CONTEXT_LABELS:
                err(where, f"unknown context list (known: {', '.join(CONTEXT_LABELS)})")
            table = _table(table, where, err)
            lists, min_hits, doc_types, exclusive = {}, 1, [], False
            names = {"name_nl": "", "name_en": ""}
            for key, value in table.items():
                if key in names:
                    if not isinstance(value, str) or not value.strip():
                        err(f"{where}.{key}", f"must be a non-empty string, got {value!r}")
                    names[key] = value.strip()
                    continue
                if key == "min_hits" and layer == "evidence_type":
                    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                        err(f"{where}.min_hits", f"must be an integer of 1 or more, got {value!r}")
                    min_hits = value
                    continue
                if key == "doc_types" and layer == "evidence_type":
                    doc_types = [v.strip().lower() for v in _strings(value, f"{where}.doc_types", err)]
                    continue
                if key == "exclusive" and layer == "evidence_type":
                    if not isinstance(value, bool):
                        err(f"{where}.exclusive", f"must be true or false, got {value!r}")
                    exclusive = value
                    continue
                if key not in CUE_KEYS:
                    err(f"{where}.{key}", f"unknown key (known: {', '.join(CUE_KEYS)})")
                lists[key] = _strings(value, f"{where}.{key}", err)
            if not any(lists.get(k) for k in ("words", "stems", "infixes", "phrases", "weak_words", "weak_stems",
                                              "weak_infixes", "group_words",
                                              "weak_phrases", "strong_words", "strong_stems", "strong_phrases")):
                err(where, "has no cues (give words, stems, infixes or phrases)")
            cues.append(CueList(layer, label, _normalise(lists), min_hits, doc_types, exclusive,
                                names["name_nl"], names["name_en"]))

    def keyed_lists(section: str, keys: tuple[str, ...]) -> dict[str, list[str]]:
        table = _table(raw.get(section, {}), section, err)
        for key in table:
            if key not in keys:
                err(f"{section}.{key}", f"unknown key (known: {', '.join(keys)})")
        return {k: [s.lower() for s in _strings(table.get(k, []), f"{section}.{k}", err)] for k in keys}

    recommendation = keyed_lists("recommendation", RECOMMENDATION_KEYS)
    if not recommendation["modal_words"] and not recommendation["frames"]:
        err("recommendation", "needs modal_words or frames")
    statistic = keyed_lists("statistic", STATISTIC_KEYS)
    flags = keyed_lists("flags", FLAG_KEYS)

    organisations = {}
    for label, names in _table(raw.get("organisation", {}), "organisation", err).items():
        if not _LABEL_ID.match(label):
            err(f"organisation.{label}", "ids are lower case letters, digits and _")
        organisations[label] = _strings(names, f"organisation.{label}", err)
    person_table = _table(raw.get("person", {}), "person", err)
    for key in person_table:
        if key not in PERSON_KEYS:
            err(f"person.{key}", f"unknown key (known: {', '.join(PERSON_KEYS)})")
    persons = {k: _strings(person_table.get(k, []), f"person.{k}", err) for k in PERSON_KEYS}
    display = {}
    for key, value in _table(raw.get("display", {}), "display", err).items():
        if not isinstance(value, list) or len(value) != 2 or not all(isinstance(v, str) and v.strip() for v in value):
            err(f"display.{key}", f'must be ["Dutch name", "English name"], got {value!r}')
        display[key] = (value[0].strip(), value[1].strip())
    return Taxonomy(path, sha, settings, cues, recommendation, statistic, flags, organisations, persons, display)


def _normalise(lists: dict[str, list[str]]) -> dict[str, list[str]]:
    """Lower-case everything; a 'word' or 'stem' with a space in it is a phrase (stem: last word is a stem)."""
    out: dict[str, list[str]] = {}
    for key, values in lists.items():
        for value in values:
            value = " ".join(value.lower().split())
            target = key
            if " " in value and not key.endswith("phrases") and key not in ("context_words", "compound_parts"):
                prefix = key.split("_")[0] + "_" if "_" in key else ""
                target = f"{prefix}phrases"
                if key.endswith("stems"):
                    value += "*"
            out.setdefault(target, []).append(value)
    return out


class _Reporter:
    def __init__(self, path: Path):
        self.path = path

    def __call__(self, key: str, problem: str):
        raise TaxonomyError(f"{self.path}: {key}: {problem}")


def _table(value, where: str, err) -> dict:
    if not isinstance(value, dict):
        err(where, f"must be a table, got {type(value).__name__}")
    return value


def _strings(value, where: str, err) -> list[str]:
    if not isinstance(value, list):
        err(where, f"must be a list of strings, got {value!r}")
    for i, item in enumerate(value):
        if not isinstance(item, str) or not item.strip():
            err(f"{where}[{i}]", f"must be a non-empty string, got {item!r}")
        if item.strip() in ("*",):
            err(f"{where}[{i}]", "a lone * matches everything")
    return [item.strip() for item in value]
