"""Identifiers that link one Kamervraag across sources.

Tweede Kamer Zaak ``2023Z02090`` ↔ question ``kv-tk-2023Z02090`` (older: ``kv-<alias>``)
↔ answer ``ah-tk-20222023-1944`` (vergaderjaar without dash, aanhangselnummer without leading zeros).
"""
from __future__ import annotations

import re

from miner.crawl.parsers.errors import ParseError

ZAAK_NUMMER = re.compile(r"^(\d{4})Z(\d{5})$", re.I)
_QUESTION_ID = re.compile(r"^kv-(?:tk-)?(.+)$", re.I)
_ANSWER_ID = re.compile(r"^ah-(tk|ek)-(\d{4})(\d{4})-0*(\d+)$", re.I)
_VERGADERJAAR = re.compile(r"(\d{4})\s*[-–—/]?\s*(\d{4})")


def normalise_zaak_nummer(value: str | None) -> str | None:
    """``2023z02090`` → ``2023Z02090``; None when it is not a Zaak nummer."""
    if not value:
        return None
    m = ZAAK_NUMMER.match(value.strip())
    return f"{m.group(1)}Z{m.group(2)}" if m else None


def question_id(zaak_nummer: str) -> str:
    """``2023Z02090`` → ``kv-tk-2023Z02090``."""
    nummer = normalise_zaak_nummer(zaak_nummer)
    if not nummer:
        raise ParseError(f"not a Zaak nummer: {zaak_nummer!r}")
    return f"kv-tk-{nummer}"


def question_id_candidates(zaak_nummer: str, alias: str | None = None) -> list[str]:
    """Ids to try at officielebekendmakingen, newest form first (older questions use ``kv-<alias>``)."""
    ids = [question_id(zaak_nummer)]
    if alias and alias.strip():
        ids.append(f"kv-{alias.strip()}")
    return ids


def zaak_nummer_from_question_id(value: str | None) -> str | None:
    """``kv-tk-2023Z02090`` (or a URL ending in it) → ``2023Z02090``; None for old alias ids."""
    if not value:
        return None
    ident = _document_id_from(value)
    m = _QUESTION_ID.match(ident)
    return normalise_zaak_nummer(m.group(1)) if m else None


def normalise_vergaderjaar(value: str | None) -> str | None:
    """``2022–2023`` / ``20222023`` / ``2022-2023`` → ``2022-2023``."""
    if not value:
        return None
    m = _VERGADERJAAR.search(str(value))
    if not m or int(m.group(2)) != int(m.group(1)) + 1:
        return None
    return f"{m.group(1)}-{m.group(2)}"


def normalise_aanhangselnummer(value, vergaderjaar: str | None = None) -> str | None:
    """The number within the vergaderjaar without leading zeros.  The Tweede Kamer writes it as
    ``1944``, ``01944``, ``20222023-1944``, ``202220231944`` or, in OData ``Document.Aanhangselnummer``,
    with nine digits: ``242502391`` = vergaderjaar 24-25, number ``02391`` → ``2391``."""
    if value is None:
        return None
    text = str(value).strip()
    m = re.match(r"^(\d{8})[-/ ]0*(\d+)$", text)
    if m:
        return m.group(2)
    digits = re.sub(r"\D", "", text)
    if not digits:
        return None
    vj = normalise_vergaderjaar(vergaderjaar)
    if vj and len(digits) > 8 and digits.startswith(vj.replace("-", "")):
        digits = digits[8:]
    elif len(digits) > 8 and normalise_vergaderjaar(digits[:8]):
        digits = digits[8:]
    elif len(digits) == 9 and _short_vergaderjaar(digits[:4], vj):
        digits = digits[4:]
    return digits.lstrip("0") or None


def _short_vergaderjaar(yyyy: str, vergaderjaar: str | None) -> bool:
    """``2425`` is the vergaderjaar 2024-2025 written short (as in a 9-digit aanhangselnummer); when the
    vergaderjaar is known it must be that one."""
    first, second = int(yyyy[:2]), int(yyyy[2:])
    if second != (first + 1) % 100:
        return False
    return vergaderjaar is None or (vergaderjaar[2:4], vergaderjaar[7:9]) == (yyyy[:2], yyyy[2:])


def vergaderjaar_from_aanhangselnummer(value) -> str | None:
    """``242502391`` → ``2024-2025``: the vergaderjaar a nine-digit aanhangselnummer names; else None."""
    digits = re.sub(r"\D", "", str(value or ""))
    if len(digits) != 9 or not _short_vergaderjaar(digits[:4], None):
        return None
    first = int(digits[:2])
    start = (2000 if first < 90 else 1900) + first
    return f"{start}-{start + 1}"


def answer_id(vergaderjaar: str, aanhangselnummer, chamber: str = "tk") -> str:
    """(``2022-2023``, ``1944``) → ``ah-tk-20222023-1944``."""
    vj = normalise_vergaderjaar(vergaderjaar)
    nr = normalise_aanhangselnummer(aanhangselnummer, vj)
    if not vj or not nr:
        raise ParseError(f"cannot build an answer id from vergaderjaar {vergaderjaar!r} "
                         f"and aanhangselnummer {aanhangselnummer!r}")
    return f"ah-{chamber}-{vj.replace('-', '')}-{nr}"


def parse_answer_id(value: str | None) -> tuple[str, str] | None:
    """``ah-tk-20222023-1944`` (or a URL ending in it) → (``2022-2023``, ``1944``)."""
    if not value:
        return None
    m = _ANSWER_ID.match(_document_id_from(value))
    if not m or int(m.group(3)) != int(m.group(2)) + 1:
        return None
    return f"{m.group(2)}-{m.group(3)}", m.group(4)


def _document_id_from(value: str) -> str:
    """The document id in a bare id or an officielebekendmakingen URL (``…/kv-tk-2023Z02090.html``)."""
    text = value.strip().split("?")[0].split("#")[0].rstrip("/")
    if text.endswith("/metadata.xml"):
        text = text[: -len("/metadata.xml")]
    last = text.rsplit("/", 1)[-1]
    return re.sub(r"\.(html?|xml|pdf|odt)$", "", last, flags=re.I)


def document_id_from_url(url: str) -> str:
    """``https://zoek.officielebekendmakingen.nl/ah-tk-20222023-1944.html`` → ``ah-tk-20222023-1944``."""
    return _document_id_from(url)
