"""`miner tag` (one-off files or stdin, or --all to re-tag the store) and `miner eval`."""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import click

from miner.cli.common import UserError, config_option, progress_enabled

TEXT_SUFFIXES = {".txt", ".text", ".md"}
JSON_KEYS = ("file", "layer", "label", "start", "end", "text", "sentence_start", "sentence_end", "page",
             "actor", "hedge", "negated", "source")


def register(main):
    main.add_command(tag)
    main.add_command(eval_cmd)


def _build(cfg):
    from miner.nlp.loader import PipelineUnavailable
    from miner.nlp.tagging.pipeline import build
    from miner.nlp.tagging.taxonomy import TaxonomyError
    try:
        return build(cfg)
    except (PipelineUnavailable, TaxonomyError) as exc:
        raise UserError(str(exc)) from None


def _read_input(name: str, cfg) -> tuple[str, list[tuple[int, int, int]]]:
    """(text, pages) of a file as extracted; .txt and stdin exactly as given (UTF-8)."""
    if name == "-":
        data = sys.stdin.buffer.read()
        return _decode(data, "<stdin>"), []
    path = Path(name)
    if not path.is_file():
        raise UserError(f"{name}: no such file")
    if path.suffix.lower() in TEXT_SUFFIXES:
        return _decode(path.read_bytes(), name), []
    from miner.extract import ExtractOptions, ExtractionError, extract_file
    try:
        ext = extract_file(path, ExtractOptions.from_config(cfg))
    except ExtractionError as exc:
        raise UserError(f"{name}: {exc}") from None
    return ext.text, [(p.number, p.start, p.end) for p in ext.pages]


def _decode(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UserError(f"{name}: not UTF-8 text (byte {exc.start}); convert it or pass a PDF/HTML file") from None


def _plain(name: str, records: list[dict], doc_labels: list[dict]) -> None:
    click.echo(f"== {name}")
    if doc_labels:
        click.echo("  evidence_type: " + ", ".join(f"{d['label']} ({d['score']:g})" for d in doc_labels))
    for r in records:
        flags = [f for f in ("hedge", "negated") if r[f]]
        extra = ""
        if r["layer"] == "recommendation":
            extra = f" actor={','.join(r['actor'])}"
        elif r["layer"] == "statistic" and r.get("value"):
            extra = f" measures: {r['value'].get('measure', '')}"
        page = f" p.{r['page']}" if r["page"] is not None else ""
        text = r["text"] if r["layer"] != "recommendation" else r["sentence"]
        text = " ".join(text.split())
        click.echo(f"  {r['layer']:<14} {r['label']:<24} {r['start']:>6}-{r['end']:<6}{page} "
                   f"{text[:120]!r}{extra}{' [' + ','.join(flags) + ']' if flags else ''}")


@click.command()
@click.argument("files", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per annotation per line.")
@click.option("--all", "retag_all", is_flag=True, help="Re-tag every extracted document in the store "
              "(after editing the taxonomy).")
@config_option
def tag(files, as_json, retag_all, cfg):
    """Tag FILE… (PDF, HTML, TXT; '-' reads stdin) and print the annotations, or --all to re-tag the store.

    Offsets point into the text as extracted; for .txt files and stdin into the input
    exactly as given (UTF-8 characters).
    """
    if retag_all:
        if files:
            raise UserError("give either FILE… or --all, not both")
        return _retag_all(cfg)
    if not files:
        raise UserError("nothing to tag: give FILE…, '-' for stdin, or --all")
    if list(files).count("-") > 1:
        raise UserError("'-' (stdin) can be given only once")
    inputs = [(name, *_read_input(name, cfg)) for name in files]  # read all first: errors before the slow load
    from miner.nlp.tagging.annotation import to_records
    from miner.nlp.tagging.pipeline import tag as tag_texts
    nlp = _build(cfg)
    counts: dict[str, int] = {}
    t0 = time.monotonic()
    docs = tag_texts(nlp, (text for _, text, _ in inputs))
    for (name, _text, pages), doc in zip(inputs, docs):
        doc._.miner_pages = pages
        records = to_records(doc)
        for r in records:
            counts[r["layer"]] = counts.get(r["layer"], 0) + 1
        if as_json:
            for r in records:
                out = {"file": name, **{k: r[k] for k in JSON_KEYS if k != "file"}}
                if r["layer"] != "recommendation":
                    del out["actor"]
                if r["value"] is not None:
                    out["value"] = r["value"]
                click.echo(json.dumps(out, ensure_ascii=False))
        else:
            _plain(name, records, doc._.miner_doc_labels or [])
    summary = ", ".join(f"{n} {layer}" for layer, n in sorted(counts.items())) or "no annotations"
    click.echo(f"tagged {len(inputs)} file(s): {summary} ({time.monotonic() - t0:.1f} s)", err=as_json)


def _retag_all(cfg):
    from miner.nlp import stage
    from miner.nlp.loader import PipelineUnavailable
    from miner.nlp.tagging.taxonomy import TaxonomyError
    from miner.store import open_store, runs
    conn = open_store(cfg)
    t0 = time.monotonic()
    # An earlier `tag --all` that died or was stopped is continued, not started over: what it
    # re-tagged (same text, same taxonomy) since it began is kept.
    left = runs.unfinished(conn, "tag --all")
    resume_since = left[0]["started_at"] if left else None
    with runs.tracked(conn, "tag --all") as run:
        try:
            s = stage.run(cfg, conn, progress=progress_enabled(), force=True, resume_since=resume_since,
                          on_progress=lambda summary: run.progress({"tagged": summary["tagged"]}))
        except (PipelineUnavailable, TaxonomyError) as exc:
            runs.finish(conn, run.id, "failed", {"error": str(exc)})
            raise UserError(str(exc)) from None
        if resume_since:
            s["resumed_from"] = resume_since
        runs.finish(conn, run.id, "ok", s)
    layers = ", ".join(f"{n} {layer}" for layer, n in s["by_layer"].items()) or "no annotations"
    click.echo(f"re-tagged {s['tagged']} document(s) ({s['not_dutch']} not Dutch, skipped): {layers} "
               f"(taxonomy {s['taxonomy']}, {time.monotonic() - t0:.1f} s)"
               + (f"; continued the run interrupted at {resume_since}" if resume_since else ""))


@click.command("eval")
@click.option("--gold", "gold_path", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Gold JSONL (format of ../shared/eval/README.md).")
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
@config_option
def eval_cmd(gold_path, as_json, cfg):
    """Score the tagger on a gold file: P/R/F1 per layer and label, actor accuracy."""
    from miner.nlp.tagging.evaluate import evaluate
    from miner.nlp.tagging.scoring import GoldError, format_table, read_gold
    try:
        gold = read_gold(gold_path)
    except GoldError as exc:
        raise UserError(str(exc)) from None
    nlp = _build(cfg)
    bar = None
    if progress_enabled():
        from tqdm import tqdm
        bar = tqdm(total=len(gold), desc="eval", unit="doc", leave=False)
    t0 = time.monotonic()
    try:
        result, _ = evaluate(nlp, gold, progress=bar)
    finally:
        if bar is not None:
            bar.close()
    result["gold"] = str(gold_path)
    result["seconds"] = round(time.monotonic() - t0, 2)
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=1))
    else:
        click.echo(format_table(result))
        click.echo(f"({result['seconds']} s)")
