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

from miner.crawl.parsers.errors import ParseError
from miner.crawl.parsers.ids import normalise_zaak_nummer, zaak_nummer_from_question_id
from miner.crawl.parsers.kamervraag import merge_kamervraag
from miner.crawl.parsers.kamervraag_html import parse_kamervraag_html
from miner.crawl.parsers.metadata_xml import first
from miner.crawl.parsers.odata import parse_zaak
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
    for row in _parts(conn, zaak_nummer):
        raw = files.raw_path(data_dir, row["sha256"]).read_bytes()
        meta = json.loads(row["metadata"] or "{}")
        doc = parse_kamervraag_html(raw, base_url=row["url"], document_id=row["source_id"])
        if parsed[row["doc_type"]][0] is None:
            parsed[row["doc_type"]] = (doc, meta.get("metadata_xml") or {}, row["id"])
    (q, qm, qid), (a, am, aid), (m, mm, _) = parsed["kamervraag"], parsed["antwoord"], parsed["mededeling"]
    if zaak is None and q is None and a is None:
        return None
    kv = merge_kamervraag(q, a, mededeling=m, question_meta=qm, answer_meta=am, mededeling_meta=mm, zaak=zaak)
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


def zaak_nummer_of(doc, meta: dict) -> str | None:
    """The Zaak nummer a page belongs to: metadata.xml first, then what the page says."""
    return (normalise_zaak_nummer(first(meta, "OVERHEIDop.vraagnummer"))
            or (doc.zaak_nummer if doc else None)
            or zaak_nummer_from_question_id(first(meta, "DC.identifier"))
            or zaak_nummer_from_question_id(doc.document_id if doc else None))


__all__ = ["rebuild", "zaak_nummer_of", "DOC_TYPES", "ParseError"]
