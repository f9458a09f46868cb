"""Crawling: the HTTP layer, the WARC archive and the source adapters behind `miner refresh`."""
from __future__ import annotations

import threading
from contextlib import contextmanager

from miner.store.db import transaction

# The sources of one run write from several threads; taking turns here instead of in SQLite's
# busy handler (which sleeps up to 100 ms per retry) keeps writes fast.  Other processes are
# still kept apart by SQLite's own locking.
_WRITE_LOCK = threading.RLock()


@contextmanager
def write_transaction(conn):
    with _WRITE_LOCK, transaction(conn):
        yield conn
