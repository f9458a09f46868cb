"""Plain text: decoded with its real charset, paragraphs at blank lines."""
from __future__ import annotations

import re

from charset_normalizer import from_bytes

from miner.extract.model import Extraction, ExtractionError, TextBuilder
from miner.extract.language import detect_language


def decode(data: bytes, declared: str | None = None) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
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
    raw = decode(data, charset)
    b = TextBuilder()
    for para in re.split(r"\n\s*\n", raw.replace("\r\n", "\n")):
        b.add(re.sub(r"[ \t]*\n[ \t]*", " ", para.strip()))
    text = b.text()
    return Extraction(text=text, passages=b.passages, mime="text/plain", language=detect_language(text))
