"""User SQL on a read-only connection: moved to :mod:`miner.store.readonly` (this name is kept for callers)."""
from miner.store.readonly import (  # noqa: F401
    QueryTimeout, ReadOnlyDatabase, ReadOnlyError, Result, ensure_current_schema)
