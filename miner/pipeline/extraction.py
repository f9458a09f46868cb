"""Extract every document whose bytes changed, in parallel worker processes.

Workers only read raw files and return Extraction objects; the main process is
the only writer to the database.
"""
from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field

from tqdm import tqdm

from miner.extract import ExtractOptions, ExtractionError, extract_file
from miner.store import documents, files


@dataclass
class ExtractionSummary:
    extracted: int = 0
    needs_ocr: int = 0
    failed: list[tuple[int, str]] = field(default_factory=list)   # (doc id, reason)

    @property
    def total(self) -> int:
        return self.extracted + self.needs_ocr + len(self.failed)


def _work(path: str, opts: ExtractOptions, name: str | None, content_type: str | None, url: str | None):
    try:
        return extract_file(path, opts, name=name, content_type=content_type, base_url=url), None
    except ExtractionError as exc:
        return None, str(exc)
    except MemoryError:
        return None, "ran out of memory while extracting"
    except Exception as exc:  # a parser bug must not stop the batch; the reason is kept
        return None, f"extraction failed: {type(exc).__name__}: {exc}"


def _name_of(row) -> str | None:
    """The name the file had before it was stored by content: the local path or the URL's last part."""
    if row["local_path"]:
        return row["local_path"]
    if row["url"]:
        return row["url"].split("?")[0].rstrip("/").rsplit("/", 1)[-1]
    return None


def worker_count(cfg) -> int:
    n = cfg["extract"]["workers"]
    return n if n > 0 else max(1, os.cpu_count() or 1)


def extract_pending(cfg, conn, doc_ids: list[int] | None = None, progress: bool = True,
                    label: str = "extract") -> ExtractionSummary:
    rows = documents.needs_extraction(conn, doc_ids)
    summary = ExtractionSummary()
    if not rows:
        return summary
    opts = ExtractOptions.from_config(cfg)
    jobs = {r["id"]: (r["sha256"], (str(files.raw_path(cfg.data_dir, r["sha256"])), opts, _name_of(r), r["mime"],
                                    r["url"])) for r in rows}
    bar = tqdm(total=len(jobs), desc=label, unit="doc", disable=not progress, leave=False)

    def record(doc_id, result):
        ext, error = result
        sha = jobs[doc_id][0]
        if error is not None:
            documents.save_failure(conn, doc_id, sha, error)
            summary.failed.append((doc_id, error))
        else:
            documents.save_extraction(conn, doc_id, sha, ext)
            if ext.pages and all(p.needs_ocr for p in ext.pages):
                summary.needs_ocr += 1
            else:
                summary.extracted += 1
        bar.update(1)

    workers = min(worker_count(cfg), len(jobs))
    if workers == 1:
        for doc_id, (_, args) in jobs.items():
            record(doc_id, _work(*args))
    else:
        with ProcessPoolExecutor(max_workers=workers, max_tasks_per_child=25) as pool:
            futures = {pool.submit(_work, *args): doc_id for doc_id, (_, args) in jobs.items()}
            for fut in as_completed(futures):
                try:
                    result = fut.result()
                except Exception as exc:  # worker died (segfault in a C library, killed for memory)
                    result = (None, f"extraction worker crashed: {type(exc).__name__}")
                record(futures[fut], result)
    bar.close()
    return summary
