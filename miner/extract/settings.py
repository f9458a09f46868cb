"""Config section ``[extract]``: turning files into clean text with page numbers."""
from miner.config import Field, positive

SECTION = "extract"
SCHEMA = {
    "workers": Field(int, 0, "Processes for extraction; 0 = one per CPU core.", check=lambda v: None if v >= 0 else "must be 0 or more"),
    "max_file_mb": Field((int, float), 32, "Files larger than this are recorded as failed, not read.", check=positive),
    "ocr": Field(bool, True, "OCR pages without a text layer when Tesseract is installed."),
    "ocr_language": Field(str, "nld", "Tesseract language code(s), e.g. 'nld' or 'nld+eng'."),
    "ocr_timeout_s": Field((int, float), 120, "Per-page OCR time limit.", check=positive),
}
