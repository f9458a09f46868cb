"""The tagging pipeline: the configured Dutch pipeline plus the miner components.

``build(cfg)`` loads the pipeline through ``miner.nlp.loader.load_pipeline`` (its own
cached instance) and appends the components (once per taxonomy version; a changed
taxonomy file replaces them). ``tag(nlp, texts)`` streams documents through ``nlp.pipe``.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from miner.nlp import tagging
from miner.nlp.tagging import factories  # noqa: F401  registers the components with spaCy
from miner.nlp.tagging.taxonomy import BUILTIN_PATH, SCORED_LAYERS, Taxonomy, load as load_taxonomy, resolve_path
from miner import lifecycle

# loaded components the tagger never reads
UNUSED = ("ner", "senter", "attribute_ruler_ner")


def taxonomy_for(cfg) -> Taxonomy:
    return load_taxonomy(resolve_path(cfg))


def tagger_hash(cfg, taxonomy: Taxonomy) -> str:
    """What ``tagging_state`` records: the taxonomy (and tagger version), the learned model's
    arrays and the thresholds, so a change of any of them re-tags the store."""
    import hashlib
    import json
    learned = learned_settings(cfg)
    if learned is None:
        return taxonomy.version_hash
    from miner.nlp.learned.component import load_model
    model = load_model(learned["model"])
    key = json.dumps([taxonomy.version_hash, model.meta.get("arrays_sha256"), learned["thresholds"],
                      learned["relevance_threshold"]], sort_keys=True)
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def learned_settings(cfg, checkout_fallback: bool = False) -> dict | None:
    """The ``miner_learned`` component's config from ``[nlp]``, or None for the rule layer alone.

    An explicitly configured model that is missing or damaged is an error; the default one
    (``<models_dir>/miner_tagger``) missing means rules alone, which ``miner status`` says, or, with
    ``checkout_fallback`` (``miner demo``, whose store has no models of its own), the model shipped in
    this checkout's ``models/``."""
    from miner.nlp.learned.component import DEFAULT_NAME, load_model
    from miner.nlp.learned.model import ModelError
    wanted = (cfg["nlp"].get("tagger_model") or "").strip() if cfg is not None else ""
    if wanted == "rules":
        return None
    if wanted:
        path = Path(wanted).expanduser()
        path = path if path.is_absolute() else cfg.root / path
        model = load_model(path)  # raises ModelError with the reason
    else:
        from miner.nlp.loader import CHECKOUT_MODELS
        models = Path(cfg["store"]["models_dir"]) if cfg is not None else Path("models")
        candidates = [models / DEFAULT_NAME] + ([CHECKOUT_MODELS / DEFAULT_NAME] if checkout_fallback else [])
        for path in candidates:
            try:
                model = load_model(path)
                break
            except ModelError:
                continue
        else:
            return None
    n = cfg["nlp"]
    return {"model": str(path.resolve()),
            "thresholds": {layer: float(n.get(f"threshold_{layer}", 0.0) or 0.0)
                           for layer in SCORED_LAYERS},
            "relevance_threshold": float(n.get("relevance_threshold") or model.relevance["threshold"])}


def describe_tagger(cfg) -> str:
    """Which tagger decides: the learned model (name, version, where) or the rules."""
    from miner.nlp.learned.component import load_model
    from miner.nlp.learned.model import ModelError
    try:
        learned = learned_settings(cfg)
    except ModelError as exc:
        return f"none: {exc}"
    if learned is None:
        return "rules only (no learned model; train one with `miner tag train`)"
    model = load_model(learned["model"])
    return f"learned {model.name} ({learned['model']}), thresholds " + ", ".join(
        f"{k} {v or model.thresholds.get(k, 0.5):.2f}" for k, v in learned["thresholds"].items())


def add_components(nlp, taxonomy: Taxonomy, learned: dict | None = None):
    """Append (or replace) the miner components, bound to ``taxonomy``; with ``learned`` the
    learned tagger goes last and decides ground, mechanism and recommendation."""
    import json
    marker = nlp.meta.setdefault("miner_tagging", {})
    names = tagging.COMPONENTS + (("miner_learned",) if learned else ())
    key = f"{taxonomy.version_hash}:{json.dumps(learned, sort_keys=True)}"
    if marker.get("key") == key and list(nlp.pipe_names[-len(names):]) == list(names):
        return nlp
    for name in tagging.COMPONENTS + ("miner_learned",):
        if name in nlp.pipe_names:
            nlp.remove_pipe(name)
    path = "" if taxonomy.path == Path(BUILTIN_PATH).resolve() else str(taxonomy.path)
    for name in tagging.COMPONENTS:
        nlp.add_pipe(name, config={"taxonomy": path}, last=True)
    if learned:
        import miner.nlp.learned.component  # noqa: F401  registers the factory
        nlp.add_pipe("miner_learned", config=dict(learned, taxonomy=path), last=True)
    marker["key"] = key
    marker["taxonomy"] = taxonomy.version_hash
    return nlp


# Passed as `exclude` (no such component exists): the loader caches per exclude tuple, so the
# tagger gets its own instance and the pipeline other stages load stays without our components.
OWN_INSTANCE = ("miner_tagging",)


def load_pipeline_for(cfg):
    """The configured Dutch pipeline in the tagger's own (cached) instance, without changing its components."""
    from miner.nlp.loader import load_pipeline
    return load_pipeline(cfg, exclude=OWN_INSTANCE)


