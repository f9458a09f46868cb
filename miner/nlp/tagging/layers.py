"""Lexical layers: ground, mechanism, setting, target_group (document evidence_type: evidence.py).

A ground is only tagged where the sentence speaks of discrimination or exclusion
on that basis: a ground term needs a context cue in the same sentence (within a
token window), or the term carries both itself ("racisme", "leeftijdsdiscriminatie").
A sentence opening with a basis frame ("Vanwege hun afkomst, ...") may take the
context from the previous sentence, and a document that is clearly about one
ground passes it on to its sentences that speak of discrimination without naming
a basis.
"""
from __future__ import annotations

from collections import Counter, defaultdict

from spacy.tokens import Doc

from miner.nlp.tagging.annotation import Annotation, add
from miner.nlp.tagging.lexicon import BASIC, GROUP, HINT, STRONG, WEAK, Hit
from miner.nlp.tagging.taxonomy import Taxonomy

CONTEXT = ("discrimination", "exclusion")


def hits_by_sentence(doc: Doc) -> dict[int, list[Hit]]:
    """The cue hits the rules decide on, per sentence (hint cues are features of the learned tagger only)."""
    out: dict[int, list[Hit]] = defaultdict(list)
    sent_of = doc._.miner_sent_of
    for h in doc._.miner_hits or []:
        if h.kind != HINT:
            out[sent_of[h.start]].append(h)
    return out


def merge_overlapping(hits: list[Hit]) -> list[Hit]:
    """Per label, keep the longest of overlapping hits (a phrase over the words inside it)."""
    kept: list[Hit] = []
    for h in sorted(hits, key=lambda h: (h.label, -(h.end - h.start), h.start)):
        if any(k.label == h.label and k.start < h.end and h.start < k.end for k in kept):
            continue
        kept.append(h)
    return sorted(kept, key=lambda h: (h.start, h.label))


def _sentence_has_stem(doc: Doc, unit: tuple[int, int], stems: list[str], skip: range = range(0)) -> bool:
    if not stems:
        return False
    return any(tok.lower_.startswith(tuple(stems)) for tok in doc[unit[0]:unit[1]] if tok.i not in skip)


def _weak_ok(doc, taxonomy: Taxonomy, unit, hit: Hit, has_context: bool) -> bool:
    """A weak cue needs its label's own context words (not the cue word itself: "ouder" is no
    context for "ouder") when the taxonomy gives them, else any exclusion cue."""
    cue = taxonomy.cue(hit.layer, hit.label)
    words = cue.get("context_words") if cue else []
    return _sentence_has_stem(doc, unit, words, range(hit.start, hit.end)) if words else has_context


def tag_grounds(doc: Doc, taxonomy: Taxonomy) -> None:
    settings = taxonomy.settings
    window = settings["ground_window"]
    frames = [f.split() for f in settings["ground_basis_frames"]]
    units = doc._.miner_sents
    by_sent = hits_by_sentence(doc)
    tagged: dict[int, set[str]] = defaultdict(set)
    # a passage that keeps speaking of discrimination is context for every basis it names
    in_context = _passage_context(by_sent, len(units), settings["document_context_min"],
                                  settings["document_context_window"])
    for i, unit in enumerate(units):
        hs = by_sent.get(i, [])
        grounds = merge_overlapping([h for h in hs if h.layer == "ground"])
        if not grounds:
            continue
        specific = [h for h in grounds if h.kind != GROUP]
        # a group noun gives way to a more specific ground that modifies it ("vrouwen met een
        # hoofddoek", "islamitische vrouwen": religie); in a list ("lhbti+ personen en vrouwen") both count
        grounds = [h for h in grounds if h.kind != GROUP or not any(
            o.label != h.label and _modifies(doc, o, h) for o in specific)]
        context = [h for h in hs if h.layer == "context" and h.label in CONTEXT]
        prev_context = i > 0 and any(h.layer == "context" and h.label in CONTEXT for h in by_sent.get(i - 1, []))
        framed = _opens_with_frame(doc, unit, frames)
        for g in grounds:
            if _in_proper_name(doc, g.start, unit[0]):
                continue
            near = [c for c in context if not (c.start < g.end and g.start < c.end)
                    and min(abs(c.start - g.end), abs(g.start - c.end)) <= window]
            if g.kind == STRONG:
                why = "strong"
            elif near and (g.kind != WEAK or _weak_ok(doc, taxonomy, unit, g, False)):
                why = f"context:{near[0].pattern}"
            elif framed and prev_context and g.kind != WEAK:
                why = "basis_frame+previous_sentence"
            elif in_context[i] and g.kind == BASIC:
                why = "document_context"
            else:
                continue
            add(doc, Annotation("ground", g.label, g.start, g.end, i, f"miner_ground:{why}|{g.source}"))
            tagged[i].add(g.label)
    _inherit_dominant_ground(doc, taxonomy, by_sent, tagged)


