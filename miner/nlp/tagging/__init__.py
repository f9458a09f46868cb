"""spaCy components that tag discrimination grounds, mechanisms, recommendations and more.

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

# component names in pipeline order
COMPONENTS = ("miner_sentences", "miner_cues", "miner_entities", "miner_ground", "miner_mechanism", "miner_terms",
              "miner_recommendation", "miner_statistic", "miner_evidence_type", "miner_flags")


class _Component:
    """A pipeline component bound to one taxonomy file."""

    def __init__(self, nlp, name: str, taxonomy: str):
        self.nlp, self.name, self.taxonomy_path = nlp, name, taxonomy
        self.taxonomy = load_taxonomy(taxonomy or None)

    def __call__(self, doc):
        if doc._.miner_sents is None:
            from miner.nlp.tagging.sentences import set_sentences
            set_sentences(doc)
        if doc._.miner_annotations is None:
            doc._.miner_annotations = []
        self.process(doc)
        return doc


@Language.factory("miner_sentences", default_config={"taxonomy": ""})
def make_sentences(nlp, name, taxonomy: str):
    from miner.nlp.tagging.sentences import set_sentences

    class Sentences(_Component):
        def process(self, doc):
            set_sentences(doc)
            doc._.miner_annotations = []
    return Sentences(nlp, name, taxonomy)


@Language.factory("miner_cues", default_config={"taxonomy": ""})
def make_cues(nlp, name, taxonomy: str):
    from miner.nlp.tagging.lexicon import apply_exclusions

    from miner.nlp.tagging.lexicon import Lexicon

    class Cues(_Component):
        def __init__(self, *args):
            super().__init__(*args)
            self.lexicon = Lexicon(self.nlp, self.taxonomy)

        def process(self, doc):
            doc._.miner_hits = apply_exclusions(self.lexicon.hits(doc))
    return Cues(nlp, name, taxonomy)


@Language.factory("miner_ground", default_config={"taxonomy": ""})
def make_ground(nlp, name, taxonomy: str):
    from miner.nlp.tagging.layers import tag_grounds

    class Ground(_Component):
        def process(self, doc):
            tag_grounds(doc, self.taxonomy)
    return Ground(nlp, name, taxonomy)


@Language.factory("miner_mechanism", default_config={"taxonomy": ""})
def make_mechanism(nlp, name, taxonomy: str):
    from miner.nlp.tagging.layers import tag_lexical_layer

    class Mechanism(_Component):
        def process(self, doc):
            tag_lexical_layer(doc, self.taxonomy, "mechanism", self.name, require_topic=True)
    return Mechanism(nlp, name, taxonomy)


@Language.factory("miner_terms", default_config={"taxonomy": "", "layers": ["setting", "target_group"]})
def make_terms(nlp, name, taxonomy: str, layers: list[str]):
    from miner.nlp.tagging.layers import tag_lexical_layer

    class Terms(_Component):
        def process(self, doc):
            for layer in layers:
                tag_lexical_layer(doc, self.taxonomy, layer, self.name, require_topic=False)
    return Terms(nlp, name, taxonomy)


@Language.factory("miner_recommendation", default_config={"taxonomy": ""})
def make_recommendation(nlp, name, taxonomy: str):
    from miner.nlp.tagging.recommendations import RecommendationTagger

    class Recommendation(_Component):
        def __init__(self, *args):
            super().__init__(*args)
            self.tagger = RecommendationTagger(self.taxonomy)

        def process(self, doc):
            self.tagger(doc, self.name)
    return Recommendation(nlp, name, taxonomy)


@Language.factory("miner_statistic", default_config={"taxonomy": ""})
def make_statistic(nlp, name, taxonomy: str):
    from miner.nlp.tagging.statistics import StatisticTagger

    class Statistic(_Component):
        def __init__(self, *args):
            super().__init__(*args)
            self.tagger = StatisticTagger(self.taxonomy)

        def process(self, doc):
            self.tagger(doc, self.name)
    return Statistic(nlp, name, taxonomy)


@Language.factory("miner_entities", default_config={"taxonomy": ""})
def make_entities(nlp, name, taxonomy: str):
    from miner.nlp.tagging.entities import EntityTagger

    class Entities(_Component):
        def __init__(self, *args):
            super().__init__(*args)
            self.tagger = EntityTagger(self.nlp, self.taxonomy)

        def process(self, doc):
            self.tagger(doc, self.name)
    return Entities(nlp, name, taxonomy)


@Language.factory("miner_evidence_type", default_config={"taxonomy": ""})
def make_evidence_type(nlp, name, taxonomy: str):
    from miner.nlp.tagging.evidence import tag_evidence_type

    class EvidenceType(_Component):
        def process(self, doc):
            tag_evidence_type(doc, self.taxonomy)
    return EvidenceType(nlp, name, taxonomy)


@Language.factory("miner_flags", default_config={"taxonomy": ""})
def make_flags(nlp, name, taxonomy: str):
    from miner.nlp.tagging.flags import FlagTagger

    class Flags(_Component):
        def __init__(self, *args):
            super().__init__(*args)
            self.tagger = FlagTagger(self.taxonomy)

        def process(self, doc):
            self.tagger(doc)
    return Flags(nlp, name, taxonomy)
