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

import heapq
import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from miner.store import gaps as store

MATRICES = [("mechanism", "ground"), ("mechanism", "setting"), ("ground", "setting")]
LAYER_KEYS = {"ground": "grounds", "mechanism": "mechanisms", "setting": "settings"}
NO_EVIDENCE_TYPE = store.NO_EVIDENCE


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
    """The period name of a year (the names ``miner.store.gaps.period_labels`` gives, which the
    SQL counts use)."""
    names = store.period_labels(bounds)
    if year is None:
        return names[-1]
    if not bounds:
        return names[0]
    for i, b in enumerate(bounds):
        if year < b:
            return names[i]
    return names[len(bounds)]


def _doc(r, labels: dict[str, set[str]] | None = None) -> Doc:
    ev = r["evidence"].split(",") if r["evidence"] else []
    if not ev:
        ev = ["kamervraag"] if r["kind"] == "kamervragen" else [NO_EVIDENCE_TYPE]
    return Doc(id=r["id"], title=r["title"], year=r["year"], kind=r["kind"], evidence=ev, effect=bool(r["effect"]),
               labels=labels if labels is not None else defaultdict(set))


def load_kinds(conn, gcfg: dict, include_irrelevant: bool = False) -> dict[int, str]:
    """kamervragen, research or other for every counted document (labelled or not)."""
    return {r["id"]: r["kind"] for r in store.documents(conn, gcfg, include_irrelevant)}


def load_documents(conn, gcfg: dict, include_irrelevant: bool = False) -> dict[int, Doc]:
    """Every counted document (one per work, relevant unless ``include_irrelevant``) with at least
    one ground, mechanism or setting label in ``effective_annotations`` (the model's labels with
    the researchers' reviews applied), with those labels."""
    labels: dict[int, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for doc_id, layer, label in store.labels(conn, gcfg, include_irrelevant):
        labels[doc_id][layer].add(label)
    return {r["id"]: _doc(r, labels[r["id"]])
            for r in store.documents(conn, gcfg, include_irrelevant) if r["id"] in labels}


def axis_labels(layer: str, docs: dict[int, Doc], gcfg: dict) -> list[str]:
    configured = list(gcfg[LAYER_KEYS[layer]])
    found = sorted({lab for d in docs.values() for lab in d.labels.get(layer, ())} - set(configured))
    return configured + found


def build_cells(conn, docs: dict[int, Doc], gcfg: dict, include_irrelevant: bool = False) -> list[Cell]:
    """Every cell of the matrices, empty ones included.  The counts (documents, research, effect
    studies, Kamervragen, per period and evidence type) are SQL aggregates
    (``miner.store.gaps.cell_counts``); ``docs`` (``load_documents`` with the same arguments)
    gives the axes, each cell's document ids (an intersection of two id sets) and the row and
    column research totals the ranking needs."""
    axes = {layer: axis_labels(layer, docs, gcfg) for layer in LAYER_KEYS}
    row_layers = sorted({r for r, _ in MATRICES})
    columns = [(layer, label) for layer in sorted({c for _, c in MATRICES}) for label in axes[layer]]
    periods = store.period_labels(list(gcfg["period_bounds"]))
    counts: dict[tuple, dict] = {}
    for r in store.cell_counts(conn, gcfg, row_layers, columns, include_irrelevant):
        evidence = r["evidence"].split(",") if r["evidence"] else (
            ["kamervraag"] if r["kind"] == "kamervragen" else [NO_EVIDENCE_TYPE])
        for i, (col_layer, col) in enumerate(columns):
            n = r[f"c{i}"]
            if not n or (r["row_layer"], col_layer) not in MATRICES:
                continue
            c = counts.setdefault((r["row_layer"], r["row_label"], col_layer, col), {
                "n": 0, "research": 0, "effect": 0, "kamervragen": 0, "evidence": Counter(), "period": Counter()})
            c["n"] += n
            c["research"] += n if r["kind"] == "research" else 0
            c["effect"] += n if r["effect"] else 0
            c["kamervragen"] += n if r["kind"] == "kamervragen" else 0
            c["period"][periods[r["period"]]] += n
            for e in evidence:
                c["evidence"][e] += n
    by_label: dict[str, dict[str, set[int]]] = {layer: defaultdict(set) for layer in LAYER_KEYS}
    research_per_label: dict[str, Counter] = {layer: Counter() for layer in LAYER_KEYS}
    for d in docs.values():
        for layer, labs in d.labels.items():
            for lab in labs:
                by_label[layer][lab].add(d.id)
            if d.kind == "research":
                research_per_label[layer].update(labs)
    n_research = sum(d.kind == "research" for d in docs.values())
    empty = {"n": 0, "research": 0, "effect": 0, "kamervragen": 0, "evidence": Counter(), "period": Counter()}
    cells = []
    for row_layer, col_layer in MATRICES:
        matrix = f"{row_layer} x {col_layer}"
        for row in axes[row_layer]:
            for col in axes[col_layer]:
                c = counts.get((row_layer, row, col_layer, col), empty)
                ids = sorted(by_label[row_layer].get(row, set()) & by_label[col_layer].get(col, set()))
                cell = Cell(matrix=matrix, row_layer=row_layer, col_layer=col_layer, row=row, col=col,
                            documents=ids, n_research=c["research"], n_effect=c["effect"],
                            n_kamervragen=c["kamervragen"], by_evidence=dict(sorted(c["evidence"].items())),
                            by_period=dict(sorted(c["period"].items())),
                            expected_research=(research_per_label[row_layer][row] * research_per_label[col_layer][col]
                                               / n_research if n_research else 0.0))
                if len(ids) != c["n"]:   # the SQL counts and the label sets are two reads of one store
                    raise RuntimeError(f"gap cell {matrix} {row} x {col}: {c['n']} documents counted, "
                                       f"{len(ids)} listed (the store changed while reading?)")
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
        # the best documents of the cell not seen yet, as many as are still needed: no need to sort
        # a big cell, nor to take the gap's own (often thousands of) documents along in the heap
        for d in heapq.nsmallest(n - len(out), (docs[i] for i in c.documents if i not in seen),
                                 key=lambda d: (rank[d.kind], not d.effect, d.id)):
            seen.add(d.id)
            out.append((d, c))
        if len(out) >= n:
            return out
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
