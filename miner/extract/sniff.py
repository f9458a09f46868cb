"""Decide what a file really is from its first bytes, not from its name."""
from __future__ import annotations

import re
from pathlib import Path

_MAGIC = [
    (b"PK\x03\x04", "a ZIP archive or Office document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x7fELF", "an executable"),
    (b"MZ", "a Windows executable"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\xd0\xcf\x11\xe0", "an old Office document"),
    (b"{\\rtf", "an RTF document"),
]
_HTML_START = re.compile(rb"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body|meta|title|div|p)\b", re.I | re.S)
_XML_START = re.compile(rb"^\s*<\?xml", re.I)


def _looks_like_text(head: bytes) -> bool:
    if not head:
        return False
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True   # UTF-16 with a byte order mark (it is full of NULs)
    # A stray NUL or two (a bad copy, a text editor's crash) does not make a text file
    # binary; binary formats and BOM-less UTF-16 have NULs everywhere.
    nuls = head.count(0)
    controls = sum(1 for b in head if 0 < b < 9 or 13 < b < 32)
    return nuls / len(head) < 0.001 + 2 / len(head) and controls / len(head) < 0.01


def sniff_kind(head: bytes, name: str = "", content_type: str | None = None) -> str:
    """Return 'pdf', 'html', 'xml', 'text', 'mismatch:<what>' (a .pdf that is not one), or a description."""
    suffix = Path(name).suffix.lower()
    ctype = (content_type or "").split(";")[0].strip().lower()
    if b"%PDF-" in head[:1024]:
        return "pdf"
    stripped = head.lstrip(b"\xef\xbb\xbf")
    if _XML_START.match(stripped):
        kind = "html" if re.search(rb"<html\b", stripped[:4096], re.I) else "xml"
    elif _HTML_START.match(stripped) or ctype in ("text/html", "application/xhtml+xml"):
        kind = "html"
    elif _looks_like_text(head):
        kind = "html" if suffix in (".html", ".htm") else "text"
    else:
        kind = next((what for magic, what in _MAGIC if head.startswith(magic)), "a binary file")
    if suffix == ".pdf" or ctype == "application/pdf":
        return f"mismatch:{kind.upper() if kind in ('html', 'xml') else kind}"
    return kind
