"""officielebekendmakingen HTML of a Kamervraag (``kv-tk-…``), its answer (``ah-tk-…``) or a
postponement notice (mededeling uitstel).

The document body sits in ``div.stuk``; questions in ``div.vraag``, answers in ``div.antwoord``
headed "Vraag N" / "Antwoord N" or ``p.nummer``; postponement in ``div.kamervraagopmerking``;
footnotes in elements with classes ``voet noot`` (number in ``span.nootnum``).  Older or simpler
pages without these wrappers are read paragraph by paragraph ("Vraag 1", "Antwoord 1", …).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urljoin

from bs4 import BeautifulSoup, NavigableString, Tag

from miner.crawl.parsers.dates import DUTCH_DATE, parse_date
from miner.crawl.parsers.errors import ParseError
from miner.crawl.parsers.ids import (document_id_from_url, normalise_aanhangselnummer, normalise_vergaderjaar,
                                     normalise_zaak_nummer, parse_answer_id, zaak_nummer_from_question_id)
from miner.crawl.parsers.metadata_xml import first, metadata_from_pairs
from miner.crawl.parsers.model import Actor, Footnote, Postponement
from miner.extract.text import decode


@dataclass
class ParsedQuestion:
    number: int
    text: str


@dataclass
class ParsedAnswer:
    numbers: list[int]                  # [4, 5, 6] for a combined answer
    text: str
    refers_to: int | None = None        # 3 for "Zie antwoord vraag 3"


@dataclass
class KamervraagDocument:
    """What one HTML page says; :func:`miner.crawl.parsers.kamervraag.merge_kamervraag` combines pages."""
    document_id: str | None = None
    kind: str | None = None             # question, answer, mededeling
    zaak_nummer: str | None = None
    title: str | None = None            # the subject ("over …"), first letter capitalised
    title_full: str | None = None
    vergaderjaar: str | None = None
    aanhangselnummer: str | None = None
    submitters: list[Actor] = field(default_factory=list)
    receiver: str | None = None
    submitted: str | None = None
    answered_by: str | None = None
    answered_by_function: str | None = None
    answered: str | None = None         # "(ontvangen …)" date of the answer
    questions: list[ParsedQuestion] = field(default_factory=list)
    answers: list[ParsedAnswer] = field(default_factory=list)
    footnotes: list[Footnote] = field(default_factory=list)
    postponement: Postponement | None = None
    meta: dict = field(default_factory=dict)   # <meta name=… content=…> of the head


_SPACE = re.compile(r"\s+")
_HEADING_TAGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_QUESTION_HEAD = re.compile(r"^\s*vra(?:ag|gen)\s+(\d[\d\s,en/tm\-–.ot]*)\s*:?\s*$", re.I)
_ANSWER_HEAD = re.compile(r"^\s*antwoord(?:en)?\s+(?:op\s+)?(?:(?:de\s+)?vra(?:ag|gen)\s+)?(\d[\d\s,en/tm\-–.ot]*)\s*:?\s*$",
                          re.I)
_REFERENCE = re.compile(
    r"^\s*(?:voor\s+(?:het\s+)?antwoord\s+(?:op\s+)?(?:deze\s+)?vraag\s*,?\s*)?"
    r"(?:zie|ik\s+verwijs\s+(?:u\s+)?naar|verwezen\s+wordt\s+naar)\s+(?:ook\s+)?(?:mijn\s+|het\s+|de\s+)?"
    r"(?:antwoord(?:en)?|beantwoording)\s+(?:op\s+|bij\s+|van\s+)?(?:de\s+)?vra(?:ag|gen)\s+(\d+)", re.I)
_VRAGEN_VAN = re.compile(
    r"vragen\s+(?:gesteld\s+)?van\s+(?:het\s+lid|de\s+leden)\s+(?P<who>.+?)\s+aan\s+(?:de\s+|het\s+)?(?P<to>.+?)"
    r"(?:\s+over\s+(?P<subject>.+?))?\s*(?:\((?:ingezonden|ontvangen)\s+(?P<date>[^)]*)\)|\.?\s*$)", re.I | re.S)
_ANTWOORD_VAN = re.compile(
    r"(?:nader\s+)?antwoord\s+(?:gegeven\s+)?van\s+(?:de\s+)?(?P<role>minister-president|minister|staatssecretaris)\s+"
    r"(?P<rest>.*)", re.I | re.S)
_NAME_AND_DEPT = re.compile(r"^(?P<name>[^(]+?)\s*\((?P<dept>[^)]*)\)")
# Lower-case "van/voor" starts a department ("de Minister van Financiën"); a surname is capitalised ("Van Ark").
_FUNCTION_ONLY = re.compile(r"^(?P<dept>(?:van|voor)\s+[^(]+?)\s*(?:\(|,\s*mede|$)")
_ONTVANGEN = re.compile(r"\(\s*ontvangen\s+([^)]*)\)", re.I)
_VERGADERJAAR = re.compile(r"vergaderjaar\s+(\d{4}\s*[-–—]\s*\d{4})", re.I)
_MEDEDELING_HEAD = re.compile(
    r"^\s*mededeling\b\s*(?:\(\s*uitstel[^)]*\)\s*)?[\-–—:]*\s*"
    rf"(?:\(\s*(?:ingezonden|ontvangen|d\.d\.)?\s*(?:{DUTCH_DATE.pattern})\s*\)|(?:{DUTCH_DATE.pattern}))?\s*[.:\-–—]?\s*",
    re.I)
_POSTPONEMENT_WORDS = re.compile(r"uitstel|niet\s+binnen\s+de\s+(?:gebruikelijke\s+)?termijn|zo\s+spoedig\s+mogelijk",
                                 re.I)
_URL_IN_TEXT = re.compile(r"https?://[^\s<>\"'»«)]+")


def _clean(text: str | None) -> str:
    text = _SPACE.sub(" ", text or "").replace(" ,", ",")
    return re.sub(r"([(«])\s+|\s+([)»])", lambda m: m.group(1) or m.group(2), text).strip()


def _classes(el: Tag) -> list[str]:
    value = el.get("class") or []
    return value.split() if isinstance(value, str) else list(value)


def _class_contains(el: Tag, word: str) -> bool:
    return any(word in c for c in _classes(el))


def _is_footnote(el: Tag) -> bool:
    cls = _classes(el)
    return ("voet" in cls and "noot" in cls) or any(c == "voetnoot" for c in cls)


def _numbers(text: str) -> list[int]:
    """"4, 5 en 6" / "4 t/m 6" / "4 tot en met 6" / "4-6" → [4, 5, 6]."""
    def expand(m: re.Match) -> str:
        low, high = int(m.group(1)), int(m.group(2))
        return ",".join(map(str, range(low, high + 1))) if low < high <= low + 50 else m.group(0)
    text = re.sub(r"(\d+)\s*(?:t/m|tot\s+en\s+met|-|–)\s*(\d+)", expand, text)
    return list(dict.fromkeys(int(n) for n in re.findall(r"\d+", text)))


_BODY_SELECTORS = ("div.stuk", "#broodtekst", "div.broodtekst", "article.stuk", "main article", "main", "article",
                   "#content", "#main-content")


def _body(soup: BeautifulSoup) -> Tag:
    """The document body.  Real pages come with ``div.stuk``, with ``#broodtekst`` (the repository's HTML
    manifestation) or with neither; a heading such as ``h2.stuktitel`` is never the body, and a candidate
    that holds no paragraphs is passed over."""
    for selector in _BODY_SELECTORS:
        for el in soup.select(selector):
            if el.name not in _HEADING_TAGS and el.find(["p", "li", "td"]) is not None:
                return el
    body = soup.body or soup
    for chrome in body.find_all(["header", "nav", "footer", "script", "style", "form"]):
        if chrome.find(_is_footnote) is None and not (chrome.name == "form" and chrome.find("p")):
            chrome.decompose()          # page chrome around a page without a wrapper is no answer text
    return body


def _mark_footnote_refs(body: Tag) -> None:
    """Replace footnote markers (``<sup><a href="#…">1</a></sup>``, ``a.nootref``) by "[1]" so they stay
    visible in the text without merging into the words around them."""
    for el in list(body.find_all(["sup", "a"])):
        if el.parent is None or el.find_parent(_is_footnote) is not None or _is_footnote(el):
            continue
        text = _clean(el.get_text())
        is_ref = False
        if el.name == "sup":
            is_ref = bool(re.fullmatch(r"\d+(?:\s*,\s*\d+)*", text))
        elif _class_contains(el, "noot") or (el.get("href", "").startswith("#") and text.isdigit()):
            is_ref = text.isdigit() and el.find_parent("sup") is None
        if is_ref:
            el.replace_with(NavigableString(" [" + text.replace(" ", "") + "]"))


def _blocks(container: Tag) -> list[Tag]:
    """Paragraph-like elements in document order, without nesting duplicates."""
    found = []
    for el in container.find_all(["p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "td"]):
        parent, nested = el.parent, False
        while parent is not None and parent is not container:
            if parent.name in ("p", "li", "td"):
                nested = True
                break
            parent = parent.parent
        if not nested:
            found.append(el)
    return found


def _block_text(el: Tag) -> str:
    text = _clean(el.get_text(" "))
    text = re.sub(r"\s+\[(\d)", r" [\1", text)
    text = re.sub(r"\s+([.,;:?!])", r"\1", text)
    return ("- " + text) if el.name == "li" and text else text


def _heading(container: Tag, pattern: re.Pattern) -> tuple[Tag | None, list[int]]:
    """The element that numbers a vraag/antwoord block and the numbers it names."""
    for el in container.find_all(True):
        text = _clean(el.get_text(" "))
        if not text:
            continue
        if el.name in _HEADING_TAGS or _class_contains(el, "nummer") or _class_contains(el, "kop"):
            m = pattern.match(text)
            if m:
                return el, _numbers(m.group(1))
            if re.fullmatch(r"\d+(?:\s*(?:,|en|t/m|-)\s*\d+)*\.?", text):
                return el, _numbers(text)
        m = pattern.match(text)
        if m and el.name in ("p", "span", "strong", "b", "div") and len(text) < 60:
            return el, _numbers(m.group(1))
        if el.name in ("p", "li"):
            break                       # the heading comes before the first paragraph
    return None, []


def _block_body(container: Tag, heading: Tag | None) -> str:
    parts = []
    for el in _blocks(container):
        if heading is not None and (el is heading or heading in el.descendants or el in heading.descendants):
            continue
        if _is_footnote(el) or el.find_parent(_is_footnote) is not None:
            continue
        text = _block_text(el)
        if text:
            parts.append(text)
    if not parts:
        clone = _clean(container.get_text(" "))
        if heading is not None:
            clone = clone.replace(_clean(heading.get_text(" ")), "", 1).strip()
        parts = [clone] if clone else []
    return "\n".join(parts)


def _reference(text: str) -> int | None:
    m = _REFERENCE.match(text)
    return int(m.group(1)) if m else None


def _inline_number(text: str, word: str) -> tuple[list[int], str]:
    """"Vraag 2: Kent u …" inside the paragraph itself → ([2], "Kent u …")."""
    m = re.match(rf"^\s*{word}\s+(\d+)\s*[:.)]?\s+(?=\S)", text, re.I)
    return ([int(m.group(1))], text[m.end():]) if m else ([], text)


def _outermost(body: Tag, cls: str) -> list[Tag]:
    """Elements with class ``cls`` that are not inside another element with that class."""
    return [d for d in body.find_all(True) if cls in _classes(d)
            and d.find_parent(lambda t: isinstance(t, Tag) and cls in _classes(t)) is None]


def _questions_and_answers(body: Tag) -> tuple[list[ParsedQuestion], list[ParsedAnswer]]:
    vraag_divs = _outermost(body, "vraag")
    antwoord_divs = _outermost(body, "antwoord")
    if not vraag_divs and not antwoord_divs:
        return _sequential(body)
    questions, answers = [], []
    next_q = 1
    for div in vraag_divs:
        heading, numbers = _heading(div, _QUESTION_HEAD)
        text = _block_body(div, heading)
        if not numbers:
            numbers, text = _inline_number(text, "vraag")
        if not text:
            continue
        number = numbers[0] if numbers else next_q
        questions.append(ParsedQuestion(number, text))
        next_q = number + 1
    next_a = 1
    for div in antwoord_divs:
        heading, numbers = _heading(div, _ANSWER_HEAD)
        if not numbers and heading is None:
            heading, numbers = _heading(div, _QUESTION_HEAD)   # answers headed "Vraag 4, 5 en 6"
        text = _block_body(div, heading)
        if not numbers:
            numbers, text = _inline_number(text, "antwoord")
        numbers = numbers or [next_a]
        answers.append(ParsedAnswer(numbers, text, _reference(text)))
        next_a = max(numbers) + 1
    return questions, answers


def _sequential(body: Tag) -> tuple[list[ParsedQuestion], list[ParsedAnswer]]:
    """Pages without div.vraag/div.antwoord: "Vraag 1" / "Antwoord 1" paragraphs start the blocks."""
    questions: list[ParsedQuestion] = []
    answers: list[ParsedAnswer] = []
    current: tuple[str, list[int]] | None = None
    lines: list[str] = []

    def flush():
        if current and lines:
            text = "\n".join(lines)
            if current[0] == "q":
                questions.append(ParsedQuestion(current[1][0], text))
            else:
                answers.append(ParsedAnswer(current[1], text, _reference(text)))

    for el in _blocks(body):
        if _is_footnote(el) or el.find_parent(_is_footnote) is not None:
            continue
        if el.find_parent(lambda t: isinstance(t, Tag) and _class_contains(t, "kamervraagopmerking")):
            continue
        text = _block_text(el)
        if not text:
            continue
        mq, ma = _QUESTION_HEAD.match(text), _ANSWER_HEAD.match(text)
        inline = re.match(r"^\s*(vraag|antwoord)\s+(\d+)\s*[:.]?\s+(.{3,})$", text, re.I | re.S)
        if mq or ma:
            flush()
            current, lines = ("q" if mq else "a", _numbers((mq or ma).group(1))), []
        elif inline and not _VRAGEN_VAN.match(text) and not _ANTWOORD_VAN.match(text):
            flush()
            current = ("q" if inline.group(1).lower() == "vraag" else "a", [int(inline.group(2))])
            lines = [inline.group(3).strip()]
        elif current:
            lines.append(text)
    flush()
    return questions, answers


def _footnote_text(el: Tag) -> str:
    """The note without its number and without the "X Noot" close control of the pop-up."""
    copy = BeautifulSoup(str(el), "lxml")
    for junk in copy.find_all(lambda t: isinstance(t, Tag) and (_class_contains(t, "note-close")
                                                                or _class_contains(t, "nootnum"))):
        junk.decompose()
    text = _clean(copy.get_text(" "))
    return re.sub(r"^X?\s*Noot\s+", "", text)


def _footnotes(body: Tag, soup: BeautifulSoup, part: str, base_url: str | None) -> list[Footnote]:
    notes: list[Footnote] = []
    scope = soup if body.find(_is_footnote) is None else body
    for i, el in enumerate(scope.find_all(_is_footnote), start=1):
        num_el = el.find(lambda t: isinstance(t, Tag) and _class_contains(t, "nootnum"))
        number = _clean(num_el.get_text()) if num_el else None
        text = _footnote_text(el)
        if number and text.startswith(number):
            text = text[len(number):].strip()
        if not number:
            m = re.match(r"^(\d+)[.)]?\s+", text)
            number, text = (m.group(1), text[m.end():]) if m else (str(i), text)
        urls = []
        for a in el.find_all("a", href=True):
            href = a["href"].strip()
            if href.startswith("#") or href.lower().startswith(("javascript:", "mailto:")):
                continue
            url = urljoin(base_url, href) if base_url else href
            if url.lower().startswith(("http://", "https://")):
                urls.append(url)
        if not urls:
            urls = [u.rstrip(".,;") for u in _URL_IN_TEXT.findall(text)]
        for url in list(dict.fromkeys(urls)) or [None]:
            notes.append(Footnote(part=part, number=number.rstrip("."), text=text or None, url=url))
    return notes


def _footnote_parts(body: Tag) -> dict[str, str]:
    """Footnote number → the part (question/answer) whose text refers to it."""
    parts = {}
    for div in body.find_all(True):
        cls = _classes(div)
        kind = "question" if "vraag" in cls else "answer" if "antwoord" in cls else None
        if kind:
            for ref in re.findall(r"\[(\d+(?:,\d+)*)\]", div.get_text()):
                for n in ref.split(","):
                    parts.setdefault(n, kind)
    return parts


def _split_actors(who: str) -> list[Actor]:
    actors = []
    found = re.findall(r"([^,()]+?)\s*\(([^()]+)\)", who)
    if found:
        for name, party in found:
            name = re.sub(r"^\s*(?:en|,)\s+", "", name).strip(" ,")
            if name:
                actors.append(Actor(name=name, party=party.strip() or None))
    else:
        for name in re.split(r"\s*,\s*|\s+en\s+", who):
            if name.strip():
                actors.append(Actor(name=name.strip()))
    for i, actor in enumerate(actors):
        actor.role = "indiener" if i == 0 else "medeindiener"
    return actors


def _capitalise(text: str | None) -> str | None:
    if not text:
        return text
    return text[0].upper() + text[1:]


def _header_texts(body: Tag) -> list[str]:
    els = [el for el in body.find_all(True) if _class_contains(el, "kamervraagomschrijving")]
    texts = []
    for el in els:
        if el.find_parent(lambda t: isinstance(t, Tag) and _class_contains(t, "kamervraagomschrijving")) is None:
            texts.extend(_clean(b.get_text(" ")) for b in (_blocks(el) or [el]))
    if not texts:
        for el in _blocks(body)[:12]:
            text = _clean(el.get_text(" "))
            if _VRAGEN_VAN.match(text) or _ANTWOORD_VAN.match(text):
                texts.append(text)
    return texts


def _notice_blocks(body: Tag, search_body: bool) -> list[str]:
    """Paragraphs of the postponement notice: ``div.kamervraagopmerking``, or on a page of its own
    (``search_body``) the paragraphs from the first one that reads like a notice."""
    el = next((t for t in body.find_all(True) if _class_contains(t, "kamervraagopmerking")), None)
    if el is not None:
        return [_block_text(p) for p in _blocks(el)] or [_clean(el.get_text(" "))]
    if not search_body:
        return []
    paragraphs, started = [], False
    for block in _blocks(body):
        if _is_footnote(block) or block.find_parent(_is_footnote) is not None or block.find_parent(
                lambda t: isinstance(t, Tag) and ({"vraag", "antwoord"} & set(_classes(t))
                                                  or _class_contains(t, "kamervraagomschrijving"))):
            continue
        text = _block_text(block)
        if not started and (re.match(r"^\s*mededeling\b", text, re.I) or _POSTPONEMENT_WORDS.search(text)) \
                and not _VRAGEN_VAN.match(text) and not _ANTWOORD_VAN.match(text):
            started = True
        if started and text:
            paragraphs.append(text)
    return paragraphs


def _notice_heading(paragraph: str) -> tuple[bool, str | None, str]:
    """(is a heading, its date, the text after it) for "Mededeling", "Mededeling - 1 maart 2023",
    "Mededeling (ontvangen 1 maart 2023)" or "Mededeling (uitstel antwoord)" leading a paragraph."""
    if not re.match(r"^\s*mededeling\b", paragraph, re.I):
        return False, None, paragraph
    if len(paragraph) <= 80 and not _POSTPONEMENT_WORDS.search(paragraph[10:]):
        return True, parse_date(paragraph), ""
    m = _MEDEDELING_HEAD.match(paragraph)
    return True, parse_date(m.group(0)), paragraph[m.end():].strip()


def _postponement(body: Tag, search_body: bool, document_id: str | None) -> Postponement | None:
    paragraphs = [p for p in _notice_blocks(body, search_body) if p and not _VRAGEN_VAN.match(p)]
    if not paragraphs:
        return None
    is_head, when, rest = _notice_heading(paragraphs[0])
    if is_head:
        paragraphs = ([rest] if rest else []) + paragraphs[1:]
    text = "\n".join(paragraphs).strip()
    # A bare "Zie ook Aanhangsel Handelingen …, nr. 1702" is a cross-reference, not the notice itself.
    if not text or not (is_head or _POSTPONEMENT_WORDS.search(text)):
        return None
    return Postponement(date=when, text=text, document_id=document_id)


def _answered_by(doc: KamervraagDocument, role: str, rest: str) -> None:
    """"Minister Kuipers (Volksgezondheid, Welzijn en Sport) (ontvangen 21 maart 2023)" or, without a
    name, "de Minister van Volksgezondheid, Welzijn en Sport (ontvangen …)"."""
    role = _capitalise(role.lower())
    function_only = _FUNCTION_ONLY.match(rest)
    named = _NAME_AND_DEPT.match(rest)
    if function_only:
        doc.answered_by_function = f"{role} {_clean(function_only.group('dept'))}"
    elif named and not re.match(r"\s*ontvangen\b", named.group("dept"), re.I):
        doc.answered_by = _clean(named.group("name"))
        dept = _clean(named.group("dept"))
        doc.answered_by_function = f"{role} van {dept}" if dept else role
    elif named:
        doc.answered_by = _clean(named.group("name"))
    got = _ONTVANGEN.search(rest)
    doc.answered = parse_date(got.group(1)) if got else None


def subject_of(title: str | None) -> str | None:
    """"Vragen van het lid X (P) aan de Minister van Y over het rapport …" → "Het rapport …"; other titles as is."""
    if not title:
        return None
    m = _VRAGEN_VAN.match(_clean(title))
    if m and m.group("subject"):
        return _capitalise(_clean(m.group("subject")).rstrip("."))
    return _clean(title) or None


def _kind(doc: KamervraagDocument, doc_type: str, notice: Postponement | None) -> str | None:
    ident = (doc.document_id or "").lower()
    if "mededeling" in doc_type:
        return "mededeling"
    if doc.answers:
        return "answer"
    if ident.startswith("kv-"):
        return "question"
    if notice is not None:
        return "mededeling"             # a page of its own announcing that the answer is postponed
    if ident.startswith("ah-") or "aanhangsel" in doc_type:
        return "answer"
    return "question" if doc.questions else None


def _read_header(doc: KamervraagDocument, body: Tag) -> None:
    """Submitters, receiver, subject and dates from "Vragen van … (ingezonden …)" and "Antwoord van …"."""
    for text in _header_texts(body):
        m = _VRAGEN_VAN.match(text)
        if m and not doc.submitters:
            doc.submitters = _split_actors(m.group("who"))
            doc.receiver = _capitalise(_clean(m.group("to")).rstrip(".,"))
            doc.title = _capitalise(_clean(m.group("subject") or "").rstrip(".")) or None
            doc.title_full = text[:m.end()].strip()
            doc.submitted = parse_date(m.group("date")) if m.group("date") else None
            text = text[m.end():]       # "Antwoord van …" may follow in the same block
        m = _ANTWOORD_VAN.search(text)
        if m and not (doc.answered_by or doc.answered_by_function):
            _answered_by(doc, m.group("role"), m.group("rest"))


def _zaak_nummer_in(texts) -> str | None:
    for text in texts:
        m = re.search(r"\b(\d{4}Z\d{5})\b", text or "", re.I)
        if m:
            return normalise_zaak_nummer(m.group(1))
    return None


def _read_numbers(doc: KamervraagDocument, body: Tag, meta: dict) -> None:
    """Vergaderjaar, aanhangselnummer and Zaak nummer: head metadata first, then the page."""
    vj = first(meta, "OVERHEIDop.vergaderjaar")
    if not vj:
        m = _VERGADERJAAR.search(body.get_text(" "))
        vj = m.group(1) if m else None
    doc.vergaderjaar = normalise_vergaderjaar(vj)
    numbered = [(t, _clean(t.get_text())) for t in body.find_all(True) if _class_contains(t, "nummer")]
    nr = first(meta, "OVERHEIDop.aanhangselNummer") or first(meta, "OVERHEIDop.aanhangselnummer") or next(
        (text for t, text in numbered if {"kamervraagnummer", "aanhangselnummer"} & set(_classes(t))
         and re.fullmatch(r"[\d\s.]+", text)), None)
    if not nr and doc.document_id:
        parsed = parse_answer_id(doc.document_id)
        nr = parsed[1] if parsed else None
    doc.aanhangselnummer = normalise_aanhangselnummer(nr, doc.vergaderjaar)
    doc.zaak_nummer = (normalise_zaak_nummer(first(meta, "OVERHEIDop.vraagnummer"))
                       or next((normalise_zaak_nummer(text) for _, text in numbered if normalise_zaak_nummer(text)), None)
                       or zaak_nummer_from_question_id(doc.document_id)
                       # a notice names its questions: "De vragen van het lid … (2023Z02090) kunnen …"
                       or _zaak_nummer_in([doc.title_full, doc.postponement.text if doc.postponement else None]))


def parse_kamervraag_html(data: bytes | str, base_url: str | None = None, document_id: str | None = None) -> KamervraagDocument:
    """Parse one officielebekendmakingen page.  ``base_url`` resolves relative footnote links;
    ``document_id`` (e.g. from the URL) is used when the page does not name itself.
    ParseError when the page holds no Kamervraag content at all."""
    if isinstance(data, bytes):
        declared = re.search(rb"<meta[^>]+charset\s*=\s*[\"']?([A-Za-z0-9_\-]+)", data[:4096], re.I)
        data = decode(data, declared.group(1).decode("ascii") if declared else None)
    soup = BeautifulSoup(data, "lxml")
    if soup.find() is None:
        raise ParseError("Kamervraag HTML: empty document")
    meta = metadata_from_pairs((m.get("name") or m.get("property"), m.get("content"))
                               for m in soup.find_all("meta") if m.get("content") is not None)
    body = _body(soup)
    _mark_footnote_refs(body)
    doc = KamervraagDocument(meta=meta)
    doc.document_id = first(meta, "DC.identifier") or document_id
    if not doc.document_id and base_url:
        candidate = document_id_from_url(base_url)
        doc.document_id = candidate if re.match(r"^(kv|ah)-", candidate) else None
    doc_type = " ".join(filter(None, [first(meta, "DC.type"), first(meta, "OVERHEIDop.publicationName")])).lower()
    doc.questions, doc.answers = _questions_and_answers(body)
    ident = (doc.document_id or "").lower()
    notice = _postponement(body, search_body=not doc.answers and not ident.startswith("kv-"),
                           document_id=doc.document_id)
    doc.kind = _kind(doc, doc_type, notice)
    if notice is not None and doc.kind != "mededeling":
        notice.document_id = None       # a notice printed inside the question or answer page
    doc.postponement = notice
    _read_header(doc, body)
    _read_numbers(doc, body, meta)

    parts = _footnote_parts(body)
    default_part = "answer" if doc.kind == "answer" else "question"
    doc.footnotes = _footnotes(body, soup, default_part, base_url)
    for note in doc.footnotes:
        note.part = parts.get(note.number, note.part)
    if doc.kind is None and not (doc.questions or doc.answers or doc.postponement or doc.submitters):
        raise ParseError("Kamervraag HTML: no questions, answers, postponement notice or header found")
    return doc
