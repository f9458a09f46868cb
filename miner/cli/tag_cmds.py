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
             "actor", "hedge", "negated", "source", "confidence", "relevance")


class _TagGroup(click.Group):
    """`miner tag FILE…` tags files; `miner tag train` trains the learned tagger."""

    def parse_args(self, ctx, args):
        if not args or args[0] not in self.commands:
            args = ["files", *args]
        return super().parse_args(ctx, args)

    def format_help(self, ctx, formatter):
        self.commands["files"].format_help(ctx, formatter)
        formatter.write_paragraph()
        formatter.write_text("Train the learned tagger: miner tag train --help")


def register(main):
    group = _TagGroup("tag", help="Tag files or the store; `miner tag train` trains the learned tagger.")
    group.add_command(tag, name="files")
    group.add_command(train_cmd, name="train")
    main.add_command(group)
    main.add_command(eval_cmd)
    main.add_command(relevance_cmd)


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


def _plain(name: str, records: list[dict], doc_labels: list[dict], relevance: float | None = None) -> None:
    click.echo(f"== {name}")
    if relevance is not None:
        click.echo(f"  relevance: {relevance:.2f}")
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
        conf = f" {r['confidence']:.2f}" if r.get("confidence") is not None else ""
        click.echo(f"  {r['layer']:<14} {r['label']:<24}{conf} {r['start']:>6}-{r['end']:<6}{page} "
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
    from miner.nlp.tagging.pipeline import tag_records
    nlp = _build(cfg)
    counts: dict[str, int] = {}
    failed = 0
    t0 = time.monotonic()
    results = tag_records(nlp, (text for _, text, _ in inputs), pages=(pages for _, _, pages in inputs))
    for (name, _text, pages), res in zip(inputs, results):
        if res.error:
            click.echo(f"{name}: {res.error}", err=True)
            failed += 1
            continue
        records = res.records
        for r in records:
            counts[r["layer"]] = counts.get(r["layer"], 0) + 1
            r["relevance"] = res.relevance
        if as_json:
            for r in records:
                out = {"file": name, **{k: r.get(k) for k in JSON_KEYS if k != "file"}}
                if r["layer"] != "recommendation":
                    del out["actor"]
                if r["value"] is not None:
                    out["value"] = r["value"]
                click.echo(json.dumps(out, ensure_ascii=False))
        else:
            _plain(name, records, res.doc_labels, res.relevance)
    summary = ", ".join(f"{n} {layer}" for layer, n in sorted(counts.items())) or "no annotations"
    click.echo(f"tagged {len(inputs) - failed} file(s): {summary} ({time.monotonic() - t0:.1f} s)", err=as_json)
    if failed:
        raise UserError(f"{failed} file(s) could not be tagged (see above)")


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
        # the stored gap analysis counts tags and relevance: recomputed from the new ones, as refresh does
        from miner.pipeline.stages import POST_EXTRACTION_STAGES, run_stage
        gaps, gaps_error = run_stage("gaps", dict(POST_EXTRACTION_STAGES)["gaps"], cfg, conn)
        s["stages"] = {"gaps": gaps}
        s["stage_errors"] = {"gaps": gaps_error} if gaps_error else {}
        runs.finish(conn, run.id, "failed" if gaps_error else "ok", s)
    layers = ", ".join(f"{n} {layer}" for layer, n in s["by_layer"].items()) or "no annotations"
    click.echo(f"re-tagged {s['tagged']} document(s) ({s['not_dutch']} not Dutch, skipped): {layers} "
               f"(taxonomy {s['taxonomy']}, {time.monotonic() - t0:.1f} s)"
               + (f"; continued the run interrupted at {resume_since}" if resume_since else ""))
    if s.get("throughput"):
        from miner.compute import throughput_text
        click.echo(f"throughput: {throughput_text(s['throughput'])}")
    if gaps_error:
        from miner.textsafe import for_terminal
        click.echo(f"failed: gaps: {for_terminal(gaps_error)} (the tags are saved; `miner gaps` recomputes "
                   "the analysis)")
        sys.exit(1)
    click.echo(f"gaps: {gaps.get('gaps', 0)} of {gaps.get('cells', 0)} cells, over {gaps.get('documents', 0)} "
               "relevant document(s)")


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


@click.command("train")
@click.option("--train-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder with train_*.jsonl (default: [nlp] train_dir).")
@click.option("--output", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where the model goes (default: <models_dir>/miner_tagger).")
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed (recorded in the model).")
@click.option("--folds", type=click.IntRange(2, 20), default=5, show_default=True, help="Cross-validation folds.")
@click.option("--no-reviews", is_flag=True, help="Leave the store's reviewed sentences out of the training data.")
@click.option("--no-own", is_flag=True, help="Leave the own passages ([nlp] own_train_dir) out.")
@click.option("--own-weight", type=click.FloatRange(0, min_open=True), default=None,
              help="Sample weight of every own passage (default: each passage's \"weight\", else 1).")
@click.option("--label-thresholds", is_flag=True,
              help="Per-label thresholds for ground and mechanism (shrunk toward the layer's); off by default.")
@click.option("--vectors", default=None, metavar="NAME",
              help="Word-vector table under <models_dir> (default: [nlp] word_vectors); '' = none.")
@click.option("--json", "as_json", is_flag=True, help="Print the cross-validated report as JSON.")
@config_option
def train_cmd(train_dir, output, seed, folds, no_reviews, no_own, own_weight, label_thresholds, vectors, as_json,
              cfg):
    """Train the learned tagger (ground, mechanism, recommendation, relevance) on labelled passages.

    Cross-validates by passage, calibrates, picks the per-layer thresholds and saves the model
    (JSON + numpy arrays, with seed, data hashes and settings) where `miner tag` loads it.
    The own passages of [nlp] own_train_dir are train-only: every fold learns from them, the
    scores are those of train_dir's passages."""
    from miner.nlp.learned.component import DEFAULT_NAME
    from miner.nlp.learned.data import own_train_paths
    from miner.nlp.learned.model import ModelError
    from miner.nlp.learned.train import train
    from miner.nlp.tagging.pipeline import taxonomy_for
    train_dir = train_dir or Path(cfg["nlp"]["train_dir"])
    paths = sorted(Path(train_dir).glob("train_*.jsonl")) if Path(train_dir).is_dir() else []
    if not paths:
        raise UserError(f"{train_dir}: no train_*.jsonl files (set [nlp] train_dir or --train-dir)")
    try:
        own = [] if no_own else own_train_paths(cfg)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    output = output or Path(cfg["store"]["models_dir"]) / DEFAULT_NAME
    extra = []
    if not no_reviews:
        extra = _reviewed_passages(cfg)
    table = _word_vectors(cfg, vectors)
    nlp = _build_rules(cfg)
    taxonomy = taxonomy_for(cfg)
    t0 = time.monotonic()
    try:
        model, report = train(nlp, taxonomy, paths, extra=extra, settings={"seed": seed, "folds": folds,
                                                                          "label_thresholds": label_thresholds},
                              log=lambda m: click.echo(m, err=as_json), own_paths=own, own_weight=own_weight,
                              vectors=table)
    except ValueError as exc:
        raise UserError(f"tag train: {exc}") from None
    try:
        model.save(Path(output))
    except ModelError as exc:
        raise UserError(f"tag train: {exc}") from None
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, indent=1))
        return
    own_note = f"; {report['own']['passages']} own passages train-only, not scored" if "own" in report else ""
    click.echo(f"\ncross-validated ({folds}-fold by passage{own_note}), calibrated, at the chosen thresholds:")
    click.echo(f"  {'layer':<16}{'P':>7}{'R':>7}{'F1':>7}{'thr':>7}")
    for layer, r in report["layers"].items():
        click.echo(f"  {layer:<16}{r['precision']:>7.3f}{r['recall']:>7.3f}{r['f1']:>7.3f}{r['threshold']:>7.2f}")
    rel = report["relevance"]
    click.echo(f"  {'relevance':<16}{rel['precision']:>7.3f}{rel['recall']:>7.3f}{rel['f1']:>7.3f}")
    if "actor" in report:
        a = report["actor"]
        click.echo(f"  actor accuracy {a['accuracy']:.3f} on {a['n']} gold recommendations "
                   f"(the rule finder alone: {a['rules_accuracy']:.3f})")
    click.echo(f"model saved to {output} ({time.monotonic() - t0:.0f} s); `miner eval --gold FILE` scores it")


