"""Gold passages (``../shared/train/*.jsonl``, ``../shared/eval/dev_gold.jsonl`` format) turned into
training rows: the passage is tagged by the rule pipeline, each gold sentence becomes a token
range, and its features and labels are collected."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from miner.nlp.learned.features import FeatureWords, unit_features


@dataclass
class Passage:
    id: str
    group: str                      # file the passage came from (cross-validation keeps a passage whole)
    text: str
    spans: list[tuple[int, int]]    # gold sentence character spans
    labels: list[dict]              # per sentence: ground, mechanism, recommendation, actor
    features: list[list[str]] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    weight: float = 1.0
    train_only: bool = False        # own passages: in every fold's training part, never scored
    # gold recommendation sentence -> (actor feature symbols, the rule finder's actor ids)
    actors: dict[int, tuple[list[str], list[str]]] = field(default_factory=dict)


def read_passages(paths: list[Path], train_only: bool = False, weight: float | None = None) -> list[Passage]:
    """Passages of the jsonl files; ``train_only`` marks them as extra training data that cross-validation
    never scores (the project's own passages); ``weight`` overrides each passage's own."""
    out = []
    for path in paths:
        for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            d = json.loads(line)
            sents = d.get("sentences") or []
            out.append(Passage(
                id=str(d.get("id", f"{Path(path).stem}:{n}")), group=Path(path).stem, text=d["text"],
                spans=[(int(s["start"]), int(s["end"])) for s in sents],
                labels=[{"ground": list(s.get("ground") or []), "mechanism": list(s.get("mechanism") or []),
                         "recommendation": bool(s.get("recommendation")), "actor": list(s.get("actor") or [])}
                        for s in sents],
                weight=float(d.get("weight", 1.0)) if weight is None else float(weight), train_only=train_only))
    return out


OWN_DIR = Path(__file__).resolve().parent / "own"


def own_train_paths(cfg) -> list[Path]:
    """The own passages ``[nlp] own_train_dir`` names: 'builtin' = ``OWN_DIR``, empty = none."""
    value = cfg["nlp"]["own_train_dir"].strip()
    if not value:
        return []
    folder = OWN_DIR if value == "builtin" else Path(value).expanduser()
    if not folder.is_absolute():
        folder = Path(cfg.root) / folder
    paths = sorted(folder.glob("own_*.jsonl")) if folder.is_dir() else []
    if not paths:
        raise ValueError(f"{folder}: no own_*.jsonl files (set [nlp] own_train_dir, empty = none)")
    return paths


def data_hash(paths: list[Path]) -> dict[str, str]:
    return {Path(p).name: hashlib.sha256(Path(p).read_bytes()).hexdigest() for p in paths}


def token_units(doc, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Token ranges of character spans (expanded to whole tokens; empty when no token falls inside)."""
    units = []
    for s, e in spans:
        span = doc.char_span(s, e, alignment_mode="expand")
        if span is None:
            units.append((0, 0))
        else:
            units.append((span.start, span.end))
    return units


def featurize(nlp, passages: list[Passage], taxonomy, batch_size: int = 16, progress=None) -> None:
    """Tag every passage with the rule pipeline (no learned component) and fill features/texts
    (``taxonomy``: the one ``nlp``'s rule components were built with)."""
    from miner.nlp.learned.actors import ActorContext, actor_features
    from miner.nlp.tagging.pipeline import disabled
    from miner.nlp.tagging.recommendations import RecommendationTagger
    words = FeatureWords.of(taxonomy)
    recommendations = RecommendationTagger(taxonomy)
    skip = disabled(nlp) + [n for n in nlp.pipe_names if n == "miner_learned"]
    with nlp.select_pipes(disable=skip):
        for p, doc in zip(passages, nlp.pipe((p.text for p in passages), batch_size=batch_size)):
            units = token_units(doc, p.spans)
            p.features = unit_features(doc, units, words)
            p.texts = [p.text[s:e] for s, e in p.spans]
            context = None
            p.actors = {}
            for i, lab in enumerate(p.labels):
                if lab["recommendation"] and units[i][1] > units[i][0]:
                    context = context or ActorContext.of(doc, recommendations)
                    p.actors[i] = actor_features(doc, units, i, recommendations, context)
            if progress is not None:
                progress(p)
