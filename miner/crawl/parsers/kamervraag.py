"""Combine what the sources say about one Kamervraag into one record.

Structured sources win over text: metadata.xml, then the HTML pages, then the Tweede Kamer Zaak.
Submitters named differently by each source ("Simons", "S.R. Simons", "Sylvana Simons") are one
person when their surnames match; the fullest name and any known party are kept.
"""
from __future__ import annotations

import unicodedata

from miner.crawl.parsers.dates import days_between, parse_date
from miner.crawl.parsers.ids import (answer_id as make_answer_id, normalise_aanhangselnummer,
                                     normalise_vergaderjaar, normalise_zaak_nummer, parse_answer_id,
                                     question_id as make_question_id, zaak_nummer_from_question_id)
from miner.crawl.parsers.kamervraag_html import KamervraagDocument, subject_of
from miner.crawl.parsers.metadata_xml import all_values, first
from miner.crawl.parsers.model import Actor, Footnote, Item, Kamervraag, Postponement
from miner.crawl.parsers.odata import ANTWOORD, ANTWOORD_NADER, MEDEDELING_UITSTEL, SCHRIFTELIJKE_VRAGEN, Zaak


def _pick(*values):
    for value in values:
        if value not in (None, "", []):
            return value
    return None


_TUSSENVOEGSELS = {"van", "de", "der", "den", "ten", "ter", "te", "het", "in", "'t", "op", "la", "le", "du"}


def _plain(name: str) -> str:
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()


def _natural_order(name: str) -> str:
    """"Simons, S.R." → "S.R. Simons"."""
    if "," in name:
        surname, _, given = name.partition(",")
        return f"{given.strip()} {surname.strip()}".strip()
    return name


def _surname_key(name: str) -> str:
    tokens = [t for t in _plain(_natural_order(name)).replace(".", ". ").split() if t]
    return tokens[-1] if tokens else _plain(name)


def _name_quality(name: str) -> tuple:
    """Prefer a full first name ("Sylvana Simons") over initials ("S.R. Simons") over a bare surname."""
    tokens = name.split()
    has_first_name = len(tokens) > 1 and "." not in tokens[0] and tokens[0].lower() not in _TUSSENVOEGSELS
    return ("," not in name, has_first_name, len(tokens) > 1, len(name))


def _merge_actors(groups: list[list[Actor]]) -> list[Actor]:
    """Union of submitters, earlier groups' roles and parties winning, one entry per surname (sources
    spell parties differently — "GL" / "GroenLinks" — so parties do not split a person)."""
    merged: list[Actor] = []
    for group in groups:
        for actor in group:
            if not actor.name or not actor.name.strip():
                continue
            key = _surname_key(actor.name)
            same = next((m for m in merged if _surname_key(m.name) == key), None)
            if same is None:
                merged.append(Actor(_natural_order(actor.name.strip()), actor.party, actor.role, actor.function))
                continue
            if _name_quality(_natural_order(actor.name)) > _name_quality(same.name):
                same.name = _natural_order(actor.name.strip())
            same.party = same.party or actor.party
            same.function = same.function or actor.function
    if merged and not any(a.role == "indiener" for a in merged):
        merged[0].role = "indiener"
    return merged


def _items(question: KamervraagDocument | None, answer: KamervraagDocument | None,
           nader: list[KamervraagDocument] = ()) -> list[Item]:
    texts: dict[int, str] = {}
    for doc in (question, answer):
        for q in (doc.questions if doc else []):
            texts.setdefault(q.number, q.text)
    items: dict[int, Item] = {n: Item(number=n, question=t) for n, t in texts.items()}
    for a in (answer.answers if answer else []):
        together = sorted(set(a.numbers)) if len(a.numbers) > 1 else []
        for pos, number in enumerate(a.numbers):
            item = items.setdefault(number, Item(number=number, question=""))
            if item.answer is not None or item.answer_refers_to is not None:
                continue                 # the first answer printed for a number wins
            item.answered_together = together
            if a.refers_to is not None and a.refers_to != number:
                # "Antwoord 4, 5 en 6: Zie antwoord vraag 3" — each of them refers to 3 directly.
                item.answer, item.answer_refers_to = a.text, a.refers_to
            elif pos == 0:
                item.answer = a.text
            else:
                item.answer_refers_to = a.numbers[0]
    for later in nader:                  # a nader antwoord completes the pairs, it does not replace them
        when = f" ({later.answered})" if later.answered else ""
        for a in later.answers:
            for number in a.numbers:
                item = items.setdefault(number, Item(number=number, question=""))
                if item.answer is None and item.answer_refers_to is None:
                    item.answer = a.text
                elif item.answer is not None and a.text not in item.answer:
                    item.answer = f"{item.answer}\n\nNader antwoord{when}: {a.text}"
    return [items[n] for n in sorted(items)]


