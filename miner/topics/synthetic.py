"""Synthetic Dutch-like documents with known themes, for tests and the timing benchmark.

Each theme is a list of real Dutch content words (written for this project); a
document mixes sentences from one main theme and, sometimes, a second one, with
shared filler words, so a topic model should recover the themes.
"""
from __future__ import annotations

import random

THEMES = {
    "onderwijs": "school leerling docent klas lesprogramma stage schoolbestuur pesten diploma mentor "
                 "rapportcijfer examen schoolplein leraar onderwijs".split(),
    "arbeid": "werkgever sollicitatie vacature baan werving sollicitant personeel contract loon functie "
              "collega werkvloer uitzendbureau promotie ontslag".split(),
    "wonen": "woning huurder verhuurder woningcorporatie huurwoning makelaar bewoner huisvesting wachtlijst "
             "flat portiek huurcontract bezichtiging woningzoekende huur".split(),
    "sport": "sportvereniging voetbal trainer scheidsrechter wedstrijd kantine team toernooi sportclub veld "
             "tribune supporter elftal kleedkamer competitie".split(),
    "zorg": "huisarts patiënt zorgverlener ziekenhuis verpleegkundige behandeling wachtkamer apotheek "
            "diagnose medicijn spreekuur specialist ambulance kliniek verzekeraar".split(),
    "politie": "politie agent aangifte rechter officier strafzaak controle boete arrestatie rechtbank "
               "advocaat verdachte proces vonnis cel".split(),
    "online": "internet bericht platform account moderator website forum video reactie scherm "
              "smartphone app tijdlijn algoritme berichtje".split(),
    "buurt": "buurthuis jongerenwerker wijkteam vrijwilliger activiteit buurtbewoner ontmoeting "
             "wijkcentrum buurtfeest koffieochtend straat speeltuin huiskamer vereniging wijk".split(),
}
# Dutch compound heads: with rich=True every theme also uses compounds (schoolbeleid,
# woningoverleg ...), which gives the vocabulary size of a real corpus for timing.
MODIFIERS = ("beleid plan team overleg raad project fonds groep regel gesprek dag week avond les kosten "
             "budget rapport onderzoek netwerk punt middag leider coach dienst locatie").split()
FILLER = "mens groep gesprek situatie ervaring manier moment plek verhaal idee".split()
TEMPLATES = [
    "De {0} sprak met de {1} over de {2}.",
    "Volgens de {0} is de {1} belangrijk voor de {2} en de {3}.",
    "In de {0} ging het vaak over {1}, {2} en de {3}.",
    "Een {0} vertelde dat de {1} niet goed werkte bij de {2}.",
    "Het onderzoek keek naar de {0}, de {1} en de rol van de {2}.",
]


def _vocabulary(theme: str, rich: bool) -> list[str]:
    words = THEMES[theme]
    if not rich:
        return words
    return words + [root + mod for root in words[:10] for mod in MODIFIERS]


def document(rng: random.Random, n_sentences: int, themes: list[str] | None = None,
             rich: bool = False) -> tuple[str, list[str]]:
    """One document: (text, [main theme, optional second theme])."""
    names = sorted(THEMES)
    main = themes[0] if themes else rng.choice(names)
    second = themes[1] if themes and len(themes) > 1 else (rng.choice(names) if rng.random() < 0.3 else None)
    sentences = []
    for _ in range(n_sentences):
        theme = second if second and rng.random() < 0.3 else main
        vocab = _vocabulary(theme, rich)
        words = [rng.choice(vocab) for _ in range(3)] + [rng.choice(FILLER)]
        rng.shuffle(words)
        sentences.append(rng.choice(TEMPLATES).format(*words))
    return " ".join(sentences), [main] + ([second] if second else [])


def corpus(n: int, seed: int = 0, n_sentences: tuple[int, int] = (8, 30),
           rich: bool = False) -> list[tuple[str, list[str]]]:
    rng = random.Random(seed)
    return [document(rng, rng.randint(*n_sentences), rich=rich) for _ in range(n)]
