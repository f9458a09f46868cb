"""Evidence gap map: mechanisms × grounds (or settings), one self-contained HTML file,
plus a static PNG/SVG of the same map.

Counts: a document counts in cell (mechanism m, ground g) when it has at least one
annotation with each label (the ``evidence_matrix`` view counts the same way).
Gaps: taken from the stored gap analysis (``gaps_overview``) when it covers the
matrix; otherwise computed here with the configured rule (fewer than
``gaps.min_research_documents`` research documents in the cell).
"""
from __future__ import annotations

import base64
import hashlib
import html
import json
import re
import sqlite3
from datetime import datetime, timezone
from importlib import resources
from pathlib import Path

from miner.export import labels as L
from miner.export.evidence import Document, layer_labels, load, safe_url

ROW_LAYER = "mechanism"
COLUMN_LAYERS = ("ground", "setting")
PALETTE = {"effectstudie": "#1b7837", "literatuurstudie": "#5aae61", "kennissynthese": "#a6dba0",
           "enquete": "#2166ac", "interviews": "#67a9cf", "casestudy": "#d1e5f0",
           "praktijkvoorbeeld": "#f1a340", "beleidsdocument": "#b2abd2", "kamervraag": "#8073ac",
           L.UNKNOWN_EVIDENCE: "#bbbbbb"}


def matrix_name(col_layer: str) -> str:
    return f"{ROW_LAYER} x {col_layer}"


def rule_definition(min_research: int) -> str:
    return (f"a cell is a gap when fewer than {min_research} research documents have both labels "
            f"(research = any evidence type except {', '.join(L.NON_RESEARCH_TYPES)}); "
            "an empty cell has no documents at all")


def build_data(conn: sqlite3.Connection, *, min_research: int, columns: str = "ground",
               title: str = "Evidence gap map", max_quotes: int = 3) -> dict:
    """Everything the page needs, as plain JSON-able data."""
    if columns not in COLUMN_LAYERS:
        raise ValueError(f"columns must be one of {', '.join(COLUMN_LAYERS)}")
    docs = load(conn)
    layers = {layer: layer_labels(docs, layer) for layer in (ROW_LAYER, *COLUMN_LAYERS)}
    evidence_types = L.ordered("evidence_type", {d.evidence for d in docs} - {L.UNKNOWN_EVIDENCE})
    evidence_types.append(L.UNKNOWN_EVIDENCE)
    stored = _stored_gaps(conn)
    gaps, definitions, sources = {}, {}, {}
    for col_layer in COLUMN_LAYERS:
        name = matrix_name(col_layer)
        if name in stored:
            gaps[name] = _complete(stored[name][0], docs, layers[ROW_LAYER], layers[col_layer], col_layer)
            definitions[name] = stored[name][1]
            sources[name] = "table"
        else:
            gaps[name] = _computed_gaps(docs, layers[ROW_LAYER], layers[col_layer], col_layer, min_research)
            definitions[name] = rule_definition(min_research)
            sources[name] = "computed"
    return {
        "title": title,
        "generated": datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
        "rowLayer": ROW_LAYER,
        "columnLayer": columns,
        "columnLayers": list(COLUMN_LAYERS),
        "layers": layers,
        "evidenceTypes": evidence_types,
        "colors": {t: PALETTE.get(t, "#999999") for t in evidence_types},
        "gaps": gaps,
        "gapDefinition": definitions,
        "gapSource": sources,
        "gapRule": {"minResearch": min_research, "nonResearch": list(L.NON_RESEARCH_TYPES),
                    "definition": rule_definition(min_research)},
        "docs": [_doc_json(d, max_quotes) for d in docs],
    }


def _doc_json(d: Document, max_quotes: int) -> dict:
    # Quotes are capped per document and label to keep the page light on a big corpus;
    # "more" says how many the tidy table has beyond those shown.
    codes: dict[str, dict[str, list]] = {}
    more: dict[str, int] = {}
    for (layer, label), quotes in d.codes.items():
        if layer in (ROW_LAYER, *COLUMN_LAYERS):
            codes.setdefault(layer, {})[label] = [
                {"s": q.sentence, "p": q.page_no, "a": q.start, "b": q.end} for q in quotes[:max_quotes]]
            if len(quotes) > max_quotes:
                more[f"{layer}:{label}"] = len(quotes) - max_quotes
    return {"id": d.id, "title": d.title, "url": safe_url(d.url), "rawUrl": d.url, "year": d.year,
            "source": d.source, "type": d.doc_type or "", "evidence": d.evidence, "research": d.is_research,
            "codes": codes, "more": more}


def cell_documents(docs: list[Document], col_layer: str) -> dict[tuple[str, str], list[Document]]:
    cells: dict[tuple[str, str], list[Document]] = {}
    for d in docs:
        for row in d.labels(ROW_LAYER):
            for col in d.labels(col_layer):
                cells.setdefault((row, col), []).append(d)
    return cells


def _computed_gaps(docs, rows, cols, col_layer, min_research) -> dict:
    cells = cell_documents(docs, col_layer)
    out = {}
    for r in rows:
        for c in cols:
            in_cell = cells.get((r, c), [])
            n_research = sum(d.is_research for d in in_cell)
            if not in_cell:
                out[f"{r}|{c}"] = {"gap": True, "reason": "no documents"}
            elif n_research < min_research:
                out[f"{r}|{c}"] = {"gap": True, "reason": f"{len(in_cell)} document(s), of which {n_research} "
                                                          f"research (fewer than {min_research})"}
            else:
                out[f"{r}|{c}"] = {"gap": False, "reason": f"{n_research} research document(s)"}
    return out


