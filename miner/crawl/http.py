"""The one HTTP layer every source uses.

Politeness (robots.txt, a minimum delay per host, a descriptive User-Agent),
robustness (timeouts, retries with exponential backoff honouring Retry-After,
a size limit, redirect limits and loop detection, a content-type check),
incrementality (conditional GET from the ``fetches`` table: a 304 hands back the
body archived before) and provenance (every response written to the WARC
archive).  Hosts are served in parallel by the caller's threads; requests to one
host are serialised by a per-host gate.

With an ``ArchiveIndex`` instead of the network (``--offline``) the same calls
answer from the archive.
"""
from __future__ import annotations

import email.utils
import hashlib
import sqlite3
import threading
import time
import urllib.robotparser
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import requests

from miner.crawl import archive as archive_mod
from miner.crawl import write_transaction as transaction
from miner.store import crawl_state

REDIRECTS = (301, 302, 303, 307, 308)
RETRY_STATUSES = (429, 500, 502, 503, 504)

# What a caller may expect a response to be; checked against Content-Type (and the bytes for PDF).
EXPECT = {
    "json": ("json",),
    "xml": ("xml",),
    "html": ("html",),
    "pdf": ("pdf",),
    "document": ("html", "pdf", "xml", "text/plain", "octet-stream"),
}


class FetchError(Exception):
    """A URL that could not be fetched; ``reason`` is one line for a person."""

    def __init__(self, url: str, reason: str, status: int | None = None, kind: str = "error"):
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason
        self.status = status
        self.kind = kind   # error, not_allowed, robots, unreachable, offline


@dataclass
class Response:
    url: str                     # final URL after redirects
    status: int                  # 200, or 304 when the body came from the archive unchanged
    headers: dict
    body: bytes
    sha256: str
    content_type: str
    warc_file: str | None = None
    warc_offset: int | None = None
    history: list[str] = field(default_factory=list)   # URLs redirected from

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    def text(self) -> str:
        charset = "utf-8"
        for part in self.content_type.split(";")[1:]:
            k, _, v = part.strip().partition("=")
            if k.lower() == "charset" and v:
                charset = v.strip('"')
        try:
            return self.body.decode(charset, errors="replace")
        except LookupError:
            return self.body.decode("utf-8", errors="replace")


@dataclass
class Politeness:
    user_agent: str
    delay_s: float = 5
    connect_timeout_s: float = 5
    read_timeout_s: float = 30
    retries: int = 3
    backoff_s: float = 2
    max_retry_after_s: float = 120
    max_response_bytes: int = 64 << 20
    max_redirects: int = 5
    obey_robots: bool = True

    @classmethod
    def from_config(cls, crawl: dict) -> "Politeness":
        return cls(user_agent=f"{crawl['user_agent']} (+{crawl['contact']})", delay_s=crawl["delay_s"],
                   connect_timeout_s=crawl["connect_timeout_s"], read_timeout_s=crawl["read_timeout_s"],
                   retries=crawl["retries"], backoff_s=crawl["backoff_s"],
                   max_retry_after_s=crawl["max_retry_after_s"],
                   max_response_bytes=int(crawl["max_response_mb"] * 1024 * 1024),
                   max_redirects=crawl["max_redirects"], obey_robots=crawl["obey_robots"])


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def _host_key(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.lower()}"


