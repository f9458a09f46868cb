"""Tagging step of `miner refresh` (and `miner tag --all`).

Tags every extracted document whose text or taxonomy changed since it was last
tagged (``tagging_state``), replacing its rows in ``annotations`` and
``document_labels``.  The documents go in tasks (a few dozen documents, a bounded number
of characters) to the executor's workers (``miner.compute``: all cores, or a Dask
cluster); each worker loads the pipeline once.  At most two tasks per worker are in flight,
so memory stays bounded however large the store.  Only this process writes: a task's
documents in one transaction, in document order, so the store is the same as a
one-process run's.  An interrupted run keeps everything written so far and the next run
tags the rest.
"""
from __future__ import annotations

from collections import Counter

from miner.store import tagging as store
from miner.store.tagging import kamervraag_persons, pending
from miner import lifecycle

DUTCH = ("nl", "und")
IN_FLIGHT_PER_WORKER = 2
TASKS_PER_WORKER = 4    # smaller tasks when there are few documents, so no core idles at the end


def task_size(n_docs: int, workers: int, batch_size: int) -> int:
    return max(1, min(batch_size, -(-n_docs // (TASKS_PER_WORKER * workers))))


def run(cfg, conn, progress: bool = True, force: bool = False, resume_since: str | None = None,
        on_progress=None) -> dict:
    """Tag new/changed documents (all extracted ones with ``force``); returns a summary.
    ``on_progress(summary)`` is called after every document (the run row's progress)."""
    from miner.compute import InlineExecutor, Throughput, open_executor
    from miner.nlp.tagging.pipeline import tagger_hash, taxonomy_for
    clock = Throughput()
    taxonomy = taxonomy_for(cfg)
    th = tagger_hash(cfg, taxonomy)
    todo = pending(conn, th, force, resume_since)
    summary = {"tagged": 0, "not_dutch": 0, "failed": 0, "failures": [], "relevant": 0, "annotations": 0,
               "by_layer": {}, "taxonomy": th}
    if not todo:
        return summary
    dutch = [r for r in todo if (r["language"] or "und") in DUTCH]
    skipped = [r for r in todo if (r["language"] or "und") not in DUTCH]
    # recorded, so they are not retried
    store.save_many(conn, [dict(doc_id=r["id"], sha=r["extracted_sha256"], taxonomy_hash=th, records=[],
                                doc_labels=[]) for r in skipped])
    summary["not_dutch"] = len(skipped)
    if not dutch:
        return summary

    from miner.nlp.tagging import evidence, pipeline, worker
    persons = kamervraag_persons(conn)
    key = worker.pipeline_key(cfg, th, persons)
    learned = pipeline.learned_settings(cfg)
    rel_threshold = learned["relevance_threshold"] if learned else 0.5
    batch_size = cfg["nlp"]["tag_batch_size"]
    ex = open_executor(cfg)
    if ex.name == "local" and not ex.inline and len(dutch) <= batch_size:
        ex = InlineExecutor()    # one task's worth: not worth starting a pool and loading the model there
    size = task_size(len(dutch), ex.workers, batch_size)
    max_chars = cfg["compute"]["tag_task_chars"]
    by_layer: Counter = Counter()
    pages_done = 0
    bar = None
    if progress:
        from tqdm import tqdm
        bar = tqdm(total=len(dutch), desc="tag", unit="doc", leave=False)

    def tasks():
        """Lists of (row, text, pages): at most ``size`` documents and about ``max_chars`` characters."""
        task, chars = [], 0
        for row in dutch:
            text = store.document_text(conn, row["id"])
            task.append((row, text, store.pages(conn, row["id"])))
            chars += len(text)
            if len(task) >= size or chars >= max_chars:
                yield task
                task, chars = [], 0
        if task:
            yield task

    def write(task, results):
        nonlocal pages_done
        items, tagged = [], []
        for (row, _text, pg), (doc_id, res) in zip(task, results):
            if doc_id != row["id"]:
                raise RuntimeError(f"tagging task returned document {doc_id} for {row['id']}")
            if res.error:
                items.append(dict(doc_id=row["id"], sha=row["extracted_sha256"], taxonomy_hash=th, records=[],
                                  doc_labels=[], error=res.error))
                summary["failed"] += 1
                summary["failures"].append({"document_id": row["id"], "error": res.error})
            else:
                # the crawl knows a Kamervraag for what it is; the text's cue words do not decide that
                doc_labels = evidence.from_doc_type(taxonomy, row["doc_type"]) or res.doc_labels
                items.append(dict(doc_id=row["id"], sha=row["extracted_sha256"], taxonomy_hash=th,
                                  records=res.records, doc_labels=doc_labels, relevance=res.relevance,
                                  relevance_threshold=rel_threshold))
                tagged.append((row["id"], res))
            pages_done += len(pg)
        refused = set(store.save_many(conn, items))   # extracted again meanwhile: tagged next run
        for doc_id, res in tagged:
            if doc_id in refused:
                summary["changed_meanwhile"] = summary.get("changed_meanwhile", 0) + 1
                continue
            by_layer.update(r["layer"] for r in res.records)
            summary["tagged"] += 1
            summary["relevant"] += int(res.relevance is None or res.relevance >= rel_threshold)
        for _ in items:
            if on_progress is not None:
                on_progress(summary)
            if bar is not None:
                bar.update(1)

    def submit(task):
        return ex.submit(worker.tag_task, cfg, key, persons, batch_size,
                         [(row["id"], text, pg) for row, text, pg in task])

    try:
        with ex:
            drive(ex, tasks(), submit, write, IN_FLIGHT_PER_WORKER * max(1, ex.workers),
                  warm=lambda: worker.pipeline_for(cfg, key, persons))
    finally:
        if bar is not None:
            bar.close()
        summary["annotations"] = sum(by_layer.values())
        summary["by_layer"] = dict(sorted(by_layer.items()))
        summary["throughput"] = clock.measure(ex, docs=summary["tagged"] + summary["failed"], pages=pages_done)
    return summary


def drive(ex, tasks, submit, write, max_in_flight: int, warm=None) -> None:
    """Submit tasks while fewer than ``max_in_flight`` are unwritten; ``write(task, results)``
    in task order.  When a worker dies (a C library crashed, killed for memory) a local pool
    fails every task in flight, so those tasks are split into one task per document and run
    one at a time: a document that kills its worker alone fails (``tagging worker crashed``),
    the others are tagged.  ``warm()`` runs once, before the first replacement pool starts:
    it loads the pipeline here, so the new workers (forked) do not load it again each time."""
    from miner.nlp.tagging.pipeline import TagResult
    tasks = iter(tasks)
    queue: list = []           # unwritten tasks in order: [task, future, results or None, ran alone]
    retry: list = []           # single-document parts to run one at a time
    futures: dict = {}
    exhausted = False
    while True:
        if retry and not futures:
            entry = retry.pop(0)
            entry[1], entry[3] = submit(entry[0]), True
            futures[entry[1]] = entry
        while not exhausted and not retry and len(queue) < max_in_flight:
            task = next(tasks, None)
            if task is None:
                exhausted = True
                break
            entry = [task, submit(task), None, False]
            futures[entry[1]] = entry
            queue.append(entry)
        while queue and queue[0][2] is not None:     # write what is done, in order
            entry = queue.pop(0)
            write(entry[0], entry[2])
        if not futures:
            if exhausted and not queue and not retry:
                return
            continue
        for fut in ex.wait_any(list(futures)):
            entry = futures.pop(fut)
            try:
                entry[2] = ex.result(fut)
            except Exception as exc:
                lifecycle.raise_if_interrupted()
                if getattr(ex, "broken", lambda: False)():
                    ex.recycle()
                    if warm is not None:
                        warm()
                        warm = None
                if entry[3]:   # it ran alone: this document is what kills the worker
                    doc_id = entry[0][0][0]["id"]
                    error = f"tagging worker crashed: {type(exc).__name__}: {exc}"[:500]
                    entry[2] = [(doc_id, TagResult([], [], None, error))]
                    continue
                # one task per document, in the task's place in the queue
                at = queue.index(entry)
                parts = [[[item], None, None, False] for item in entry[0]]
                queue[at:at + 1] = parts
                retry.extend(parts)
