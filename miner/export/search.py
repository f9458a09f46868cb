"""Full-text search over passages and annotation sentences (SQLite FTS5, bm25 ranking).

The FTS tables fold diacritics (``remove_diacritics 2``); the query is folded the same
way so that 'coördinator', 'coordinator' and prefix queries like 'geëval*' all match.
"""
from __future__ import annotations

import re
import sqlite3
import unicodedata
from dataclasses import dataclass

HIGHLIGHT = ("**", "**")
TARGETS = ("passages", "annotations")

_OPERATORS = {"AND", "OR", "NOT", "NEAR"}
# A bare FTS5 term may hold letters, digits, '_' and non-ASCII characters; anything
# else (a hyphen in 'anti-zwart', a dot in 'art.') makes FTS5 fail, so such a term is
# quoted as a phrase, which is what the person meant.
_BAREWORD = re.compile(r"^[\w\u0080-\uffff]+\*?$")
_TOKEN = re.compile(r'"[^"]*"|[(),]|[^\s(),"]+')


class SearchError(Exception):
    pass


def fold(text: str) -> str:
    """Remove diacritics: 'geëvalueerd' -> 'geevalueerd'."""
    decomposed = unicodedata.normalize("NFKD", text)
    return unicodedata.normalize("NFC", "".join(ch for ch in decomposed if not unicodedata.combining(ch)))


def to_fts_query(terms: str) -> str:
    """The person's query as FTS5 syntax: diacritics folded, odd terms quoted, operators kept."""
    folded = fold(terms).strip()
    if not folded:
        raise SearchError("empty search")
    if folded.count('"') % 2:
        raise SearchError('unbalanced double quote in the search terms')
    _refuse_foreign_operators(folded)
    out = []
    for tok in _TOKEN.findall(folded):
        if tok == "(" and out and out[-1] == "NEAR":
            out[-1] = "NEAR("
        elif tok.startswith('"') or tok in ("(", ")", ",") or tok in _OPERATORS or _BAREWORD.match(tok):
            out.append(tok)
        else:
            star = "*" if tok.endswith("*") else ""
            out.append('"' + tok.rstrip("*").replace('"', "") + '"' + star)
    return " ".join(out)


# Operators of other search engines that FTS5 would silently read as words (0 hits).
_FOREIGN = [
    (re.compile(r"\bNEAR/(\d+)\b", re.I), lambda m: f"NEAR/{m.group(1)} is not supported: write "
     f"NEAR(word1 word2, {m.group(1)}) for words at most {m.group(1)} apart"),
    (re.compile(r"(?:^|\s)(?:w|pre)/(\d+)\b", re.I), lambda m: f"{m.group(0).strip()} is not supported: write "
     f"NEAR(word1 word2, {m.group(1)}) for words at most {m.group(1)} apart"),
    (re.compile(r"\b(?:ADJ\d*|ONEAR/\d+|SAME)\b"), lambda m: f"{m.group(0)} is not supported: write "
     "NEAR(word1 word2, N) for words close together, or \"an exact phrase\""),
    (re.compile(r"\w+~\d*|\"~\d+"), lambda m: f"{m.group(0)} (fuzzy/proximity ~) is not supported: write "
     "NEAR(word1 word2, N), or prefix* for word forms"),
    (re.compile(r"(?:^|\s)[-!](\w+)"), lambda m: f"{m.group(0).strip()} is not supported: write NOT {m.group(1)} "
     "(after at least one search word)"),
    (re.compile(r"\b(?:and|or|not|near)\b(?=\s+\S)"), lambda m: f"'{m.group(0)}' is searched as a word: operators "
     f"are written in capitals ({m.group(0).upper()}); put it in quotes to search the word"),
]


def _refuse_foreign_operators(terms: str) -> None:
    outside_quotes = re.sub(r'"[^"]*"', " ", terms)
    for pattern, message in _FOREIGN:
        m = pattern.search(outside_quotes)
        if m:
            raise SearchError(message(m) + ' (syntax: words, "exact phrases", AND/OR/NOT, NEAR(a b, N), prefix*)')


@dataclass
class Hit:
    target: str            # passages or annotations
    rank: float            # bm25, lower is better
    snippet: str
    document_id: int
    title: str | None
    url: str | None
    page_no: int | None
    date: str | None
    labels: str | None     # annotations: layer:label of the hit; passages: the labels found in it
    local_path: str | None = None   # where a local file was added from (documents without a url)


_SQL = {
    "passages": """
        SELECT bm25(passages_fts) AS rank,
               snippet(passages_fts, 0, :open, :close, '…', :tokens) AS snippet,
               p.document_id, d.title, d.url, p.page_no, d.date,
               (SELECT group_concat(DISTINCT a.layer || ':' || a.label) FROM effective_annotations a
                 WHERE a.document_id = p.document_id AND a.char_start >= p.char_start
                   AND a.char_start < p.char_end AND a.layer NOT IN ('organisation', 'person')) AS labels,
               d.local_path
        FROM passages_fts JOIN passages p ON p.id = passages_fts.rowid JOIN documents d ON d.id = p.document_id
        WHERE passages_fts MATCH :query
        ORDER BY rank LIMIT :limit""",
    # One row per sentence (each sentence is indexed once), listing the labels of the model's
    # annotations in it that stand after review.
    "annotations": """
        WITH hits AS MATERIALIZED (
            SELECT bm25(sentences_fts) AS rank,
                   snippet(sentences_fts, 0, :open, :close, '…', :tokens) AS snippet,
                   s.id AS sentence_id, s.document_id, s.char_start, s.char_end, s.page_no
            FROM sentences_fts JOIN sentences s ON s.id = sentences_fts.rowid
            WHERE sentences_fts MATCH :query)
        SELECT h.rank, h.snippet, h.document_id, d.title, d.url, h.page_no, d.date,
               group_concat(DISTINCT a.layer || ':' || a.label) AS labels, d.local_path
        FROM hits h JOIN documents d ON d.id = h.document_id
        JOIN effective_annotations a ON a.document_id = h.document_id AND a.id > 0
         AND a.sentence_start = h.char_start AND a.sentence_end = h.char_end
        GROUP BY h.sentence_id
        ORDER BY h.rank LIMIT :limit""",
}


def search(conn: sqlite3.Connection, terms: str, *, target: str = "passages", limit: int = 20,
           highlight: tuple[str, str] = HIGHLIGHT, snippet_tokens: int = 24) -> list[Hit]:
    if target not in TARGETS:
        raise SearchError(f"unknown search target {target!r} (choose {', '.join(TARGETS)})")
    query = to_fts_query(terms)
    params = {"query": query, "open": highlight[0], "close": highlight[1], "tokens": snippet_tokens,
              "limit": limit}
    try:
        rows = conn.execute(_SQL[target], params).fetchall()
    except sqlite3.OperationalError as exc:
        msg = str(exc)
        if "fts5" in msg or "syntax" in msg or "no such column" in msg:
            raise SearchError(f"invalid search syntax in {terms!r}: {msg} "
                              '(use words, "exact phrases", AND/OR/NOT, prefix*)') from None
        raise
    return [Hit(target, r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8]) for r in rows]
