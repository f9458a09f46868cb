"""Evidence matrices and knowledge gaps from the annotations.

A document counts in a cell (row label x column label) when it has both labels: at
least one annotation of each (negated ones ignored when ``ignore_negated``).  Each cell
counts all its documents, its research documents and its effect studies, broken down by
evidence type and period.  Whether a cell is a gap follows the configured definition
(``definition_text`` prints it in words).  Gaps are ranked by how many research documents
the cell would have if research were spread over it like over its row and column
(expected = row research total x column research total / all research documents) minus
how many it has, plus the Kamervragen in the cell: a thin cell between two well-studied
labels, or one parliament asks about, is the more striking gap.
"""
from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from miner.gaps.sources import source_kind_sql

MATRICES = [("mechanism", "ground"), ("mechanism", "setting"), ("ground", "setting")]
LAYER_KEYS = {"ground": "grounds", "mechanism": "mechanisms", "setting": "settings"}
NO_EVIDENCE_TYPE = "onbekend"


@dataclass
class Doc:
    id: int
    title: str
    year: int | None
    kind: str                       # kamervragen, research, other
    evidence: list[str]
    effect: bool
    labels: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))


@dataclass
class Cell:
    matrix: str
    row_layer: str
    col_layer: str
    row: str
    col: str
    documents: list[int]
    n_research: int
    n_effect: int
    n_kamervragen: int
    by_evidence: dict[str, int]
    by_period: dict[str, int]
    expected_research: float = 0.0
    gap_kind: str | None = None
    reason: str | None = None

    @property
    def is_gap(self) -> bool:
        return self.gap_kind is not None

    @property
    def priority(self) -> float:
        return round(self.expected_research + self.n_kamervragen - self.n_research, 4)


def period_of(year: int | None, bounds: list[int]) -> str:
    if year is None:
        return "onbekend"
    if not bounds or year < bounds[0]:
        return f"<{bounds[0]}" if bounds else "alle jaren"
    for lo, hi in zip(bounds, bounds[1:]):
        if lo <= year < hi:
            return f"{lo}-{hi - 1}"
    return f"{bounds[-1]}+"


def _year(date: str | None) -> int | None:
    if date and len(date) >= 4 and date[:4].isdigit():
        return int(date[:4])
    return None


def _evidence(conn) -> dict[int, list[str]]:
    evidence: dict[int, list[str]] = defaultdict(list)
    for r in conn.execute("SELECT document_id, label FROM document_labels WHERE layer = 'evidence_type' "
                          "ORDER BY document_id, label"):
        evidence[r["document_id"]].append(r["label"])
    return evidence


def _kind(sql_kind: str, doc_type: str | None, evidence: list[str], gcfg: dict) -> str:
    """kamervragen, research or other (policy documents, web pages, unknown)."""
    if sql_kind == "kamervragen" or "kamervraag" in evidence:
        return "kamervragen"
    if set(evidence) & set(gcfg["research_evidence_types"]) or (
            not evidence and doc_type in gcfg["research_doc_types"]):
        return "research"
    return "other"


def _document_rows(conn, gcfg: dict, include_irrelevant: bool = False):
    """Documents that count: one per work (merged duplicates left out) and, unless
    ``include_irrelevant``, only those judged relevant (``document_relevance``)."""
    parl = list(gcfg["parliamentary_doc_types"])
    relevant = "" if include_irrelevant else " AND r.is_relevant = 1"
    return conn.execute(f"SELECT d.id, COALESCE(d.title, '') AS title, d.date, d.doc_type, "
                        f"{source_kind_sql('d', parl)} AS kind FROM documents d "
                        "JOIN document_works w ON w.document_id = d.id AND w.counted = 1 "
                        f"JOIN document_relevance r ON r.document_id = d.id WHERE 1 = 1{relevant} ORDER BY d.id", parl)


def load_kinds(conn, gcfg: dict, include_irrelevant: bool = False) -> dict[int, str]:
    evidence = _evidence(conn)
    return {r["id"]: _kind(r["kind"], r["doc_type"], evidence.get(r["id"], []), gcfg)
            for r in _document_rows(conn, gcfg, include_irrelevant)}