def _footnotes(question: KamervraagDocument | None, answer: KamervraagDocument | None) -> list[Footnote]:
    out: list[Footnote] = []
    seen = set()
    for doc in (question, answer):
        for note in (doc.footnotes if doc else []):
            key = (note.part, note.number, note.url)
            # The answer page repeats the questions with their footnotes: keep one copy.
            if key in seen or (doc is answer and note.part == "question" and question is not None
                               and any(n.number == note.number and n.part == "question" for n in out)):
                continue
            seen.add(key)
            out.append(Footnote(note.part, note.number, note.text, note.url))
    return out


def merge_kamervraag(question: KamervraagDocument | None = None, answer: KamervraagDocument | None = None, *,
                     mededeling: KamervraagDocument | None = None, question_meta: dict | None = None,
                     answer_meta: dict | None = None, mededeling_meta: dict | None = None,
                     zaak: Zaak | None = None, nader: list[tuple[KamervraagDocument, dict]] = ()) -> Kamervraag:
    """One Kamervraag from any subset of: question page, answer page, postponement page, their
    metadata.xml dicts and the OData Zaak.  Missing parts leave fields None."""
    qm, am, mm = question_meta or {}, answer_meta or {}, mededeling_meta or {}
    q_docs = zaak.documents_of(SCHRIFTELIJKE_VRAGEN) if zaak else []
    a_docs = zaak.documents_of(ANTWOORD, ANTWOORD_NADER) if zaak else []
    m_docs = zaak.documents_of(MEDEDELING_UITSTEL) if zaak else []
    a_first = next((d for d in a_docs if d.soort == ANTWOORD), a_docs[0] if a_docs else None)

    kv = Kamervraag()
    question_id = _pick(question.document_id if question else None, first(qm, "DC.identifier"))
    kv.zaak_nummer = _pick(zaak.nummer if zaak else None, normalise_zaak_nummer(first(qm, "OVERHEIDop.vraagnummer")),
                           question.zaak_nummer if question else None, zaak_nummer_from_question_id(question_id),
                           normalise_zaak_nummer(first(am, "OVERHEIDop.vraagnummer")),
                           answer.zaak_nummer if answer else None)
    if not question_id and kv.zaak_nummer:
        question_id = make_question_id(kv.zaak_nummer)
    kv.question_id = question_id

    kv.vergaderjaar = normalise_vergaderjaar(_pick(
        first(am, "OVERHEIDop.vergaderjaar"), answer.vergaderjaar if answer else None,
        a_first.vergaderjaar if a_first else None, first(qm, "OVERHEIDop.vergaderjaar"),
        question.vergaderjaar if question else None))
    given_answer_id = _pick(answer.document_id if answer else None, first(am, "DC.identifier"))
    parsed = parse_answer_id(given_answer_id)
    kv.aanhangselnummer = normalise_aanhangselnummer(_pick(
        first(am, "OVERHEIDop.aanhangselNummer"), answer.aanhangselnummer if answer else None,
        parsed[1] if parsed else None, a_first.aanhangselnummer if a_first else None), kv.vergaderjaar)
    if given_answer_id:
        kv.answer_id = given_answer_id
    elif (a_first is not None) and kv.vergaderjaar and kv.aanhangselnummer:
        kv.answer_id = make_answer_id(kv.vergaderjaar, kv.aanhangselnummer)

    kv.title = _pick(question.title if question else None, answer.title if answer else None,
                     zaak.onderwerp if zaak else None, subject_of(first(qm, "DC.title")),
                     subject_of(zaak.titel if zaak else None))
    kv.submitted = _pick(parse_date(first(qm, "OVERHEIDop.datumIndiening")), question.submitted if question else None,
                         parse_date(first(am, "OVERHEIDop.datumIndiening")), answer.submitted if answer else None,
                         zaak.gestart_op if zaak else None, q_docs[0].datum if q_docs else None,
                         parse_date(first(qm, "DCTERMS.issued")))
    has_answer = bool(answer or am or a_first)
    kv.answered = _pick(parse_date(first(am, "OVERHEIDop.datumOntvangst")), answer.answered if answer else None,
                        parse_date(first(am, "DCTERMS.issued")), parse_date(first(am, "DCTERMS.available")),
                        a_first.datum if a_first else None) if has_answer else None
    kv.days_to_answer = days_between(kv.submitted, kv.answered)
    if kv.days_to_answer is not None and kv.days_to_answer < 0:
        kv.days_to_answer = None        # contradictory sources: better unknown than negative

    gericht_aan = [a for a in (zaak.actors if zaak else []) if a.role == "gericht_aan"]
    kv.receiver = _pick("; ".join(all_values(qm, "OVERHEIDop.ontvanger")), question.receiver if question else None,
                        "; ".join(all_values(am, "OVERHEIDop.ontvanger")), answer.receiver if answer else None,
                        *[(a.functie[0].upper() + a.functie[1:]) for a in gericht_aan if a.functie])
    kv.answered_by = _pick(answer.answered_by if answer else None,
                           *[a.naam for a in gericht_aan if a.naam and has_answer],
                           answer.answered_by_function if answer else None)

    zaak_actors = [Actor(a.naam, a.fractie, a.role, a.functie) for a in (zaak.actors if zaak else [])
                   if a.role in ("indiener", "medeindiener") and a.naam]
    meta_actors = [Actor(name, None, "indiener" if i == 0 else "medeindiener")
                   for i, name in enumerate(all_values(qm, "OVERHEIDop.indiener") or all_values(am, "OVERHEIDop.indiener"))]
    kv.submitters = _merge_actors([zaak_actors, question.submitters if question else [],
                                   answer.submitters if answer else [], meta_actors])

    kv.items = _items(question, answer, [d for d, _ in nader])
    kv.footnotes = _footnotes(question, answer)
    seen = {(f.part, f.number, f.url) for f in kv.footnotes}
    for later, _ in nader:
        for note in later.footnotes:
            if note.part == "answer" and (note.part, note.number, note.url) not in seen:
                kv.footnotes.append(Footnote("answer", note.number, note.text, note.url))

    notice = _pick(mededeling.postponement if mededeling else None, question.postponement if question else None,
                   answer.postponement if answer else None)
    if notice is not None:
        when = _pick(notice.date, parse_date(first(mm, "DCTERMS.issued")), parse_date(first(mm, "DCTERMS.available")),
                     m_docs[0].datum if m_docs else None)
        notice = Postponement(when, notice.text, _pick(notice.document_id, first(mm, "DC.identifier"),
                                                       mededeling.document_id if mededeling else None))
    elif m_docs:
        # Only the Tweede Kamer knows of the notice so far: its date and title stand in for the text.
        notice = Postponement(m_docs[0].datum, m_docs[0].titel or m_docs[0].soort, m_docs[0].overheid_id(kv.zaak_nummer))
    kv.postponement = notice

    kv.metadata = {k: v for k, v in {
        "zaak_id": zaak.id if zaak else None,
        "title_full": _pick(question.title_full if question else None, first(qm, "DC.title")),
        "answer_title": first(am, "DC.title"),
        "answered_by_function": answer.answered_by_function if answer else None,
        "categories": _pick(all_values(qm, "OVERHEID.category"), all_values(am, "OVERHEID.category")),
        "question_document": q_docs[0].id if q_docs else None,
        "answer_documents": [d.id for d in a_docs] or None,
        "mededeling_documents": [d.id for d in m_docs] or None,
        "nader_answer_ids": [d.document_id or first(dm, "DC.identifier") for d, dm in nader] or None,
    }.items() if v not in (None, [], "")}
    return kv