def _word_vectors(cfg, name: str | None):
    """The word-vector table ``name`` (None: [nlp] word_vectors) under [store] models_dir, or None for ''."""
    from miner.nlp.learned.vectors import VectorsError, from_config
    try:
        return from_config(cfg, name)
    except VectorsError as exc:
        raise UserError(f"tag train: {exc} (build it with scripts/build_word_vectors.py, "
                        "or pass --vectors '' for none)") from None


def _build_rules(cfg):
    from miner.nlp.loader import PipelineUnavailable
    from miner.nlp.tagging.pipeline import build
    from miner.nlp.tagging.taxonomy import TaxonomyError
    try:
        return build(cfg, learned=False)
    except (PipelineUnavailable, TaxonomyError) as exc:
        raise UserError(str(exc)) from None


def _reviewed_passages(cfg) -> list:
    """Reviewed sentences from the store as extra training passages (when the store has reviews)."""
    try:
        from miner.review import training_examples  # noqa: F401
    except ImportError:
        return []
    from miner.nlp.learned.data import Passage
    from miner.store import open_store
    db = Path(cfg["store"]["database"])
    if not db.exists():
        return []
    conn = open_store(cfg)
    out = []
    for n, ex in enumerate(training_examples(conn, cfg=cfg)):
        text = ex["text"]
        out.append(Passage(id=f"review:{n}", group="reviews", text=text, spans=[(0, len(text))],
                           labels=[{"ground": list(ex.get("ground") or []),
                                    "mechanism": list(ex.get("mechanism") or []),
                                    "recommendation": bool(ex.get("recommendation")),
                                    "actor": list(ex.get("actor") or [])}],
                           weight=float(ex.get("weight", 1.0))))
    return out


