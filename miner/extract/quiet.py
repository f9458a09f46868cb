"""pdfminer logs every token at DEBUG level; even when nothing prints, 650k ``logging.debug``
calls per corpus cost 6 % of extraction time.  Raising its loggers' level makes each call
return at the first check."""
import logging

for _name in ("pdfminer", "pdfplumber"):
    logging.getLogger(_name).setLevel(logging.WARNING)
