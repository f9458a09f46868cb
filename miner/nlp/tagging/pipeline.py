"""The tagging pipeline: the configured Dutch pipeline plus the miner components.

``build(cfg)`` loads the pipeline through ``miner.nlp.loader.load_pipeline`` (its own
cached instance) and appends the components (once per taxonomy version; a changed
taxonomy file replaces them). ``tag(nlp, texts)`` streams documents through ``nlp.pipe``.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterable, Iterator

from miner.nlp import tagging
from miner.nlp.tagging.taxonomy import Taxonomy, load as load_taxonomy, resolve_path

# loaded components the tagger never reads
UNUSED = ("ner", "senter", "attribute_ruler_ner")


def taxonomy_for(cfg) -> Taxonomy:
    return load_taxonomy(resolve_path(cfg))


def add_components(nlp, taxonomy: Taxonomy):
    """Append (or replace) the miner components, bound to ``taxonomy``."""
    marker = nlp.meta.setdefault("miner_tagging", {})
    if marker.get("taxonomy") == taxonomy.version_hash and all(c in nlp.pipe_names for c in tagging.COMPONENTS):
        return nlp
    for name in tagging.COMPONENTS:
        if name in nlp.pipe_names:
            nlp.remove_pipe(name)
    path = "" if taxonomy.path == Path(tagging.taxonomy.BUILTIN_PATH).resolve() else str(taxonomy.path)
    for name in tagging.COMPONENTS:
        nlp.add_pipe(name, config={"taxonomy": path}, last=True)
    marker["taxonomy"] = taxonomy.version_hash
    return nlp


# Passed as `exclude` (no such component exists): the loader caches per exclude tuple, so the
# tagger gets its own instance and the pipeline other stages load stays without our components.
OWN_INSTANCE = ("miner_tagging",)


def build(cfg, taxonomy: Taxonomy | None = None):
    from miner.nlp.loader import load_pipeline
    nlp = load_pipeline(cfg, exclude=OWN_INSTANCE)
    return add_components(nlp, taxonomy or taxonomy_for(cfg))


def disabled(nlp) -> list[str]:
    """Components to switch off while tagging: unused by the tagger, and a senter when a parser sets sentences."""
    names = [n for n in nlp.pipe_names if n in ("ner",)]
    if "parser" in nlp.pipe_names and "senter" in nlp.pipe_names:
        names.append("senter")
    return names


def tag(nlp, texts: Iterable[str], batch_size: int = 32) -> Iterator:
    """Docs with ``doc._.miner_annotations`` for each text, in order."""
    with nlp.select_pipes(disable=disabled(nlp)):
        yield from nlp.pipe(texts, batch_size=batch_size)
