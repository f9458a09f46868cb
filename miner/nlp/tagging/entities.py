"""Named actors: organisations and persons from the taxonomy's gazetteer, persons
after a title ("minister Van Gennip", "Indiener Sylvana Simons"), and PER
entities when the loaded pipeline has a recogniser."""
from __future__ import annotations

from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from miner.nlp.tagging.annotation import Annotation, add
from miner.nlp.tagging.taxonomy import Taxonomy

_PARTICLES = {"van", "de", "der", "den", "ten", "ter", "te", "het", "'t", "von", "el", "al", "la", "le", "du", "da"}


def _case_sensitive(name: str) -> bool:
    """Short names and acronyms (KIS, ADV, SP, Volt) only match as written."""
    return len(name) <= 5 or name.isupper()


class EntityTagger:
    def __init__(self, nlp, taxonomy: Taxonomy):
        self.exact = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.folded = PhraseMatcher(nlp.vocab, attr="LOWER")
        make = nlp.make_doc
        for label, names in taxonomy.organisations.items():
            for name in names:
                (self.exact if _case_sensitive(name) else self.folded).add("organisation|" + label, [make(name)])
        for name in taxonomy.persons["names"]:
            self.folded.add("person|" + name, [make(name)])
        self._make = make
        self._extra: set[str] = set()
        self.titles: dict[str, list[list[str]]] = {}
        for t in taxonomy.persons["titles"]:
            words = t.lower().split()
            self.titles.setdefault(words[0], []).append(words)

    def add_persons(self, names, origin: str) -> int:
        """Add person names known from elsewhere (the Kamervraag metadata: submitters, who answered).

        The full name matches in any case; the surname alone only as written, and not when it is
        an ordinary Dutch word ("Kamp", "Wit"). Returns how many names were new."""
        from miner.nlp.tagging.recommendations import _lemma_tables
        table, _ = _lemma_tables()
        added = 0
        for raw in names:
            name = " ".join((raw or "").split())
            if "," in name:                      # "Simons, S.R." → "S.R. Simons"
                surname, _, given = name.partition(",")
                name = f"{given.strip()} {surname.strip()}".strip()
            if len(name) < 3 or name in self._extra:
                continue
            self._extra.add(name)
            added += 1
            tokens = name.split()
            if len(tokens) > 1:
                self.folded.add("person|" + origin, [self._make(name)])
            surname = tokens[-1]
            if len(surname) >= 4 and surname[0].isupper() and surname.lower() not in table \
                    and surname not in self._extra:
                self._extra.add(surname)
                self.exact.add("person|" + origin, [self._make(surname)])
        return added

    def __call__(self, doc: Doc, component: str) -> None:
        sent_of = doc._.miner_sent_of
        found: list[tuple[int, int, str, str, str]] = []
        for matcher in (self.exact, self.folded):
            for match_id, start, end in matcher(doc):
                layer, label = doc.vocab.strings[match_id].split("|", 1)
                if layer == "person":
                    label, source = doc[start:end].text, f"gazetteer:{label}"
                else:
                    source = f"gazetteer:{label}"
                found.append((start, end, layer, label, source))
        found.extend(self._titled_persons(doc))
        for ent in doc.ents:
            if ent.label_ in ("PER", "PERSON"):
                found.append((ent.start, ent.end, "person", ent.text, f"ner:{ent.label_}"))
        kept: list[tuple[int, int, str, str, str]] = []
        for item in sorted(found, key=lambda f: (-(f[1] - f[0]), f[0])):
            if any(k[0] < item[1] and item[0] < k[1] for k in kept):
                continue
            kept.append(item)
        for start, end, layer, label, source in sorted(kept):
            add(doc, Annotation(layer, label, start, end, sent_of[start], f"{component}:{source}"))

    def _titled_persons(self, doc: Doc):
        words = [t.lower_ for t in doc]
        n = len(doc)
        for i in range(n):
            for title in self.titles.get(words[i], ()):
                k = len(title)
                if words[i:i + k] != title:
                    continue
                j = i + k
                name: list[int] = []
                while j < n:
                    tok = doc[j]
                    if tok.is_title and tok.is_alpha or (tok.text[:1].isupper() and "-" in tok.text):
                        name.append(j)
                    elif tok.lower_ in _PARTICLES and (name or tok.text[0].isupper()) and j + 1 < n \
                            and doc[j + 1].text[:1].isupper():
                        name.append(j)
                    else:
                        break
                    j += 1
                while name and doc[name[-1]].lower_ in _PARTICLES:
                    name.pop()
                if name and any(doc[x].lower_ not in _PARTICLES for x in name):
                    yield name[0], name[-1] + 1, "person", doc[name[0]:name[-1] + 1].text, \
                        "title:" + " ".join(title)
