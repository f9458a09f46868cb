"""The generic publication-site adapter: seeds/sitemaps → listing pages → publication pages → PDF.

Movisie, KIS, Verwey-Jonker and Sociaal Werk Nederland are four configurations
of this adapter; a researcher adds a site by adding a ``type = "site"`` table.
A publication is stored as one document keyed by its page URL
(``url:<page>``): the page's metadata in the row, the PDF (when the page links
one) as its bytes, so extraction yields the report's text.
"""
from __future__ import annotations

import re
from collections import deque
from urllib.parse import urlsplit

from defusedxml.common import DefusedXmlException
from xml.etree.ElementTree import ParseError as XmlParseError

from miner.crawl.http import host_of
from miner.crawl.publication import content_links, page_links, parse_sitemap, publication_metadata
from miner.crawl.sources.base import CrawlContext, Source, SourceConfigError
from miner.store import crawl_state, documents


def _matches(patterns, url: str) -> bool:
    """Patterns starting with ``^/`` or ``/`` match the path (and query) on this site's hosts, so a
    site's configuration keeps working on a mirror or a test server; others match the whole URL."""
    parts = urlsplit(url)
    local = parts.path + (f"?{parts.query}" if parts.query else "")
    return any(p.search(local if p.pattern.startswith(("^/", "/")) else url) for p in patterns)


class SiteSource(Source):
    type_name = "site"

    def __init__(self, name: str, conf: dict):
        super().__init__(name, conf)
        self._pub = [re.compile(p) for p in conf.get("publication") or []]
        self._follow = [re.compile(p) for p in conf.get("follow") or []]

    def validate(self) -> None:
        if not (self.conf.get("seeds") or self.conf.get("sitemaps")):
            raise SourceConfigError(f"crawl.sources.{self.name}: a site needs seeds or sitemaps")
        self.require("publication")

    def plan(self) -> list[str]:
        return list(self.conf["sitemaps"]) + list(self.conf["seeds"])

    def is_publication(self, url: str) -> bool:
        return host_of(url) in self.hosts() and _matches(self._pub, url)

    def _is_listing(self, url: str) -> bool:
        return host_of(url) in self.hosts() and _matches(self._follow, url)

    # ---- discovery -----------------------------------------------------------------------------

    def _from_sitemaps(self, ctx: CrawlContext, pubs: dict, listings: deque) -> None:
        queue, seen = deque(self.conf["sitemaps"]), set()
        while queue:
            url = queue.popleft()
            if url in seen:
                continue
            seen.add(url)
            resp = ctx.fetch(url, "xml")
            if resp is None:
                continue
            try:
                children, pages = parse_sitemap(resp.body)
            except (XmlParseError, DefusedXmlException) as exc:
                ctx.reject(resp, url, f"sitemap is not valid XML: {exc}")
                continue
            queue.extend(c for c in children if ctx.allowed(c))
            for loc, lastmod in pages:
                if ctx.since and lastmod and lastmod < ctx.since:
                    continue
                if self.is_publication(loc):
                    pubs.setdefault(loc, lastmod)
                elif self._is_listing(loc):
                    listings.append((loc, 1))

    def _from_listings(self, ctx: CrawlContext, pubs: dict, listings: deque) -> None:
        seen = set()
        while listings:
            url, depth = listings.popleft()
            if url in seen:
                continue
            seen.add(url)
            resp = ctx.fetch(url, "html")
            if resp is None:
                continue
            for link, _ in page_links(resp.body, resp.url):
                if self.is_publication(link):
                    pubs.setdefault(link, None)
                elif depth < self.conf["max_depth"] and self._is_listing(link) and link not in seen:
                    listings.append((link, depth + 1))

    def crawl(self, ctx: CrawlContext) -> None:
        pubs: dict[str, str | None] = {}   # publication URL → sitemap lastmod
        listings = deque((u, 0) for u in self.conf["seeds"])
        self._from_sitemaps(ctx, pubs, listings)
        self._from_listings(ctx, pubs, listings)
        limit = ctx.limit or self.conf["max_items"] or None
        for i, (url, lastmod) in enumerate(pubs.items()):
            if limit is not None and i >= limit:
                break
            if lastmod and self._stored_with_lastmod(ctx, url, lastmod):
                ctx.count("unchanged")   # the sitemap says it has not changed since we stored it
                continue
            self.store_publication(ctx, url, lastmod)

    @staticmethod
    def _stored_with_lastmod(ctx: CrawlContext, url: str, lastmod: str) -> bool:
        row = documents.metadata_value(ctx.conn, f"url:{url}", "lastmod")
        return row is not None and row["value"] == lastmod

    # ---- one publication -----------------------------------------------------------------------

    def store_publication(self, ctx: CrawlContext, url: str, lastmod: str | None = None) -> int | None:
        """Fetch a publication page and its PDF and store them as one document; returns its id."""
        key = f"url:{url}"
        page = ctx.fetch(url, "html")
        if page is None:
            return None
        fetched = {}
        if page.not_modified and lastmod is None:   # page as before: ask for the PDF it linked before; both 304 = done
            stored = documents.metadata_value(ctx.conn, key, "pdf_url")
            stored_pdf = stored["value"] if stored is not None else None
            if stored_pdf:
                pdf = ctx.fetch(stored_pdf, "pdf", item=f"{url} (PDF {stored_pdf})")
                if pdf is None and not ctx.last_skipped:
                    return None
                fetched[stored_pdf] = pdf
                done = ctx.unchanged(key, pdf, page) if pdf is not None else None
            else:
                done = ctx.unchanged(key, page) if stored is not None else None
            if done is not None:
                return done
        meta = publication_metadata(page.body, page.url, self.conf["selectors"])
        body, pdf_url = page, None
        for candidate in meta["pdf_urls"]:
            if not ctx.allowed(candidate):
                continue
            if candidate in fetched:
                pdf = fetched[candidate]
            else:
                pdf = ctx.fetch(candidate, "pdf", item=f"{url} (PDF {candidate})")
                if pdf is None and not ctx.last_skipped:
                    return None   # counted as failed; the next run tries again
            if pdf is None:   # robots.txt forbids the file: keep the page itself
                continue
            body, pdf_url = pdf, candidate
            break
        extra = {k: meta[k] for k in ("themes", "summary", "isbn", "pages") if meta[k]}
        extra["page_url"] = page.url
        if lastmod:
            extra["lastmod"] = lastmod
        if pdf_url:
            extra["pdf_url"] = pdf_url
        links = [{"url": u, "text": t, "kind": "pdf" if u in meta["pdf_urls"] else "link"}
                 for u, t in content_links(page.body, page.url) if not ctx.allowed(u) or u in meta["pdf_urls"]]

        def after(conn, doc_id):
            ctx.record_links(doc_id, links, conn)
            if pdf_url:
                crawl_state.mark_link_followed(conn, doc_id, pdf_url, doc_id)

        up = ctx.store_document(key, body, after=after, url=page.url, title=meta["title"], date=meta["date"],
                                doc_type=self.conf["doc_type"], authors=meta["authors"], metadata=extra)
        return up.id
