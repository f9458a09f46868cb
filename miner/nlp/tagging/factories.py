"""The tagging components, registered with spaCy when this module is imported.

Each component is registered with ``@Language.factory`` and takes the taxonomy
file as config (``taxonomy``: a path, "" for the built-in one), so a pipeline
can be saved and rebuilt from its config. ``miner.nlp.tagging.pipeline`` adds
them after the loaded Dutch pipeline.
"""
from __future__ import annotations

from spacy.language import Language

from miner.nlp.tagging import annotation
from miner.nlp.tagging.taxonomy import load as load_taxonomy

annotation.register_extensions()

from miner.nlp.tagging import COMPONENTS  # noqa: F401  (re-exported)


class _Component:
    """A pipeline component bound to one taxonomy file.

    ``build(component)`` returns the step that tags one doc; it is called once,
    after the taxonomy is loaded, so taggers compile their lexicons up front.
    """

    def __init__(self, nlp, name: str, taxonomy: str, build):
        self.nlp, self.name, self.taxonomy_path = nlp, name, taxonomy
        self.taxonomy = load_taxonomy(taxonomy or None)
        self.step = build(self)

    def __call__(self, doc):
        if doc._.miner_sents is None:
            from miner.nlp.tagging.sentences import set_sentences
            set_sentences(doc)
        if doc._.miner_annotations is None:
            doc._.miner_annotations = []
        self.step(doc)
        return doc


def _named_tagger(make):
    """Build step for tagger objects called as ``tagger(doc, component_name)``; the object stays
    reachable as ``component.tagger`` (the tagging stage adds names from the store to it)."""
    def build(component):
        tagger = component.tagger = make(component)
        return lambda doc: tagger(doc, component.name)
    return build


@Language.factory("miner_sentences", default_config={"taxonomy": ""})
def make_sentences(nlp, name, taxonomy: str):
    from miner.nlp.tagging.sentences import set_sentences

    def step(doc):
        set_sentences(doc)
        doc._.miner_annotations = []
    return _Component(nlp, name, taxonomy, lambda c: step)


@Language.factory("miner_cues", default_config={"taxonomy": ""})
def make_cues(nlp, name, taxonomy: str):
    from miner.nlp.tagging.lexicon import Lexicon, apply_exclusions

    def build(c):
        lexicon = Lexicon(c.nlp, c.taxonomy)

        def step(doc):
            doc._.miner_hits = apply_exclusions(lexicon.hits(doc))
        return step
    return _Component(nlp, name, taxonomy, build)


@Language.factory("miner_ground", default_config={"taxonomy": ""})
def make_ground(nlp, name, taxonomy: str):
    from miner.nlp.tagging.layers import tag_grounds
    return _Component(nlp, name, taxonomy, lambda c: lambda doc: tag_grounds(doc, c.taxonomy))


@Language.factory("miner_mechanism", default_config={"taxonomy": ""})
def make_mechanism(nlp, name, taxonomy: str):
    from miner.nlp.tagging.layers import tag_lexical_layer
    return _Component(nlp, name, taxonomy, lambda c: lambda doc: tag_lexical_layer(
        doc, c.taxonomy, "mechanism", c.name, require_topic=True))


@Language.factory("miner_terms", default_config={"taxonomy": "", "layers": ["setting", "target_group"]})
def make_terms(nlp, name, taxonomy: str, layers: list[str]):
    from miner.nlp.tagging.layers import tag_lexical_layer

    def build(c):
        def step(doc):
            for layer in layers:
                tag_lexical_layer(doc, c.taxonomy, layer, c.name, require_topic=False)
        return step
    return _Component(nlp, name, taxonomy, build)


@Language.factory("miner_recommendation", default_config={"taxonomy": ""})
def make_recommendation(nlp, name, taxonomy: str):
    from miner.nlp.tagging.recommendations import RecommendationTagger
    return _Component(nlp, name, taxonomy, _named_tagger(lambda c: RecommendationTagger(c.taxonomy)))


@Language.factory("miner_statistic", default_config={"taxonomy": ""})
def make_statistic(nlp, name, taxonomy: str):
    from miner.nlp.tagging.statistics import StatisticTagger
    return _Component(nlp, name, taxonomy, _named_tagger(lambda c: StatisticTagger(c.taxonomy)))


@Language.factory("miner_entities", default_config={"taxonomy": ""})
def make_entities(nlp, name, taxonomy: str):
    from miner.nlp.tagging.entities import EntityTagger
    return _Component(nlp, name, taxonomy, _named_tagger(lambda c: EntityTagger(c.nlp, c.taxonomy)))


@Language.factory("miner_evidence_type", default_config={"taxonomy": ""})
def make_evidence_type(nlp, name, taxonomy: str):
    from miner.nlp.tagging.evidence import tag_evidence_type
    return _Component(nlp, name, taxonomy, lambda c: lambda doc: tag_evidence_type(doc, c.taxonomy))


@Language.factory("miner_flags", default_config={"taxonomy": ""})
def make_flags(nlp, name, taxonomy: str):
    from miner.nlp.tagging.flags import FlagTagger
    return _Component(nlp, name, taxonomy, lambda c: FlagTagger(c.taxonomy))