def load_documents(conn, gcfg: dict, include_irrelevant: bool = False) -> dict[int, Doc]:
    """Every counted document with at least one ground, mechanism or setting label in
    ``effective_annotations`` (the model's labels with the researchers' reviews applied)."""
    negated = " AND negated = 0" if gcfg["ignore_negated"] else ""
    labels: dict[int, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    # effective_annotations: the model's labels with the researchers' reviews applied (issue 13)
    for r in conn.execute("SELECT DISTINCT document_id, layer, label FROM effective_annotations "
                          f"WHERE layer IN ('ground', 'mechanism', 'setting'){negated}"):
        labels[r["document_id"]][r["layer"]].add(r["label"])
    evidence = _evidence(conn)
    effect_types = set(gcfg["effect_evidence_types"])
    docs = {}
    for r in _document_rows(conn, gcfg, include_irrelevant):
        if r["id"] not in labels:
            continue
        ev = evidence.get(r["id"], [])
        kind = _kind(r["kind"], r["doc_type"], ev, gcfg)
        if not ev:
            ev = ["kamervraag"] if kind == "kamervragen" else [NO_EVIDENCE_TYPE]
        docs[r["id"]] = Doc(id=r["id"], title=r["title"], year=_year(r["date"]), kind=kind, evidence=ev,
                            effect=kind == "research" and bool(set(ev) & effect_types),
                            labels=labels[r["id"]])
    return docs


def axis_labels(layer: str, docs: dict[int, Doc], gcfg: dict) -> list[str]:
    configured = list(gcfg[LAYER_KEYS[layer]])
    found = sorted({lab for d in docs.values() for lab in d.labels.get(layer, ())} - set(configured))
    return configured + found


def _docs_by_label(docs: dict[int, Doc], layer: str) -> dict[str, set[int]]:
    out: dict[str, set[int]] = defaultdict(set)
    for d in docs.values():
        for lab in d.labels.get(layer, ()):
            out[lab].add(d.id)
    return out


def build_cells(docs: dict[int, Doc], gcfg: dict) -> list[Cell]:
    cells = []
    n_research = sum(d.kind == "research" for d in docs.values())
    for row_layer, col_layer in MATRICES:
        matrix = f"{row_layer} x {col_layer}"
        rows, cols = axis_labels(row_layer, docs, gcfg), axis_labels(col_layer, docs, gcfg)
        row_research = Counter(lab for d in docs.values() if d.kind == "research" for lab in d.labels.get(row_layer, ()))
        col_research = Counter(lab for d in docs.values() if d.kind == "research" for lab in d.labels.get(col_layer, ()))
        row_docs, col_docs = _docs_by_label(docs, row_layer), _docs_by_label(docs, col_layer)
        for row in rows:
            for col in cols:
                members = [docs[i] for i in sorted(row_docs.get(row, set()) & col_docs.get(col, set()))]
                research = [d for d in members if d.kind == "research"]
                cell = Cell(matrix=matrix, row_layer=row_layer, col_layer=col_layer, row=row, col=col,
                            documents=sorted(d.id for d in members), n_research=len(research),
                            n_effect=sum(d.effect for d in research),
                            n_kamervragen=sum(d.kind == "kamervragen" for d in members),
                            by_evidence=dict(sorted(Counter(e for d in members for e in d.evidence).items())),
                            by_period=dict(sorted(Counter(period_of(d.year, gcfg["period_bounds"])
                                                          for d in members).items())),
                            expected_research=(row_research[row] * col_research[col] / n_research
                                               if n_research else 0.0))
                cell.gap_kind, cell.reason = classify(cell, gcfg)
                cells.append(cell)
    return cells


GAP_KINDS = ("empty", "no_research", "thin", "no_effect_study")


def classify(cell: Cell, gcfg: dict) -> tuple[str | None, str | None]:
    """The gap rule, the one definition the CLI, the stored analysis and the map all use
    (the map's page applies ``gap_rule`` to the documents in view; see ``classify_counts``)."""
    return classify_counts(len(cell.documents), cell.n_research, cell.n_effect, cell.n_kamervragen,
                           gap_rule(gcfg))


def gap_rule(gcfg: dict) -> dict:
    return {"minResearch": gcfg["min_research_documents"], "requireEffect": bool(gcfg["require_effect_study"])}


def classify_counts(n_docs: int, n_research: int, n_effect: int, n_kamervragen: int,
                    rule: dict) -> tuple[str | None, str | None]:
    """(gap_kind, reason).  Kinds: empty (no document at all), no_research (documents, but only
    policy documents / Kamervragen), thin (too few research documents), no_effect_study."""
    minimum = rule["minResearch"]
    if n_docs == 0 and minimum > 0:
        return "empty", "no documents at all"
    if n_research == 0 and minimum > 0:
        other = n_docs - n_kamervragen
        parts = ([f"{n_kamervragen} Kamervragen"] if n_kamervragen else []) + \
                ([f"{other} policy or other non-research document{'s' if other != 1 else ''}"] if other else [])
        return "no_research", f"{n_docs} document{'s' if n_docs != 1 else ''} ({', '.join(parts)}), no research"
    if n_research < minimum:
        return "thin", f"only {n_research} research document{'s' if n_research != 1 else ''} (fewer than {minimum})"
    if rule["requireEffect"] and n_effect == 0:
        return "no_effect_study", f"{n_research} research documents, but none is an effect study"
    return None, None


def definition_text(gcfg: dict, language: str = "en") -> str:
    if language == "nl":
        return _definition_nl(gcfg)
    parts = [f"fewer than {gcfg['min_research_documents']} research documents"]
    if gcfg["require_effect_study"]:
        parts.append(f"no effect study ({', '.join(gcfg['effect_evidence_types'])})")
    return (f"A cell is a gap when it has {' or '.join(parts)}. Research documents: evidence type "
            f"{', '.join(gcfg['research_evidence_types'])}; documents without an evidence type count as research "
            f"when their type is {', '.join(gcfg['research_doc_types']) or '(none)'}. Kamervragen "
            f"({', '.join(gcfg['parliamentary_doc_types'])}, or linked from the kamervragen table) and policy "
            "documents are counted in a cell but are not research. A document counts in a cell when it has "
            "both labels" + (" (negated mentions ignored)." if gcfg["ignore_negated"] else "."))


def _definition_nl(gcfg: dict) -> str:
    parts = [f"minder dan {gcfg['min_research_documents']} onderzoeksdocumenten"]
    if gcfg["require_effect_study"]:
        parts.append(f"geen effectstudie ({', '.join(gcfg['effect_evidence_types'])})")
    return (f"Een cel is een leemte als ze {' of '.join(parts)} heeft. Onderzoeksdocumenten: type bewijs "
            f"{', '.join(gcfg['research_evidence_types'])}; documenten zonder type bewijs tellen als onderzoek "
            f"als hun documenttype {', '.join(gcfg['research_doc_types']) or '(geen)'} is. Kamervragen "
            f"({', '.join(gcfg['parliamentary_doc_types'])}, of gekoppeld in de tabel kamervragen) en "
            "beleidsdocumenten tellen mee in een cel maar zijn geen onderzoek. Een document telt in een cel als "
            "het beide labels heeft" + (" (ontkende vermeldingen niet meegeteld)." if gcfg["ignore_negated"]
                                        else "."))


def ranked_gaps(cells: list[Cell]) -> list[Cell]:
    return sorted((c for c in cells if c.is_gap),
                  key=lambda c: (-c.priority, -len(c.documents), c.matrix, c.row, c.col))


def neighbours(gap: Cell, cells: list[Cell], docs: dict[int, Doc], n: int) -> list[tuple[Doc, Cell]]:
    """Up to n documents from the same row or column, best-evidenced cells first."""
    near = [c for c in cells if c.matrix == gap.matrix and (c.row == gap.row) != (c.col == gap.col)]
    near.sort(key=lambda c: (-c.n_effect, -c.n_research, -len(c.documents), c.row, c.col))
    out, seen = [], set(gap.documents)
    rank = {"research": 0, "other": 1, "kamervragen": 2}
    for c in near:
        for d in sorted((docs[i] for i in c.documents), key=lambda d: (rank[d.kind], not d.effect, d.id)):
            if len(out) >= n:
                return out
            if d.id not in seen:
                seen.add(d.id)
                out.append((d, c))
    return out


def cell_to_row(cell: Cell, definition: str, computed_at: str, *, nested: bool = False) -> dict:
    """A gaps table row (JSON columns as text), or with ``nested`` real lists and objects (--json)."""
    enc = (lambda v: v) if nested else (lambda v: json.dumps(v, ensure_ascii=False))
    return {"computed_at": computed_at, "matrix": cell.matrix, "row_label": cell.row, "col_label": cell.col,
            "n_documents": len(cell.documents), "n_research": cell.n_research, "n_effect": cell.n_effect,
            "n_kamervragen": cell.n_kamervragen,
            "by_evidence": enc(cell.by_evidence), "by_period": enc(cell.by_period),
            "document_ids": enc(cell.documents), "is_gap": int(cell.is_gap), "reason": cell.reason,
            "definition": definition, "row_layer": cell.row_layer, "col_layer": cell.col_layer,
            "expected_research": round(cell.expected_research, 4), "priority": cell.priority,
            "gap_kind": cell.gap_kind}