def _passage_context(by_sent, n_sents: int, min_core: int, window: int) -> list[bool]:
    """Per sentence: do at least ``min_core`` sentences within ``window`` sentences either side
    speak of discrimination? Local, so a long report's statistics appendix does not borrow the
    context of its introduction."""
    if min_core <= 0:
        return [False] * n_sents
    # running count of core sentences, so each window is one subtraction (long reports)
    before = [0] * (n_sents + 1)
    for i in range(n_sents):
        core = any(h.layer == "context" and h.label == "discrimination" for h in by_sent.get(i, ()))
        before[i + 1] = before[i] + core
    return [before[min(n_sents, i + window + 1)] - before[max(0, i - window)] >= min_core
            for i in range(n_sents)]


def _modifies(doc, other: Hit, group: Hit) -> bool:
    """Does the ground `other` modify the group noun: same word ("moslima's"), right before it
    ("islamitische vrouwen"), or after it through met/die/zonder ("vrouwen met een hoofddoek")?"""
    if other.start < group.end and group.start < other.end:
        return True
    if 0 <= group.start - other.end <= 1:
        return True
    between = [t.lower_ for t in doc[group.end:other.start]]
    if 0 <= other.start - group.end <= 6 and between and between[0] in ("met", "die", "zonder", "uit", "van"):
        return not any(w in (",", "en", "of", ";") for w in between)
    return False


_NAME_LINKS = {"en", "tegen", "van", "voor", "de", "&"}


def _in_proper_name(doc, i: int, sent_start: int) -> bool:
    """'Nationaal Coördinator tegen Discriminatie en Racisme', 'Instituut voor Strafrecht': a body's name,
    so its words are no ground or mechanism. A name's first word ('het Meldpunt ...') still counts."""
    if i <= sent_start or not doc[i].is_title:
        return False
    j, links = i - 1, 0
    while j > sent_start and doc[j].lower_ in _NAME_LINKS and links < 2:
        j, links = j - 1, links + 1
    if not doc[j].is_title or doc[j].lower_ in _NAME_LINKS:
        return False
    return j > sent_start or links > 0


def _opens_with_frame(doc, unit, frames) -> bool:
    words = [t.lower_ for t in doc[unit[0]:min(unit[1], unit[0] + 6)] if not (t.is_punct or t.is_space)]
    return any(words[:len(f)] == f for f in frames)


def _inherit_dominant_ground(doc, taxonomy, by_sent, tagged) -> None:
    counts = Counter(label for labels in tagged.values() for label in labels)
    if not counts or taxonomy.settings["dominant_min"] <= 0:
        return
    label, n = counts.most_common(1)[0]
    total = sum(counts.values())
    if n < taxonomy.settings["dominant_min"] or n / total < taxonomy.settings["dominant_ground_share"]:
        return
    for i, hs in by_sent.items():
        if tagged.get(i):
            continue
        core = [h for h in hs if h.layer == "context" and h.label == "discrimination"
                and not _in_proper_name(doc, h.start, doc._.miner_sents[i][0])]
        if core:
            c = core[0]
            add(doc, Annotation("ground", label, c.start, c.end, i,
                                f"miner_ground:document_ground({label})|{c.source}"))


def doc_on_topic(doc: Doc) -> bool:
    """Speaks of discrimination/exclusion/diversity at all, or names grounds more than once."""
    hits = [h for h in doc._.miner_hits or [] if h.kind != HINT]
    return any(h.layer == "context" or (h.layer == "ground" and h.kind == STRONG) for h in hits) or \
        sum(1 for h in hits if h.layer == "ground" and h.kind in (BASIC, GROUP)) >= 2


def tag_lexical_layer(doc: Doc, taxonomy: Taxonomy, layer: str, component: str, require_topic: bool) -> None:
    """mechanism / setting / target_group: every cue hit is a label; weak cues need context."""
    if require_topic and not doc_on_topic(doc):
        return
    units = doc._.miner_sents
    names = [(a.start, a.end) for a in doc._.miner_annotations or [] if a.layer == "organisation"]
    for i, hs in hits_by_sentence(doc).items():
        # "Welzijn" in "Ministerie van Volksgezondheid, Welzijn en Sport" is a name, not a setting
        layer_hits = [h for h in hs if h.layer == layer and not _in_proper_name(doc, h.start, units[i][0]) and
                      (layer == "mechanism" or not any(a < h.end and h.start < b for a, b in names))]
        if not layer_hits:
            continue
        has_context = any(h.layer == "context" and h.label in CONTEXT for h in hs)
        for h in merge_overlapping(layer_hits):
            if h.kind == WEAK and not _weak_ok(doc, taxonomy, units[i], h, has_context):
                continue
            add(doc, Annotation(layer, h.label, h.start, h.end, i, f"{component}:{h.source}"))
