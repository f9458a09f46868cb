"""PDF extraction with pdfplumber (baseline; see issue 2 for the full extractor)."""
from __future__ import annotations

import io
import re
from pathlib import Path

import pdfplumber
from pdfminer.pdfdocument import PDFPasswordIncorrect, PDFEncryptionError
from pdfminer.psparser import PSException

from miner.extract.model import Extraction, ExtractionError, PageInfo, TextBuilder
from miner.extract.language import detect_language


def _open(src):
    try:
        return pdfplumber.open(io.BytesIO(src) if isinstance(src, (bytes, bytearray)) else src)
    except (PDFPasswordIncorrect, PDFEncryptionError):
        raise ExtractionError("encrypted PDF: it needs a password to open") from None
    except PSException as exc:
        raise ExtractionError(f"corrupt PDF: {exc}") from None
    except Exception as exc:
        raise ExtractionError(f"corrupt PDF: {type(exc).__name__}: {exc}") from None


def extract_pdf(src: Path | bytes, opts) -> Extraction:
    b = TextBuilder()
    pages = []
    with _open(src) as pdf:
        for i, page in enumerate(pdf.pages, start=1):
            start = b.length
            try:
                txt = page.extract_text() or ""
            finally:
                page.close()
            for para in re.split(r"\n\s*\n", txt):
                b.add(para.replace("\n", " "), page=i)
            pages.append(PageInfo(number=i, start=start, end=b.length, needs_ocr=not txt.strip()))
    text = b.text()
    return Extraction(text=text, passages=b.passages, pages=pages, mime="application/pdf",
                      language=detect_language(text))
