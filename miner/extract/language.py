"""Language identification by function-word profiles.

Documents here are long and the candidate languages few (Dutch reports with
English summaries, the odd German or French annex), so counting frequent
function words is accurate and costs nothing; no model file is needed.
"""
from __future__ import annotations

import re

_PROFILES = {
    "nl": "de het een en van in is dat op te zijn met voor niet aan er om ook als bij door naar maar dit wordt worden "
          "werd kan deze over uit zij hun wij ons onze nog wel meer dan tot wat hoe geen heeft hebben zich",
    "en": "the of and to in is that for on with as are be by this it from at an or not have has was were which "
          "their they we our can more than also been will would these",
    "de": "der die das und zu den von mit sich des auf für ist im dem nicht ein eine als auch es an werden aus er "
          "hat dass sie nach wird bei einer um am sind noch wie einem über",
    "fr": "le la les de des et en un une du est que pour dans qui par sur au pas plus ne se ce il sont avec ou "
          "aux elle nous vous leur",
}
_WORDS = {lang: set(ws.split()) for lang, ws in _PROFILES.items()}
_TOKEN = re.compile(r"[a-zäëïöüéèàç]+")


def language_scores(text: str, sample_chars: int = 20000) -> dict[str, float]:
    tokens = _TOKEN.findall(text[:sample_chars].lower())
    if not tokens:
        return {}
    return {lang: sum(t in words for t in tokens) / len(tokens) for lang, words in _WORDS.items()}


def detect_language(text: str) -> str:
    """ISO 639-1 code of the dominant language, or 'und' when there is too little text."""
    scores = language_scores(text)
    if not scores or len(_TOKEN.findall(text[:20000])) < 8:
        return "und"
    lang, best = max(scores.items(), key=lambda kv: kv[1])
    return lang if best >= 0.08 else "und"
