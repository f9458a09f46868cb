"""Recommendations: normative sentences, and who should act.

A sentence is a recommendation when it has a normative frame: a present or
conditional modal ("moeten", "zouden ... moeten", "dienen te"), an impersonal
frame ("het is belangrijk om", "is nodig"), a verb of recommending ("bevelen
aan", "pleit voor") or an imperative opening a tip ("Zorg ervoor dat ...",
"Faciliteer ..."). Questions (also "Bent u bereid ..."), past-tense modals and
findings are not. The actor is the subject of the modal (dependency parse),
else of another clause in the sentence, mapped through the actor gazetteer;
"je"/imperatives in a document of tips for someone go to that audience;
otherwise "onbepaald".
"""
from __future__ import annotations

from collections import Counter

from spacy.tokens import Doc, Token

from miner.nlp.tagging.annotation import Annotation, add
from miner.nlp.tagging.layers import hits_by_sentence
from miner.nlp.tagging.lexicon import Hit
from miner.nlp.tagging.taxonomy import Taxonomy

_SKIP_START = {"•", "●", "▪", "-", "–", "*", "(", ")", "'", '"', "‘", "’", "“", "”", ":", "."}
_SECOND_PERSON = {"je", "jij", "u", "jullie", "we", "wij"}
UNDETERMINED = "onbepaald"


