"""Shared by the crawl tests and the benchmark: a comparable snapshot of a store."""
from __future__ import annotations

import json
import sqlite3


def snapshot(db_path) -> dict:
    """Everything a refresh produces, keyed by natural keys (row ids and times left out)."""
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    key_of = {r["id"]: r["doc_key"] for r in conn.execute("SELECT id, doc_key FROM documents")}
    docs = {}
    for r in conn.execute("SELECT * FROM documents"):
        meta = json.loads(r["metadata"])
        docs[r["doc_key"]] = (r["source"], r["source_id"], r["url"], r["title"], r["date"], r["doc_type"],
                              r["authors"], r["sha256"], r["status"], r["text"], r["extracted_sha256"],
                              json.dumps(meta, sort_keys=True))
    kv_key = {r["id"]: r["zaak_nummer"] for r in conn.execute("SELECT id, zaak_nummer FROM kamervragen")}
    kvs = {r["zaak_nummer"]: tuple(r[c] for c in r.keys() if c not in ("id", "question_document_id",
                                                                        "answer_document_id"))
           + (key_of.get(r["question_document_id"]), key_of.get(r["answer_document_id"]))
           for r in conn.execute("SELECT * FROM kamervragen")}
    items = sorted((kv_key[r[0]],) + tuple(r)[1:] for r in conn.execute("SELECT * FROM kamervraag_items"))
    actors = sorted((kv_key[r[0]],) + tuple(r)[1:] for r in conn.execute("SELECT * FROM kamervraag_actors"))
    notes = sorted((kv_key[r[0]],) + tuple(str(x) for x in tuple(r)[1:])
                   for r in conn.execute("SELECT * FROM kamervraag_footnotes"))
    links = sorted((key_of[r["document_id"]], r["url"], r["kind"] or "", r["followed"], r["reason"] or "",
                    key_of.get(r["target_document_id"]) or "") for r in conn.execute("SELECT * FROM links"))
    passages = conn.execute("SELECT COUNT(*) FROM passages").fetchone()[0]
    conn.close()
    return {"documents": docs, "kamervragen": kvs, "items": items, "actors": actors, "footnotes": notes,
            "links": links, "passages": passages}


def integrity(db_path) -> tuple[str, int]:
    conn = sqlite3.connect(db_path)
    ok = conn.execute("PRAGMA integrity_check").fetchone()[0]
    dups = conn.execute("SELECT COUNT(*) FROM (SELECT doc_key FROM documents GROUP BY doc_key HAVING COUNT(*) > 1)"
                        ).fetchone()[0]
    dups += conn.execute("SELECT COUNT(*) FROM (SELECT url FROM documents WHERE url IS NOT NULL "
                         "GROUP BY url, doc_type HAVING COUNT(*) > 1)").fetchone()[0]
    conn.close()
    return ok, dups
