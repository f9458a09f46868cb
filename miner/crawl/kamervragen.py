"""One Kamervraag assembled from everything the store knows about it.

The Tweede Kamer OData source keeps the Zaak (``tk_zaken``); officielebekendmakingen
keeps the question, answer and postponement pages as documents (raw HTML +
metadata.xml in ``documents.metadata``).  Whichever source stored a part last
calls :func:`rebuild`, which re-parses all parts and saves the merged record, so
the result does not depend on which source ran first and saving the same
parts twice changes nothing.  Footnote URLs become pending ``links`` of the
question (or answer) document: the cited-reports phase fetches them.
"""
from __future__ import annotations

import json
import re

from miner.crawl.parsers.errors import ParseError
from miner.crawl.parsers.ids import normalise_zaak_nummer, zaak_nummer_from_question_id
from miner.crawl.parsers.kamervraag import merge_kamervraag
from miner.crawl.parsers.kamervraag_xml import parse_kamervraag_document
from miner.crawl.parsers.metadata_xml import first
from miner.crawl.parsers.odata import ANTWOORD_NADER, parse_zaak
from miner.crawl.parsers.model import Kamervraag
from miner.store import files, kamervragen as store_kamervragen

DOC_TYPES = {"question": "kamervraag", "answer": "antwoord", "mededeling": "mededeling"}


def _record(kv: Kamervraag) -> dict:
    p = kv.postponement
    postponed = p is not None or bool(kv.metadata.get("mededeling_documents"))
    return {"zaak_nummer": kv.zaak_nummer, "question_id": kv.question_id, "answer_id": kv.answer_id,
            "title": kv.title, "submitted": kv.submitted, "answered": kv.answered,
            "days_to_answer": kv.days_to_answer, "vergaderjaar": kv.vergaderjaar,
            "aanhangselnummer": kv.aanhangselnummer, "receiver": kv.receiver, "answered_by": kv.answered_by,
            "postponed": int(postponed), "postponement_date": p.date if p else None,
            "postponement_text": p.text if p else None,
            "metadata": json.dumps(kv.metadata, ensure_ascii=False, sort_keys=True)}


def _actors(kv: Kamervraag) -> set[tuple]:
    rows = {}
    for a in kv.submitters:
        rows.setdefault((a.role, a.name), (a.role, a.name, a.party, a.function))
    if kv.receiver:
        rows.setdefault(("gericht_aan", kv.receiver), ("gericht_aan", kv.receiver, None, None))
    if kv.answered_by:
        rows.setdefault(("beantwoord_door", kv.answered_by),
                        ("beantwoord_door", kv.answered_by, None, kv.metadata.get("answered_by_function")))
    return set(rows.values())


def _items(kv: Kamervraag) -> set[tuple]:
    return {(i.number, i.question or "", i.answer, i.answer_refers_to,
             ",".join(map(str, i.answered_together)) or None) for i in kv.items}


def _footnotes(kv: Kamervraag) -> set[tuple]:
    return {(f.part, f.number, f.text, f.url) for f in kv.footnotes}


def save_kamervraag(conn, kv: Kamervraag, question_document_id: int | None = None,
                    answer_document_id: int | None = None) -> tuple[int, str]:
    """Store ``kv`` (in the caller's transaction, if any); returns (kamervragen.id, 'new' | 'changed' | 'unchanged')."""
    if not kv.zaak_nummer and not kv.question_id:
        raise ParseError("a Kamervraag needs a Zaak nummer or a question id to be stored")
    return store_kamervragen.upsert(conn, _record(kv), actors=_actors(kv), items=_items(kv),
                                    footnotes=_footnotes(kv), question_document_id=question_document_id,
                                    answer_document_id=answer_document_id)


def rebuild(conn, data_dir, zaak_nummer: str, record_links=None) -> tuple[int, str] | None:
    """Merge every stored part of ``zaak_nummer`` and save it; call inside the caller's transaction.

    ``record_links(doc_id, links, conn)`` records the footnote URLs.  Returns (kamervraag id, change),
    or None when nothing is known yet.
    """
    zaak_text = store_kamervragen.zaak_json(conn, zaak_nummer)
    zaak = parse_zaak(json.loads(zaak_text)) if zaak_text else None
    parsed = {"kamervraag": (None, None, None), "antwoord": (None, None, None), "mededeling": (None, None, None)}
    nader_ids = {d.overheid_id(zaak_nummer) for d in zaak.documents_of(ANTWOORD_NADER)} if zaak else set()
    nader = []
    for row in store_kamervragen.part_documents(conn, zaak_nummer):
        raw = files.raw_path(data_dir, row["sha256"]).read_bytes()
        meta = json.loads(row["metadata"] or "{}")
        doc = parse_kamervraag_document(raw, base_url=row["url"], document_id=row["source_id"])
        xml_meta = meta.get("metadata_xml") or {}
        if row["doc_type"] == "antwoord" and (row["source_id"] in nader_ids or _is_nader(doc, xml_meta)):
            nader.append((doc, xml_meta, row["id"]))   # a second answer: merged into the pairs, not instead
        elif parsed[row["doc_type"]][0] is None:
            parsed[row["doc_type"]] = (doc, xml_meta, row["id"])
        elif row["doc_type"] == "antwoord":
            nader.append((doc, xml_meta, row["id"]))
    (q, qm, qid), (a, am, aid), (m, mm, _) = parsed["kamervraag"], parsed["antwoord"], parsed["mededeling"]
    if a is None and nader:                 # only the nader antwoord is known so far: it is the answer
        a, am, aid = nader.pop(0)
    if zaak is None and q is None and a is None:
        return None
    kv = merge_kamervraag(q, a, mededeling=m, question_meta=qm, answer_meta=am, mededeling_meta=mm, zaak=zaak,
                          nader=[(d, dm) for d, dm, _ in nader])
    if not kv.zaak_nummer:
        kv.zaak_nummer = zaak_nummer
    result = save_kamervraag(conn, kv, question_document_id=qid, answer_document_id=aid)
    if record_links is not None:
        for part, doc_id in (("question", qid or aid), ("answer", aid or qid)):
            notes = [{"url": f.url, "text": f.text, "kind": "footnote"} for f in kv.footnotes
                     if f.url and f.part == part]
            if doc_id is not None and notes:
                record_links(doc_id, notes, conn)
    return result


def _is_nader(doc, meta: dict) -> bool:
    """A "nader antwoord" says so in its title ("Nader antwoord op vragen van …")."""
    title = " ".join(filter(None, [first(meta, "DC.title"), doc.title_full if doc else None,
                                   first(doc.meta, "DC.title") if doc else None]))
    return bool(re.search(r"\bnader(?:e)?\s+antwoord", title, re.I))


def zaak_nummer_of(doc, meta: dict) -> str | None:
    """The Zaak nummer a page belongs to: metadata.xml first, then what the page says."""
    return (normalise_zaak_nummer(first(meta, "OVERHEIDop.vraagnummer"))
            or (doc.zaak_nummer if doc else None)
            or zaak_nummer_from_question_id(first(meta, "DC.identifier"))
            or zaak_nummer_from_question_id(doc.document_id if doc else None))


__all__ = ["rebuild", "zaak_nummer_of", "DOC_TYPES", "ParseError"]
