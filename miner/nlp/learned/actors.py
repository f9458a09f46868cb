"""Who should act on a recommendation, learned.

The rule layer's actor finder (``RecommendationTagger.actor``) reads the subject of the modal, the
words after an advocacy verb and the document's audience. On the training passages it picks the
gold actor for about three recommendations in four; its misses are mostly context: a motion that
"verzoekt het college" in a municipal text, tips addressed to "je" in a guide for associations
that the annotators leave ``onbepaald``, "wij moeten" spoken by a minister.

This module turns a recommendation sentence into symbols — the rule finder's answer, where the
actor words stand (subject, before or after the trigger), the trigger's kind, the actors the
neighbouring sentences and the document name, the audience, second person, a question — and
ranks the candidate actors with them (``ActorModel``): a logistic regression over (sentence,
candidate) pairs whose features say what the symbols tell about that candidate, so "the subject
names it" counts for every actor alike. It is trained by ``miner tag train`` on the gold
recommendations and saved as plain JSON inside the tagger's ``model.json`` (no pickle).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np
from spacy.tokens import Doc

from miner.nlp.tagging.recommendations import UNDETERMINED  # the rule finder's "no actor named"

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


def candidate_features(symbols: list[str], actor: str) -> list[str]:
    """What the symbols of a recommendation say about one candidate actor id. The same features
    serve every actor ("the candidate is the subject", "the rule finder names it", "an earlier
    sentence names it"), so an actor with few training sentences is chosen on the evidence the
    others taught; ``bias:<id>`` carries each actor's own prior. ``onbepaald`` has its own features:
    the trigger's kind, second person, no actor word in the sentence, an audience."""
    s = set(symbols)
    kind = next((x[5:] for x in s if x.startswith("kind:")), "model")
    out = [f"bias:{actor}"]
    if actor == UNDETERMINED:
        out += ["onb", f"onb&kind:{kind}"]
        out += [f"onb&{x}" for x in ("2p", "wij", "question") if x in s]
        if not any(x.startswith("in:") for x in s):
            out.append("onb&no_in")
        if f"rule:{UNDETERMINED}" in s:
            out.append("onb&rule")
        if any(x.startswith("aud:") for x in s):
            out.append("onb&aud")
        if not any(x.startswith("subj:") and x not in ("subj:2p", "subj:wij") for x in s):
            out.append("onb&no_subj")
        return out
    for where in ("rule", "subj", "pre", "post", "in", "prev", "doc", "doc3", "aud"):
        if f"{where}:{actor}" in s:
            out += [where, f"{where}&kind:{kind}"]
            if "2p" in s:
                out.append(f"{where}&2p")
    if f"rule1:{actor}:{kind}" in s:
        out.append(f"rule1&{kind}")
    if f"in:{actor}" in s and sum(1 for x in s if x.startswith("in:")) == 1:
        out.append("only_in")
    return out


class ActorModel:
    """A ranking of the candidate actors: logistic regression over (recommendation, candidate) pairs,
    the candidate with the highest score wins. Weights are plain JSON."""

    def __init__(self, classes: list[str], weights: dict[str, float], intercept: float = 0.0):
        self.classes = list(classes)
        self.weights = {str(k): float(v) for k, v in weights.items()}
        self.intercept = float(intercept)

    @classmethod
    def fit(cls, rows: list[list[str]], targets: list[str], classes: list[str], C: float = 1.0,
            weights=None) -> "ActorModel":
        """``classes``: every actor id a recommendation can get (the taxonomy's and ``onbepaald``)."""
        from sklearn.linear_model import LogisticRegression
        classes = list(dict.fromkeys(classes))
        unknown = sorted(set(targets) - set(classes))
        if unknown:
            raise ValueError(f"actor {unknown[0]} is not one of {', '.join(classes)}")
        pairs = [candidate_features(r, c) for r in rows for c in classes]
        y = np.array([int(c == t) for t in targets for c in classes])
        if len(set(targets)) <= 1:   # nothing to rank: that one actor (none: the first)
            return cls(classes, {f"bias:{targets[0]}": 1.0} if targets else {})
        names = sorted({f for p in pairs for f in p})
        X = _matrix(pairs, {f: j for j, f in enumerate(names)})
        w = None if weights is None else np.repeat(np.asarray(weights, dtype=float), len(classes))
        lr = LogisticRegression(C=C, max_iter=3000)
        lr.fit(X, y, sample_weight=w)
        return cls(classes, {f: round(float(v), 6) for f, v in zip(names, lr.coef_[0]) if v != 0},
                   round(float(lr.intercept_[0]), 6))

    def scores(self, symbols: list[str]) -> list[float]:
        return [self.intercept + sum(self.weights.get(f, 0.0) for f in candidate_features(symbols, c))
                for c in self.classes]

    def predict(self, rows: list[list[str]]) -> list[str]:
        return [self.classes[int(np.argmax(self.scores(r)))] for r in rows]

    def to_json(self) -> dict:
        return {"kind": "rank", "classes": self.classes, "weights": self.weights, "intercept": self.intercept}

    @classmethod
    def from_json(cls, d: dict) -> "ActorModel":
        try:
            if d.get("kind") != "rank" or not d["classes"] or not all(isinstance(c, str) for c in d["classes"]):
                raise ValueError("unknown kind or no classes")
            return cls(d["classes"], dict(d["weights"]), d["intercept"])
        except (AttributeError, KeyError, TypeError, ValueError) as exc:
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