def parse_retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (delta seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


class _HostGate:
    """One request at a time per host, at least ``delay`` seconds apart (end of one → start of next)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.not_before = 0.0


class _Retry(Exception):
    def __init__(self, reason: str, wait: float | None = None, status: int | None = None):
        self.reason, self.wait, self.status = reason, wait, status


class Fetcher:
    def __init__(self, politeness: Politeness, data_dir: Path, *, archive: archive_mod.WarcArchive | None = None,
                 offline: archive_mod.ArchiveIndex | None = None, allowed_hosts: set[str] | None = None):
        self.p = politeness
        self.data_dir = Path(data_dir)
        self.archive = archive
        self.offline = offline
        self.allowed_hosts = {h.lower() for h in (allowed_hosts or set())}
        self._session = requests.Session()
        self._session.headers.update({"User-Agent": self.p.user_agent, "Accept-Encoding": "gzip, deflate"})
        self._lock = threading.Lock()
        self._gates: dict[str, _HostGate] = {}
        self._robots: dict[str, urllib.robotparser.RobotFileParser | str] = {}   # str: why not crawlable
        self._crawl_delay: dict[str, float] = {}
        self._down: dict[str, str] = {}          # host:port → why it is unreachable this run
        self._answered: set[str] = set()         # host:port servers that answered at least once this run
        self.stats: dict[str, Counter] = {}

    # ---- bookkeeping -------------------------------------------------------------------------

    def allow_host(self, host: str) -> None:
        self.allowed_hosts.add(host.lower())

    def is_allowed(self, url: str) -> bool:
        return urlsplit(url).scheme in ("http", "https") and host_of(url) in self.allowed_hosts

    def _count(self, source: str, key: str, n: int = 1) -> None:
        with self._lock:
            self.stats.setdefault(source, Counter())[key] += n

    def _gate(self, url: str) -> _HostGate:
        with self._lock:
            return self._gates.setdefault(_host_key(url), _HostGate())

    # ---- the public call ---------------------------------------------------------------------

    def get(self, url: str, conn: sqlite3.Connection, source: str, *, expect: str | None = None,
            conditional: bool = True) -> Response:
        """GET ``url`` politely; raises FetchError (recorded in ``fetches``) when it cannot."""
        try:
            if self.offline is not None:
                resp = self._get_offline(url, conn, source)
            else:
                resp = self._get_online(url, conn, source, conditional)
            try:
                _check_type(resp, expect)
            except FetchError:
                # A body we refuse must be downloaded again next time, not confirmed by a 304.
                _forget_validators(conn, resp.url)
                raise
        except FetchError as exc:
            self._record_failure(conn, url, source, exc)
            self._count(source, "failed")
            raise
        return resp

    # ---- one hop of a request, shared by online and offline fetching ---------------------------

    def _check_hop(self, current: str, url: str, source: str, conn, robots: bool) -> None:
        self._check_allowed(current, url)
        if robots:
            self._check_robots(current, source, conn)

    def _next_hop(self, url: str, seen: list[str], current: str, location: str, status: int | None) -> str:
        """The redirect target after loop and length checks (appended to ``seen``)."""
        target = urljoin(current, location)
        if target in seen:
            raise FetchError(url, f"redirect loop ({' → '.join(seen + [target])})", status, "error")
        if len(seen) > self.p.max_redirects:
            raise FetchError(url, f"more than {self.p.max_redirects} redirects", status)
        seen.append(target)
        return target

    # ---- online ------------------------------------------------------------------------------

    def _get_online(self, url: str, conn, source: str, conditional: bool, robots: bool = True) -> Response:
        seen = [url]
        current = url
        while True:
            self._check_hop(current, url, source, conn, robots)
            previous = crawl_state.fetch_state(conn, current) if conditional else None
            status, reason, headers, body, fetched_at = self._request(current, source, previous)
            rel, offset = self.archive.write(current, status, reason, list(headers.items()), body, fetched_at) \
                if self.archive else (None, None)
            if status in REDIRECTS and headers.get("Location"):
                self._record_fetch(conn, current, source, status, headers, None, rel, offset, fetched_at)
                current = self._next_hop(url, seen, current, headers["Location"], status)
                continue
            if status == 304 and previous is not None:
                old = archive_mod.read_record(self.data_dir, previous["warc_file"], previous["warc_offset"]) \
                    if previous["warc_file"] else None
                if old is None:   # the archived body is gone: ask again without conditions
                    _forget_validators(conn, current)
                    previous = None
                    continue
                if previous["error"] is not None or previous["status"] not in (200, 304):
                    # Otherwise the row already says all there is: these validators, this body.
                    self._record_fetch(conn, current, source, 304, headers, previous["sha256"],
                                       previous["warc_file"], previous["warc_offset"], fetched_at,
                                       content_type=previous["content_type"])
                self._count(source, "not_modified")
                return Response(current, 304, dict(old.headers), old.body, previous["sha256"],
                                previous["content_type"] or "", previous["warc_file"], previous["warc_offset"],
                                seen[:-1])
            if status != 200:
                self._record_fetch(conn, current, source, status, headers, None, rel, offset, fetched_at,
                                   error=f"HTTP {status}")
                raise FetchError(url, f"HTTP {status} {reason or ''}".strip(), status)
            sha = hashlib.sha256(body).hexdigest()
            self._record_fetch(conn, current, source, 200, headers, sha, rel, offset, fetched_at)
            self._count(source, "downloaded")
            return Response(current, 200, dict(headers), body, sha, headers.get("Content-Type", ""), rel, offset,
                            seen[:-1])

    def _check_allowed(self, current: str, original: str) -> None:
        if not self.is_allowed(current):
            what = "redirected to" if current != original else "host"
            raise FetchError(original, f"{what} {host_of(current) or current} is not a configured host",
                             kind="not_allowed")

    def _check_robots(self, url: str, source: str, conn) -> None:
        if not self.p.obey_robots:
            return
        key = _host_key(url)
        with self._lock:
            known = key in self._robots
        if not known:
            parser = self._load_robots(key, source, conn)
            with self._lock:
                self._robots[key] = parser
        parser = self._robots[key]
        if isinstance(parser, str):
            raise FetchError(url, parser)
        if not parser.can_fetch(self.p.user_agent, url):
            raise FetchError(url, "disallowed by robots.txt", kind="robots")

    def _load_robots(self, key: str, source: str, conn):
        """robots.txt through the same machinery (conditional, archived).  401/403 disallow everything;
        a missing file (4xx) allows everything; a server error means "do not crawl this host now"
        (RFC 9309), returned as the reason every request to the host fails with this run."""
        robots_url = key + "/robots.txt"
        parser = urllib.robotparser.RobotFileParser(robots_url)
        try:
            resp = (self._get_offline(robots_url, conn, source, robots=False) if self.offline is not None
                    else self._get_online(robots_url, conn, source, True, robots=False))
        except FetchError as exc:
            if exc.kind == "unreachable":
                raise
            if exc.kind != "offline" and (exc.status is None or exc.status >= 500):
                return f"robots.txt unavailable ({exc.reason}); host not crawled this run"
            if exc.status in (401, 403):
                parser.disallow_all = True
            else:
                parser.allow_all = True
            return parser
        parser.parse(resp.text().splitlines())
        delay = parser.crawl_delay(self.p.user_agent)
        if delay:
            self._crawl_delay[key] = float(delay)
        return parser

    def _request(self, url: str, source: str, previous) -> tuple[int, str, dict, bytes, datetime]:
        """One logical request with retries; returns (status, reason, headers, body, time)."""
        host = urlsplit(url).netloc.lower()   # reachability is per server (host and port), like the delay
        headers = crawl_state.conditional_headers(previous)
        gate = self._gate(url)
        delay = max(self.p.delay_s, self._crawl_delay.get(_host_key(url), 0))
        attempt = 0
        while True:
            if host in self._down:
                raise FetchError(url, f"{host} unreachable: {self._down[host]}", kind="unreachable")
            with gate.lock:
                pause = gate.not_before - time.monotonic()
                if pause > 0:
                    time.sleep(pause)
                try:
                    self._count(source, "requests")
                    result = self._attempt(url, headers, source)
                    with self._lock:
                        self._answered.add(host)
                    return result
                except _Retry as retry:
                    failure = retry
                finally:
                    gate.not_before = time.monotonic() + delay
            attempt += 1
            if failure.status is None and host not in self._answered:
                # Never answered this run (DNS failure, refused, connect timeout): give up on the host now.
                with self._lock:
                    self._down[host] = failure.reason
                raise FetchError(url, f"{host} unreachable: {failure.reason}", kind="unreachable")
            if attempt > self.p.retries:
                raise FetchError(url, f"{failure.reason} (gave up after {attempt} attempts)", failure.status or None)
            wait = self.p.backoff_s * (2 ** (attempt - 1))
            if failure.wait is not None:
                if failure.wait > self.p.max_retry_after_s:
                    raise FetchError(url, f"{failure.reason}; server asks to retry after {failure.wait:.0f} s "
                                          f"(more than crawl.max_retry_after_s)", failure.status)
                wait = max(wait, failure.wait)
            self._count(source, "retries")
            with gate.lock:
                gate.not_before = max(gate.not_before, time.monotonic() + wait)

    def _attempt(self, url: str, headers: dict, source: str):
        fetched_at = datetime.now(timezone.utc)
        try:
            r = self._session.get(url, headers=headers, allow_redirects=False, stream=True,
                                  timeout=(self.p.connect_timeout_s, self.p.read_timeout_s))
        except requests.exceptions.ConnectTimeout:
            raise _Retry(f"connect timeout after {self.p.connect_timeout_s} s")
        except requests.exceptions.ReadTimeout:
            raise _Retry(f"no response within {self.p.read_timeout_s} s", status=0)
        except requests.exceptions.ConnectionError as exc:
            raise _Retry(_connection_reason(exc))
        except requests.exceptions.RequestException as exc:
            raise FetchError(url, f"request failed: {exc}")
        try:
            size = int(r.headers.get("Content-Length") or 0)
            if size > self.p.max_response_bytes:
                raise FetchError(url, f"response of {size / 1048576:.1f} MB is larger than crawl.max_response_mb")
            chunks, total = [], 0
            try:
                for chunk in r.iter_content(65536):
                    total += len(chunk)
                    if total > self.p.max_response_bytes:
                        raise FetchError(url, "response larger than crawl.max_response_mb; aborted")
                    chunks.append(chunk)
            except requests.exceptions.ConnectionError as exc:
                raise _Retry(f"connection broken while reading ({_connection_reason(exc)})", status=0)
            except requests.exceptions.ChunkedEncodingError:
                raise _Retry("response truncated (connection closed before the announced length)", status=0)
            self._count(source, "bytes", total)
        finally:
            r.close()
        if r.status_code in RETRY_STATUSES:
            raise _Retry(f"HTTP {r.status_code}", parse_retry_after(r.headers.get("Retry-After")), r.status_code)
        return r.status_code, r.reason, r.headers, b"".join(chunks), fetched_at

    # ---- offline -----------------------------------------------------------------------------

    def _get_offline(self, url: str, conn, source: str, robots: bool = True) -> Response:
        seen = [url]
        current = url
        while True:
            self._check_hop(current, url, source, conn, robots)
            old = self.offline.get(current)
            if old is None:
                raise FetchError(url, "not in the archive (offline run)", kind="offline")
            loc = old.header("Location")
            if old.status in REDIRECTS and loc:
                current = self._next_hop(url, seen, current, loc, old.status)
                continue
            sha = hashlib.sha256(old.body).hexdigest()
            headers = {k: v for k, v in old.headers}
            when = datetime.fromisoformat(old.date.replace("Z", "+00:00")) if old.date else None
            self._record_fetch(conn, current, source, 200, headers, sha, old.file, old.offset, when)
            self._count(source, "from_archive")
            return Response(current, 200, headers, old.body, sha, old.header("Content-Type") or "",
                            old.file, old.offset, seen[:-1])

    # ---- the fetches table -------------------------------------------------------------------

    def _record_fetch(self, conn, url, source, status, headers, sha, rel, offset, fetched_at, *,
                      error=None, content_type=None):
        when = (fetched_at or datetime.now(timezone.utc)).replace(microsecond=0).isoformat()
        with transaction(conn):
            if sha is None:   # redirects and errors keep the validators of the last good body
                crawl_state.record_status(conn, url, source, status, when, error)
                return
            crawl_state.record_body(conn, url, source, status, etag=headers.get("ETag"),
                                    last_modified=headers.get("Last-Modified"),
                                    content_type=content_type or headers.get("Content-Type"), sha256=sha,
                                    fetched_at=when, warc_file=rel, warc_offset=offset)

    def _record_failure(self, conn, url, source, exc: FetchError) -> None:
        when = datetime.now(timezone.utc).replace(microsecond=0).isoformat()
        with transaction(conn):
            crawl_state.record_failure(conn, url, source, exc.status, when, exc.reason)

    def forget(self, conn, url: str) -> None:
        """A body that turned out unusable (cut short, not parseable): download it again next time."""
        _forget_validators(conn, url)

    def close(self):
        self._session.close()


def _forget_validators(conn, url: str) -> None:
    with transaction(conn):
        crawl_state.forget_validators(conn, url)


def _connection_reason(exc: Exception) -> str:
    text = str(exc)
    for marker, reason in (("Name or service not known", "host name not found"),
                           ("Temporary failure in name resolution", "host name not found (no DNS)"),
                           ("NameResolutionError", "host name not found"),
                           ("Connection refused", "connection refused"),
                           ("Network is unreachable", "network unreachable"),
                           ("timed out", "connect timeout")):
        if marker in text:
            return reason
    return f"connection failed ({type(exc).__name__})"


def _check_type(resp: Response, expect: str | None) -> None:
    if expect is None:
        return
    ctype = resp.content_type.split(";")[0].strip().lower()
    if expect == "pdf":
        if not resp.body[:1024].lstrip().startswith(b"%PDF"):
            raise FetchError(resp.url, f"expected a PDF, got {ctype or 'no content type'}", kind="content_type")
        if b"%%EOF" not in resp.body[-4096:]:   # a server that closed early without a Content-Length
            raise FetchError(resp.url, "PDF is cut short (no %%EOF at the end)", kind="content_type")
        return
    if any(marker in ctype for marker in EXPECT[expect]):
        return
    if expect == "document" and resp.body[:5] == b"%PDF-":
        return
    raise FetchError(resp.url, f"expected {expect.upper()}, got {ctype or 'no content type'}", kind="content_type")
