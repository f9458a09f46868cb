"""Shared pieces of the tagging tests: a Dutch fixture text (written for these tests)
and pipelines: a small blank one for fast unit tests, the real shipped one for quality."""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# A parliamentary question and answer in the style of a Kamervraag, written for these tests.
KAMERVRAAG = """Vragen van het lid Jansen (GL-PvdA) aan de minister van Volksgezondheid, Welzijn en Sport over uitsluiting in het buurtwerk

Vraag 1
Heeft u kennisgenomen van de peiling waaruit blijkt dat 38 procent van de bevraagde buurtwerkers zelf discriminatie heeft meegemaakt en 64 procent discriminatie van bewoners heeft gezien?
Bent u bereid om gemeenten te vragen hier direct werk van te maken?

Antwoord 1
Ja. Het is onaanvaardbaar dat mensen in ons land ongelijk worden behandeld. Vanwege hun afkomst, hun geaardheid, hun religie, hun geslacht of hun leeftijd.
Gemeenten moeten ervoor zorgen dat inwoners discriminatie eenvoudig kunnen melden bij de antidiscriminatievoorziening.
Daarnaast betaalt het ministerie trainingen voor buurtwerkers over het herkennen van eigen vooroordelen.
Samen met Pharos richten wij een panel van ervaringsdeskundigen op.
Sociaal werkers zouden meer aandacht moeten hebben voor de uitsluiting van mensen met een beperking.
Jongerenwerkers organiseren in de zomer een sportdag voor jongeren in de wijk.
Moslimdiscriminatie op de arbeidsmarkt neemt vermoedelijk toe.

Vraag 2
Wat gaat u doen om leeftijdsdiscriminatie bij vacatures tegen te gaan?
"""


def blank_pipeline_dir(base: Path) -> Path:
    """A Dutch pipeline without trained parts: tokenizer, sentencizer, lookup lemmatizer."""
    import spacy
    target = base / "nl_blank"
    if not (target / "config.cfg").exists():
        nlp = spacy.blank("nl")
        nlp.add_pipe("sentencizer")
        nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
        nlp.initialize()
        nlp.to_disk(target)
    return target


@pytest.fixture(scope="session")
def blank_dir(tmp_path_factory):
    return blank_pipeline_dir(tmp_path_factory.mktemp("pipelines"))


@pytest.fixture(scope="session")
def blank_nlp(blank_dir, tmp_path_factory):
    from miner import config
    from miner.nlp.tagging.pipeline import build
    cfg = config.from_dict({"nlp": {"pipeline": str(blank_dir)}}, tmp_path_factory.mktemp("cfg"))
    return build(cfg)


@pytest.fixture(scope="session")
def real_nlp(tmp_path_factory):
    """The configured Dutch pipeline (models/nl_miner or nl_core_news_sm) with the rule layer alone:
    the rule tests pin what the rules do (cue words, actors); the learned decision has its own tests."""
    from miner import config
    from miner.nlp.loader import PipelineUnavailable
    from miner.nlp.tagging.pipeline import build
    cfg = config.from_dict({"store": {"models_dir": str(ROOT / "models")}, "nlp": {"tagger_model": "rules"}},
                           tmp_path_factory.mktemp("cfg"))
    try:
        return build(cfg)
    except PipelineUnavailable as exc:
        pytest.skip(f"no Dutch pipeline available: {exc}")


def records(nlp, text: str) -> list[dict]:
    from miner.nlp.tagging.annotation import to_records
    return to_records(nlp(text))


def labels(recs, layer: str) -> set[str]:
    return {r["label"] for r in recs if r["layer"] == layer}