def _complete(stored: dict, docs, rows, cols, col_layer) -> dict:
    """The stored analysis may list only cells with documents; an unlisted empty cell is a gap."""
    cells = cell_documents(docs, col_layer)
    out = dict(stored)
    for r in rows:
        for c in cols:
            if f"{r}|{c}" not in out:
                n = len(cells.get((r, c), []))
                out[f"{r}|{c}"] = ({"gap": True, "reason": "no documents"} if not n
                                   else {"gap": False, "reason": "not in the stored gap analysis"})
    return out


def _stored_gaps(conn) -> dict:
    out: dict[str, tuple[dict, str]] = {}
    for r in conn.execute("SELECT matrix, row_label, col_label, is_gap, reason, definition FROM gaps_overview"):
        cells, _ = out.setdefault(r[0], ({}, r[5]))
        cells[f"{r[1]}|{r[2]}"] = {"gap": bool(r[3]), "reason": r[4] or ""}
    return out


def embed_json(data) -> str:
    """JSON that is inert inside a <script type="application/json"> block: no '<', '>' or '&'
    survive, so '</script>' and '<!--' in crawled text cannot end or confuse the block."""
    text = json.dumps(data, ensure_ascii=False)
    return (text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def render_html(data: dict) -> str:
    """The page: template + inline CSS/JS + the data block.  A Content-Security-Policy with
    the hash of our one script forbids every other script and all network access."""
    folder = resources.files("miner.export").joinpath("templates")
    template = folder.joinpath("gapmap.html").read_text(encoding="utf-8")
    script = folder.joinpath("gapmap.js").read_text(encoding="utf-8")
    css = folder.joinpath("gapmap.css").read_text(encoding="utf-8")
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    values = {"CSP_SCRIPT_HASH": f"'sha256-{digest}'", "TITLE": html.escape(data["title"]), "CSS": css,
              "DATA": embed_json(data), "SCRIPT": script}
    # One pass, so a '{{SCRIPT}}' inside crawled text is never expanded.
    return re.sub(r"\{\{([A-Z_]+)\}\}", lambda m: values[m.group(1)], template)


def render_static(data: dict, png: Path | None, svg: Path | None, columns: str | None = None) -> None:
    """The unfiltered map as a matplotlib figure: bubble area = documents, colour = the most
    common evidence type in the cell, red ring = gap, grey cross = empty."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    col_layer = columns or data["columnLayer"]
    rows, cols = data["layers"][ROW_LAYER], data["layers"][col_layer]
    gaps = data["gaps"][matrix_name(col_layer)]
    counts: dict[tuple[str, str], dict[str, int]] = {}
    for d in data["docs"]:
        for r in d["codes"].get(ROW_LAYER, {}):
            for c in d["codes"].get(col_layer, {}):
                by = counts.setdefault((r, c), {})
                by[d["evidence"]] = by.get(d["evidence"], 0) + 1
    biggest = max([sum(v.values()) for v in counts.values()] or [1])
    fig, ax = plt.subplots(figsize=(1.0 + 0.75 * len(cols), 1.2 + 0.5 * len(rows)))
    for i, r in enumerate(rows):
        for j, c in enumerate(cols):
            by = counts.get((r, c), {})
            n = sum(by.values())
            gap = gaps.get(f"{r}|{c}", {"gap": n == 0})["gap"]
            if n:
                dominant = max(by, key=lambda t: (by[t], -data["evidenceTypes"].index(t)))
                ax.scatter(j, i, s=60 + 900 * n / biggest, color=data["colors"][dominant], zorder=2,
                           edgecolors="#c0392b" if gap else "white", linewidths=2.0 if gap else 0.8)
                ax.text(j, i, str(n), ha="center", va="center", fontsize=7, zorder=3)
            else:
                ax.scatter(j, i, marker="x", s=25, color="#c0392b" if gap else "#cccccc", zorder=2)
    ax.set_xticks(range(len(cols)), [L.pretty(c) for c in cols], rotation=45, ha="right", fontsize=8)
    ax.set_yticks(range(len(rows)), [L.pretty(r) for r in rows], fontsize=8)
    ax.set_xlim(-0.6, len(cols) - 0.4)
    ax.set_ylim(len(rows) - 0.4, -0.6)
    ax.grid(True, color="#eeeeee", zorder=0)
    ax.set_xlabel(col_layer)
    ax.set_ylabel(ROW_LAYER)
    used = [t for t in data["evidenceTypes"] if any(t in v for v in counts.values())]
    handles = [Line2D([], [], marker="o", linestyle="", color=data["colors"][t], label=t) for t in used]
    handles.append(Line2D([], [], marker="o", linestyle="", markerfacecolor="white", markeredgecolor="#c0392b",
                          label="gap (red ring / red x)"))
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=7, frameon=False)
    ax.set_title(f"{data['title']}: {ROW_LAYER} x {col_layer}", fontsize=10)
    fig.tight_layout()
    for path in (png, svg):
        if path is not None:
            fig.savefig(path, dpi=150)
    plt.close(fig)
