"""One Kamervraag as miner stores it: questions paired with answers, actors, footnotes, dates."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class Actor:
    name: str
    party: str | None = None
    role: str = "indiener"              # indiener, medeindiener, gericht_aan, beantwoord_door
    function: str | None = None


@dataclass
class Item:
    number: int
    question: str
    answer: str | None = None           # as printed; None when another item's answer covers it
    answer_refers_to: int | None = None  # 3 for "Zie antwoord vraag 3" (or the first of a combined answer)
    answered_together: list[int] = field(default_factory=list)  # [4, 5, 6] for "Vraag 4, 5 en 6"


@dataclass
class Footnote:
    part: str                           # question or answer
    number: str
    text: str | None = None
    url: str | None = None


@dataclass
class Postponement:
    date: str | None                    # ISO
    text: str
    document_id: str | None = None


@dataclass
class Kamervraag:
    zaak_nummer: str | None = None      # 2023Z02090
    question_id: str | None = None      # kv-tk-2023Z02090
    answer_id: str | None = None        # ah-tk-20222023-1944
    title: str | None = None
    submitted: str | None = None        # ISO dates
    answered: str | None = None
    days_to_answer: int | None = None
    vergaderjaar: str | None = None     # 2022-2023
    aanhangselnummer: str | None = None
    receiver: str | None = None         # Minister van Volksgezondheid, Welzijn en Sport
    answered_by: str | None = None      # Kuipers
    submitters: list[Actor] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    footnotes: list[Footnote] = field(default_factory=list)
    postponement: Postponement | None = None
    metadata: dict = field(default_factory=dict)

    def item(self, number: int) -> Item | None:
        return next((i for i in self.items if i.number == number), None)

    def answer_for(self, number: int) -> str | None:
        """The answer text that answers question ``number``, following "Zie antwoord vraag N" and
        combined answers (with a guard against reference cycles)."""
        item, seen = self.item(number), set()
        while item is not None and item.answer_refers_to is not None and item.number not in seen:
            seen.add(item.number)
            item = self.item(item.answer_refers_to)
        return item.answer if item is not None else None

    def footnote_urls(self) -> list[str]:
        """Cited URLs (the reports the question is about), in order, without duplicates."""
        return list(dict.fromkeys(f.url for f in self.footnotes if f.url))

    def to_dict(self) -> dict:
        return asdict(self)
