"""The store: one SQLite file (WAL) plus content-addressed raw files under the data folder."""
from miner.store.db import connect, transaction, migrate, schema_version, StoreError, utcnow  # noqa: F401


def open_store(cfg, readonly: bool = False):
    """Connection to the database named in the config."""
    return connect(cfg.database, readonly=readonly)
