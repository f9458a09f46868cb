"""officielebekendmakingen: KOOP SRU search → per document the XML manifestation (the HTML page when
there is none or it cannot be read) and metadata.xml (+ PDF).

The CQL query comes from config (``query``), narrowed per search term (``terms``, default the
taxonomy's core vocabulary: one search each, counted per term), by ``since`` (dt.date) and,
for ``--since``, by dt.modified.  Paging follows ``nextRecordPosition``.  Item
URLs from the record are followed rather than built.  Each page is stored as a
document keyed by its id (``kv-tk-2023Z02090``, ``ah-tk-20222023-1944``); then the
Kamervraag it belongs to is rebuilt from all stored parts (see ``kamervragen``).
"""
from __future__ import annotations

import json
import re

from miner.crawl import kamervragen
from miner.crawl.http import FetchError
from miner.crawl.parsers.errors import ParseError
from miner.crawl.parsers.ids import document_id_from_url
from miner.crawl.parsers.kamervraag_html import parse_kamervraag_html
from miner.crawl.parsers.kamervraag_xml import looks_like_xml, parse_kamervraag_xml
from miner.crawl.parsers.dates import parse_date
from miner.crawl.parsers.metadata_xml import first, parse_metadata_xml
from miner.crawl.parsers.odata import SCHRIFTELIJKE_VRAGEN, parse_zaak
from miner.crawl.parsers.sru import MAX_RECORDS, build_cql, build_sru_url, parse_sru
from miner.crawl.sources.base import CrawlContext, Source, SourceConfigError
from miner.store import documents, kamervragen as store_kamervragen


def term_clause(term: str) -> str:
    """``discriminatie`` → ``cql.textAndIndexes="discriminatie"``; a stem written ``discrimin*`` is searched
    as a word prefix (SRU truncation); a phrase as a phrase."""
    clean = term.replace('"', "").replace("\\", "").strip()
    return f'cql.textAndIndexes="{clean}"'


