"""The store: one SQLite file (WAL) plus content-addressed raw files under the data folder.

All of miner's SQL lives in this package, one module per concept (documents, files, fields, works,
crawl_state, kamervragen, tagging, relevance, reviews, runs, overview, evidence, search, readonly,
queries); the stages and the CLI call their functions (see README, "The store")."""
from miner.store.db import connect, transaction, migrate, schema_version, StoreError, utcnow  # noqa: F401


def open_store(cfg, readonly: bool = False):
    """Connection to the database named in the config."""
    return connect(cfg.database, readonly=readonly)
