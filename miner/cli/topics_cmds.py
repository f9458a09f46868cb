"""`miner topics` and `miner gaps`."""
from __future__ import annotations

import json

import click

from miner.cli.common import UserError, config_option, progress_enabled
from miner.store import StoreError, open_store, runs


def register(main):
    main.add_command(topics)
    main.add_command(gaps)


def _open(cfg, readonly=False):
    try:
        return open_store(cfg, readonly=readonly)
    except StoreError as exc:
        raise UserError(str(exc)) from None


@click.command()
@click.option("--refit", is_flag=True, help="Fit the model again even if the corpus did not change.")
@click.option("--from-scratch", is_flag=True, help="With --refit: ignore the previous model (no kept k, no warm "
              "start); the same corpus and config then always give the same topics.")
@click.option("--k", "n_topics", type=click.IntRange(min=1), default=None,
              help="Refit with this number of topics (instead of topics.n_topics).")
@click.option("--method", type=click.Choice(["nmf", "lda"]), default=None, help="Refit with this method.")
@click.option("--label", "label", nargs=2, type=(int, str), default=None, metavar="ID TEXT",
              help="Set the label of topic ID in the labels file (empty TEXT removes it).")
@click.option("--over-time", is_flag=True, help="Also print documents per topic per year.")
@click.option("--by-source", is_flag=True, help="Also print documents per topic: Kamervragen vs research.")
@click.option("--drill", "drill_id", type=int, default=None, metavar="ID",
              help="Drill down into topic ID: a second-level model on its documents (with --k: that many sub-topics).")
@click.option("--json", "as_json", is_flag=True, help="Print the model as one JSON object.")
@config_option
def topics(refit, from_scratch, n_topics, method, label, over_time, by_source, drill_id, as_json, cfg):
    """Show the topic model (fit it first when there is none, or with --refit).

    Prints k, coherence (NPMI), diversity, the share of documents without a clear topic,
    and each topic with its stable id, label, top terms and number of documents.
    """
    from miner.topics import labels as labels_mod, persist, reports, stage
    from miner.topics.model import TopicError

    conn = _open(cfg)
    if drill_id is not None:
        return _drill(cfg, conn, drill_id, n_topics, as_json)
    overrides = {k: v for k, v in (("n_topics", n_topics), ("method", method)) if v is not None}
    try:
        if label is not None:
            current = [(t["id"], t["top_terms"][:10]) for t in reports.current_topics(conn)]
            if label[0] not in {i for i, _ in current}:
                raise UserError(f"no current topic with id {label[0]} (see `miner topics`)")
            labels_mod.set_label(cfg["topics"]["labels_file"], label[0], label[1], current)
            persist.refresh_labels(conn, cfg)
        elif refit or from_scratch or overrides or stage.active_model(conn) is None:
            with runs.tracked(conn, "topics") as run:
                summary = stage.run(cfg, conn, progress=progress_enabled(), force=True, overrides=overrides,
                                    from_scratch=from_scratch)
                runs.finish(conn, run.id, "ok", summary)
            if summary["status"] == "skipped":
                raise UserError(f"no new topic model: {summary['reason']}")
    except TopicError as exc:
        raise UserError(str(exc)) from None
    model = stage.active_model(conn)
    items = reports.current_topics(conn)
    years = reports.per_year(conn) if over_time else {}
    sources = reports.per_source(conn, cfg["gaps"]["parliamentary_doc_types"]) if by_source else {}
    if as_json:
        click.echo(json.dumps({"model": {k: model[k] for k in ("id", "method", "n_topics", "npmi", "diversity",
                                                                 "unassigned_share", "created_at", "path")},
                               "topics": [dict(t, per_year=years.get(t["id"]), per_source=sources.get(t["id"]))
                                          for t in items]}, ensure_ascii=False))
        return
    params = json.loads(model["params"])
    click.echo(f"topic model {model['id']} ({model['method']}, fitted {model['created_at']}): k = {model['n_topics']}, "
               f"NPMI {model['npmi']:.3f}, diversity {model['diversity']:.2f}, "
               f"without a clear topic {model['unassigned_share']:.0%} of {params.get('n_documents', '?')} documents "
               f"({params.get('n_units', '?')} text units, {params.get('vocabulary_size', '?')} terms)")
    if len(params.get("candidates", [])) > 1:
        click.echo("  k tried: " + ", ".join(f"{c['k']} (NPMI {c['npmi']:.3f})" for c in params["candidates"])
                   + f" on {params['candidates'][0]['units']} units")
    if params.get("stream_passes"):
        click.echo(f"  fitted on all units in mini-batches of {params['settings'].get('batch_units')}: "
                   f"{params['stream_passes']} pass(es)")
    click.echo(f"  labels file: {cfg['topics']['labels_file']}")
    for t in items:
        click.echo(f"[{t['id']}] {t['label']}  ({t['n_documents']} documents)")
        click.echo(f"     {', '.join(t['top_terms'][:10])}")
        if over_time:
            click.echo("     per year: " + (", ".join(f"{y} {n}" for y, n in years.get(t["id"], {}).items()) or "-"))
        if by_source:
            s = sources.get(t["id"], {"kamervragen": 0, "research": 0})
            click.echo(f"     Kamervragen {s['kamervragen']}, research and other documents {s['research']}")


