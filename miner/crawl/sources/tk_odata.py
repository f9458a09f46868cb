"""Tweede Kamer Open Data (OData v4): Zaken of soort 'Schriftelijke vragen' with documents and actors.

By number (``numbers``), else by date range (``since``/``until``) and search terms (``terms``,
default the taxonomy's core vocabulary; each in the subject or the title, one search per term);
``--since`` adds ``GewijzigdOp ge …``.  Pages are followed through ``@odata.nextLink``; deleted items are skipped.  Each Zaak is
kept in ``tk_zaken`` and merged into its Kamervraag; with ``fetch_pdf`` the
files of its documents (``Document(<Id>)/resource``) are stored as documents too.
"""
from __future__ import annotations

import json

from miner.crawl import kamervragen
from miner.crawl.http import FetchError
from miner.crawl.parsers.errors import ParseError
from miner.crawl.parsers.odata import build_zaak_url, document_resource_url, parse_zaak, parse_zaak_page
from miner.crawl.sources.base import CrawlContext, Source
from miner.crawl import write_transaction
from miner.store import kamervragen as store_kamervragen
from miner.store.db import utcnow


class TkODataSource(Source):
    type_name = "tk_odata"

    def validate(self) -> None:
        self.require("base_url")

    def _urls(self, since: str | None, cfg=None) -> list[tuple[str | None, str]]:
        """(search term or None, first page URL): Zaak numbers when configured, else one search per term.
        OData ``contains`` matches substrings, so a stem ``discrimin*`` is searched as ``discrimin``."""
        c = self.conf
        if c["numbers"]:
            return [(None, build_zaak_url(c["base_url"], nummer=n, modified_since=since)) for n in c["numbers"]]
        terms = self.search_terms(cfg) if (c["terms"] or not c["query"]) else [c["query"]]
        return [(term, build_zaak_url(c["base_url"], started_from=c["since"], started_before=c["until"] or None,
                                      search=term.rstrip("*"), modified_since=since)) for term in terms]

    def plan(self) -> list[str]:
        return [url for _, url in self._urls(None)]

    def crawl(self, ctx: CrawlContext) -> None:
        limit = ctx.limit or self.conf["max_items"] or None
        done = 0
        seen_zaken: set[str] = set()           # a Zaak found by several terms is stored once
        searches = self._urls(ctx.since, ctx.cfg)
        for term, url in searches:
            seen = set()
            if term is not None:
                ctx.summary.terms.setdefault(term, 0)
            while url and url not in seen:
                seen.add(url)
                try:
                    resp = ctx.fetch_or_raise(url, "json")
                    try:
                        page = parse_zaak_page(resp.body, resp.url)
                    except ParseError:
                        ctx.fetcher.forget(ctx.conn, resp.url)
                        raise
                except (FetchError, ParseError) as exc:
                    if term is None or len(searches) == 1 or getattr(exc, "kind", None) == "unreachable":
                        raise
                    # one term the service refuses does not stop the others; it is a listed failure
                    ctx.fail(f"search term {term!r}", getattr(exc, "reason", None) or str(exc))
                    break
                for item in json.loads(resp.body).get("value", []):
                    zaak = parse_zaak(item)
                    if zaak is None or not zaak.nummer:
                        continue
                    if term is not None:
                        ctx.summary.terms[term] += 1
                    if zaak.nummer in seen_zaken:
                        continue
                    if limit is not None and done >= limit:
                        return
                    seen_zaken.add(zaak.nummer)
                    done += 1
                    self._zaak(ctx, item, zaak)
                url = page.next_link

    def _zaak(self, ctx: CrawlContext, item: dict, zaak) -> None:
        if self.conf["fetch_pdf"]:
            for doc in zaak.documents:
                self._document_file(ctx, zaak, doc)
        blob = json.dumps(item, ensure_ascii=False, sort_keys=True)
        stored = store_kamervragen.zaak_json(ctx.conn, zaak.nummer)
        if stored == blob:   # stored and merged together before: nothing to do
            ctx.count("unchanged")
            return
        try:
            with write_transaction(ctx.conn):   # the Zaak and the Kamervraag merged from it, together
                store_kamervragen.save_zaak(ctx.conn, zaak.nummer, zaak.id, zaak.gewijzigd_op, blob, self.name,
                                            utcnow())
                kamervragen.rebuild(ctx.conn, ctx.cfg.data_dir, zaak.nummer,
                                    ctx.record_links if self.conf["follow_citations"] else None)
        except ParseError as exc:
            ctx.fail(zaak.nummer, str(exc))
            return
        ctx.count("new" if stored is None else "changed")

    def _document_file(self, ctx: CrawlContext, zaak, doc) -> None:
        try:
            url = document_resource_url(self.conf["base_url"], doc.id)
        except ParseError as exc:
            ctx.fail(f"{zaak.nummer} document {doc.id}", str(exc))
            return
        resp = ctx.fetch(url, "document", item=f"{zaak.nummer} document {doc.id}")
        if resp is None:
            return
        ctx.store_document(f"tk-document-{doc.id}", resp, source_id=doc.nummer or doc.id, url=url,
                           title=doc.titel or doc.onderwerp, date=doc.datum,
                           doc_type=doc.soort.lower().replace(" ", "_"), count=False,
                           metadata={"zaak_nummer_tk": zaak.nummer, "soort": doc.soort})
