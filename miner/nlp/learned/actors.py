"""Who should act on a recommendation, learned.

The rule layer's actor finder (``RecommendationTagger.actor``) reads the subject of the modal, the
words after an advocacy verb and the document's audience. On the training passages it picks the
gold actor for about three recommendations in four; its misses are mostly context: a motion that
"verzoekt het college" in a municipal text, tips addressed to "je" in a guide for associations
that the annotators leave ``onbepaald``, "wij moeten" spoken by a minister.

This module turns a recommendation sentence into symbols — the rule finder's answer, where the
actor words stand (subject, before or after the trigger), the trigger's kind, the actors the
neighbouring sentences and the document name, the audience, second person, a question — and a
small multinomial logistic regression over them (``ActorModel``) chooses one actor id. It is
trained by ``miner tag train`` on the gold recommendations and saved as plain JSON inside the
tagger's ``model.json`` (no pickle).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np
from spacy.tokens import Doc

UNDETERMINED = "onbepaald"
CONTEXT = 3   # sentences before the recommendation whose actor words count


@dataclass
class ActorContext:
    """What every recommendation of one document shares: its actor hits and its audience."""
    hits: list            # the document's actor hits (rule layer), in text order
    audience: str | None
    named: Counter        # actor id -> how often the document names it

    @classmethod
    def of(cls, doc: Doc, recommendations) -> "ActorContext":
        from miner.nlp.tagging.layers import hits_by_sentence
        by_sent = hits_by_sentence(doc)
        hits = sorted((h for hs in by_sent.values() for h in hs if h.layer == "actor"), key=lambda h: h.start)
        return cls(hits=hits, audience=recommendations.audience(doc, by_sent),
                   named=Counter(h.label for h in hits))


def actor_features(doc: Doc, units: list[tuple[int, int]], i: int, recommendations,
                   context: ActorContext) -> tuple[list[str], list[str]]:
    """(feature symbols, the rule finder's actor ids) of the recommendation in unit ``i``."""
    a, b = units[i]
    own = [h for h in context.hits if a <= h.start < b]
    found = recommendations.trigger(doc, (a, b))
    kind = found[2] if found else "model"
    trig = found[:2] if found else (a, a + 1)
    rule = recommendations.actor(doc, (a, b), trig, kind, own, context.audience)
    f = [f"kind:{kind.split(':')[0]}"]
    f += [f"rule:{x}" for x in rule]
    if len(rule) == 1:
        f.append(f"rule1:{rule[0]}:{kind.split(':')[0]}")
    for h in own:
        f.append(f"in:{h.label}")
        f.append(f"{'pre' if h.start < trig[0] else 'post'}:{h.label}")
    if doc.has_annotation("DEP") and found:
        for subj in recommendations._subjects(doc, (a, b), trig[0]):
            core = recommendations._subject_core(subj)
            f += [f"subj:{h.label}" for h in own if any(t in core for t in range(h.start, h.end))]
            if subj.lower_ in recommendations.second_person:
                f.append("subj:2p")
            elif subj.lower_ in ("we", "wij"):
                f.append("subj:wij")
            break
    lo = units[max(0, i - CONTEXT)][0]
    f += [f"prev:{h.label}" for h in context.hits if lo <= h.start < a]
    if context.named:
        top, n = context.named.most_common(1)[0]
        f.append(f"doc:{top}")
        if n >= 3:
            f.append(f"doc3:{top}")
    if context.audience:
        f.append(f"aud:{context.audience}")
    words = {t.lower_ for t in doc[a:b]}
    if words & recommendations.second_person:
        f.append("2p")
    if words & {"we", "wij", "ons", "onze"}:
        f.append("wij")
    last = [t for t in doc[a:b] if not t.is_space]
    if last and last[-1].text == "?":
        f.append("question")
    return sorted(set(f)), rule


class ActorModel:
    """Multinomial logistic regression over actor symbols, as plain lists (JSON)."""

    def __init__(self, classes: list[str], features: list[str], coef, intercept):
        self.classes = list(classes)
        self.features = list(features)
        self.index = {f: j for j, f in enumerate(self.features)}
        self.coef = np.asarray(coef, dtype=np.float64).reshape(len(self.classes), len(self.features))
        self.intercept = np.asarray(intercept, dtype=np.float64).reshape(len(self.classes))

    @classmethod
    def fit(cls, rows: list[list[str]], targets: list[str], C: float = 1.0, weights=None) -> "ActorModel":
        from sklearn.linear_model import LogisticRegression
        features = sorted({f for r in rows for f in r})
        index = {f: j for j, f in enumerate(features)}
        X = _matrix(rows, index)
        classes = sorted(set(targets))
        if len(classes) == 1:    # nothing to learn: always that actor
            return cls(classes, features, np.zeros((1, len(features))), np.zeros(1))
        lr = LogisticRegression(C=C, max_iter=2000)
        lr.fit(X, targets, sample_weight=weights)
        coef, intercept = lr.coef_, lr.intercept_
        if len(lr.classes_) == 2:   # sklearn keeps one row for two classes
            coef = np.vstack([-coef[0] / 2, coef[0] / 2])
            intercept = np.array([-intercept[0] / 2, intercept[0] / 2])
        return cls(list(lr.classes_), features, coef, intercept)

    def predict(self, rows: list[list[str]]) -> list[str]:
        if not rows:
            return []
        if len(self.classes) == 1:
            return [self.classes[0]] * len(rows)
        scores = _matrix(rows, self.index) @ self.coef.T + self.intercept
        return [self.classes[j] for j in np.argmax(scores, axis=1)]

    def to_json(self) -> dict:
        return {"classes": self.classes, "features": self.features,
                "coef": np.round(self.coef, 6).tolist(), "intercept": np.round(self.intercept, 6).tolist()}

    @classmethod
    def from_json(cls, d: dict) -> "ActorModel":
        try:
            return cls(d["classes"], d["features"], d["coef"], d["intercept"])
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"actor model: {exc}") from None


def _matrix(rows: list[list[str]], index: dict[str, int]):
    from scipy import sparse
    data, cols, ptr = [], [], [0]
    for r in rows:
        js = sorted({index[f] for f in r if f in index})
        cols += js
        data += [1.0] * len(js)
        ptr.append(len(cols))
    return sparse.csr_matrix((data, cols, ptr), shape=(len(rows), len(index)))
