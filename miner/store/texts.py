"""Words cut out of documents.text in Python, for readers of many annotations.

Since migration 017 a passage, a tagged sentence and an annotation's matched words are spans
of ``documents.text``; the views (``sentences``, ``effective_annotations``,
``annotation_evidence``) cut them out with SQLite's ``substr``, which loads the whole
document text for every row and counts characters from its start.  Readers of thousands of
annotations (the exports, the gap map) read the offsets instead and slice here, loading each
document's text once while their rows come in document order."""
from __future__ import annotations

import sqlite3
from collections import OrderedDict


class DocumentTexts:
    """``documents.text`` by id, the last few kept (rows come grouped by document)."""

    def __init__(self, conn: sqlite3.Connection, keep: int = 8):
        self.conn, self.keep = conn, keep
        self._cache: OrderedDict[int, str] = OrderedDict()

    def text(self, doc_id: int) -> str:
        if doc_id in self._cache:
            self._cache.move_to_end(doc_id)
            return self._cache[doc_id]
        row = self.conn.execute("SELECT text FROM documents WHERE id = ?", (doc_id,)).fetchone()
        text = (row[0] or "") if row else ""
        self._cache[doc_id] = text
        if len(self._cache) > self.keep:
            self._cache.popitem(last=False)
        return text

    def cut(self, doc_id: int, start: int | None, end: int | None) -> str | None:
        if start is None or end is None:
            return None
        return self.text(doc_id)[start:end]


class Row(tuple):
    """A result row by position and by column name, like ``sqlite3.Row``, for rows built in Python."""
    __slots__ = ()
    _index: dict[str, int] = {}

    def __getitem__(self, key):
        if isinstance(key, str):
            return tuple.__getitem__(self, self._index[key])
        return tuple.__getitem__(self, key)

    def keys(self) -> list[str]:
        return list(self._index)


def row_type(*names: str) -> type[Row]:
    """A ``Row`` class with these column names."""
    return type("Row", (Row,), {"__slots__": (), "_index": {n: i for i, n in enumerate(names)}})