class RecommendationTagger:
    def __init__(self, taxonomy: Taxonomy):
        r = taxonomy.recommendation
        self.modals = set(r["modal_words"])
        self.past = set(r["past_words"])
        self.subject_pronouns = set(r["subject_pronouns"])
        self.question_words = [w.split() for w in r["question_words"]]
        self.question_verbs = set(r["question_verbs"])
        self.clutter = set(r["clutter_imperatives"])
        self.audience_cues = set(r["audience_cues"])
        self.phrases = [p.split() for p in r["phrases"]]
        self.exclude = [p.split() for p in r["exclude_phrases"]]

    # -- sentence tests -------------------------------------------------------
    def _content(self, sent) -> list[Token]:
        toks = [t for t in sent if not t.is_space]
        i = 0
        while i < len(toks) and (toks[i].text in _SKIP_START or toks[i].like_num or
                                 (len(toks[i].text) <= 2 and toks[i].text.endswith((".", ")")))):
            i += 1
        return toks[i:]

    def is_question(self, content: list[Token]) -> bool:
        words = [t for t in content if not t.is_punct]
        if not words:
            return False
        last = [t for t in content if not (t.is_space or t.like_num or t.text in {'"', "'", "”", "’", ")"})]
        if last and last[-1].text.endswith("?"):
            return True
        lowered = [t.lower_ for t in words[:4]]
        if any(lowered[:len(q)] == q for q in self.question_words):
            return True
        return lowered[0] in self.question_verbs and len(lowered) > 1 and lowered[1] in self.subject_pronouns

    @staticmethod
    def _find(words: list[str], phrase: list[str]) -> int:
        n = len(phrase)
        for i in range(len(words) - n + 1):
            if words[i:i + n] == phrase:
                return i
        return -1

    def trigger(self, doc: Doc, unit) -> tuple[int, int, str] | None:
        sent = doc[unit[0]:unit[1]]
        content = self._content(sent)
        if not content or self.is_question(content):
            return None
        words = [t.lower_ for t in sent]
        if any(self._find(words, p) >= 0 for p in self.exclude):
            return None
        imp = self._imperative(content)
        if imp is not None:
            return imp.i, imp.i + 1, f"imperative:{imp.lower_}"
        for tok in sent:
            if tok.lower_ in self.past:
                return None
        for tok in sent:
            if tok.lower_ in self.modals:
                return tok.i, tok.i + 1, f"modal:{tok.lower_}"
        for p in self.phrases:
            j = self._find(words, p)
            if j >= 0:
                return unit[0] + j, unit[0] + j + len(p), "frame:" + " ".join(p)
        return None

    def _imperative(self, content: list[Token]) -> Token | None:
        first = content[0]
        if not first.is_alpha or first.lower_ in self.clutter or not first.text[0].isupper():
            return None
        nxt = content[1] if len(content) > 1 else None
        if nxt is None or nxt.lower_ in self.subject_pronouns or nxt.is_punct:
            return None
        if first.has_morph() and "Imp" in first.morph.get("Mood"):
            return first
        if first.pos_:
            if first.pos_ not in ("VERB", "AUX") or first.lower_ in self.question_verbs:
                return None
            forms = first.morph.get("VerbForm")
            if forms and "Fin" not in forms:
                return None
            tags = first.tag_.lower()
            if tags and ("pv" not in tags and "fin" not in " ".join(forms).lower()):
                return None
            if "ev" in tags or not tags:
                return first if first.lower_ != first.lemma_.lower() or first.lower_ == "laat" else None
            return None
        # no tagger (provisional pipelines): a finite stem whose lemma is an infinitive ("maak" -> "maken")
        lemma = first.lemma_.lower()
        if lemma.endswith("en") and lemma != first.lower_ and not first.lower_.endswith(("t", "en", "de", "te")):
            return first
        return None

    # -- actor ---------------------------------------------------------------
    def actor(self, doc: Doc, unit, trig_start: int, kind: str, actor_hits: list[Hit], audience) -> list[str]:
        def actors_in(tokens: set[int]) -> list[str]:
            return list(dict.fromkeys(h.label for h in actor_hits if any(t in tokens for t in range(h.start, h.end))))

        sent = doc[unit[0]:unit[1]]
        # "Als sociaal werker kan je ..." names the actor in front of the clause
        first_words = [t for t in sent[:6] if not t.is_punct]
        if first_words and first_words[0].lower_ == "als":
            found = actors_in(set(range(first_words[0].i, first_words[0].i + 4)))
            if found:
                return found[:1]
        if doc.has_annotation("DEP"):
            subjects = self._subjects(doc, unit, trig_start)
            for subj in subjects:
                if subj.lower_ in _SECOND_PERSON and audience:
                    return [audience]
                found = actors_in(self._subject_core(subj))
                if found:
                    return found
            if kind.startswith("imperative") and audience:
                return [audience]
            return [UNDETERMINED]
        # no parse: the nearest actor before the trigger in the sentence, else right after it
        before = [h for h in actor_hits if unit[0] <= h.start < trig_start]
        if before:
            return [before[-1].label]
        after = [h for h in actor_hits if trig_start < h.start <= trig_start + 3]
        if after:
            return [after[0].label]
        if audience and (kind.startswith("imperative") or any(t.lower_ in _SECOND_PERSON for t in sent)):
            return [audience]
        return [UNDETERMINED]

    @staticmethod
    def _subjects(doc: Doc, unit, trig: int) -> list[Token]:
        tok = doc[trig]
        own = [c for c in tok.children if c.dep_.startswith("nsubj")]
        if not own and tok.dep_.startswith("aux"):
            own = [c for c in tok.head.children if c.dep_.startswith("nsubj")]
        others = [t for t in doc[unit[0]:unit[1]] if t.dep_.startswith("nsubj") and t not in own]
        return own + others

    @staticmethod
    def _subject_core(subj: Token) -> set[int]:
        core = {subj.i}
        stack = [subj]
        while stack:
            t = stack.pop()
            for c in t.children:
                if c.dep_ in ("conj", "amod", "compound", "flat", "flat:name", "nmod") and c.i not in core:
                    if c.dep_ == "nmod" and t is not subj:
                        continue
                    core.add(c.i)
                    stack.append(c)
        return core

    def audience(self, doc: Doc, by_sent) -> str | None:
        """A document of tips says whom they are for: the most named actor in such sentences."""
        counts = Counter()
        for i, (a, b) in enumerate(doc._.miner_sents):
            if any(t.lower_ in self.audience_cues for t in doc[a:b]):
                counts.update(h.label for h in by_sent.get(i, []) if h.layer == "actor")
        return counts.most_common(1)[0][0] if counts else None

    def __call__(self, doc: Doc, component: str) -> None:
        by_sent = hits_by_sentence(doc)
        audience = None
        audience_done = False
        for i, unit in enumerate(doc._.miner_sents):
            found = self.trigger(doc, unit)
            if found is None:
                continue
            start, end, kind = found
            if not audience_done:
                audience, audience_done = self.audience(doc, by_sent), True
            actor_hits = [h for h in by_sent.get(i, []) if h.layer == "actor"]
            actor = self.actor(doc, unit, start, kind, actor_hits, audience)
            add(doc, Annotation("recommendation", "recommendation", start, end, i, f"{component}:{kind}",
                                actor=actor))
