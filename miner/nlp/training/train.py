"""`miner nlp train`: data preparation → ``spacy train`` → packaged pipeline in models/nl_miner."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from miner.nlp.training.package import package
from miner.nlp.training.prepare import PreparedData, prepare

RECIPE = Path(__file__).parent / "nl_miner.cfg"
CALLBACKS = Path(__file__).parent / "callbacks.py"


class TrainingFailed(Exception):
    pass


def continuation_recipe(recipe: Path, init_from: Path, out_path: Path) -> Path:
    """The recipe with every component sourced from an already trained pipeline, so training
    continues from its weights (e.g. after the data preparation improved)."""
    from thinc.api import Config
    config = Config().from_disk(recipe, interpolate=False)
    for component in config["nlp"]["pipeline"]:
        config["components"][component] = {"source": str(init_from.resolve())}
    config["initialize"]["after_init"] = {"@callbacks": "miner.rebuild_lemmatizer_labels.v1"}
    config.to_disk(out_path)
    return out_path


def spacy_train_command(recipe: Path, corpus: Path, run_dir: Path, max_steps: int = 0) -> list[str]:
    cmd = [sys.executable, "-m", "spacy", "train", str(recipe), "--output", str(run_dir),
           "--paths.train", str(corpus / "train.spacy"), "--paths.dev", str(corpus / "dev.spacy"),
           "--code", str(CALLBACKS)]
    if max_steps:
        cmd += ["--training.max_steps", str(max_steps)]
    return cmd


def train(ud_dir: Path, output_dir: Path, recipe: Path = RECIPE, max_steps: int = 0,
          init_from: Path | None = None, echo=print) -> tuple[PreparedData, Path]:
    """Train from the treebanks in ``ud_dir`` and write the pipeline to ``output_dir``.

    With ``init_from`` (a trained spaCy pipeline folder) training continues from its weights.
    Intermediate files go to ``output_dir/training`` (git-ignored); spaCy's log is streamed
    and also kept in ``training/train.log``.
    """
    if not recipe.exists():
        raise TrainingFailed(f"training recipe {recipe} does not exist")
    if init_from is not None and not (init_from / "config.cfg").exists():
        raise TrainingFailed(f"--init-from {init_from}: not a spaCy pipeline folder (no config.cfg)")
    work = output_dir / "training"
    corpus = work / "corpus"
    data = prepare(ud_dir, corpus, progress=lambda name, counts: echo(f"prepared {name}: {counts}"))
    echo(f"training data: {data.train_sentences} sentences ({data.train_docs} docs), "
         f"dev {data.dev_sentences} sentences; dropped {data.dropped_test_overlap} overlapping the test set, "
         f"{data.dropped_old_duplicates} old duplicates of current sentences")
    run_dir = work / "run"
    if init_from is not None:
        # Copy first: the output folder may be the pipeline we continue from.
        import shutil
        start = work / "init"
        if start.resolve() != init_from.resolve():
            shutil.rmtree(start, ignore_errors=True)
            shutil.copytree(init_from, start, ignore=shutil.ignore_patterns("training"))
        recipe = continuation_recipe(recipe, start, work / "continue.cfg")
    # One thread: the recipe is tuned for one CPU core, and the machine is shared.
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
    with open(work / "train.log", "w", encoding="utf-8") as log:
        proc = subprocess.Popen(spacy_train_command(recipe, corpus, run_dir, max_steps), env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        for line in proc.stdout:
            log.write(line)
            echo(line.rstrip())
        if proc.wait() != 0:
            raise TrainingFailed(f"spacy train failed (exit {proc.returncode}); see {work / 'train.log'}")
    best = run_dir / "model-best"
    if not (best / "config.cfg").exists():
        raise TrainingFailed(f"spacy train wrote no model to {best}")
    package(best, output_dir, corpus / "train.spacy", sources=data.per_source)
    return data, output_dir
