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

import re
from collections import Counter
from functools import lru_cache

from spacy.lang.nl.stop_words import STOP_WORDS
from spacy.tokens import Doc, Token

from miner.nlp.tagging.annotation import Annotation, add
from miner.nlp.tagging.layers import hits_by_sentence
from miner.nlp.tagging.lexicon import Hit
from miner.nlp.tagging.taxonomy import Taxonomy

LIST_MARKERS = {"•", "●", "▪", "-", "–", "*", "(", ")", "'", '"', "‘", "’", "“", "”", ":", "."}
UNDETERMINED = "onbepaald"
# The Dutch grammar words these tests rely on (second person, relative and question words,
# object openers, modal heads, condition words, organisation nouns, possessives) are data:
# the [recommendation] section of the taxonomy file.


_LEMMA_TABLE = None
_VERB_LEMMAS: set[str] = set()
_ALL_LEMMAS: set[str] = set()


def _lemma_tables():
    """Dutch lemma lookup of spacy-lookups-data: (form -> lemma table, set of infinitive-like lemmas).

    Tells a verb stem ("Maak", "Faciliteer") from other capitalised words at the start of a sentence.
    """
    global _LEMMA_TABLE, _VERB_LEMMAS, _ALL_LEMMAS
    if _LEMMA_TABLE is None:
        try:
            from spacy.lookups import load_lookups
            _LEMMA_TABLE = load_lookups("nl", ["lemma_lookup"]).get_table("lemma_lookup")
            _ALL_LEMMAS = {v for v in _LEMMA_TABLE.values() if isinstance(v, str)}
            _VERB_LEMMAS = {v for v in _ALL_LEMMAS if v.endswith("en")}
        except (ValueError, ImportError, OSError):
            _LEMMA_TABLE = {}
    return _LEMMA_TABLE, _VERB_LEMMAS


def _infinitives(stem: str) -> list[str]:
    """Candidate infinitives of a verb stem: maak -> maken, pel -> pellen, geef -> geven, lees -> lezen."""
    out = [stem + "en"]
    if len(stem) >= 2 and stem[-1] not in "aeiou":
        out.append(stem + stem[-1] + "en")
        body, last = stem[:-1], stem[-1]
        if last == "f":
            out.append(body + "ven")
        if last == "s":
            out.append(body + "zen")
        if len(body) >= 2 and body[-1] == body[-2] and body[-1] in "aeou":
            short = body[:-1]
            out.append(short + last + "en")
            if last == "f":
                out.append(short + "ven")
            if last == "s":
                out.append(short + "zen")
    return out


AUDIENCE_KEY = "miner_audience"


@lru_cache(maxsize=65536)
def verb_stem_evidence(stem: str) -> str | None:
    """Why a lower-case word may be a bare verb stem (an imperative): "verb form" when the lemma
    table maps it to a verb, "infinitive" when one of its candidate infinitives is a known verb,
    None for infinitives/plurals ("samenwerken") and anything else."""
    table, lemmas = _lemma_tables()
    if stem.endswith("en") or stem in lemmas:
        return None
    known = table.get(stem) if table else None
    if isinstance(known, str) and known.endswith("en") and known != stem:
        return "verb form"
    return "infinitive" if any(c in lemmas for c in _infinitives(stem)) else None