class OfficieleBekendmakingenSource(Source):
    type_name = "officielebekendmakingen"

    def validate(self) -> None:
        self.require("base_url", "query")
        if self.conf["page_size"] > MAX_RECORDS:
            raise SourceConfigError(f"crawl.sources.{self.name}.page_size: at most {MAX_RECORDS} for SRU")

    def _url(self, start: int, since: str | None, term: str | None = None) -> str:
        query = self.conf["query"]
        if term is not None:
            query = f"({query}) and {term_clause(term)}" if query else term_clause(term)
        cql = build_cql(query, modified_since=since, date_from=self.conf["since"])
        return build_sru_url(self.conf["base_url"], cql, start, self.conf["page_size"])

    def _terms(self, cfg=None) -> list[str | None]:
        """One search per term; a query that already names its own text search runs as it is."""
        if not self.conf["terms"] and "cql.textandindexes" in self.conf["query"].lower():
            return [None]
        return list(self.search_terms(cfg))

    def plan(self) -> list[str]:
        return [self._url(1, None, term) for term in self._terms()]

    def crawl(self, ctx: CrawlContext) -> None:
        limit = ctx.limit or self.conf["max_items"] or None
        done = 0
        seen_records: set[str] = set()          # a document found by several terms is fetched once
        terms = self._terms(ctx.cfg)
        for term in terms:
            start = 1
            if term is not None:
                ctx.summary.terms.setdefault(term, 0)
            while True:
                page_url = self._url(start, ctx.since, term)
                try:
                    resp = ctx.fetch_or_raise(page_url, "xml")
                    try:
                        page = parse_sru(resp.body)
                    except ParseError:
                        ctx.fetcher.forget(ctx.conn, resp.url)
                        raise
                except (FetchError, ParseError) as exc:
                    if term is None or len(terms) == 1 or getattr(exc, "kind", None) == "unreachable":
                        raise
                    # one term the service refuses (a diagnostic, an error page) does not stop the others
                    ctx.fail(f"search term {term!r}", getattr(exc, "reason", None) or str(exc))
                    break
                for record in page.records:
                    if term is not None:
                        ctx.summary.terms[term] += 1
                    key = record.identifier or record.preferred_url or repr(record.item_urls)
                    if key in seen_records:
                        continue
                    if limit is not None and done >= limit:
                        return
                    seen_records.add(key)
                    done += 1
                    self._record(ctx, record)
                nxt = page.next_record_position
                if not page.records or nxt is None or nxt <= start:
                    break
                start = nxt

    def complete(self, ctx: CrawlContext) -> None:
        """Parts of known Kamervragen the search did not return (an answer published since, a question
        known from the Tweede Kamer, a postponement notice or a nader antwoord named by the Zaak) are asked
        for by identifier (``dt.identifier==…``), after all sources ran.  A part that is expected but
        cannot be found or fetched is a listed failure, never a silent gap."""
        for ident, what in self._expected_parts(ctx):
            if documents.exists(ctx.conn, ident):
                continue
            url = build_sru_url(self.conf["base_url"], f"dt.identifier=={ident}", 1, 10)
            try:
                page = parse_sru(ctx.fetch_or_raise(url, "xml").body)
            except FetchError as exc:
                if exc.kind == "unreachable":
                    raise
                ctx.fail(ident, f"{what}: {exc.reason}")
                continue
            except ParseError as exc:
                ctx.fail(ident, f"{what}: {exc}")
                continue
            records = [r for r in page.records if r.identifier == ident]   # a service that ignores the query
            if not records:
                ctx.fail(ident, f"{what}: not found at officielebekendmakingen (SRU dt.identifier=={ident} "
                                "gave no record)")
                continue
            for record in records:
                self._record(ctx, record)

    @staticmethod
    def _expected_parts(ctx: CrawlContext) -> list[tuple[str, str]]:
        """(document id, why it is expected) for every part named by a stored Kamervraag or Zaak."""
        wanted: dict[str, str] = {}
        for r in store_kamervragen.linked_documents(ctx.conn):
            if r["question_id"] and r["question_document_id"] is None:
                wanted.setdefault(r["question_id"], f"questions of {r['zaak_nummer']}")
            if r["answer_id"] and r["answer_document_id"] is None:
                wanted.setdefault(r["answer_id"], f"answer to {r['zaak_nummer']}")
        for r in store_kamervragen.zaken(ctx.conn):
            try:
                zaak = parse_zaak(json.loads(r["json"]))
            except (ValueError, ParseError):
                continue
            for doc in (zaak.documents if zaak else []):
                if doc.soort == SCHRIFTELIJKE_VRAGEN:
                    continue               # older questions use another id form; the kamervragen row covers them
                try:
                    ident = doc.overheid_id(zaak.nummer)
                except ParseError:
                    ident = None
                if ident:
                    wanted.setdefault(ident, f"{doc.soort.lower()} of {zaak.nummer} (Tweede Kamer document "
                                             f"{doc.nummer or doc.id})")
        return list(wanted.items())

    def _stored_as_modified(self, ctx: CrawlContext, record) -> bool:
        """The search says this document was last modified when we stored it: no request needed."""
        if not (record.identifier and record.modified):
            return False
        row = documents.metadata_value(ctx.conn, record.identifier, "sru.modified")
        if row is None or row["value"] != record.modified:
            return False
        if self.conf["fetch_pdf"] and record.item_urls.get("pdf"):
            return documents.exists(ctx.conn, f"{record.identifier}:pdf")
        return True

    def _record(self, ctx: CrawlContext, record) -> None:
        ident = record.identifier or "?"
        if self._stored_as_modified(ctx, record):
            ctx.count("unchanged")
            return
        html_url = record.item_urls.get("html") or record.preferred_url
        body, doc, warning = None, None, None
        if record.item_urls.get("xml"):       # the structured manifestation is read first
            try:
                xml = ctx.fetch_or_raise(record.item_urls["xml"], "xml")
            except FetchError as exc:
                if exc.kind == "unreachable":
                    raise
                if exc.status not in (404, 410) and not html_url:
                    ctx.fail(f"{ident} XML", exc.reason)
                    return
                xml = None                     # gone or broken: the HTML page is the fallback
            if xml is not None:
                try:
                    doc = parse_kamervraag_xml(xml.body, base_url=html_url or xml.url, document_id=record.identifier)
                    body = xml
                except ParseError as exc:
                    warning = f"XML manifestation not used: {exc}"
        if body is None:
            if not html_url:
                ctx.fail(ident, "SRU record has no HTML or XML item URL")
                return
            body = ctx.fetch(html_url, "html", item=ident)
            if body is None:
                return
        page = body
        meta_url = record.item_urls.get("metadata") or \
            re.sub(r"\.(html?|xml)$", "", html_url or page.url) + "/metadata.xml"
        try:
            meta_resp = ctx.fetch_or_raise(meta_url, "xml")
        except FetchError as exc:
            if exc.kind == "unreachable":
                raise
            if exc.status not in (404, 410):   # passing trouble: the whole record again next run
                ctx.fail(f"{ident} metadata.xml", exc.reason)
                return
            meta_resp = None                   # no metadata.xml: the page's own <meta> tags will do
        inputs = [meta_resp] if meta_resp is not None else []
        if not self.conf["fetch_pdf"] and ctx.unchanged(record.identifier or "", page, *inputs) is not None:
            return
        try:
            meta = parse_metadata_xml(meta_resp.body) if meta_resp is not None else {}
        except ParseError as exc:
            ctx.reject(meta_resp, f"{ident} metadata.xml", str(exc))
            return
        if doc is None:
            try:
                doc = parse_kamervraag_html(page.body, base_url=page.url, document_id=record.identifier)
            except ParseError as exc:   # not a Kamervraag after all: kept as a plain document
                doc, warning = None, "; ".join(filter(None, [warning, str(exc)]))
        doc_id = (doc.document_id if doc else None) or record.identifier or document_id_from_url(page.url)
        zaak_nummer = kamervragen.zaak_nummer_of(doc, meta)
        doc_type = kamervragen.DOC_TYPES.get(doc.kind or "", "kamerstuk") if doc else "kamerstuk"
        pdf = None
        if self.conf["fetch_pdf"] and record.item_urls.get("pdf"):
            pdf = ctx.fetch(record.item_urls["pdf"], "pdf", item=f"{ident} PDF")
            if pdf is None:
                return

        def after(conn, document_id):
            if zaak_nummer:
                kamervragen.rebuild(conn, ctx.cfg.data_dir, zaak_nummer,
                                    ctx.record_links if self.conf["follow_citations"] else None)

        metadata = {"metadata_xml": meta or (doc.meta if doc else {}), "zaak_nummer": zaak_nummer, "sru": {
            "publicatienaam": record.publicatienaam, "modified": record.modified, "type": record.type},
            "manifestation": "xml" if looks_like_xml(page.body) else "html"}
        if warning:
            metadata["parse_warning"] = warning
        title = first(meta, "DC.title") or record.title or (doc.title_full or doc.title if doc else None)
        date = parse_date(first(meta, "DCTERMS.issued")) or record.date or record.available
        try:
            ctx.store_document(doc_id, page, source_id=doc_id, url=html_url or page.url, title=title, date=date,
                               doc_type=doc_type, mime="application/xml" if looks_like_xml(page.body) else "text/html",
                               metadata=metadata, after=after)
        except ParseError as exc:   # the Kamervraag could not be assembled; nothing of it was written
            ctx.fail(ident, str(exc))
            return
        if pdf is not None:
            ctx.store_document(f"{doc_id}:pdf", pdf, source_id=doc_id, url=pdf.url, title=title, date=date,
                               doc_type=f"{doc_type}-pdf", mime="application/pdf", count=False,
                               metadata={"zaak_nummer": zaak_nummer, "html_document": doc_id})