@click.command("relevance")
@click.argument("doc_ids", nargs=-1, type=int)
@click.option("--relevant", "decision", flag_value="yes", help="Mark DOC_ID… as relevant (a researcher's decision).")
@click.option("--not-relevant", "decision", flag_value="no", help="Mark DOC_ID… as not relevant.")
@click.option("--clear", "decision", flag_value="clear", help="Drop the decision: the model's score counts again.")
@click.option("--json", "as_json", is_flag=True, help="Print the listing as JSON lines.")
@config_option
def relevance_cmd(doc_ids, decision, as_json, cfg):
    """List documents with their relevance, or override it for DOC_ID….

    Not relevant documents keep their tags (flagged) but are left out of gaps, the gap map
    and the evidence report."""
    from miner.store import open_store, relevance
    from miner.store.db import StoreError
    if decision and not doc_ids:
        raise UserError("give the document id(s) to decide on, e.g. `miner relevance 12 --not-relevant`")
    try:
        conn = open_store(cfg, readonly=not decision)
    except StoreError as exc:
        raise UserError(str(exc)) from None
    if decision:
        value = {"yes": True, "no": False, "clear": None}[decision]
        found = relevance.set_override(conn, list(doc_ids), value)
        missing = sorted(set(doc_ids) - set(found))
        word = {"yes": "relevant", "no": "not relevant", "clear": "back to the model's score"}[decision]
        click.echo(f"{len(found)} document(s) set {word}" + (f"; no such document: {missing}" if missing else ""))
        if missing:
            raise SystemExit(1)
        return
    rows = relevance.listing(conn, list(doc_ids) or None)
    for r in rows:
        who = "researcher" if r["relevance_override"] is not None else "model"
        score = "-" if r["relevance"] is None else f"{r['relevance']:.2f}"
        if as_json:
            click.echo(json.dumps({"document_id": r["id"], "title": r["title"], "relevance": r["relevance"],
                                   "relevant": bool(r["is_relevant"]), "decided_by": who}, ensure_ascii=False))
        else:
            mark = "relevant" if r["is_relevant"] else "NOT relevant"
            click.echo(f"[{r['id']}] {score:>5} {mark:<13} ({who}) {(r['title'] or r['what'] or '')[:90]}")
    if not as_json:
        c = relevance.counts(conn)
        click.echo(f"{c['relevant']} of {c['documents']} relevant, {c['overridden']} set by a researcher")
