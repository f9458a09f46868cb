"""Figures a researcher puts in a report, as PNG and SVG (matplotlib):

* documents per year per ground and per mechanism,
* topics over time (documents whose clear main topic it is, per year),
* evidence types per ground.

Counts are works (merged duplicates once) with effective labels, relevant documents only unless
``include_irrelevant``, the same documents `miner gaps` counts.  Documents without a year are
counted in a separate "onbekend" bar, never dropped silently.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path

from miner.atomic import atomic_path
from miner.export import labels as L
from miner.export.i18n import Language
from miner.export.paths import output_file
from miner.gaps import analysis
from miner.store import evidence as store_evidence

PLOTS = ("documents-per-year-ground", "documents-per-year-mechanism", "topics-over-time", "evidence-per-ground")
_COLORS = ["#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#666666",
           "#1f78b4", "#b2df8a", "#fb9a99", "#cab2d6"]


def per_year(docs: dict, layer: str) -> dict[str, Counter]:
    """label -> Counter(year or None -> documents)."""
    out: dict[str, Counter] = defaultdict(Counter)
    for d in docs.values():
        for lab in d.labels.get(layer, ()):
            out[lab][d.year] += 1
    return out


def evidence_per_ground(docs: dict) -> dict[str, Counter]:
    out: dict[str, Counter] = defaultdict(Counter)
    for d in docs.values():
        for g in d.labels.get("ground", ()):
            for e in d.evidence:
                out[g][e] += 1
    return out


def topics_per_year(conn, counted_ids: set[int], min_weight: float) -> tuple[dict[str, Counter], dict[str, str]]:
    """Per topic of the active model: documents per year whose main topic it is (largest share,
    at least ``topics.min_topic_weight``)."""
    rows = store_evidence.main_topic_years(conn, min_weight)
    out: dict[str, Counter] = defaultdict(Counter)
    names = {}
    for r in rows:
        if r["document_id"] in counted_ids:
            key = str(r["topic_id"])
            out[key][r["year"]] += 1
            names[key] = f"{key}: {r['label']}"
    return out, names


def _year_axis(series: dict[str, Counter]) -> list:
    years = sorted({y for c in series.values() for y in c if y is not None})
    if years:
        years = list(range(years[0], years[-1] + 1))
    if any(None in c for c in series.values()):
        years.append(None)
    return years


def _bars_by_year(ax, series: dict[str, Counter], names: dict[str, str], lang: Language, top: int = 10) -> None:
    chosen = sorted(series, key=lambda k: (-sum(series[k].values()), k))[:top]
    years = _year_axis({k: series[k] for k in chosen})
    if not chosen or not years:
        ax.text(0.5, 0.5, lang.t("plot_no_data"), ha="center", va="center", transform=ax.transAxes)
        return
    width = 0.8 / len(chosen)
    for i, key in enumerate(chosen):
        xs = [j + (i - (len(chosen) - 1) / 2) * width for j in range(len(years))]
        ax.bar(xs, [series[key].get(y, 0) for y in years], width=width, label=names.get(key, key),
               color=_COLORS[i % len(_COLORS)])
    ax.set_xticks(range(len(years)), [str(y) if y is not None else lang.t("unknown") for y in years],
                  rotation=45, ha="right", fontsize=8)
    ax.set_xlabel(lang.t("plot_year"))
    ax.set_ylabel(lang.t("plot_n_docs"))
    from matplotlib.ticker import MaxNLocator
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))     # documents are whole numbers
    ax.legend(fontsize=7, frameon=False, loc="upper left", bbox_to_anchor=(1.01, 1))


def _stacked(ax, series: dict[str, Counter], rows: list[str], stack: list[str], row_names, stack_names, colors,
             lang: Language) -> None:
    rows = [r for r in rows if sum(series.get(r, Counter()).values())]
    if not rows:
        ax.text(0.5, 0.5, lang.t("plot_no_data"), ha="center", va="center", transform=ax.transAxes)
        return
    left = [0] * len(rows)
    for t in stack:
        vals = [series[r].get(t, 0) for r in rows]
        if any(vals):
            ax.barh(range(len(rows)), vals, left=left, label=stack_names(t), color=colors.get(t, "#999999"))
            left = [a + b for a, b in zip(left, vals)]
    ax.set_yticks(range(len(rows)), [row_names(r) for r in rows], fontsize=8)
    ax.invert_yaxis()
    from matplotlib.ticker import MaxNLocator
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(lang.t("plot_n_docs"))
    ax.legend(fontsize=7, frameon=False, loc="upper left", bbox_to_anchor=(1.01, 1))


def figures(conn, gcfg: dict, lang: Language, include_irrelevant: bool = False, min_topic_weight: float = 0.3):
    """Yield (name, matplotlib figure) for every plot."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from miner.export.gapmap import PALETTE

    docs = analysis.load_documents(conn, gcfg, include_irrelevant)
    for layer in ("ground", "mechanism"):
        fig, ax = plt.subplots(figsize=(9, 4.5))
        series = per_year(docs, layer)
        _bars_by_year(ax, series, {k: lang.name(layer, k) for k in series}, lang)
        ax.set_title(lang.t("plot_docs_per_year", layer=lang.layer(layer)), fontsize=10)
        fig.tight_layout()
        yield f"documents-per-year-{layer}", fig
    fig, ax = plt.subplots(figsize=(9, 4.5))
    series, names = topics_per_year(conn, _counted_ids(conn, include_irrelevant), min_topic_weight)
    _bars_by_year(ax, series, names, lang)
    ax.set_title(lang.t("plot_topics_over_time"), fontsize=10)
    ax.set_ylabel(lang.t("plot_topic_share"))
    fig.tight_layout()
    yield "topics-over-time", fig
    fig, ax = plt.subplots(figsize=(9, 4.5))
    series = evidence_per_ground(docs)
    found = {e for c in series.values() for e in c}
    stack = L.ordered("evidence_type", found - {L.UNKNOWN_EVIDENCE}) + [L.UNKNOWN_EVIDENCE]
    _stacked(ax, series, analysis.axis_labels("ground", docs, gcfg), stack, lambda g: lang.name("ground", g),
             lambda t: lang.t("unknown") if t == L.UNKNOWN_EVIDENCE else lang.name("evidence_type", t), PALETTE, lang)
    ax.set_title(lang.t("plot_evidence_per_ground"), fontsize=10)
    fig.tight_layout()
    yield "evidence-per-ground", fig


def _counted_ids(conn, include_irrelevant: bool) -> set[int]:
    return store_evidence.counted_document_ids(conn, include_irrelevant)


def write_all(conn, cfg, lang: Language, folder: Path | None = None, include_irrelevant: bool = False) -> list[Path]:
    """Every plot as PNG and SVG into ``folder`` (default: outputs/); returns the paths."""
    import matplotlib.pyplot as plt
    written = []
    for name, fig in figures(conn, cfg["gaps"], lang, include_irrelevant, cfg["topics"]["min_topic_weight"]):
        try:
            for suffix in (".png", ".svg"):
                path = (Path(folder) / f"{name}{suffix}") if folder else output_file(cfg, f"{name}{suffix}")
                with atomic_path(path) as tmp:
                    fig.savefig(tmp, dpi=150)
                written.append(path)
        finally:
            plt.close(fig)
    return written
