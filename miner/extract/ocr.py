"""OCR of pages without a text layer: pypdfium2 renders, Tesseract (Dutch) reads.

Rendering is capped: a page is rendered at ``OCR_DPI`` unless that would exceed
``max_megapixels`` (grey, one byte per pixel), in which case the resolution is lowered
to fit; a page that would then fall below ``MIN_DPI`` is refused with its size named,
never rendered (a 1 KB PDF can declare a 200 × 200 inch page: 40,000² pixels, 5 GB).
Errors say what happened: OCR unavailable, page too large, timed out, or Tesseract's
own message.
"""
from __future__ import annotations

import functools
import math
import os
import shutil

OCR_DPI = 200          # enough for body text; 300 dpi costs more time for little gain
MIN_DPI = 70           # below this Tesseract reads nothing useful from body text
TESSERACT_CONFIG = "--psm 3 -c tessedit_do_invert=0"


class OcrError(Exception):
    """OCR did not produce text; the message says why.  ``per_page``: the reason is about
    this page (too large, timed out, Tesseract failed), not about the installation."""
    per_page = True


class OcrUnavailable(OcrError):
    """Tesseract or its language data is missing."""
    per_page = False


class OcrPageTooLarge(OcrError):
    pass


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


def render_scale(width_pt: float, height_pt: float, max_megapixels: float = 50) -> float:
    """Render scale (pixels per point) for OCR: OCR_DPI, lowered to stay within ``max_megapixels``.
    Raises OcrPageTooLarge when that would go below MIN_DPI."""
    scale = OCR_DPI / 72
    pixels = width_pt * height_pt * scale * scale
    limit = max_megapixels * 1e6
    if pixels > limit:
        scale = math.sqrt(limit / max(1.0, width_pt * height_pt))
        if scale * 72 < MIN_DPI:
            raise OcrPageTooLarge(
                f"page of {width_pt:,.0f} × {height_pt:,.0f} pt is too large to OCR: "
                f"{pixels / 1e6:,.0f} megapixels at {OCR_DPI} dpi, limit {max_megapixels:g} "
                f"(extract.ocr_max_megapixels) even at {MIN_DPI} dpi")
    return scale


def ocr_page(pdf_source, page_index: int, language: str, timeout_s: float, max_megapixels: float = 50) -> str:
    """Text of one page (0-based index) by OCR; raises OcrError with the reason."""
    import pypdfium2 as pdfium
    try:
        doc = pdfium.PdfDocument(pdf_source)
    except Exception as exc:
        raise OcrError(f"OCR failed: the page could not be rendered: {exc}") from exc
    try:
        page = doc[page_index]
        try:
            scale = render_scale(*page.get_size(), max_megapixels)   # the page's own problem first
            reason = check_available(language)
            if reason:
                raise OcrUnavailable(reason)
            image = page.render(scale=scale, grayscale=True).to_pil()
        finally:
            page.close()
    finally:
        doc.close()
    import pytesseract
    # Tesseract's own threads make one page about 4x slower in wall time on 2 cores (measured);
    # parallelism comes from running pages in separate processes instead.
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    try:
        return pytesseract.image_to_string(image, lang=language, timeout=timeout_s, config=TESSERACT_CONFIG)
    except RuntimeError as exc:  # pytesseract signals its timeout with a RuntimeError
        if "timeout" in str(exc).lower():
            raise OcrError(f"OCR timed out after {timeout_s:g} s") from exc
        raise OcrError(f"OCR failed: {exc}") from exc
    except pytesseract.TesseractError as exc:
        raise OcrError(f"OCR failed: Tesseract: {' '.join(str(exc.message or exc).split())[:300]}") from exc
    except OSError as exc:
        raise OcrError(f"OCR failed: {exc}") from exc
    finally:
        image.close()
