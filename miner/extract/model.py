"""What extraction produces, independent of the input format.

``Extraction.text`` is the clean body text of the whole document; every
passage, page and table points into it with character offsets, so later stages
(tagging, citations) can always go back to the page a sentence came from.
"""
from __future__ import annotations

from dataclasses import dataclass, field, asdict


class ExtractionError(Exception):
    """A file that cannot be extracted; the message is the reason shown to the user."""


@dataclass
class Passage:
    page: int | None          # 1-based page number (None for formats without pages)
    start: int                # offsets into Extraction.text
    end: int
    kind: str = "paragraph"   # paragraph, heading, list_item, footnote, toc, question, answer


@dataclass
class PageInfo:
    number: int
    start: int
    end: int
    ocr: bool = False         # text came from OCR
    needs_ocr: bool = False   # no text layer and OCR was not available


@dataclass
class Table:
    page: int | None
    rows: list[list[str]]


@dataclass
class Extraction:
    text: str = ""
    passages: list[Passage] = field(default_factory=list)
    pages: list[PageInfo] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    mime: str = ""
    title: str | None = None
    date: str | None = None           # ISO date if the document states one
    authors: list[str] = field(default_factory=list)
    language: str = "und"
    links: list[dict] = field(default_factory=list)    # [{"url", "text", "kind": "pdf"|"link"}]
    metadata: dict = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    @property
    def n_pages(self) -> int:
        return len(self.pages)

    @property
    def needs_ocr(self) -> bool:
        return any(p.needs_ocr for p in self.pages)

    NOT_BODY = ("footnote", "toc")

    def body_text(self) -> str:
        """The text without footnotes and table-of-contents entries: what ``miner extract`` prints (footnotes stay in the
        store and in the JSON output as passages of kind 'footnote')."""
        if not any(p.kind in self.NOT_BODY for p in self.passages):
            return self.text
        return TextBuilder.SEP.join(self.passage_text(p) for p in self.passages if p.kind not in self.NOT_BODY)

    def passage_text(self, p: Passage) -> str:
        return self.text[p.start:p.end]

    def to_json(self) -> dict:
        """The shape printed by ``miner extract --format json``."""
        pages = []
        for pg in self.pages:
            pages.append({
                "page": pg.number, "ocr": pg.ocr, "needs_ocr": pg.needs_ocr,
                "text": self.text[pg.start:pg.end],
                "paragraphs": [{"kind": p.kind, "start": p.start, "end": p.end, "text": self.passage_text(p)}
                               for p in self.passages if p.page == pg.number],
                "tables": [t.rows for t in self.tables if t.page == pg.number],
            })
        out = {
            "mime": self.mime, "title": self.title, "date": self.date, "authors": self.authors,
            "language": self.language, "n_pages": self.n_pages, "metadata": self.metadata,
            "links": self.links, "warnings": self.warnings, "text": self.text, "pages": pages,
        }
        if not self.pages:  # formats without pages (HTML, TXT)
            out["paragraphs"] = [{"kind": p.kind, "start": p.start, "end": p.end, "text": self.passage_text(p)}
                                 for p in self.passages]
            out["tables"] = [t.rows for t in self.tables]
        return out


class TextBuilder:
    """Builds Extraction.text passage by passage and keeps offsets right."""

    SEP = "\n\n"

    def __init__(self):
        self._parts: list[str] = []
        self._len = 0
        self.passages: list[Passage] = []

    def add(self, text: str, page: int | None = None, kind: str = "paragraph") -> Passage | None:
        text = text.strip()
        if not text:
            return None
        if self._parts:
            self._parts.append(self.SEP)
            self._len += len(self.SEP)
        start = self._len
        self._parts.append(text)
        self._len += len(text)
        p = Passage(page=page, start=start, end=self._len, kind=kind)
        self.passages.append(p)
        return p

    @property
    def length(self) -> int:
        return self._len

    def text(self) -> str:
        return "".join(self._parts)


def as_dict(obj) -> dict:
    return asdict(obj)
