"""miner: a fresh, tagged corpus of Dutch research and policy on discrimination in the sociale basis.

In a notebook: ``corpus = miner.open("config.toml")``, then e.g. ``corpus.annotations(layer="ground")``.
"""


def open(config="config.toml"):  # noqa: A001 - `miner.open(...)` is the notebook entry point
    """Open the corpus named in ``config`` (a path, or None for the defaults) read-only."""
    from miner.api import Corpus
    return Corpus.from_config(config)
