"""KOOP SRU 2.0 (repository.overheid.nl/sru): request URLs and searchRetrieveResponse pages.

Elements are matched on local names so older SRU 1.2 responses and extra namespaces parse too.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlencode, urlsplit, urlunsplit, parse_qsl, quote

from miner.crawl.parsers.dates import parse_date
from miner.crawl.parsers.errors import ParseError
from miner.crawl.parsers.xmlsafe import child, children, descendants, local, parse_xml, text_of

MAX_RECORDS = 1000  # the KOOP service refuses more per page


@dataclass
class SruRecord:
    identifier: str | None
    title: str | None = None
    type: str | None = None
    creator: str | None = None
    modified: str | None = None       # ISO date
    date: str | None = None
    available: str | None = None
    publicatienaam: str | None = None
    vergaderjaar: str | None = None
    preferred_url: str | None = None
    item_urls: dict[str, str] = field(default_factory=dict)   # manifestation (xml/html/pdf/metadata) → URL
    fields: dict[str, str] = field(default_factory=dict)      # every other metadata field, first value


@dataclass
class SruPage:
    number_of_records: int
    records: list[SruRecord]
    next_record_position: int | None


class SruDiagnostic(ParseError):
    """The service answered with an SRU diagnostic (bad query, unsupported index…)."""


def build_cql(base: str, *, modified_since: str | date | None = None, date_from: str | date | None = None) -> str:
    """Combine the configured CQL with the incremental clauses, e.g.
    ``(c.product-area==officielepublicaties) and dt.modified>=2024-01-01``."""
    clauses = [f"({base.strip()})"] if base and base.strip() else []
    for index, value in (("dt.modified", modified_since), ("dt.date", date_from)):
        if value:
            iso = parse_date(value)
            if not iso:
                raise ParseError(f"not a date for {index}: {value!r}")
            clauses.append(f"{index}>={iso}")
    if not clauses:
        raise ParseError("empty CQL query")
    return " and ".join(clauses)


def build_sru_url(base_url: str, cql: str, start_record: int = 1, maximum_records: int = 100,
                  record_schema: str = "gzd") -> str:
    """searchRetrieve URL for one page.  Parameters already in ``base_url`` are kept unless we set them."""
    if not cql or not cql.strip():
        raise ParseError("empty CQL query")
    if start_record < 1:
        raise ParseError(f"startRecord must be ≥ 1, got {start_record}")
    if not 1 <= maximum_records <= MAX_RECORDS:
        raise ParseError(f"maximumRecords must be 1–{MAX_RECORDS}, got {maximum_records}")
    parts = urlsplit(base_url)
    params = dict(parse_qsl(parts.query, keep_blank_values=True))
    params.update({"operation": "searchRetrieve", "version": "2.0", "recordSchema": record_schema,
                   "startRecord": str(start_record), "maximumRecords": str(maximum_records), "query": cql})
    query = urlencode(params, quote_via=quote, safe="")
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", query, ""))


def sru_params(cql: str, start_record: int = 1, maximum_records: int = 100, record_schema: str = "gzd") -> dict:
    """The same request as :func:`build_sru_url`, as a params dict for ``requests``."""
    url = build_sru_url("http://x/sru", cql, start_record, maximum_records, record_schema)
    return dict(parse_qsl(urlsplit(url).query))


_DIRECT = {"identifier", "title", "type", "creator", "modified", "date", "available", "publicatienaam",
           "vergaderjaar"}
_DATES = {"modified", "date", "available"}


def _record(rec_el) -> SruRecord:
    data = child(rec_el, "recordData")
    if data is not None and len(data) == 0 and (data.text or "").strip().startswith("<"):
        data = parse_xml(data.text.strip(), "SRU record (recordPacking=string)")   # escaped XML inside
    scope = data if data is not None else rec_el
    original = next(iter(descendants(scope, "originalData")), None)
    enriched = next(iter(descendants(scope, "enrichedData")), None)
    values: dict[str, str] = {}
    for el in (original if original is not None else scope).iter():
        name = local(el.tag)
        if len(el) or name in values:
            continue
        text = text_of(el)
        if text:
            values[name] = text
    rec = SruRecord(identifier=values.get("identifier"))
    for name in _DIRECT - {"identifier"}:
        value = values.get(name)
        if value and name in _DATES:
            value = parse_date(value) or value
        setattr(rec, name, value)
    rec.fields = {k: v for k, v in values.items() if k not in _DIRECT}
    if enriched is not None:
        rec.preferred_url = text_of(child(enriched, "preferredUrl"))
        for item in children(enriched, "itemUrl"):
            attrs = {local(k): v for k, v in item.attrib.items()}
            url = text_of(item)
            if url and attrs.get("manifestation"):
                rec.item_urls.setdefault(attrs["manifestation"].lower(), url)
        if not rec.preferred_url:
            rec.preferred_url = text_of(child(enriched, "url"))
    return rec


def parse_sru(data: bytes | str) -> SruPage:
    """One searchRetrieveResponse page.  Raises SruDiagnostic when the service reports an error."""
    root = parse_xml(data, "SRU response")
    if local(root.tag) != "searchRetrieveResponse":
        raise ParseError(f"SRU response: unexpected root element <{local(root.tag)}>")
    diag = descendants(root, "diagnostic")
    number = text_of(child(root, "numberOfRecords"))
    if diag and number in (None, "0"):
        msg = " ".join(filter(None, (text_of(child(d, "message")) or text_of(child(d, "details")) or text_of(d)
                                     for d in diag)))
        raise SruDiagnostic(f"SRU diagnostic: {msg or 'unspecified error'}")
    try:
        total = int(number) if number is not None else 0
    except ValueError:
        raise ParseError(f"SRU response: numberOfRecords is not a number: {number!r}") from None
    records_el = child(root, "records")
    records = [_record(r) for r in children(records_el, "record")] if records_el is not None else []
    next_pos = text_of(child(root, "nextRecordPosition"))
    try:
        next_position = int(next_pos) if next_pos else None
    except ValueError:
        raise ParseError(f"SRU response: nextRecordPosition is not a number: {next_pos!r}") from None
    if next_position is not None and (next_position <= 0 or (number is not None and next_position > total)):
        next_position = None
    return SruPage(number_of_records=total, records=records, next_record_position=next_position)
