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
from miner.crawl.parsers.store import save_kamervraag
from miner.store import files

DOC_TYPES = {"question": "kamervraag", "answer": "antwoord", "mededeling": "mededeling"}


def _parts(conn, zaak_nummer: str) -> list:
    return conn.execute(
        "SELECT id, source_id, doc_type, url, sha256, metadata FROM documents "
        "WHERE json_extract(metadata, '$.zaak_nummer') = ? AND doc_type IN ('kamervraag', 'antwoord', 'mededeling') "
        "ORDER BY source_id", (zaak_nummer,)).fetchall()


def rebuild(conn, data_dir, zaak_nummer: str, record_links=None) -> tuple[int, str] | None:
    """Merge every stored part of ``zaak_nummer`` and save it; call inside the caller's transaction.

    ``record_links(doc_id, links, conn)`` records the footnote URLs.  Returns (kamervraag id, change),
    or None when nothing is known yet.
    """
    zaak_row = conn.execute("SELECT json FROM tk_zaken WHERE nummer = ?", (zaak_nummer,)).fetchone()
    zaak = parse_zaak(json.loads(zaak_row["json"])) if zaak_row else None
    parsed = {"kamervraag": (None, None, None), "antwoord": (None, None, None), "mededeling": (None, None, None)}
    nader_ids = {d.overheid_id(zaak_nummer) for d in zaak.documents_of(ANTWOORD_NADER)} if zaak else set()
    nader = []
    for row in _parts(conn, zaak_nummer):
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
