"""Tweede Kamer Open Data (OData v4, gegevensmagazijn): Zaak pages and request URLs.

A page is ``{"value": [...], "@odata.nextLink": "..."}``; items with ``Verwijderd: true`` are
skipped.  Only the documents that belong to written questions are kept.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import quote, urljoin

from miner.crawl.parsers.dates import parse_date
from miner.crawl.parsers.errors import ParseError
from miner.crawl.parsers.ids import (answer_id, normalise_aanhangselnummer, normalise_vergaderjaar,
                                     normalise_zaak_nummer, question_id, vergaderjaar_from_aanhangselnummer)

SCHRIFTELIJKE_VRAGEN = "Schriftelijke vragen"
ANTWOORD = "Antwoord schriftelijke vragen"
ANTWOORD_NADER = "Antwoord schriftelijke vragen (nader)"
MEDEDELING_UITSTEL = "Mededeling (uitstel antwoord)"
KAMERVRAAG_DOCUMENT_SOORTEN = (SCHRIFTELIJKE_VRAGEN, ANTWOORD, ANTWOORD_NADER, MEDEDELING_UITSTEL)
ACTOR_ROLES = {"indiener": "indiener", "medeindiener": "medeindiener", "gericht aan": "gericht_aan"}
JSON_FORMAT = "application/json;odata.metadata=full"
_SAFE = "$,'()/:"  # OData syntax characters that stay readable in the query string


@dataclass
class ZaakDocument:
    id: str
    soort: str
    nummer: str | None = None
    titel: str | None = None
    onderwerp: str | None = None
    datum: str | None = None            # ISO date
    vergaderjaar: str | None = None     # 2022-2023
    aanhangselnummer: str | None = None  # 1944 (normalised)
    gewijzigd_op: str | None = None     # as sent (ISO datetime)

    def overheid_id(self, zaak_nummer: str | None) -> str | None:
        """The officielebekendmakingen id: ``kv-tk-<nummer>`` for the questions, ``ah-tk-…`` for an answer
        or postponement notice; None when the Zaak data cannot name it."""
        if self.soort == SCHRIFTELIJKE_VRAGEN:
            return question_id(zaak_nummer) if normalise_zaak_nummer(zaak_nummer) else None
        if self.vergaderjaar and self.aanhangselnummer:
            return answer_id(self.vergaderjaar, self.aanhangselnummer)
        return None


@dataclass
class ZaakActor:
    relatie: str                        # Indiener / Medeindiener / Gericht aan, as sent
    role: str                           # indiener / medeindiener / gericht_aan
    naam: str | None = None
    fractie: str | None = None
    functie: str | None = None


@dataclass
class Zaak:
    id: str
    nummer: str | None
    soort: str | None = None
    titel: str | None = None
    onderwerp: str | None = None
    gestart_op: str | None = None       # ISO date
    gewijzigd_op: str | None = None
    alias: str | None = None
    documents: list[ZaakDocument] = field(default_factory=list)
    actors: list[ZaakActor] = field(default_factory=list)

    def documents_of(self, *soorten: str) -> list[ZaakDocument]:
        return [d for d in self.documents if d.soort in soorten]


@dataclass
class ODataPage:
    zaken: list[Zaak]
    next_link: str | None
    skipped_deleted: int = 0


def _literal(value: str) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def _datetime_literal(value) -> str:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%SZ")
    iso = parse_date(value)
    if not iso:
        raise ParseError(f"not a date: {value!r}")
    return f"{iso}T00:00:00Z"


def zaak_filter(*, nummer: str | None = None, started_from=None, started_before=None, search: str | None = None,
                modified_since=None, soort: str | None = SCHRIFTELIJKE_VRAGEN) -> str:
    """The ``$filter`` expression; every clause is optional.  Deleted items are skipped when parsing."""
    clauses = []
    if nummer:
        clean = normalise_zaak_nummer(nummer)
        if not clean:
            raise ParseError(f"not a Zaak nummer: {nummer!r}")
        clauses.append(f"Nummer eq {_literal(clean)}")
    if soort:
        clauses.append(f"Soort eq {_literal(soort)}")
    if started_from:
        clauses.append(f"GestartOp ge {_datetime_literal(started_from)}")
    if started_before:
        clauses.append(f"GestartOp lt {_datetime_literal(started_before)}")
    if modified_since:
        clauses.append(f"GewijzigdOp ge {_datetime_literal(modified_since)}")
    if search:   # the subject or the title: a Zaak titled "… racisme …" with a plainer subject is found too
        clauses.append(f"(contains(Onderwerp,{_literal(search)}) or contains(Titel,{_literal(search)}))")
    if not clauses:
        raise ParseError("an OData Zaak query needs at least one filter")
    return " and ".join(clauses)


def build_zaak_url(base_url: str, *, nummer: str | None = None, started_from=None, started_before=None,
                   search: str | None = None, modified_since=None, soort: str | None = SCHRIFTELIJKE_VRAGEN,
                   expand=("Document", "ZaakActor"), top: int | None = None, orderby: str | None = None,
                   fmt: str = JSON_FORMAT) -> str:
    """``<base>/Zaak?$filter=…&$expand=Document,ZaakActor&$format=…`` with OData-safe quoting."""
    if top is not None and not 1 <= top <= 250:
        raise ParseError(f"$top must be 1–250, got {top}")
    params = [("$filter", zaak_filter(nummer=nummer, started_from=started_from, started_before=started_before,
                                      search=search, modified_since=modified_since, soort=soort))]
    if expand:
        params.append(("$expand", ",".join(expand)))
    if orderby:
        params.append(("$orderby", orderby))
    if top:
        params.append(("$top", str(top)))
    if fmt:
        params.append(("$format", fmt))
    query = "&".join(k + "=" + quote(v, safe=_SAFE) for k, v in params)
    return urljoin(base_url.rstrip("/") + "/", "Zaak") + "?" + query


def document_resource_url(base_url: str, document_id: str) -> str:
    """The file (PDF/Word) of a document: ``<base>/Document(<Id>)/resource``."""
    if not re.fullmatch(r"[0-9A-Za-z\-]+", str(document_id or "")):
        raise ParseError(f"not an OData document Id: {document_id!r}")
    return urljoin(base_url.rstrip("/") + "/", f"Document({document_id})/resource")


def _text(item: dict, key: str) -> str | None:
    value = item.get(key)
    if value is None:
        return None
    value = " ".join(str(value).split())
    return value or None


def _deleted(item: dict) -> bool:
    return item.get("Verwijderd") in (True, "true", "True", 1)


def _document(item: dict) -> ZaakDocument | None:
    if _deleted(item) or not item.get("Id"):
        return None
    soort = _text(item, "Soort")
    if soort not in KAMERVRAAG_DOCUMENT_SOORTEN:
        return None
    vj = normalise_vergaderjaar(_text(item, "Vergaderjaar")) or vergaderjaar_from_aanhangselnummer(
        item.get("Aanhangselnummer"))
    return ZaakDocument(id=str(item["Id"]), soort=soort, nummer=_text(item, "DocumentNummer") or _text(item, "Nummer"),
                        titel=_text(item, "Titel"), onderwerp=_text(item, "Onderwerp"),
                        datum=parse_date(item.get("Datum")), vergaderjaar=vj,
                        aanhangselnummer=normalise_aanhangselnummer(item.get("Aanhangselnummer"), vj),
                        gewijzigd_op=_text(item, "GewijzigdOp"))


def _actor(item: dict) -> ZaakActor | None:
    if _deleted(item):
        return None
    relatie = _text(item, "Relatie") or ""
    role = ACTOR_ROLES.get(relatie.lower())
    if not role:
        return None
    return ZaakActor(relatie=relatie, role=role, naam=_text(item, "ActorNaam"),
                     fractie=_text(item, "ActorFractie"), functie=_text(item, "Functie"))


def _expanded(item: dict, name: str) -> list[dict]:
    value = item.get(name)
    if isinstance(value, dict):
        return [value]
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def parse_zaak(item: dict) -> Zaak | None:
    """One Zaak entity; None when it is deleted or has no Id."""
    if not isinstance(item, dict) or _deleted(item) or not item.get("Id"):
        return None
    zaak = Zaak(id=str(item["Id"]), nummer=normalise_zaak_nummer(_text(item, "Nummer")) or _text(item, "Nummer"),
                soort=_text(item, "Soort"), titel=_text(item, "Titel"), onderwerp=_text(item, "Onderwerp"),
                gestart_op=parse_date(item.get("GestartOp")), gewijzigd_op=_text(item, "GewijzigdOp"),
                alias=_text(item, "Alias"))
    zaak.documents = [d for d in map(_document, _expanded(item, "Document")) if d]
    zaak.documents.sort(key=lambda d: (d.datum or "", d.id))
    zaak.actors = [a for a in map(_actor, _expanded(item, "ZaakActor")) if a]
    return zaak


def parse_zaak_page(data: bytes | str | dict, page_url: str | None = None) -> ODataPage:
    """One OData page (or a single-entity response).  A relative nextLink is resolved against
    ``page_url``.  ParseError for non-JSON, OData error bodies and unexpected shapes."""
    if isinstance(data, (bytes, str)):
        try:
            payload = json.loads(data)
        except (ValueError, UnicodeDecodeError) as exc:
            raise ParseError(f"OData response is not JSON: {exc}") from exc
    else:
        payload = data
    if not isinstance(payload, dict):
        raise ParseError(f"OData response: expected a JSON object, got {type(payload).__name__}")
    if "error" in payload:
        err = payload["error"]
        msg = err.get("message") if isinstance(err, dict) else err
        if isinstance(msg, dict):
            msg = msg.get("value")
        raise ParseError(f"OData error: {msg or err}")
    if "value" in payload:
        items = payload["value"]
        if not isinstance(items, list):
            raise ParseError("OData response: 'value' is not a list")
    elif "Id" in payload:
        items = [payload]
    else:
        raise ParseError("OData response has neither 'value' nor an entity")
    zaken, skipped = [], 0
    for item in items:
        zaak = parse_zaak(item)
        if zaak is None:
            skipped += 1
        else:
            zaken.append(zaak)
    next_link = payload.get("@odata.nextLink") or payload.get("odata.nextLink")
    if next_link and page_url:
        next_link = urljoin(page_url, next_link)
    return ODataPage(zaken=zaken, next_link=next_link or None, skipped_deleted=skipped)
