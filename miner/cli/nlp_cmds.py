"""`miner nlp train` and `miner nlp eval`: the Dutch spaCy pipeline."""
from __future__ import annotations

import json
from pathlib import Path

import click

from miner.cli.common import UserError, config_option, echo_err, progress_enabled

TEST_SET = "alpino-v2.16-test.conllu"
# Where the shared material sits on the project machine when the repo is a worktree one level
# deeper than ../shared expects.
SHARED_UD_DIR = Path("/work/shared/data/ud_dutch")


def configured_ud_dir(cfg) -> Path:
    configured = Path(cfg["nlp"]["ud_dir"])
    if not configured.exists() and SHARED_UD_DIR.exists():
        return SHARED_UD_DIR
    return configured


def register(main):
    main.add_command(nlp)


@click.group()
def nlp():
    """Train and evaluate the Dutch spaCy pipeline (models/nl_miner)."""


@nlp.command()
@click.option("--ud-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="UD Dutch treebank folder (default: nlp.ud_dir from config).")
@click.option("--output", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Where the pipeline is written (default: <models_dir>/nl_miner).")
@click.option("--max-steps", type=click.IntRange(min=0), default=None,
              help="Training steps (default: nlp.train_max_steps; 0 = the recipe's early stopping).")
@click.option("--init-from", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Continue training from this trained pipeline folder instead of from scratch.")
@config_option
def train(ud_dir, output, max_steps, init_from, cfg):
    """Prepare the UD Dutch data, run `spacy train` and package the result.

    Keeps alpino-v2.16-test out of training, deduplicates against it, brings the 2017 trees
    to current conventions. Takes 30-40 minutes on one CPU core.
    """
    from miner.nlp.loader import SHIPPED_NAME
    from miner.nlp.training.train import TrainingFailed, train as run_training
    ud_dir = ud_dir or configured_ud_dir(cfg)
    output = output or Path(cfg["store"]["models_dir"]) / SHIPPED_NAME
    if not (ud_dir / TEST_SET).exists():
        raise UserError(f"{ud_dir}: no UD Dutch treebanks there ({TEST_SET} missing); set nlp.ud_dir or pass --ud-dir")
    steps = cfg["nlp"]["train_max_steps"] if max_steps is None else max_steps
    try:
        data, path = run_training(ud_dir, output, max_steps=steps, init_from=init_from, echo=echo_err)
    except (TrainingFailed, FileNotFoundError) as exc:
        raise UserError(str(exc)) from None
    click.echo(f"trained on {data.train_sentences} sentences (dev {data.dev_sentences}); pipeline written to {path}. "
               f"Score it with `miner nlp eval`.")


def _print_scores(s, description: str) -> None:
    click.echo(f"pipeline: {description}")
    click.echo(f"test set: {s.file} ({s.sentences} sentences, {s.words} words, "
               f"{s.sentences_per_doc} sentence(s) per text)")
    for label, value in (("TAG", s.tag), ("POS", s.pos), ("MORPH", s.morph), ("LEMMA", s.lemma),
                         ("UAS", s.uas), ("LAS", s.las), ("sentence F", s.sentence_f), ("token F", s.token_f)):
        click.echo(f"  {label:<11}{value:.3f}")
    click.echo(f"  {'words/s':<11}{s.words_per_second:,.0f} (one core, CPU time)")


@nlp.command("eval")
@click.option("--conllu", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help=f"CoNLL-U file to score on (default: {TEST_SET} in nlp.ud_dir).")
@click.option("--sentences-per-doc", "per_doc", type=click.IntRange(min=1), default=10, show_default=True,
              help="Gold sentences joined into one text (1 = spacy convert's default).")
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
@config_option
def eval_cmd(conllu, per_doc, as_json, cfg):
    """Score the configured pipeline: TAG, POS, MORPH, LEMMA, UAS, LAS, sentence F, words/s."""
    from miner.nlp.evaluate import evaluate
    from miner.nlp.loader import PipelineUnavailable, describe_pipeline, load_pipeline
    conllu = conllu or configured_ud_dir(cfg) / TEST_SET
    if not conllu.exists():
        raise UserError(f"{conllu} does not exist; pass --conllu FILE or set nlp.ud_dir to the UD Dutch treebank folder")
    try:
        pipeline = load_pipeline(cfg)
    except PipelineUnavailable as exc:
        raise UserError(str(exc)) from None
    try:
        scores = evaluate(pipeline, conllu, progress=progress_enabled(), per_doc=per_doc)
    except ValueError as exc:
        raise UserError(f"{conllu}: {exc}") from None
    if as_json:
        click.echo(json.dumps({"pipeline": describe_pipeline(cfg), **scores.as_dict()}, indent=1))
    else:
        _print_scores(scores, describe_pipeline(cfg))
