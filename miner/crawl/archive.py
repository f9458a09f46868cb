"""Provenance: every HTTP response is written to a gzipped WARC file.

Files live under ``<data_dir>/archive/`` as ``miner-<UTC time>-<pid>-<n>.warc.gz``;
one file per run, rotated at ``crawl.archive_max_mb``.  Each record is its own
gzip member, so a record can be read back from its file offset (kept in the
``fetches`` table) and a file cut short by a kill is still readable up to the
last complete record.
"""
from __future__ import annotations

import base64
import hashlib
import io
import os
import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

ARCHIVE_DIR = "archive"


@dataclass
class ArchivedResponse:
    url: str
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    date: str
    file: str        # relative to data_dir
    offset: int

    def header(self, name: str) -> str | None:
        name = name.lower()
        for k, v in self.headers:
            if k.lower() == name:
                return v
        return None


def payload_digest(body: bytes) -> str:
    return "sha256:" + base64.b32encode(hashlib.sha256(body).digest()).decode("ascii")


class WarcArchive:
    """Append-only WARC writer shared by all fetch threads of a run."""

    def __init__(self, data_dir: Path, max_mb: float = 512):
        self.data_dir = Path(data_dir)
        self.dir = self.data_dir / ARCHIVE_DIR
        self.max_bytes = int(max_mb * 1024 * 1024)
        self._lock = threading.Lock()
        self._fh = None
        self._writer = None
        self._rel = None
        self._n = 0

    def _open(self):
        self.dir.mkdir(parents=True, exist_ok=True)
        self._n += 1
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        name = f"miner-{stamp}-{os.getpid()}-{self._n}.warc.gz"
        self._rel = f"{ARCHIVE_DIR}/{name}"
        self._fh = open(self.data_dir / self._rel, "ab")
        self._writer = WARCWriter(self._fh, gzip=True)

    def write(self, url: str, status: int, reason: str, headers: list[tuple[str, str]], body: bytes,
              fetched_at: datetime) -> tuple[str, int]:
        """Archive one response; returns (file relative to data_dir, offset of the record)."""
        with self._lock:
            if self._fh is None or self._fh.tell() >= self.max_bytes:
                self.close()
                self._open()
            # Transfer encodings no longer apply to the stored (decoded) body.
            kept = [(k, v) for k, v in headers
                    if k.lower() not in ("transfer-encoding", "content-encoding", "content-length")]
            kept.append(("Content-Length", str(len(body))))
            http_headers = StatusAndHeaders(f"{status} {reason or ''}".strip(), kept, protocol="HTTP/1.1")
            record = self._writer.create_warc_record(
                url, "response", payload=io.BytesIO(body), length=len(body), http_headers=http_headers,
                warc_headers_dict={"WARC-Date": fetched_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
                                   "WARC-Payload-Digest": payload_digest(body)})
            offset = self._fh.tell()
            self._writer.write_record(record)
            # Flushed to the OS before the store refers to it, so a killed process loses nothing.
            # (No fsync: after a power cut a missing record is only a refetch, see http.Fetcher.)
            self._fh.flush()
            return self._rel, offset

    def close(self):
        if self._fh is not None:
            self._fh.close()
            self._fh = self._writer = None


def _to_response(record, rel: str, offset: int) -> ArchivedResponse | None:
    if record.rec_type != "response" or record.http_headers is None:
        return None
    body = record.content_stream().read()
    return ArchivedResponse(
        url=record.rec_headers.get_header("WARC-Target-URI"),
        status=int(record.http_headers.get_statuscode() or 0),
        headers=list(record.http_headers.headers), body=body,
        date=record.rec_headers.get_header("WARC-Date"), file=rel, offset=offset)


def read_record(data_dir: Path, rel: str, offset: int) -> ArchivedResponse | None:
    """The response stored at ``offset`` of archive file ``rel`` (None if it is not there)."""
    path = Path(data_dir) / rel
    try:
        with open(path, "rb") as fh:
            fh.seek(offset)
            for record in ArchiveIterator(fh):
                return _to_response(record, rel, offset)
    except Exception:   # missing file, or a record cut short by a kill: warcio raises various errors
        return None
    return None


def _scan(data_dir: Path, bodies: bool):
    folder = Path(data_dir) / ARCHIVE_DIR
    for path in sorted(folder.glob("*.warc.gz"), key=lambda p: (p.stat().st_mtime, p.name)):
        rel = f"{ARCHIVE_DIR}/{path.name}"
        with open(path, "rb") as fh:
            it = ArchiveIterator(fh)
            try:
                for record in it:
                    if record.rec_type != "response" or record.http_headers is None:
                        continue
                    if bodies:
                        yield _to_response(record, rel, it.get_record_offset())
                    else:   # the iterator skips the unread body
                        yield (record.rec_headers.get_header("WARC-Target-URI"),
                               int(record.http_headers.get_statuscode() or 0), rel, it.get_record_offset())
            except Exception:  # truncated gzip member at the end of a killed run's file
                continue


def iter_archive(data_dir: Path):
    """Every complete response record of every archive file, oldest file first.

    A file cut short (the run was killed mid-write) yields its complete records and stops.
    """
    yield from _scan(data_dir, bodies=True)


class ArchiveIndex:
    """URL → latest archived response with a body or a redirect; the network of `--offline` runs."""

    def __init__(self, data_dir: Path):
        self.data_dir = Path(data_dir)
        self._where: dict[str, tuple[str, int]] = {}
        for url, status, rel, offset in _scan(self.data_dir, bodies=False):
            if status == 200 or 300 <= status < 400 and status != 304:
                self._where[url] = (rel, offset)

    def __len__(self):
        return len(self._where)

    def get(self, url: str) -> ArchivedResponse | None:
        where = self._where.get(url)
        return read_record(self.data_dir, *where) if where else None
