"""Character clean-up shared by every extractor: ligatures, soft hyphens, odd spaces."""
from __future__ import annotations

import re
import unicodedata

_LIGATURES = {"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl", "\ufb05": "st",
              "\ufb06": "st", "\u0132": "IJ", "\u0133": "ij"}
# No-break, thin, em/en and other typographic spaces become a plain space; zero-width ones vanish.
_SPACES = {c: " " for c in "\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"}
_ZERO_WIDTH = {c: "" for c in "\u200b\u200c\u200d\u2060\ufeff"}
_TABLE = str.maketrans({**_LIGATURES, **_SPACES, **_ZERO_WIDTH, "\u2010": "-", "\u2011": "-"})
_MULTISPACE = re.compile(r"[ \t]{2,}")
SOFT_HYPHEN = "\u00ad"


def clean(text: str) -> str:
    """Normalise one line of text.  A soft hyphen at the very end is kept: it marks a
    line-end hyphenation for the dehyphenator; anywhere else it is dropped."""
    if not text:
        return text
    text = text.translate(_TABLE)
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    trailing_soft = text.endswith(SOFT_HYPHEN)
    text = text.replace(SOFT_HYPHEN, "")
    text = _MULTISPACE.sub(" ", text)
    return text + SOFT_HYPHEN if trailing_soft else text


BULLET = "\u2022"
# Bullet glyphs as PDFs deliver them: the Unicode ones, Symbol/Wingdings private-use codes
# (U+F0B7, U+F0A7, ...), a lone DEL from a bad ToUnicode map, and pdfminer's "(cid:127)".
_BULLET_GLYPHS = set("\u2022\u2023\u2043\u2219\u25aa\u25ab\u25cf\u25cb\u25e6\u25a0\u25a1\u25b8\u25ba\u27a2\u2794"
                     "\u2713\u2714\u00b7\x7f\uf0b7\uf0a7\uf0a8\uf076\uf0d8\uf0fc\uf06e\uf075\uf0e0\uf09f\uf02d")


def is_bullet(token: str) -> bool:
    """A token that is only a bullet glyph (which then becomes "•")."""
    t = token.strip()
    if t in ("(cid:127)", "(cid:149)", "(cid:183)"):
        return True
    return len(t) == 1 and (t in _BULLET_GLYPHS or "\ue000" <= t <= "\uf8ff")
