"""Crawl state: the conditional-GET state and provenance of every URL (``fetches``) and the links
found in documents (``links``), with the cited reports they lead to.

The crawl calls these inside its own write transactions; nothing here commits.
"""
from __future__ import annotations

import sqlite3


# -- fetches -------------------------------------------------------------------------------

def fetch_state(conn: sqlite3.Connection, url: str) -> sqlite3.Row | None:
    """The last fetch of ``url``: status, validators, sha256, WARC record, attempts, error."""
    return conn.execute("SELECT * FROM fetches WHERE url = ?", (url,)).fetchone()


def conditional_headers(state: sqlite3.Row | dict | None) -> dict[str, str]:
    """If-None-Match / If-Modified-Since for a fetch state whose body is archived (a 304 must hand it back)."""
    headers: dict[str, str] = {}
    if state is not None and state["warc_file"]:
        if state["etag"]:
            headers["If-None-Match"] = state["etag"]
        if state["last_modified"]:
            headers["If-Modified-Since"] = state["last_modified"]
    return headers


def record_body(conn: sqlite3.Connection, url: str, source: str, status: int, *, etag: str | None,
                last_modified: str | None, content_type: str | None, sha256: str, fetched_at: str,
                warc_file: str | None, warc_offset: int | None) -> None:
    """A fetch that gave a body (200, or a 304 confirming one): new validators join the stored ones."""
    conn.execute(
        "INSERT INTO fetches(url, source, status, etag, last_modified, content_type, sha256, fetched_at, "
        "warc_file, warc_offset, attempts, error) VALUES (?,?,?,?,?,?,?,?,?,?,0,NULL) "
        "ON CONFLICT(url) DO UPDATE SET source=excluded.source, status=excluded.status, "
        "etag=COALESCE(excluded.etag, etag), last_modified=COALESCE(excluded.last_modified, last_modified), "
        "content_type=excluded.content_type, sha256=excluded.sha256, fetched_at=excluded.fetched_at, "
        "warc_file=excluded.warc_file, warc_offset=excluded.warc_offset, attempts=0, error=NULL",
        (url, source, status, etag, last_modified, content_type, sha256, fetched_at, warc_file, warc_offset))


def record_status(conn: sqlite3.Connection, url: str, source: str, status: int | None, fetched_at: str,
                  error: str | None = None) -> None:
    """A redirect or an HTTP error: the validators of the last good body stay; an error counts an attempt."""
    conn.execute(
        "INSERT INTO fetches(url, source, status, fetched_at, attempts, error) VALUES (?,?,?,?,?,?) "
        "ON CONFLICT(url) DO UPDATE SET status=excluded.status, fetched_at=excluded.fetched_at, "
        "error=excluded.error, attempts=CASE WHEN excluded.error IS NULL THEN 0 ELSE attempts + 1 END",
        (url, source, status, fetched_at, 1 if error else 0, error))


def record_failure(conn: sqlite3.Connection, url: str, source: str, status: int | None, fetched_at: str,
                   reason: str) -> None:
    """A request that failed (unreachable, refused, wrong type): one more attempt, the reason kept."""
    conn.execute(
        "INSERT INTO fetches(url, source, status, fetched_at, attempts, error) VALUES (?,?,?,?,1,?) "
        "ON CONFLICT(url) DO UPDATE SET status=COALESCE(excluded.status, status), "
        "fetched_at=excluded.fetched_at, attempts=attempts + 1, error=excluded.error",
        (url, source, status, fetched_at, reason))


def forget_validators(conn: sqlite3.Connection, url: str) -> None:
    """Drop the validators and archive pointer of ``url``: the next request is unconditional."""
    conn.execute("UPDATE fetches SET etag = NULL, last_modified = NULL, warc_file = NULL WHERE url = ?", (url,))


# -- links ---------------------------------------------------------------------------------

def record_link(conn: sqlite3.Connection, document_id: int, url: str, text: str | None, kind: str,
                reason: str | None) -> None:
    """A link found in a document; a link already followed keeps its state, others take the new reason."""
    conn.execute(
        "INSERT INTO links(document_id, url, text, kind, followed, reason) VALUES (?,?,?,?,0,?) "
        "ON CONFLICT(document_id, url) DO UPDATE SET text = excluded.text, kind = excluded.kind, "
        "reason = CASE WHEN links.followed = 1 THEN links.reason ELSE excluded.reason END",
        (document_id, url, text, kind, reason))


def mark_link_followed(conn: sqlite3.Connection, document_id: int, url: str, target_document_id: int) -> None:
    """The link of ``document_id`` to ``url`` was followed and stored as ``target_document_id``."""
    conn.execute("UPDATE links SET followed = 1, reason = NULL, target_document_id = ? "
                 "WHERE document_id = ? AND url = ?", (target_document_id, document_id, url))


def pending_citations(conn: sqlite3.Connection, retry_prefix: str) -> list[str]:
    """Footnote URLs not followed yet: never tried, or tried and failed (reason starts with ``retry_prefix``)."""
    rows = conn.execute(
        "SELECT url FROM links WHERE kind = 'footnote' AND followed = 0 "
        "AND (reason IS NULL OR reason LIKE ?) GROUP BY url ORDER BY MIN(id)",
        (retry_prefix + "%",)).fetchall()
    return [r["url"] for r in rows]


def mark_citation_followed(conn: sqlite3.Connection, url: str, target_document_id: int) -> None:
    """Every footnote citing ``url`` now points at the stored report."""
    conn.execute("UPDATE links SET followed = 1, reason = NULL, target_document_id = ? "
                 "WHERE url = ? AND kind = 'footnote'", (target_document_id, url))


def mark_citation_failed(conn: sqlite3.Connection, url: str, reason: str) -> None:
    """Footnotes citing ``url`` that are not followed get the reason."""
    conn.execute("UPDATE links SET reason = ? WHERE url = ? AND kind = 'footnote' AND followed = 0", (reason, url))
