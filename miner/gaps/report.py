"""Plain-language text of the gap analysis for `miner gaps`."""
from __future__ import annotations

from miner.gaps.analysis import Cell, neighbours, ranked_gaps


def _counts(d: dict[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in d.items()) or "none"


def gap_lines(result, top: int, n_neighbours: int, matrix: str | None = None) -> list[str]:
    cells = [c for c in result.cells if matrix is None or c.matrix == matrix]
    gaps = ranked_gaps(cells)
    n_research = sum(d.kind == "research" for d in result.docs.values())
    lines = [f"Gap definition: {result.definition}",
             f"Documents with ground/mechanism/setting labels: {len(result.docs)} "
             f"({n_research} research, {sum(d.kind == 'kamervragen' for d in result.docs.values())} Kamervragen).",
             f"{len(gaps)} of {len(cells)} cells are gaps; the {min(top, len(gaps))} most striking "
             "(research expected from row and column plus Kamervragen asking, minus research found):", ""]
    for i, cell in enumerate(gaps[:top], 1):
        lines += _gap_block(i, cell, result, cells, n_neighbours)
    return lines


def _gap_block(i: int, cell: Cell, result, cells: list[Cell], n_neighbours: int) -> list[str]:
    out = [f"{i}. {cell.row_layer} '{cell.row}' x {cell.col_layer} '{cell.col}': {cell.reason}.",
           f"   Numbers: {len(cell.documents)} document(s) with both labels, {cell.n_research} research, "
           f"{cell.n_effect} effect stud{'y' if cell.n_effect == 1 else 'ies'}, {cell.n_kamervragen} Kamervragen; about "
           f"{cell.expected_research:.1f} research documents would be expected from the row and column.",
           f"   By evidence type: {_counts(cell.by_evidence)}. By period: {_counts(cell.by_period)}."]
    if cell.documents:
        out.append("   In this cell: " + "; ".join(_doc(result.docs[d]) for d in cell.documents[:3])
                   + (" ..." if len(cell.documents) > 3 else ""))
    near = neighbours(cell, cells, result.docs, n_neighbours)
    if near:
        out.append("   Nearest evidence (same row or column):")
        for doc, other in near:
            out.append(f"     - {_doc(doc)} [{other.row} x {other.col}]")
    out.append("")
    return out


def _doc(doc) -> str:
    title = doc.title or "(untitled)"
    if len(title) > 70:
        title = title[:67] + "..."
    year = doc.year or "n.d."
    return f"[{doc.id}] {title} ({year}, {'/'.join(doc.evidence)})"


def attention_lines(result, limit: int) -> list[str]:
    lines = [f"Attention vs evidence: {result.attention_definition}"]
    outrun = [a for a in result.attention if a.outruns_research]
    if not result.attention:
        return lines + ["  (no Kamervragen or research documents with grounds or topics yet)"]
    if not outrun:
        lines.append("  Nowhere does parliamentary attention outrun the research.")
    for a in outrun[:limit]:
        ratio = f"{a.ratio:.1f}x" if a.ratio is not None else "no research at all"
        name = f"topic {a.key} '{a.label}'" if a.kind == "topic" else f"ground '{a.key}'"
        lines.append(f"  - {name}: {a.n_kamervragen} Kamervragen ({a.kamervragen_share:.0%} of Kamervragen) vs "
                     f"{a.n_research} research documents ({a.research_share:.0%} of research): {ratio}")
    return lines
