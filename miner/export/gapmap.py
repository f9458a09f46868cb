"""Evidence gap map: mechanisms × grounds (or settings), one self-contained HTML file,
plus a static PNG/SVG of the same map.

Counts and gaps follow `miner gaps` exactly: a document counts in cell (mechanism m,
ground g) when ``effective_annotations`` give it both labels (negated mentions ignored
when ``gaps.ignore_negated``); only counted documents (one per work, relevant unless
``--include-irrelevant``) take part; whether a cell is a gap is the one rule of
``miner.gaps.analysis.classify_counts``.  The page applies that same rule to the documents
in view, whatever the filters, so with a filter that keeps every document the page shows
the gaps `miner gaps` prints.
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
from miner.export.evidence import Document, load, safe_url
from miner.export.i18n import Language
from miner.gaps import analysis

ROW_LAYER = "mechanism"
COLUMN_LAYERS = ("ground", "setting")
PALETTE = {"effectstudie": "#1b7837", "literatuurstudie": "#5aae61", "kennissynthese": "#a6dba0",
           "enquete": "#2166ac", "interviews": "#67a9cf", "casestudy": "#d1e5f0",
           "praktijkvoorbeeld": "#f1a340", "beleidsdocument": "#b2abd2", "kamervraag": "#8073ac",
           L.UNKNOWN_EVIDENCE: "#bbbbbb"}


def matrix_name(col_layer: str) -> str:
    return f"{ROW_LAYER} x {col_layer}"


def build_data(conn: sqlite3.Connection, gcfg: dict, lang: Language, *, columns: str = "ground",
               title: str = "", max_quotes: int = 3, include_irrelevant: bool = False) -> dict:
    """Everything the page needs, as plain JSON-able data."""
    if columns not in COLUMN_LAYERS:
        raise ValueError(f"columns must be one of {', '.join(COLUMN_LAYERS)}")
    docs = load(conn, include_irrelevant)
    counted = analysis.load_documents(conn, gcfg, include_irrelevant)
    layers = {layer: analysis.axis_labels(layer, counted, gcfg) for layer in (ROW_LAYER, *COLUMN_LAYERS)}
    evidence_types = L.ordered("evidence_type", {e for d in counted.values() for e in d.evidence}
                               - {L.UNKNOWN_EVIDENCE})
    evidence_types.append(L.UNKNOWN_EVIDENCE)
    cells: dict[str, dict] = {}
    for cell in analysis.build_cells(conn, counted, gcfg, include_irrelevant):
        if cell.row_layer == ROW_LAYER and cell.col_layer in COLUMN_LAYERS:
            cells.setdefault(cell.matrix, {})[f"{cell.row}|{cell.col}"] = {
                "gap": cell.is_gap, "kind": cell.gap_kind, "n": len(cell.documents)}
    by_id = {d.id: d for d in docs}
    return {
        "title": title or lang.t("map_title"),
        "generated": datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
        "language": lang.code,
        "text": lang.ui(),
        "names": {layer: {lab: lang.name(layer, lab) for lab in labs} for layer, labs in layers.items()},
        "evidenceNames": {t: lang.name("evidence_type", t) if t != L.UNKNOWN_EVIDENCE else lang.t("unknown")
                          for t in evidence_types},
        "layerNames": {layer: lang.layer(layer) for layer in (ROW_LAYER, *COLUMN_LAYERS)},
        "rowLayer": ROW_LAYER,
        "columnLayer": columns,
        "columnLayers": list(COLUMN_LAYERS),
        "layers": layers,
        "evidenceTypes": evidence_types,
        "colors": {t: PALETTE.get(t, "#999999") for t in evidence_types},
        "gaps": cells,
        "gapRule": analysis.gap_rule(gcfg),
        "gapDefinition": analysis.definition_text(gcfg, lang.code),
        "docs": [_doc_json(counted[i], by_id.get(i), max_quotes) for i in sorted(counted)],
    }


def _doc_json(c: analysis.Doc, d: Document | None, max_quotes: int) -> dict:
    # Labels for counting come from the gap analysis' documents; quotes (capped per document
    # and label to keep the page light) from the evidence; "more" = quotes beyond those shown.
    codes: dict[str, dict[str, list]] = {}
    more: dict[str, int] = {}
    for layer in (ROW_LAYER, *COLUMN_LAYERS):
        for label in sorted(c.labels.get(layer, ())):
            quotes = d.codes.get((layer, label), []) if d else []
            codes.setdefault(layer, {})[label] = [
                {"s": q.sentence, "p": q.page_no, "a": q.start, "b": q.end,
                 "c": round(q.confidence, 2) if q.confidence is not None else None,
                 "r": q.reviewer or "?" if q.origin == "reviewed" else None} for q in quotes[:max_quotes]]
            if len(quotes) > max_quotes:
                more[f"{layer}:{label}"] = len(quotes) - max_quotes
    url = d.url if d else None
    return {"id": c.id, "title": (d.title if d else c.title) or "", "url": safe_url(url), "rawUrl": url,
            "year": c.year, "source": d.source if d else "", "type": (d.doc_type if d else "") or "",
            "evidence": c.evidence[0] if c.evidence else L.UNKNOWN_EVIDENCE,
            "research": c.kind == "research", "kamervraag": c.kind == "kamervragen", "effect": c.effect,
            "codes": codes, "more": more}


def gap_counts(data: dict, col_layer: str) -> dict[str, int]:
    """Cells, gaps and gaps per kind of the unfiltered map (for the export summary)."""
    cells = data["gaps"].get(matrix_name(col_layer), {}).values()
    out = {"cells": len(cells), "gaps": sum(1 for g in cells if g["gap"])}
    for kind in analysis.GAP_KINDS:
        out[kind] = sum(1 for g in cells if g["kind"] == kind)
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
    text = data["text"]
    values = {"CSP_SCRIPT_HASH": f"'sha256-{digest}'", "TITLE": html.escape(data["title"]), "CSS": css,
              "DATA": embed_json(data), "SCRIPT": script, "LANG": html.escape(data["language"]),
              "T_FILTERS": html.escape(text["filters"]), "T_LEGEND": html.escape(text["legend"]),
              "T_GAP_DEFINITION": html.escape(text["gap_definition"]),
              "T_CLICK_CELL": html.escape(text["click_cell"]), "T_NOSCRIPT": html.escape(text["noscript"]),
              "T_MAP": html.escape(data["title"])}
    # One pass, so a '{{SCRIPT}}' inside crawled text is never expanded.
    return re.sub(r"\{\{([A-Z_]+)\}\}", lambda m: values[m.group(1)], template)


def render_static(data: dict, png: Path | None, svg: Path | None, columns: str | None = None) -> None:
    """The unfiltered map as a matplotlib figure: bubble area = documents, the bubble a pie of
    the evidence types' shares, red ring = gap, red cross = empty gap, purple ring = policy only."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D
    from matplotlib.patches import Circle, Wedge
    from miner.atomic import atomic_path

    text = data["text"]
    col_layer = columns or data["columnLayer"]
    rows, cols = data["layers"][ROW_LAYER], data["layers"][col_layer]
    gaps = data["gaps"].get(matrix_name(col_layer), {})
    counts: dict[tuple[str, str], dict[str, int]] = {}
    for d in data["docs"]:
        for r in d["codes"].get(ROW_LAYER, {}):
            for c in d["codes"].get(col_layer, {}):
                by = counts.setdefault((r, c), {})
                by[d["evidence"]] = by.get(d["evidence"], 0) + 1
    biggest = max([sum(v.values()) for v in counts.values()] or [1])
    fig, ax = plt.subplots(figsize=(1.6 + 0.75 * len(cols), 1.4 + 0.5 * len(rows)))
    for i, r in enumerate(rows):
        for j, c in enumerate(cols):
            by = counts.get((r, c), {})
            n = sum(by.values())
            g = gaps.get(f"{r}|{c}", {"gap": n == 0, "kind": "empty" if not n else None})
            if n:
                radius = 0.12 + 0.3 * (n / biggest) ** 0.5
                angle = 90.0
                for t in data["evidenceTypes"]:      # one wedge per type, by its share of the cell
                    if by.get(t):
                        sweep = 360.0 * by[t] / n
                        ax.add_patch(Wedge((j, i), radius, angle, angle + sweep, color=data["colors"][t], zorder=2))
                        angle += sweep
                ring = "#c0392b" if g["gap"] and g["kind"] != "no_research" else ("#542788" if g["gap"] else "white")
                ax.add_patch(Circle((j, i), radius, fill=False, edgecolor=ring, linewidth=2.0 if g["gap"] else 0.8,
                                    zorder=3))
                ax.text(j, i, str(n), ha="center", va="center", fontsize=7, zorder=4)
            else:
                ax.scatter(j, i, marker="x", s=25, color="#c0392b" if g["gap"] else "#cccccc", zorder=2)
    names = data["names"]
    ax.set_aspect("equal")
    ax.set_xticks(range(len(cols)), [names[col_layer].get(c, c) for c in cols], rotation=45, ha="right", fontsize=8)
    ax.set_yticks(range(len(rows)), [names[ROW_LAYER].get(r, r) for r in rows], fontsize=8)
    ax.set_xlim(-0.6, len(cols) - 0.4)
    ax.set_ylim(len(rows) - 0.4, -0.6)
    ax.grid(True, color="#eeeeee", zorder=0)
    ax.set_xlabel(data["layerNames"][col_layer])
    ax.set_ylabel(data["layerNames"][ROW_LAYER])
    used = [t for t in data["evidenceTypes"] if any(t in v for v in counts.values())]
    handles = [Line2D([], [], marker="o", linestyle="", color=data["colors"][t], label=data["evidenceNames"][t])
               for t in used]
    handles.append(Line2D([], [], marker="o", linestyle="", markerfacecolor="white", markeredgecolor="#c0392b",
                          label=text["legend_gap"]))
    handles.append(Line2D([], [], marker="o", linestyle="", markerfacecolor="white", markeredgecolor="#542788",
                          label=text["legend_policy"]))
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=7, frameon=False)
    ax.set_title(f"{data['title']}: {data['layerNames'][ROW_LAYER]} \u00d7 {data['layerNames'][col_layer]}",
                 fontsize=10)
    fig.tight_layout()
    for path in (png, svg):
        if path is not None:
            with atomic_path(path) as tmp:
                fig.savefig(tmp, dpi=150)
    plt.close(fig)
