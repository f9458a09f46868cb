"""Extraction: PDF, HTML and plain text to clean text with page numbers.

Entry points: ``extract_file(path)`` and ``extract_bytes(data, name, content_type)``.
Both raise ``ExtractionError`` with a reason a person can read.
"""
from __future__ import annotations

from pathlib import Path

from miner.extract.model import Extraction, ExtractionError, Passage, PageInfo, Table
from miner.extract.sniff import sniff_kind

__all__ = ["extract_file", "extract_bytes", "Extraction", "ExtractionError", "Passage", "PageInfo", "Table",
           "ExtractOptions", "pdf_page_count"]


class ExtractOptions:
    """The ``[extract]`` settings the extractors need (picklable, for worker processes)."""

    def __init__(self, max_file_mb: float = 32, ocr: bool = True, ocr_language: str = "nld",
                 ocr_timeout_s: float = 120, ocr_max_megapixels: float = 50, html_max_depth: int = 512,
                 timeout_s: float = 300):
        self.max_file_mb = max_file_mb
        self.ocr = ocr
        self.ocr_language = ocr_language
        self.ocr_timeout_s = ocr_timeout_s
        self.ocr_max_megapixels = ocr_max_megapixels
        self.html_max_depth = html_max_depth
        self.timeout_s = timeout_s

    @classmethod
    def from_config(cls, cfg) -> "ExtractOptions":
        s = cfg["extract"]
        return cls(max_file_mb=s["max_file_mb"], ocr=s["ocr"], ocr_language=s["ocr_language"],
                   ocr_timeout_s=s["ocr_timeout_s"], ocr_max_megapixels=s["ocr_max_megapixels"],
                   html_max_depth=s["html_max_depth"], timeout_s=s["timeout_s"])


def _check_size(size: int, opts: ExtractOptions) -> None:
    if size == 0:
        raise ExtractionError("empty file (0 bytes)")
    limit = opts.max_file_mb * 1024 * 1024
    if size > limit:
        raise ExtractionError(f"file is {size / 1048576:.1f} MB, larger than extract.max_file_mb = {opts.max_file_mb}")


def extract_file(path: str | Path, opts: ExtractOptions | None = None, name: str | None = None,
                 content_type: str | None = None, base_url: str | None = None) -> Extraction:
    """Extract a file on disk.  ``name`` is the file's real name when ``path`` is a
    content-addressed copy; ``content_type`` and ``base_url`` come from a crawl."""
    opts = opts or ExtractOptions()
    path = Path(path)
    if not path.is_file():
        raise ExtractionError(f"not a file: {path}")
    _check_size(path.stat().st_size, opts)
    with open(path, "rb") as fh:
        head = fh.read(8192)
    name = name or path.name
    kind = sniff_kind(head, name, content_type)
    if kind == "pdf":
        from miner.extract import pdf
        return pdf.extract_pdf(path, opts)
    return _extract_kind(kind, path.read_bytes(), name, content_type, opts, base_url)


def pdf_page_count(path: str | Path, opts: ExtractOptions, name: str | None = None,
                   content_type: str | None = None) -> int:
    """Pages of ``path`` if it is a PDF that extract_file would read, else 0 (callers then
    extract it whole, which also reports any problem)."""
    path = Path(path)
    try:
        size = path.stat().st_size
        _check_size(size, opts)
        with open(path, "rb") as fh:
            head = fh.read(8192)
    except (OSError, ExtractionError):
        return 0
    if sniff_kind(head, name or path.name, content_type) != "pdf":
        return 0
    from miner.extract import pdf
    return pdf.page_count(path)


def extract_bytes(data: bytes, name: str = "", content_type: str | None = None,
                  opts: ExtractOptions | None = None, base_url: str | None = None) -> Extraction:
    opts = opts or ExtractOptions()
    _check_size(len(data), opts)
    kind = sniff_kind(data[:8192], name, content_type)
    if kind == "pdf":
        from miner.extract import pdf
        return pdf.extract_pdf(data, opts)
    return _extract_kind(kind, data, name, content_type, opts, base_url)


def _extract_kind(kind: str, data: bytes, name: str, content_type: str | None, opts,
                  base_url: str | None = None) -> Extraction:
    from miner.extract.limits import time_limit
    with time_limit(opts.timeout_s, f"extraction took longer than extract.timeout_s = {opts.timeout_s:g} s"):
        return _extract_kind_unbounded(kind, data, name, content_type, opts, base_url)


def _extract_kind_unbounded(kind: str, data: bytes, name: str, content_type: str | None, opts,
                            base_url: str | None = None) -> Extraction:
    if kind == "html":
        from miner.extract import html
        return html.extract_html(data, content_type=content_type, base_url=base_url,
                                 max_depth=opts.html_max_depth)
    if kind == "xml":
        from miner.extract import html
        return html.extract_xml(data)
    if kind == "text":
        from miner.extract import text
        return text.extract_text(data, content_type=content_type)
    raise ExtractionError(kind_reason(kind, name))


NAME_MISMATCH = "file named "


def failed_because_of_name(reason: str | None) -> bool:
    """Was this failure caused by the file's name (a .pdf that is HTML), not by its bytes?
    The same bytes under another name may then be readable."""
    return bool(reason) and reason.startswith(NAME_MISMATCH)


def readable_kind(path: str | Path) -> bool:
    """Would ``path`` (by its first bytes and its name) go to an extractor?"""
    with open(path, "rb") as fh:
        head = fh.read(8192)
    return sniff_kind(head, Path(path).name) in ("pdf", "html", "xml", "text")


def kind_reason(kind: str, name: str) -> str:
    suffix = Path(name).suffix.lower()
    if kind.startswith("mismatch:"):
        real = kind.split(":", 1)[1]
        return f"{NAME_MISMATCH}{suffix} is not a PDF (content looks like {real})"
    return f"not a document miner can read ({kind}); supported: PDF, HTML, XML, plain text"
