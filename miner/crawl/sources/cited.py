"""Cited reports: URLs in Kamervraag footnotes enter the corpus, linked to the question.

Sources that parse Kamervragen record footnote URLs in ``links`` (kind
``footnote``): allowed hosts pending, others with the reason they are not
followed.  This phase runs after the sources: a URL that a site adapter
recognises as a publication page is stored by that adapter (metadata + PDF);
anything else on an allowed host is stored as it is.  ``links.target_document_id``
then points from the question to the report.  Failed URLs keep their reason
and are tried again next run.
"""
from __future__ import annotations

from miner.crawl.http import FetchError
from miner.crawl.sources.base import CrawlContext
from miner.store import crawl_state

CITED = "cited"
FAILED_PREFIX = "fetch failed: "


def pending_urls(conn) -> list[str]:
    return crawl_state.pending_citations(conn, FAILED_PREFIX)


def _mark(conn, url: str, *, target: int | None = None, reason: str | None = None) -> None:
    if target is not None:
        crawl_state.mark_citation_followed(conn, url, target)
    else:
        crawl_state.mark_citation_failed(conn, url, reason)


def crawl_citations(ctx: CrawlContext) -> None:
    sites = [s for s in (ctx.registry or []) if s.type_name == "site"]
    for url in pending_urls(ctx.conn):
        if not ctx.allowed(url):
            _mark(ctx.conn, url, reason="host is not a configured host")
            continue
        before = len(ctx.summary.failed)
        try:
            site = next((s for s in sites if s.is_publication(url)), None)
            doc_id = site.store_publication(ctx, url) if site else _store_plain(ctx, url)
        except FetchError as exc:   # the host is unreachable this run
            ctx.fail(url, exc.reason)
            doc_id = None
        if doc_id is not None:
            _mark(ctx.conn, url, target=doc_id)
        else:
            reason = ctx.summary.failed[-1][1] if len(ctx.summary.failed) > before else "not stored"
            _mark(ctx.conn, url, reason=FAILED_PREFIX + reason)


def _store_plain(ctx: CrawlContext, url: str) -> int | None:
    resp = ctx.fetch(url, "document")
    if resp is None:
        return None
    is_pdf = resp.body[:5] == b"%PDF-"
    up = ctx.store_document(f"url:{url}", resp, url=url, doc_type="rapport" if is_pdf else "webpagina",
                            mime="application/pdf" if is_pdf else None, metadata={"cited": True})
    return up.id
