"""OCR of pages without a text layer: pypdfium2 renders, Tesseract (Dutch) reads."""
from __future__ import annotations

import functools
import os
import shutil

OCR_DPI = 200          # enough for body text; 300 dpi costs more time for little gain
TESSERACT_CONFIG = "--psm 3 -c tessedit_do_invert=0"


class OcrUnavailable(Exception):
    """Tesseract or its language data is missing, or OCR failed; the message says which."""


@functools.lru_cache(maxsize=4)
def check_available(language: str) -> str | None:
    """None when OCR in ``language`` can run, else the reason it cannot."""
    try:
        import pytesseract
    except ImportError:
        return "pytesseract is not installed"
    if not shutil.which(pytesseract.pytesseract.tesseract_cmd):
        return "Tesseract is not installed (apt-get install tesseract-ocr tesseract-ocr-nld)"
    try:
        have = set(pytesseract.get_languages(config=""))
    except Exception as exc:  # broken installation
        return f"Tesseract does not run: {exc}"
    missing = [lang for lang in language.split("+") if lang not in have]
    if missing:
        return f"Tesseract language data missing: {', '.join(missing)} (apt-get install tesseract-ocr-{missing[0]})"
    return None


def ocr_page(pdf_source, page_index: int, language: str, timeout_s: float) -> str:
    """Text of one page (0-based index) by OCR; raises OcrUnavailable with the reason."""
    reason = check_available(language)
    if reason:
        raise OcrUnavailable(reason)
    import pypdfium2 as pdfium
    import pytesseract
    doc = pdfium.PdfDocument(pdf_source)
    try:
        page = doc[page_index]
        image = page.render(scale=OCR_DPI / 72, grayscale=True).to_pil()
        page.close()
    finally:
        doc.close()
    # Tesseract's own threads make one page about 4x slower in wall time on 2 cores (measured);
    # parallelism comes from running pages in separate processes instead.
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    try:
        return pytesseract.image_to_string(image, lang=language, timeout=timeout_s, config=TESSERACT_CONFIG)
    except RuntimeError as exc:  # pytesseract signals a timeout this way
        raise OcrUnavailable(f"OCR timed out after {timeout_s:g} s") from exc
    except pytesseract.TesseractError as exc:
        raise OcrUnavailable(f"OCR failed: {exc.message or exc}") from exc
    finally:
        image.close()
