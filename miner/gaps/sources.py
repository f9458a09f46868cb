"""Which documents are parliamentary attention (Kamervragen) rather than research: the SQL
expression lives in the store (``miner.store.gaps.source_kind_sql``); this name stays for callers."""
from miner.store.gaps import source_kind_sql  # noqa: F401