def build(cfg, taxonomy: Taxonomy | None = None, learned: bool = True, fresh: bool = False):
    """The tagging pipeline; ``learned=False`` gives the rule layer alone (what training featurizes).
    ``fresh``: new tagging components even when the cached instance has them for this taxonomy
    (names added to an earlier instance's entity tagger must not linger)."""
    nlp = load_pipeline_for(cfg)
    if fresh:
        nlp.meta.setdefault("miner_tagging", {}).pop("key", None)
    return add_components(nlp, taxonomy or taxonomy_for(cfg), learned_settings(cfg) if learned else None)


def disabled(nlp) -> list[str]:
    """Components to switch off while tagging: unused by the tagger, and a senter when a parser sets sentences."""
    names = [n for n in nlp.pipe_names if n in ("ner",)]
    if "parser" in nlp.pipe_names and "senter" in nlp.pipe_names:
        names.append("senter")
    return names


def tag(nlp, texts: Iterable[str], batch_size: int = 32) -> Iterator:
    """Docs with ``doc._.miner_annotations`` for each text, in order."""
    with nlp.select_pipes(disable=disabled(nlp)):
        yield from nlp.pipe(texts, batch_size=batch_size)


# Texts longer than this are tagged in pieces (spaCy refuses docs over nlp.max_length, and
# one 450-page report would otherwise hold a whole batch in memory).
PIECE_CHARS = 200_000


@dataclass
class TagResult:
    records: list[dict]             # annotations as to_records gives them, offsets into the whole text
    doc_labels: list[dict]          # document-level labels (evidence_type)
    relevance: float | None         # document relevance (None: no learned model)
    error: str | None = None        # why this text could not be tagged


def split_pieces(text: str, size: int = PIECE_CHARS) -> list[tuple[int, str]]:
    """(offset, piece) of at most ``size`` characters, cut at a paragraph break, else a line
    break, else a sentence end, else a space, so no sentence is cut where avoidable."""
    if len(text) <= size:
        return [(0, text)]
    out, pos = [], 0
    while pos < len(text):
        end = min(len(text), pos + size)
        if end < len(text):
            window = text[pos + size // 2:end]
            for sep in ("\n\n", "\n", ". ", " "):
                k = window.rfind(sep)
                if k >= 0:
                    end = pos + size // 2 + k + len(sep)
                    break
        out.append((pos, text[pos:end]))
        pos = end
    return out


def tag_records(nlp, texts: Iterable[str], batch_size: int = 32,
                pages: Iterable[list] | None = None) -> Iterator[TagResult]:
    """One TagResult per text, in order. Long texts are tagged in pieces and put back together;
    a text that makes the pipeline fail gets a TagResult with ``error`` and the others go on."""
    from miner.nlp.tagging.annotation import page_of, to_records
    page_iter = iter(pages) if pages is not None else None
    buffer: list[tuple[int, int, str]] = []   # (text index, offset, piece)
    state: dict[int, dict] = {}
    order: list[int] = []
    next_out = 0

    def finish(idx: int) -> TagResult:
        st = state.pop(idx)
        if st["error"]:
            return TagResult([], [], None, st["error"])
        recs = sorted(st["records"], key=lambda r: (r["start"], r["layer"], r["label"]))
        rel = st["relevance"]   # (score, piece length): a long text's pieces weigh by their length
        score = sum(r * n for r, n in rel) / max(1, sum(n for _, n in rel)) if rel else None
        return TagResult(recs, st["doc_labels"] or [], score)

    def run(batch):
        try:
            with nlp.select_pipes(disable=disabled(nlp)):
                docs = list(nlp.pipe([p for _, _, p in batch], batch_size=batch_size))
        except Exception:
            lifecycle.raise_if_interrupted()
            if len(batch) == 1:
                raise
            docs = None
        if docs is None:  # find the piece that fails; tag the others
            for item in batch:
                try:
                    run([item])
                except Exception as exc:  # noqa: BLE001  recorded per document, never stops the run
                    lifecycle.raise_if_interrupted()
                    st = state[item[0]]
                    st["error"] = st["error"] or f"tagging failed: {type(exc).__name__}: {exc}"[:500]
                    st["left"] -= 1
            return
        for (idx, offset, _), doc in zip(batch, docs):
            st = state[idx]
            for r in to_records(doc):
                if offset:
                    for k in ("start", "end", "sentence_start", "sentence_end"):
                        r[k] += offset
                r["page"] = page_of(st["pages"], r["start"])
                st["records"].append(r)
            if offset == 0:
                st["doc_labels"] = doc._.miner_doc_labels or []
            if doc._.miner_relevance is not None:
                st["relevance"].append((float(doc._.miner_relevance), len(doc.text)))
            st["left"] -= 1

    for idx, text in enumerate(texts):
        pg = next(page_iter) if page_iter is not None else []
        pieces = split_pieces(text or "")
        state[idx] = {"records": [], "doc_labels": None, "relevance": [], "error": None,
                      "left": len(pieces), "pages": pg or []}
        order.append(idx)
        buffer.extend((idx, off, piece) for off, piece in pieces)
        if len(buffer) >= batch_size:
            run(buffer)
            buffer = []
            while next_out < len(order) and state[order[next_out]]["left"] == 0:
                yield finish(order[next_out])
                next_out += 1
    if buffer:
        run(buffer)
    while next_out < len(order):
        yield finish(order[next_out])
        next_out += 1