class RecommendationTagger:
    def __init__(self, taxonomy: Taxonomy):
        r = taxonomy.recommendation
        self.modals = set(r["modal_words"])
        self.past = set(r["past_words"])
        self.subject_pronouns = set(r["subject_pronouns"])
        self.question_words = [w.split() for w in r["question_words"]]
        self.question_verbs = set(r["question_verbs"])
        self.clutter = [c.split() for c in r["clutter_imperatives"]]
        self.audience_cues = set(r["audience_cues"])
        self.frames = [p.split() for p in r["frames"]]
        self.predicative = set(r["predicative_words"])
        self.needs_te = set(r["modals_needing_te"])
        self.separable: dict[str, str] = {}
        for item in r["separable_advocacy"]:
            verb, _, particle = item.partition(":")
            self.separable[verb] = particle
        self.advocacy = [p.split() for p in r["advocacy"]]
        self.imperative_frames = [p.split() for p in r["imperative_frames"]]
        self.exclude = [p.split() for p in r["exclude_phrases"]]
        self._exclude_re = self._compile(self.exclude)
        self._advocacy_re = self._compile(self.advocacy)
        self._frames_re = self._compile(self.frames)
        self._advice_re = self._compile([p.split() for p in r["advice"]])
        self.descriptive_determiners = set(r["descriptive_determiners"])
        self.discourse_verbs = tuple(r["discourse_verbs"])
        self.second_person = set(r["second_person"])
        self.relative_words = set(r["relative_words"])
        self.indirect_question_words = set(r["indirect_question_words"]) | self.relative_words
        self.object_openers = set(r["object_openers"])
        self.modal_infinitive_heads = set(r["modal_infinitive_heads"])
        self.condition_words = set(r["condition_words"])
        self.organisation_nouns = set(r["organisation_nouns"])
        self.possessives = tuple(r["possessives"])

    # -- sentence tests -------------------------------------------------------
    def _content(self, sent) -> list[Token]:
        toks = [t for t in sent if not t.is_space]
        i = 0
        while i < len(toks) and (toks[i].text in LIST_MARKERS or toks[i].like_num or
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
        return lowered[0] in self.question_verbs and len(lowered) > 1 and lowered[1] in self.subject_pronouns | {"je"}

    @staticmethod
    def _compile(phrases: list[list[str]]):
        if not phrases:
            return None
        alts = sorted((" ".join(p) for p in phrases), key=len, reverse=True)
        return re.compile(r"(?<= )(?:" + "|".join(re.escape(a) for a in alts) + r")(?= )")

    @staticmethod
    def _search(pattern, joined: str) -> tuple[int, int] | None:
        """(first word index, number of words) of the first phrase in ' w1 w2 ... '."""
        if pattern is None:
            return None
        m = pattern.search(joined)
        if m is None:
            return None
        return joined.count(" ", 0, m.start()) - 1, m.group(0).count(" ") + 1

    def trigger(self, doc: Doc, unit, lowers: list[str] | None = None) -> tuple[int, int, str] | None:
        sent = doc[unit[0]:unit[1]]
        content = self._content(sent)
        if not content:
            return None
        words = lowers[unit[0]:unit[1]] if lowers is not None else [t.lower_ for t in sent]
        joined = " " + " ".join(words) + " "
        cwords = [t.lower_ for t in content]
        if self.is_question(content) or self._search(self._exclude_re, joined) is not None:
            return None
        for p in self.imperative_frames:
            if cwords[:len(p)] == p:
                return content[0].i, content[len(p) - 1].i + 1, "imperative:" + " ".join(p)
        imp = self._imperative(content) or self._imperative_after_condition(content)
        if imp is not None:
            return imp.i, imp.i + 1, f"imperative:{imp.lower_}"
        if any(w in self.past for w in words):
            return None
        for k, tok in enumerate(sent):
            if tok.lower_ in self.modals and not self._in_relative_clause(tok, unit) \
                    and not self._in_conditional(sent, k) \
                    and not self._descriptive_subject(tok) \
                    and (tok.lower_ not in self.needs_te or self._normative_te(words, k)):
                return tok.i, tok.i + 1, f"modal:{tok.lower_}"
        for kind, pattern in (("advocacy", self._advocacy_re), ("frame", self._frames_re)):
            found = self._search(pattern, joined)
            if found is not None:
                j, n = found
                if kind == "advocacy" and self._in_relative_clause(sent[j], unit):
                    continue
                if kind == "frame" and (self._discourse_frame(words, j + n) or
                                        self._important_for(sent[j:j + n])):
                    continue
                return unit[0] + j, unit[0] + j + n, f"{kind}:" + " ".join(words[j:j + n])
        found = self._search(self._advice_re, joined)
        if found is not None and not {"niet", "geen", "nooit"} & set(words):
            j, n = found
            if not self._in_relative_clause(sent[j], unit) and not self._in_conditional(sent, j):
                return unit[0] + j, unit[0] + j + n, "advice:" + " ".join(words[j:j + n])
        for k, w in enumerate(words):
            particle = self.separable.get(w)
            if particle and particle in words[k + 1:] and not self._in_relative_clause(sent[k], unit):
                return sent[k].i, sent[k].i + 1, f"advocacy:{w} ... {particle}"
        pred = self._predicative(sent)
        if pred is not None:
            return pred.i, pred.i + 1, f"frame:{pred.lower_}"
        return None

    def _normative_te(self, words: list[str], k: int) -> bool:
        """'dienen te' / 'behoort te' prescribe; 'kunnen dienen om ... te' ('serve to') does not."""
        if k > 0 and words[k - 1] in self.modal_infinitive_heads:
            return False
        for w in words[k + 1:k + 8]:
            if w == "om":
                return False
            if w == "te":
                return True
        return False

    def _descriptive_subject(self, modal: Token) -> bool:
        """'Sommige clubs moeten wedstrijden afgelasten': a quantified subject reports a constraint
        some have, it does not tell anyone what to do."""
        if not modal.doc.has_annotation("DEP"):
            # no parse: only the plain order "Sommige clubs moeten" at the start of the clause
            before = [t for t in modal.doc[max(modal.sent.start, modal.i - 3):modal.i]]
            return bool(before) and before[0].lower_ in self.descriptive_determiners and \
                (before[0].i == modal.sent.start or before[0].nbor(-1).is_punct)
        subjects = [c for c in modal.children if c.dep_.startswith("nsubj")]
        if not subjects and modal.dep_.startswith("aux"):
            subjects = [c for c in modal.head.children if c.dep_.startswith("nsubj")]
        for subj in subjects:
            if subj.lower_ in self.descriptive_determiners:
                return True
            if any(c.dep_ in ("det", "amod", "nummod") and c.lower_ in self.descriptive_determiners
                   for c in subj.children):
                return True
        return False

    def _discourse_frame(self, words: list[str], after: int) -> bool:
        """'Het is belangrijk om te bekijken in hoeverre ...', '... belangrijk te beginnen met de
        constatering ...': the writer announces what the text does, no advice."""
        return bool(self.discourse_verbs) and any(w.startswith(self.discourse_verbs) for w in words[after:after + 6])

    @staticmethod
    def _important_for(frame) -> bool:
        """'Het sociaal werk is enorm belangrijk om bruggen te slaan': a noun subject that is
        important *for* a purpose ('om ... te') is valued, nobody is told to act."""
        for tok in frame:
            if any(c.dep_.startswith("nsubj") and c.pos_ in ("NOUN", "PROPN") for c in tok.children) and \
                    any(c.dep_ in ("advcl", "ccomp", "xcomp") and any(m.lower_ == "om" for m in c.children)
                        for c in tok.children):
                return True
        return False

    @staticmethod
    def _in_conditional(sent, k: int) -> bool:
        """'Als we dergelijke krantenkoppen moeten geloven, ...': a condition, not advice."""
        for j in range(k - 1, -1, -1):
            if sent[j].text in (",", ";", ":"):
                return False
            if sent[j].lower_ in ("als", "indien", "wanneer", "zodra", "tenzij"):
                return j > 0 or k - j < 12
        return False

    def _in_relative_clause(self, tok: Token, unit) -> bool:
        """'een wet die dwang makkelijker moet maken' describes the wet: no advice."""
        i = tok.i - 1
        while i >= unit[0] and tok.doc[i].text not in (",", ";", ":", "(", "–"):
            if tok.doc[i].lower_ in self.relative_words and i > unit[0]:
                return True  # "regels die ... moeten": the modal describes the rules
            i -= 1
        if not tok.doc.has_annotation("DEP"):
            return False
        node, steps = tok, 0
        while node.head is not node and steps < 12 and unit[0] <= node.head.i < unit[1]:
            if node.dep_ in ("acl:relcl", "acl"):
                return True
            node, steps = node.head, steps + 1
        return node.dep_ in ("acl:relcl", "acl")

    def _predicative(self, sent) -> Token | None:
        """'... is een completere beroepsopvatting nodig': a normative adjective used with a copula."""
        lemmas = {t.lemma_.lower() for t in sent} | {t.lower_ for t in sent}
        if not lemmas & {"is", "zijn", "blijft", "wordt"} or lemmas & {"hebben", "heeft", "hebt", "heb"}:
            return None
        for i, tok in enumerate(sent):
            word = tok.lower_
            if (word in self.predicative or word.endswith("er") and word[:-2] in self.predicative) \
                    and not self._in_indirect_question(sent, i):
                if i > 0 and sent[i - 1].lower_ in ("niet", "geen", "nooit"):
                    continue
                nxt = sent[i + 1] if i + 1 < len(sent) else None
                if nxt is None or nxt.is_punct or nxt.lower_ in ("om", "dat", "te", "voor", "is", "zijn", "en", "dan"):
                    return tok
        return None

    def _in_indirect_question(self, sent, i: int) -> bool:
        """'... om te kijken of er extra inzet nodig is' asks, it does not advise."""
        for j in range(i - 1, -1, -1):
            if sent[j].text in (",", ";", ":"):
                return False
            if sent[j].lower_ in self.indirect_question_words:
                return True
        return False

    def _imperative(self, content: list[Token]) -> Token | None:
        """A tip that opens with a verb stem: "Maak het concreet.", "Faciliteer dan ...".

        Taggers trained on newspaper text often call a sentence-initial imperative a proper
        noun, so the verb is recognised from the Dutch lemma tables; the part of speech only
        vetoes (function words, common nouns), and the sentence must end like a sentence
        (headings such as "Aanpak van de kennissynthese" do not).
        """
        first = content[0]
        cwords = [t.lower_ for t in content[:4]]
        if not first.is_alpha or not first.text[0].isupper() or len(content) < 3 or first.is_upper:
            return None
        if any(cwords[:len(c)] == c for c in self.clutter):
            return None
        nxt = content[1]
        if nxt.lower_ in self.subject_pronouns or nxt.is_punct or first.lower_ in self.question_verbs:
            return None
        cw = [t.lower_ for t in content]
        if any(cw[k] == "," and cw[k + 1] == "dan" for k in range(len(cw) - 1)):
            return None  # "Blijkt de rollator stuk, dan ...": a verb-first condition
        if nxt.is_title and nxt.pos_ == "PROPN":
            return None  # a name: "Van Gennip schrijft ..."
        if nxt.pos_ in ("AUX", "VERB") and "Fin" in nxt.morph.get("VerbForm") and nxt.lower_ not in self.object_openers:
            return None  # the first word is the subject: "Ervaringsgegevens zijn ..."
        if first.has_morph() and "Imp" in first.morph.get("Mood"):
            return first
        ends = [t for t in content if not (t.is_space or t.is_quote or t.text in (")", "”", "’"))]
        if (not ends or ends[-1].text not in (".", "!")) and nxt.lower_ not in self.object_openers:
            return None  # a heading ("Aanpak van de kennissynthese"), unless verb + object: "Train uw vrijwilligers"
        if first.pos_ in ("DET", "PRON", "ADP", "CCONJ", "SCONJ", "NUM", "PUNCT", "INTJ", "SYM"):
            return None
        if first.lower_ in STOP_WORDS:
            return None  # function words ("Het", "Zo", "Er") are never the verb of a tip
        if first.doc.has_annotation("DEP") and any(c.dep_.startswith("nsubj") and c.i > first.i and
                                                   c.lower_ in self.subject_pronouns for c in first.children):
            return None
        evidence = verb_stem_evidence(first.lower_)
        if evidence == "verb form":
            return first  # the lemma table knows this form as a verb form
        if first.pos_ == "NOUN" and first.lower_ in _ALL_LEMMAS:
            return None  # a real noun ("Aanpak", "Gebruik"), not a verb stem read as one
        if first.pos_ and first.pos_ not in ("VERB", "AUX", "PROPN", "X", "NOUN"):
            return None
        if first.pos_ in ("NOUN", "PROPN") and nxt.pos_ == "ADP":
            return None  # a noun heading: "Verbod op vooringenomenheid", "Toegang tot zorg"
        return first if evidence == "infinitive" else None

    @staticmethod
    def _is_verb_stem(tok: Token) -> bool:
        stem = tok.lower_
        if not tok.is_alpha or stem in STOP_WORDS:
            return False
        _, verb_lemmas = _lemma_tables()
        if stem.endswith("t") and any(c in verb_lemmas for c in _infinitives(stem[:-1])):
            return False  # "blijft": the finite verb of a main clause, not a bare stem
        return verb_stem_evidence(stem) is not None

    def _imperative_after_condition(self, content: list[Token]) -> Token | None:
        """'Als kinderen samen spelen, faciliteer dan ...': a condition, then a verb stem + 'dan'."""
        opening = [t.lower_ for t in content[:3]]
        if not self.condition_words & set(opening):
            return None
        for k in range(len(content) - 2):
            if content[k].text == "," and content[k + 2].lower_ == "dan" and self._is_verb_stem(content[k + 1]):
                return content[k + 1]
        return None

    # -- actor ---------------------------------------------------------------
    def actor(self, doc: Doc, unit, trig: tuple[int, int], kind: str, actor_hits: list[Hit], audience) -> list[str]:
        def actors_in(tokens: set[int]) -> list[str]:
            return list(dict.fromkeys(h.label for h in actor_hits if any(t in tokens for t in range(h.start, h.end))))

        sent = doc[unit[0]:unit[1]]
        if kind.startswith("advocacy"):
            # "X pleit voor meer inzet van gemeenten": those who should act come after the verb
            after = [h for h in actor_hits if h.start >= trig[1]]
            return [after[0].label] if after else [UNDETERMINED]
        if kind.startswith("imperative"):
            return [audience] if audience else [UNDETERMINED]
        # "Als sociaal werker kun je ..." names the actor in front of the clause
        first_words = [t for t in sent[:6] if not t.is_punct]
        if first_words and first_words[0].lower_ == "als":
            found = actors_in(set(range(first_words[0].i, first_words[0].i + 4)))
            if found:
                return found[:1]
        if doc.has_annotation("DEP"):
            for subj in self._subjects(doc, unit, trig[0]):
                if subj.lower_ in self.second_person:
                    return [audience] if audience else [UNDETERMINED]
                if subj.lower_ in self.organisation_nouns and any(c.lower_ in self.possessives for c in subj.children):
                    return [audience] if audience else [UNDETERMINED]  # "uw organisatie": the reader's
                found = actors_in(self._subject_core(subj))
                if found:
                    return found
            if kind.startswith("frame"):
                # "Het helpt als een vrijwilligersorganisatie ...": the actor opens the clause after the frame
                for t in doc[trig[0]:unit[1]]:
                    if t.lower_ in ("dat", "als", "wanneer"):
                        found = actors_in(set(range(t.i + 1, min(t.i + 5, unit[1]))))
                        if found:
                            return found[:1]
                        break
            return [UNDETERMINED]
        # no parse: the nearest actor before the trigger in the sentence, else right after it
        before = [h for h in actor_hits if unit[0] <= h.start < trig[0]]
        if before:
            return [before[-1].label]
        after = [h for h in actor_hits if trig[0] < h.start <= trig[0] + 3]
        if after:
            return [after[0].label]
        if audience and any(t.lower_ in self.second_person for t in sent):
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
        """A document of tips says whom they are for: the most named actor in such sentences.
        Kept on the doc (``user_data["miner_audience"]``): the rule layer and the learned tagger's
        actor part both ask, over the same hits."""
        if AUDIENCE_KEY in doc.user_data:
            return doc.user_data[AUDIENCE_KEY]
        found = self._audience(doc, by_sent)
        doc.user_data[AUDIENCE_KEY] = found
        return found

    def _audience(self, doc: Doc, by_sent) -> str | None:
        counts = Counter()
        for i, (a, b) in enumerate(doc._.miner_sents):
            cue = next((t.i for t in doc[a:b] if t.lower_ in self.audience_cues), None)
            if cue is None:
                continue
            voor = next((t.i for t in doc[cue:b] if t.lower_ == "voor"), None)
            if voor is not None:
                counts.update(h.label for h in by_sent.get(i, []) if h.layer == "actor" and h.start > voor)
        if counts:
            return counts.most_common(1)[0][0]
        # "uw organisatie", "je vereniging": the text addresses an organisation; the one it names most
        words = [t.lower_ for t in doc]
        if any(w in self.possessives and nxt in self.organisation_nouns for w, nxt in zip(words, words[1:])):
            named = Counter(h.label for hs in by_sent.values() for h in hs if h.layer == "actor")
            if named:
                label, n = named.most_common(1)[0]
                return label if n >= 2 else None
        return None

    def __call__(self, doc: Doc, component: str) -> None:
        by_sent = hits_by_sentence(doc)
        audience = None
        audience_done = False
        lowers = [t.lower_ for t in doc]
        for i, unit in enumerate(doc._.miner_sents):
            found = self.trigger(doc, unit, lowers)
            if found is None:
                continue
            start, end, kind = found
            if not audience_done:
                audience, audience_done = self.audience(doc, by_sent), True
            actor_hits = [h for h in by_sent.get(i, []) if h.layer == "actor"]
            actor = self.actor(doc, unit, (start, end), kind, actor_hits, audience)
            add(doc, Annotation("recommendation", "recommendation", start, end, i, f"{component}:{kind}",
                                actor=actor))
