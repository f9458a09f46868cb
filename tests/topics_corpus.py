"""Building small stores with known documents and annotations for the topics and gaps tests."""
from __future__ import annotations

import hashlib

from miner.store import connect, tagging, utcnow
from miner.topics import synthetic


def add_document(conn, key: str, text: str, *, doc_type: str = "rapport", date: str | None = "2021-05-01",
                 title: str | None = None, language: str = "nl") -> int:
    now = utcnow()
    version = hashlib.sha256(text.encode()).hexdigest()
    return conn.execute(
        "INSERT INTO documents (doc_key, source, title, date, doc_type, language, is_dutch, status, text, "
        "extracted_sha256, first_seen, updated_at) VALUES (?, 'test', ?, ?, ?, ?, ?, 'extracted', ?, ?, ?, ?)",
        (key, title or key, date, doc_type, language, int(language == "nl"), text, version, now, now)).lastrowid


def annotate(conn, doc_id: int, layer: str, label: str, *, negated: bool = False) -> None:
    tagging.write_annotations(conn, doc_id, [{
        "layer": layer, "label": label, "start": 0, "end": 1, "text": "x", "sentence_start": 0,
        "sentence_end": 1, "sentence": "x", "page": None, "negated": negated, "source": "test"}])


def evidence(conn, doc_id: int, label: str) -> None:
    conn.execute("INSERT INTO document_labels (document_id, layer, label, source) VALUES (?, 'evidence_type', ?, "
                 "'test')", (doc_id, label))


def synthetic_store(path, n: int, seed: int = 0, start: int = 0, conn=None):
    """A store with n synthetic Dutch documents (keys doc-00000 ...); returns the connection."""
    conn = conn or connect(path)
    for i, (text, _themes) in enumerate(synthetic.corpus(n, seed=seed)):
        add_document(conn, f"doc-{start + i:05d}", text)
    return conn
