"""Config section ``[extract]``: turning files into clean text with page numbers."""
from miner.config import Field, positive

SECTION = "extract"
SCHEMA = {
    "workers": Field(int, 0, "Processes for extraction; 0 = one per CPU core.", check=lambda v: None if v >= 0 else "must be 0 or more"),
    "max_file_mb": Field((int, float), 32, "Files larger than this are recorded as failed, not read.", check=positive),
    "ocr": Field(bool, True, "OCR pages without a text layer when Tesseract is installed."),
    "ocr_language": Field(str, "nld", "Tesseract language code(s), e.g. 'nld' or 'nld+eng'."),
    "ocr_timeout_s": Field((int, float), 120, "Per-page OCR time limit.", check=positive),
    "ocr_max_megapixels": Field((int, float), 50, "A page is rendered for OCR at 200 dpi or lower so it stays "
                                "within this many megapixels (about as many MB); pages that would need less "
                                "than 70 dpi are refused.", check=positive),
    "html_max_depth": Field(int, 512, "HTML nested deeper than this many elements is recorded as failed.",
                            check=positive),
    "timeout_s": Field((int, float), 300, "Per-document time limit for HTML, XML and text extraction.",
                       check=positive),
}