def _drill(cfg, conn, topic_id: int, k: int | None, as_json: bool) -> None:
    from miner.topics import drill, stage
    from miner.topics.model import TopicError
    try:
        result = drill.drill(conn, cfg["topics"], topic_id, k, spill_dir=stage.spill_dir(cfg))
    except TopicError as exc:
        raise UserError(str(exc)) from None
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False))
        return
    click.echo(f"topic {topic_id}: {result['n_documents']} documents; {result['k']} sub-topics "
               f"(NPMI {result['npmi']:.3f}; {result['note']})")
    for s in result["subtopics"]:
        click.echo(f"  {topic_id}.{s['subtopic']}  {', '.join(s['top_terms'][:8])}  ({s['n_documents']} documents)")
        for d in s["documents"][:3]:
            click.echo(f"       [{d['id']}] {d['title'][:70]} ({d['share']:.0%})")


@click.command()
@click.option("--top", type=click.IntRange(min=1), default=None, help="How many gaps to print (default gaps.top).")
@click.option("--matrix", type=click.Choice(["mechanism x ground", "mechanism x setting", "ground x setting"]),
              default=None, help="Only this matrix.")
@click.option("--json", "as_json", is_flag=True, help="Print all cells and the attention table as JSON.")
@click.option("--include-irrelevant", is_flag=True,
              help="Also count documents judged not relevant (document_relevance.is_relevant = 0).")
@config_option
def gaps(top, matrix, as_json, include_irrelevant, cfg):
    """Knowledge gaps: thin cells of mechanism x ground / setting matrices, and attention vs research.

    Recomputes from the annotations, stores the result (tables gaps, attention) and prints
    the top gaps with the numbers behind them and documents in neighbouring cells.
    """
    from miner.gaps import analysis, report
    from miner.gaps.stage import compute, store

    conn = _open(cfg)
    result = compute(cfg, conn, include_irrelevant=include_irrelevant)
    now = store(conn, result)
    gcfg = cfg["gaps"]
    if as_json:
        click.echo(json.dumps({"definition": result.definition, "computed_at": now,
                               "include_irrelevant": include_irrelevant,
                               "cells": [analysis.cell_to_row(c, result.definition, now, nested=True)
                                         for c in result.cells if matrix is None or c.matrix == matrix],
                               "attention": [a.__dict__ for a in result.attention]}, ensure_ascii=False))
        return
    if not result.docs:
        click.echo("No documents with ground, mechanism or setting annotations yet: run `miner refresh` "
                   "(or `miner tag --all`) first.")
        return
    for line in report.gap_lines(result, top or gcfg["top"], gcfg["neighbours"], matrix):
        click.echo(line)
    for line in report.attention_lines(result, top or gcfg["top"]):
        click.echo(line)
