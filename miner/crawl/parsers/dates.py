"""Dates as they appear in Dutch parliamentary documents, normalised to ISO ``YYYY-MM-DD``."""
from __future__ import annotations

import re
from datetime import date, datetime

MONTHS = {
    "januari": 1, "jan": 1, "februari": 2, "feb": 2, "febr": 2, "maart": 3, "mrt": 3, "maa": 3,
    "april": 4, "apr": 4, "mei": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7, "augustus": 8, "aug": 8,
    "september": 9, "sep": 9, "sept": 9, "oktober": 10, "okt": 10, "november": 11, "nov": 11,
    "december": 12, "dec": 12,
}
_MONTH_ALT = "|".join(sorted(MONTHS, key=len, reverse=True))
DUTCH_DATE = re.compile(rf"\b(\d{{1,2}})\s+({_MONTH_ALT})\.?\s+(\d{{4}})\b", re.I)
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})")
_NUMERIC = re.compile(r"\b(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})\b")


def _valid(y: int, m: int, d: int) -> str | None:
    try:
        return date(y, m, d).isoformat()
    except ValueError:
        return None


_ISO_DATETIME = re.compile(r"^\s*(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}:?\d{2})\s*$")


def _amsterdam_date(text: str) -> str | None:
    """An ISO datetime with an offset, as the date it was in the Netherlands: the Tweede Kamer may send
    local midnight as ``2023-02-07T23:00:00Z``, which is 8 February."""
    m = _ISO_DATETIME.match(text)
    if not m:
        return None
    try:
        from zoneinfo import ZoneInfo
        moment = datetime.fromisoformat(m.group(1)[:26] + (m.group(2) if m.group(2) != "Z" else "+00:00"))
        return moment.astimezone(ZoneInfo("Europe/Amsterdam")).date().isoformat()
    except (ValueError, KeyError, ImportError, OSError):
        return None          # no time zone database: fall back to the date as written


def parse_date(value) -> str | None:
    """First date in ``value`` as ISO: ISO datetimes (``2023-02-08T00:00:00+01:00``),
    Dutch dates (``8 februari 2023``, ``1 mrt. 2023``) or ``08-02-2023``; None when there is none."""
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()[:10]
    text = str(value)
    local = _amsterdam_date(text)
    if local:
        return local
    candidates = []
    for rx, order in ((_ISO, "ymd"), (DUTCH_DATE, "dMy"), (_NUMERIC, "dmy")):
        candidates.extend((m.start(), m, order) for m in rx.finditer(text))
    for _, m, order in sorted(candidates, key=lambda c: c[0]):
        a, b, c = m.groups()
        if order == "ymd":
            iso = _valid(int(a), int(b), int(c))
        elif order == "dMy":
            iso = _valid(int(c), MONTHS[b.lower()], int(a))
        else:
            iso = _valid(int(c), int(b), int(a))
        if iso:
            return iso
    return None


def days_between(start: str | None, end: str | None) -> int | None:
    """Whole days from ``start`` to ``end`` (ISO dates); None when either is unknown."""
    if not start or not end:
        return None
    return (date.fromisoformat(end[:10]) - date.fromisoformat(start[:10])).days
