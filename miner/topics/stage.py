"""The topics step of `miner refresh`: refit when the corpus changed, else keep the model."""
from __future__ import annotations

from pathlib import Path

from miner.store import topics as store
from miner.topics import corpus as corpus_mod, model, persist, quality


def active_model(conn):
    return store.active_model(conn)


def spill_dir(cfg) -> Path:
    """Where a fit spills its units (removed when it ends; a killed fit's folder goes next time)."""
    return Path(cfg.data_dir) / "tmp"


def run(cfg, conn, progress: bool = True, force: bool = False, overrides: dict | None = None,
        from_scratch: bool = False) -> dict:
    """Fit (or keep) the topic model.  ``overrides`` replaces [topics] keys for this run only
    (``miner topics --refit --k 12``).  Too few documents gives status 'skipped' with the
    reason; a problem a person must fix (a broken labels file) raises TopicError, like every
    stage's failure (`miner/pipeline/stages.py`): `miner refresh` reports it in the summary,
    the run row and the exit status, carries on with the next stage, and the previous model
    stays active.

    ``force`` refits even when the corpus is unchanged; a changed corpus still continues from
    the active model (kept k, warm start) unless ``from_scratch``."""
    return _run(cfg, conn, progress, force, overrides, from_scratch)


def _run(cfg, conn, progress, force, overrides, from_scratch) -> dict:
    tcfg = dict(cfg["topics"], **(overrides or {}))
    cfg_view = _CfgView(cfg, tcfg)
    current = active_model(conn)
    if not force and current is not None:
        sig = corpus_mod.signature(conn, tcfg)
        path = persist.model_file(cfg, current)
        if current["corpus_hash"] == sig and path is not None and path.exists():
            labels_changed = persist.refresh_labels(conn, cfg_view)
            return {"status": "unchanged", "model_id": current["id"], "n_topics": current["n_topics"],
                    "labels_updated": labels_changed}
    with corpus_mod.load(conn, tcfg, spill_dir(cfg), progress=progress) as corpus:
        n_docs = len(corpus.document_ids)
        if n_docs < tcfg["min_documents"]:
            return {"status": "skipped", "reason": f"{n_docs} usable document(s), fewer than "
                    f"topics.min_documents = {tcfg['min_documents']}"}
        warnings: list[str] = []
        start, keep_k = (None, None) if from_scratch else _continuation(conn, cfg, tcfg, current, corpus, warnings)
        fit = model.fit(corpus, tcfg, progress=progress, start=start, keep_k=keep_k)
        unassigned = quality.unassigned_share(fit.document_weights, tcfg["min_topic_weight"])
        saved = persist.save(conn, cfg_view, corpus, fit, unassigned)
    return {"status": "fitted", **saved, "method": fit.method, "n_topics": fit.n_topics, "documents": n_docs,
            "units": corpus.n_units, "npmi": round(fit.npmi, 4), "diversity": round(fit.diversity, 4),
            "unassigned_share": round(unassigned, 4), "stream_passes": fit.passes,
            **({"warnings": warnings} if warnings else {})}


def _continuation(conn, cfg, tcfg: dict, current, corpus, warnings: list[str]) -> tuple[model.Start | None, int | None]:
    """What a refit after a corpus change carries over from the active model: its k when
    few documents are new, and its topics as NMF starting point (warm_start)."""
    if current is None or current["method"] != tcfg["method"] or current["corpus_hash"] == corpus.signature:
        return None, None   # nothing to continue from, or the same corpus: refit it reproducibly
    previous = store.modelled_document_ids(conn)
    docs = set(corpus.document_ids)
    new_share = len(docs - previous) / len(docs) if docs else 1.0
    if new_share >= tcfg["keep_k_below_change"]:
        return None, None
    keep_k = None if tcfg["n_topics"] else current["n_topics"]
    start = None
    path = persist.model_file(cfg, current)
    if (tcfg["warm_start"] and tcfg["method"] == "nmf" and (keep_k or tcfg["n_topics"]) == current["n_topics"]
            and path is not None and path.exists()):
        try:
            saved = persist.load_model(cfg, current)
        except model.TopicError as exc:   # a tampered or foreign file: fit without it, say why
            warnings.append(str(exc))
        else:
            start = model.Start(vocabulary=saved["vocabulary"], components=saved["components"])
    return start, keep_k


class _CfgView:
    """The config with the [topics] section replaced by this run's settings."""

    def __init__(self, cfg, tcfg: dict):
        self._cfg, self._tcfg = cfg, tcfg
        self.root = cfg.root

    def __getitem__(self, section):
        return self._tcfg if section == "topics" else self._cfg[section]
