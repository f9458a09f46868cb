"""The ``miner_learned`` spaCy component: the learned models decide ground, mechanism and
recommendation; the rule annotations before it become evidence (cue words) or go.

For every sentence unit and label the calibrated probability is compared with the layer's
threshold. A predicted label keeps the rule annotations of that label in the sentence (their
cue words are the evidence span) with the probability as ``confidence``; a predicted label
without a rule cue becomes an annotation over the whole sentence (source
``miner_learned:model``); rule annotations the model does not predict are removed. A new
recommendation gets its actor from the model's actor part (``actors.ActorModel``, over the rule
finder's answer and the sentence's context), or from the rule finder when the model has none. Rule-only layers (setting,
target_group, statistic, organisation, person) keep their annotations with the taxonomy's
``rule_confidence``. The document's relevance lands in ``doc._.miner_relevance``.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
from spacy.language import Language
from spacy.tokens import Doc

from miner.nlp.learned.checked import load_cached
from miner.nlp.learned.features import FeatureWords, unit_features
from miner.nlp.learned.model import SCORED, ModelError, TaggerModel, chunk_rows
from miner.nlp.tagging.annotation import Annotation

DEFAULT_NAME = "miner_tagger"


def load_model(path: str | Path) -> TaggerModel:
    return load_cached(TaggerModel.load, path, "model.json", ModelError,
                       "no tagger model here (train one with `miner tag train`)")


class LearnedTagger:
    def __init__(self, nlp, taxonomy, model: TaggerModel, thresholds: dict[str, float]):
        from miner.nlp.tagging.recommendations import RecommendationTagger
        self.model = model
        self.thresholds = {layer: float(thresholds.get(layer) or model.thresholds.get(layer, 0.5)) for layer in SCORED}
        # the model's per-label thresholds, for layers whose threshold the config does not set
        self.label_thresholds = {(layer, label): float(t) for key, t in model.label_thresholds.items()
                                 for layer, label in [key.split(":", 1)] if not thresholds.get(layer)}
        self.rule_confidence = float(taxonomy.settings.get("rule_confidence", 0.9))
        self.recommendations = RecommendationTagger(taxonomy)
        self._cols = {layer: model.layer_columns(layer) for layer in SCORED}
        self.words = FeatureWords.of(taxonomy)

    def _actors(self, doc: Doc, units, recs: list[Annotation]) -> None:
        """Every recommendation's actor: the actor model's choice over the actor symbols (the rule
        finder's answer among them); without an actor model, the rule finder's answer (a rule
        recommendation already has it)."""
        todo = recs if self.model.actor is not None else [a for a in recs if a.source == "miner_learned:model"]
        if not todo:
            return
        from miner.nlp.learned.actors import ActorContext, actor_features
        context = ActorContext.of(doc, self.recommendations)
        found = [actor_features(doc, units, a.sent, self.recommendations, context) for a in todo]
        if self.model.actor is None:
            for a, (_, rule) in zip(todo, found):
                a.actor = rule
            return
        for a, actor in zip(todo, self.model.actor.predict([f for f, _ in found])):
            a.actor = [actor]

    def __call__(self, doc: Doc) -> Doc:
        units = doc._.miner_sents or []
        anns = doc._.miner_annotations or []
        if not units:
            doc._.miner_relevance = 0.0
            return doc
        feats = unit_features(doc, units, self.words)
        texts = [doc[a:b].text for a, b in units] if self.model.vectors is not None else None
        probs = self.model.predict(feats, texts=texts)
        kept: list[Annotation] = []
        rule = {}
        for a in anns:
            if a.layer in SCORED:
                rule.setdefault((a.sent, a.layer, a.label), []).append(a)
            else:
                if a.confidence is None:
                    a.confidence = self.rule_confidence
                kept.append(a)
        for layer in SCORED:
            for j in self._cols[layer]:
                label = self.model.labels[j][1]
                threshold = self.label_thresholds.get((layer, label), self.thresholds[layer])
                col = probs[:, j]
                for i in np.flatnonzero(col >= threshold):
                    conf = float(round(col[i], 4))
                    found = rule.get((int(i), layer, label))
                    if found:
                        for a in found:
                            a.confidence = conf
                            a.source = f"{a.source}|miner_learned"
                            kept.append(a)
                        continue
                    s, e = units[i]
                    kept.append(Annotation(layer, label, s, e, int(i), "miner_learned:model", confidence=conf))
        self._actors(doc, units, [a for a in kept if a.layer == "recommendation"])
        kept.sort(key=lambda a: (a.start, a.layer, a.label))
        doc._.miner_annotations = kept
        # relevance over chunks of about 25 sentences
        chunks = chunk_rows(len(units))
        cfeats = [[x for f in feats[a:b] for x in f if x.startswith(("w:", "l:"))] for a, b in chunks]
        doc._.miner_relevance = self.model.relevance_score(cfeats, [probs[a:b] for a, b in chunks])
        return doc


@Language.factory("miner_learned", default_config={"taxonomy": "", "model": "", "thresholds": {},
                                                   "relevance_threshold": 0.5})
def make_learned(nlp, name, taxonomy: str, model: str, thresholds: dict, relevance_threshold: float):
    from miner.nlp.tagging.flags import FlagTagger
    from miner.nlp.tagging.taxonomy import load as load_taxonomy
    tax = load_taxonomy(taxonomy or None)
    # relevance_threshold is part of the component's config (a change re-tags the store) but decided
    # on by the tagging stage, which stores the score and the decision
    tagger = LearnedTagger(nlp, tax, load_model(model), thresholds)
    flags = FlagTagger(tax)

    from sklearn import config_context

    def step(doc):
        # the hashers' inputs are built here, so sklearn's per-call argument validation is skipped
        # (about 0.2 ms per document, a sixth of the two hashers' time)
        with config_context(skip_parameter_validation=True, assume_finite=True):
            tagger(doc)
        # the sentence-level annotations the model added get their hedge / negation flags too
        everything = doc._.miner_annotations
        doc._.miner_annotations = [a for a in everything if a.source == "miner_learned:model"]
        flags(doc)
        doc._.miner_annotations = everything
        return doc
    return step
