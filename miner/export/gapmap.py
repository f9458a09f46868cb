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
import heapq
import html
import json
import re
import sqlite3
from collections import Counter
from datetime import datetime, timezone
from importlib import resources
from pathlib import Path

from miner.export import labels as L
from miner.export.evidence import safe_url
from miner.export.i18n import Language
from miner.gaps import analysis
from miner.store import gaps as gap_store
from miner.textsafe import for_display

ROW_LAYER = "mechanism"
COLUMN_LAYERS = ("ground", "setting")
PALETTE = {"effectstudie": "#1b7837", "literatuurstudie": "#5aae61", "kennissynthese": "#a6dba0",
           "enquete": "#2166ac", "interviews": "#67a9cf", "casestudy": "#d1e5f0",
           "praktijkvoorbeeld": "#f1a340", "beleidsdocument": "#b2abd2", "kamervraag": "#8073ac",
           L.UNKNOWN_EVIDENCE: "#bbbbbb"}


def matrix_name(col_layer: str) -> str:
    return f"{ROW_LAYER} x {col_layer}"


def build_data(conn: sqlite3.Connection, gcfg: dict, lang: Language, *, columns: str = "ground",
               title: str = "", max_quotes: int = 3, include_irrelevant: bool = False,
               inline_max: int = 2000, page_size: int = 25, top_quotes: int = 3) -> dict:
    """Everything the page needs, as plain JSON-able data.

    Up to ``inline_max`` coded documents every document (title, url, quotes) is in the page
    (``docs``).  Above it the page is *paged*: ``compact`` holds what counting and filtering need
    per document (year, source, type, evidence, kind, labels as indexes); ``top`` holds, per cell,
    the details of its ``top_quotes`` best-evidenced documents; the other documents' details are
    written by ``write_map`` into side files the page loads one chunk at a time."""
    if columns not in COLUMN_LAYERS:
        raise ValueError(f"columns must be one of {', '.join(COLUMN_LAYERS)}")
    with gap_store.read_once(conn, gcfg, include_irrelevant):
        counted = analysis.load_documents(conn, gcfg, include_irrelevant)
        cells_found = analysis.build_cells(conn, counted, gcfg, include_irrelevant)
    layers = {layer: analysis.axis_labels(layer, counted, gcfg) for layer in (ROW_LAYER, *COLUMN_LAYERS)}
    evidence_types = L.ordered("evidence_type", {e for d in counted.values() for e in d.evidence}
                               - {L.UNKNOWN_EVIDENCE})
    evidence_types.append(L.UNKNOWN_EVIDENCE)
    cells: dict[str, dict] = {}
    static: dict[str, dict] = {}
    first_evidence = {i: (d.evidence[0] if d.evidence else L.UNKNOWN_EVIDENCE) for i, d in counted.items()}
    members: dict[str, dict[str, list[int]]] = {}
    for cell in cells_found:
        if cell.row_layer == ROW_LAYER and cell.col_layer in COLUMN_LAYERS:
            key = f"{cell.row}|{cell.col}"
            cells.setdefault(cell.matrix, {})[key] = {"gap": cell.is_gap, "kind": cell.gap_kind,
                                                      "n": len(cell.documents)}
            if cell.documents:   # evidence types per cell for the static map (PNG/SVG)
                static.setdefault(cell.matrix, {})[key] = dict(Counter(map(first_evidence.__getitem__,
                                                                           cell.documents)))
                members.setdefault(cell.matrix, {})[key] = cell.documents
    data = {
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
        STATIC_KEY: static,
        MAX_QUOTES_KEY: max_quotes,
        COUNTED_KEY: counted,
    }
    ids = sorted(counted)
    if len(ids) <= inline_max:
        data["docs"] = [doc for chunk in _detail_chunks(conn, counted, ids, max_quotes, CHUNK_DOCUMENTS)
                        for doc in chunk]
        return data
    meta = {r["id"]: (r["source"] or "", r["doc_type"] or "") for chunk in _chunks(ids, 900)
            for r in gap_store.map_documents(conn, chunk)}
    data["compact"] = _compact(counted, ids, meta, layers)
    data["docs"] = []
    rank = {i: _rank(counted[i]) for i in ids}
    tops = {(matrix, key): heapq.nsmallest(top_quotes, docs, key=rank.__getitem__)
            for matrix, by_cell in members.items() for key, docs in by_cell.items()}
    top_ids = sorted({i for docs in tops.values() for i in docs})
    details = {doc["id"]: doc for chunk in _detail_chunks(conn, counted, top_ids, max_quotes, CHUNK_DOCUMENTS)
               for doc in chunk}
    data["top"] = {}
    for (matrix, key), docs in tops.items():
        row, col = key.split("|", 1)
        col_layer = matrix.split(" x ")[1]
        data["top"].setdefault(matrix, {})[key] = [_cell_detail(details[i], row, col_layer, col) for i in docs]
    data["paged"] = {"chunkSize": CHUNK_DOCUMENTS, "pageSize": page_size, "topQuotes": top_quotes,
                     "chunks": (len(ids) + CHUNK_DOCUMENTS - 1) // CHUNK_DOCUMENTS, "dir": ""}
    return data


# Documents per side file of a paged map, and keys of build_data's result that are not page data.
CHUNK_DOCUMENTS = 200
STATIC_KEY = "_static"
MAX_QUOTES_KEY = "_max_quotes"
COUNTED_KEY = "_counted"


def _chunks(ids: list[int], size: int):
    for i in range(0, len(ids), size):
        yield ids[i:i + size]


def _cell_detail(doc: dict, row: str, col_layer: str, col: str) -> dict:
    """A document's page object with only the quotes of one cell (row label and column label)."""
    codes = {ROW_LAYER: {row: doc["codes"][ROW_LAYER][row]}, col_layer: {col: doc["codes"][col_layer][col]}}
    more = {k: v for k, v in doc["more"].items() if k in (f"{ROW_LAYER}:{row}", f"{col_layer}:{col}")}
    return {**doc, "codes": codes, "more": more}


def _rank(c: analysis.Doc) -> tuple:
    """Best-evidenced first: effect studies, research, other documents, Kamervragen; then by id
    (the page sorts a paged cell's documents the same way)."""
    return ({"research": 0, "other": 1, "kamervragen": 2}[c.kind], not c.effect, c.id)


def _compact(counted: dict[int, analysis.Doc], ids: list[int], meta: dict[int, tuple[str, str]],
             layers: dict[str, list[str]]) -> dict:
    """Per document, in id order, what the page counts and filters by, as small arrays:
    [id, year, source, type, evidence, flags (1 research, 2 Kamervraag, 4 effect), labels of each
    layer] with source, type, evidence and labels as indexes into the lists beside them."""
    sources = sorted({m[0] for m in meta.values()})
    types = sorted({m[1] for m in meta.values()})
    evidence = sorted({(counted[i].evidence[0] if counted[i].evidence else L.UNKNOWN_EVIDENCE) for i in ids})
    pos = {"source": {v: k for k, v in enumerate(sources)}, "type": {v: k for k, v in enumerate(types)},
           "evidence": {v: k for k, v in enumerate(evidence)}}
    label_pos = {layer: {lab: k for k, lab in enumerate(labs)} for layer, labs in layers.items()}
    rows = []
    for i in ids:
        c = counted[i]
        src, typ = meta.get(i, ("", ""))
        flags = (c.kind == "research") | (c.kind == "kamervragen") << 1 | c.effect << 2
        rows.append([i, c.year, pos["source"][src], pos["type"][typ],
                     pos["evidence"][c.evidence[0] if c.evidence else L.UNKNOWN_EVIDENCE], flags]
                    + [sorted(label_pos[layer][lab] for lab in c.labels.get(layer, ())) for layer in layers])
    return {"sources": sources, "types": types, "evidence": evidence, "layers": list(layers), "docs": rows}


def _detail_chunks(conn, counted: dict[int, analysis.Doc], ids: list[int], max_quotes: int, size: int):
    """The page's document objects (title, url, quotes per label, ...) for ``ids``, ``size`` at a
    time: the store is read one chunk at a time, so memory stays bounded at any corpus size."""
    shown = [ROW_LAYER, *COLUMN_LAYERS]
    for chunk in _chunks(ids, size):
        docs = {r["id"]: r for r in gap_store.map_documents(conn, chunk)}
        quotes: dict[int, dict[tuple[str, str], list]] = {}
        for q in gap_store.map_quotes(conn, chunk, shown):
            quotes.setdefault(q["document_id"], {}).setdefault((q["layer"], q["label"]), []).append(q)
        yield [_doc_json(counted[i], docs.get(i), quotes.get(i, {}), max_quotes) for i in chunk]


def _doc_json(c: analysis.Doc, d, quotes: dict[tuple[str, str], list], max_quotes: int) -> dict:
    # Labels for counting come from the gap analysis' documents; quotes (capped per document
    # and label to keep the page light) from effective_annotations; "more" = quotes beyond those shown.
    codes: dict[str, dict[str, list]] = {}
    more: dict[str, int] = {}
    for layer in (ROW_LAYER, *COLUMN_LAYERS):
        for label in sorted(c.labels.get(layer, ())):
            found = quotes.get((layer, label), [])
            codes.setdefault(layer, {})[label] = [_quote(q) for q in found[:max_quotes]]
            if len(found) > max_quotes:
                more[f"{layer}:{label}"] = len(found) - max_quotes
    url = d["url"] if d else None
    title = (for_display(d["title"]) or "(zonder titel)") if d else c.title
    return {"id": c.id, "title": title or "", "url": safe_url(url), "rawUrl": url,
            "year": c.year, "source": (d["source"] if d else "") or "", "type": (d["doc_type"] if d else "") or "",
            "evidence": c.evidence[0] if c.evidence else L.UNKNOWN_EVIDENCE,
            "research": c.kind == "research", "kamervraag": c.kind == "kamervragen", "effect": c.effect,
            "codes": codes, "more": more}


def _quote(q) -> dict:
    """A quote: the sentence, its page, the matched span inside it, confidence, reviewer."""
    sentence = q["sentence"] or ""
    rel = q["char_start"] - q["sentence_start"]
    start = rel if 0 <= rel <= len(sentence) else 0
    end = min(len(sentence), start + (q["char_end"] - q["char_start"]))
    return {"s": sentence, "p": q["page_no"], "a": start, "b": end,
            "c": round(q["confidence"], 2) if q["confidence"] is not None else None,
            "r": (q["reviewer"] or "?") if q["origin"] == "reviewed" else None}


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


def page_data(data: dict) -> dict:
    """``data`` without the keys that are for Python only (static map counts, settings)."""
    return {k: v for k, v in data.items() if not k.startswith("_")}


def render_html(data: dict) -> str:
    """The page: template + inline CSS/JS + the data block.  A Content-Security-Policy with
    the hash of our one script forbids every other script and all network access; a paged
    map also allows scripts of its own origin ('self': its side files, loaded by our script
    with a <script> element, since browsers refuse fetch() of file:// URLs)."""
    folder = resources.files("miner.export").joinpath("templates")
    template = folder.joinpath("gapmap.html").read_text(encoding="utf-8")
    script = folder.joinpath("gapmap.js").read_text(encoding="utf-8")
    css = folder.joinpath("gapmap.css").read_text(encoding="utf-8")
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    text = data["text"]
    sources = f"'sha256-{digest}'" + (" 'self'" if data.get("paged") else "")
    values = {"CSP_SCRIPT_HASH": sources, "TITLE": html.escape(data["title"]), "CSS": css,
              "DATA": embed_json(page_data(data)), "SCRIPT": script, "LANG": html.escape(data["language"]),
              "T_FILTERS": html.escape(text["filters"]), "T_LEGEND": html.escape(text["legend"]),
              "T_GAP_DEFINITION": html.escape(text["gap_definition"]),
              "T_CLICK_CELL": html.escape(text["click_cell"]), "T_NOSCRIPT": html.escape(text["noscript"]),
              "T_MAP": html.escape(data["title"])}
    # One pass, so a '{{SCRIPT}}' inside crawled text is never expanded.
    return re.sub(r"\{\{([A-Z_]+)\}\}", lambda m: values[m.group(1)], template)


SIDE_DIR = re.compile(r"^(?P<stem>.+)\.files-[0-9a-f]{12}$")


def write_map(conn, data: dict, html_path: Path) -> list[Path]:
    """Write the page; a paged map first writes its side files into a new folder
    ``<name>.files-<token>/`` beside the HTML (built under a temporary name and renamed into
    place), then the HTML that names that folder (atomically), then removes older folders of
    the same map.  Killed at any moment, the HTML on disk and the folder it names belong
    together.  Returns the paths written."""
    import os
    import secrets
    import shutil
    from miner.atomic import write_text
    html_path = Path(html_path)
    if not data.get("paged"):
        write_text(html_path, render_html(data))
        _remove_side_folders(html_path, keep=None)
        return [html_path]
    token = secrets.token_hex(6)
    final = html_path.with_name(f"{html_path.stem}.files-{token}")
    tmp = html_path.with_name(f".{final.name}.tmp")
    tmp.mkdir(parents=True)
    try:
        ids = [row[0] for row in data["compact"]["docs"]]
        for k, chunk in enumerate(_detail_chunks(conn, data[COUNTED_KEY], ids, data[MAX_QUOTES_KEY],
                                                 CHUNK_DOCUMENTS)):
            write_text(tmp / f"docs-{k:05d}.js", f"gapmapChunk({k}, {embed_json(chunk)});\n")
        os.replace(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    data["paged"]["dir"] = final.name
    write_text(html_path, render_html(data))
    _remove_side_folders(html_path, keep=final)
    return [html_path, final]


def _remove_side_folders(html_path: Path, keep: Path | None) -> None:
    """Side folders of earlier exports of this map (and unfinished ones), never another file."""
    import shutil
    for old in html_path.parent.iterdir():
        m = SIDE_DIR.match(old.name.lstrip(".").removesuffix(".tmp"))
        if old != keep and m and m.group("stem") == html_path.stem and old.is_dir() and not old.is_symlink():
            shutil.rmtree(old, ignore_errors=True)


def n_documents(data: dict) -> int:
    """Coded documents on the map."""
    return len(data["compact"]["docs"]) if data.get("compact") else len(data["docs"])


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
    counts: dict[tuple[str, str], dict[str, int]] = {
        tuple(key.split("|", 1)): by for key, by in data[STATIC_KEY].get(matrix_name(col_layer), {}).items()}
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
