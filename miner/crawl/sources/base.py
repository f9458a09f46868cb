"""The interface every source implements, and the context it crawls in.

A source is built from its ``[crawl.sources.<name>]`` table, names the hosts it
needs, checks its own keys, and crawls: it fetches through ``ctx.fetch`` (the
one HTTP layer) and stores through ``ctx.store_document`` (one transaction per
document), so resumability, provenance and the per-source tally are the same
for every source.
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from urllib.parse import urldefrag, urlsplit

from miner.crawl.http import Fetcher, FetchError, Response, host_of
from miner.crawl import write_transaction
from miner.store import crawl_state, documents, files


class SourceConfigError(Exception):
    """A source table that cannot work; one line naming the key."""


@dataclass
class SourceSummary:
    name: str
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)   # (url or id, reason)
    error: str | None = None      # the source as a whole could not run (unreachable, bad config)
    skipped: int = 0              # URLs not fetched on purpose: robots.txt, hosts not configured
    seconds: float = 0.0
    requests: int = 0
    downloaded: int = 0
    not_modified: int = 0
    bytes: int = 0
    terms: dict = field(default_factory=dict)   # search term → items it found (before de-duplication)

    @property
    def ok(self) -> bool:
        return self.error is None and not self.failed

    def as_dict(self) -> dict:
        return {"new": self.new, "changed": self.changed, "unchanged": self.unchanged,
                "failed": [list(f) for f in self.failed], "error": self.error, "skipped": self.skipped, "seconds": round(self.seconds, 2),
                "requests": self.requests, "downloaded": self.downloaded, "not_modified": self.not_modified,
                "bytes": self.bytes, "terms": dict(self.terms)}


class CrawlContext:
    """What a source needs while it runs: a connection of its own, the fetcher, limits and its tally."""

    def __init__(self, cfg, conn: sqlite3.Connection, fetcher: Fetcher, summary: SourceSummary, *,
                 since: str | None = None, limit: int | None = None, bar=None, registry=None):
        self.cfg = cfg
        self.conn = conn
        self.fetcher = fetcher
        self.summary = summary
        self.since = since          # only items changed since this ISO date (--since)
        self.limit = limit          # at most this many items (--limit)
        self.bar = bar
        self.registry = registry    # all sources of the run, for cited URLs that belong to a site
        self.last_skipped = False   # the last fetch was refused on purpose (robots.txt, host)

    @property
    def source(self) -> str:
        return self.summary.name

    # ---- fetching ------------------------------------------------------------------------------

    def fetch(self, url: str, expect: str | None = None, *, item: str | None = None) -> Response | None:
        """Fetch, or return None: refused on purpose (robots.txt, other host) counts as skipped,
        anything else is recorded as a failure in the tally (``item`` names it)."""
        self.last_skipped = False
        try:
            return self.fetcher.get(url, self.conn, self.source, expect=expect)
        except FetchError as exc:
            if exc.kind == "unreachable":
                raise
            if exc.kind in ("robots", "not_allowed"):
                self.summary.skipped += 1
                self.last_skipped = True
                return None
            self.fail(item or url, exc.reason)
            return None

    def fetch_or_raise(self, url: str, expect: str | None = None) -> Response:
        """For the requests a source cannot do without (its API, its first listing)."""
        return self.fetcher.get(url, self.conn, self.source, expect=expect)

    def reject(self, resp: Response, what: str, reason: str) -> None:
        """A fetched body the source cannot use: a failure now, and no 304 for it next run."""
        self.fetcher.forget(self.conn, resp.url)
        self.fail(what, reason)

    def allowed(self, url: str) -> bool:
        return self.fetcher.is_allowed(url)

    # ---- tally ---------------------------------------------------------------------------------

    def fail(self, what: str, reason: str) -> None:
        self.summary.failed.append((what, reason))
        self.advance()

    def count(self, change: str) -> None:
        setattr(self.summary, change, getattr(self.summary, change) + 1)
        self.advance()

    def advance(self) -> None:
        if self.bar is not None:
            self.bar.update(1)

    def limit_reached(self, done: int) -> bool:
        return self.limit is not None and done >= self.limit

    # ---- storing -------------------------------------------------------------------------------

    def unchanged(self, doc_key: str, body: Response, *inputs: Response) -> int | None:
        """The id of ``doc_key`` when it is stored with these bytes and every response it was made
        from came back 304: then there is nothing to parse or write (counted as unchanged)."""
        if not all(r.not_modified for r in (body, *inputs)):
            return None
        row = documents.identity(self.conn, doc_key)
        if row is None or row["sha256"] != body.sha256:
            return None
        self.count("unchanged")
        return row["id"]

    def store_document(self, doc_key: str, resp: Response, *, mime: str | None = None, after=None,
                       count: bool = True, **meta) -> documents.Upsert:
        """Raw bytes + document row (+ whatever ``after(conn, doc_id)`` writes) in one transaction."""
        mime = mime or resp.content_type.split(";")[0].strip() or None
        with write_transaction(self.conn):
            sha = files.put_bytes(self.conn, self.cfg.data_dir, resp.body, mime)
            meta.setdefault("url", resp.url)
            up = documents.upsert(self.conn, doc_key, self.source, sha, mime=mime, **meta)
            if after is not None:
                after(self.conn, up.id)
        if count:
            self.count(up.change)
        return up

    def record_links(self, doc_id: int, links: list[dict], conn: sqlite3.Connection | None = None) -> None:
        """Links found in a document: allowed ones stay pending for the cited-reports phase
        (kind 'footnote') or are marked followed elsewhere; others get the reason they are not followed."""
        conn = conn or self.conn
        for link in links:
            url = urldefrag(link["url"])[0]
            if urlsplit(url).scheme not in ("http", "https"):
                continue
            reason = None if self.allowed(url) else f"host {host_of(url)} is not a configured host"
            crawl_state.record_link(conn, doc_id, url, link.get("text"), link.get("kind", "link"), reason)


def core_vocabulary(cfg=None) -> list[str]:
    """The stems (as ``discrimin*``) and words of the taxonomy's ``[context.discrimination]`` table: the words
    that alone make a sentence speak of discrimination."""
    from miner.nlp.tagging import taxonomy as taxonomy_mod
    tax = taxonomy_mod.load(taxonomy_mod.resolve_path(cfg) if cfg is not None else None)
    cue = tax.cue("context", "discrimination")
    if cue is None:
        raise SourceConfigError(f"{tax.path}: [context.discrimination] is missing: set crawl.sources.<name>.terms")
    stems = [f"{t.strip()}*" for t in cue.get("stems") if t.strip()]      # a stem matches as a word prefix
    return list(dict.fromkeys(stems + [t.strip() for t in cue.get("words") if t.strip()]))


class Source:
    """One configured source.  Subclasses set ``type_name`` and implement ``crawl``."""

    type_name = ""

    def __init__(self, name: str, conf: dict):
        self.name = name
        self.conf = conf
        self._hosts: frozenset[str] | None = None

    def require(self, *keys: str) -> None:
        for key in keys:
            if not self.conf.get(key):
                raise SourceConfigError(f"crawl.sources.{self.name}.{key}: required for type = "
                                        f"\"{self.type_name}\"")

    def validate(self) -> None:
        """Raise SourceConfigError when a key this type needs is missing or wrong."""

    def search_terms(self, cfg=None) -> list[str]:
        """``terms`` from config; else the single ``query`` (tk_odata's older form); else the core
        vocabulary of the taxonomy the tagger uses (read through its loader, so the list lives in one file)."""
        if self.conf.get("terms"):
            return list(dict.fromkeys(t.strip() for t in self.conf["terms"] if t.strip()))
        return core_vocabulary(cfg)

    def hosts(self) -> set[str]:
        """Hosts this source fetches from."""
        if self._hosts is None:
            urls = [self.conf.get("base_url") or ""] + list(self.conf.get("seeds") or []) + \
                list(self.conf.get("sitemaps") or [])
            self._hosts = frozenset({host_of(u) for u in urls if u} | {h.lower() for h in self.conf.get("hosts") or []})
        return self._hosts

    def plan(self) -> list[str]:
        """The first URLs this source will request (for --dry-run)."""
        return []

    def crawl(self, ctx: CrawlContext) -> None:
        raise NotImplementedError

    def complete(self, ctx: CrawlContext) -> None:
        """Runs after every source has crawled (what one source learnt may send another back)."""

