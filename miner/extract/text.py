"""Plain text: decoded with its real charset, paragraphs at blank lines."""
from __future__ import annotations

import re

from charset_normalizer import from_bytes

from miner.extract.model import Extraction, ExtractionError, TextBuilder
from miner.extract.language import detect_language


# What browsers do (WHATWG encoding standard): a page labelled latin-1/ascii is read as windows-1252.
_LABEL_ALIASES = {"iso-8859-1": "cp1252", "iso8859-1": "cp1252", "latin-1": "cp1252", "latin1": "cp1252",
                  "l1": "cp1252", "us-ascii": "cp1252", "ascii": "cp1252", "windows-1252": "cp1252"}
_BOMS = [(b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")]


def decode(data: bytes, declared: str | None = None) -> str:
    """Bytes to text: a byte order mark wins, then the declared charset, then UTF-8, then a guess."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return data[len(bom):].decode(enc, errors="replace")
    if declared:
        declared = _LABEL_ALIASES.get(declared.strip().lower(), declared.strip())
    for enc in filter(None, [declared, "utf-8"]):
        try:
            return data.decode(enc)
        except (UnicodeDecodeError, LookupError):
            continue
    best = from_bytes(data).best()
    if best is None:
        raise ExtractionError("could not determine the text encoding")
    return str(best)


def extract_text(data: bytes, content_type: str | None = None) -> Extraction:
    charset = None
    if content_type and "charset=" in content_type:
        charset = content_type.split("charset=")[-1].split(";")[0].strip()
    warnings = []
    if not data.startswith((b"\xff\xfe", b"\xfe\xff")) and b"\x00" in data:
        n = data.count(0)
        data = data.replace(b"\x00", b"")
        warnings.append(f"dropped {n} NUL byte(s) from the text (the raw file keeps them)")
    raw = decode(data, charset)
    b = TextBuilder()
    for para in re.split(r"\n\s*\n", raw.replace("\r\n", "\n")):
        b.add(re.sub(r"[ \t]*\n[ \t]*", " ", para.strip()))
    text = b.text()
    return Extraction(text=text, passages=b.passages, mime="text/plain", language=detect_language(text),
                      warnings=warnings)
