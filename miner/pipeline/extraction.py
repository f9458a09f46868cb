"""Extract every document whose bytes changed, in parallel worker processes.

Workers only read raw files and return results; the main process is the only
writer to the database.  A long PDF is cut into page ranges that run on
different workers (one 131-page report must not keep one core busy while the
other idles); the main process assembles the parts, which needs the whole
document to see running headers and words hyphenated across pages.
"""
from __future__ import annotations

import os
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass, field

from tqdm import tqdm

from miner.extract import ExtractOptions, ExtractionError, extract_file, pdf_page_count
from miner.store import documents, files

# Each page range reopens the PDF (fonts are parsed again), so ranges are as long as
# they can be while a long document still spreads over every worker.
MIN_PAGES_PER_TASK = 16


def pages_per_task(pages: int, workers: int) -> int:
    return max(MIN_PAGES_PER_TASK, -(-pages // (2 * workers)))


@dataclass
class ExtractionSummary:
    extracted: int = 0
    needs_ocr: int = 0
    failed: list[tuple[int, str]] = field(default_factory=list)   # (doc id, reason)
    pages: int = 0

    @property
    def total(self) -> int:
        return self.extracted + self.needs_ocr + len(self.failed)


def _guard(fn, *args):
    """Run ``fn``; return (result, None) or (None, reason).  A parser bug must not stop the batch."""
    try:
        return fn(*args), None
    except ExtractionError as exc:
        return None, str(exc)
    except MemoryError:
        return None, "ran out of memory while extracting"
    except Exception as exc:
        return None, f"extraction failed: {type(exc).__name__}: {exc}"


def _work(path: str, opts: ExtractOptions, name: str | None, content_type: str | None, url: str | None):
    return _guard(lambda: extract_file(path, opts, name=name, content_type=content_type, base_url=url))


def _work_pages(path: str, opts: ExtractOptions, first: int, last: int):
    from miner.extract.pdf import analyse_pages
    return _guard(analyse_pages, path, opts, first, last, True)


def _work_ocr(path: str, opts: ExtractOptions, page):
    """OCR one scanned page (a PageLayout with wants_ocr); returns it with text or needs_ocr, and warnings."""
    from miner.extract.pdf import ocr_into

    def run():
        warnings: list[str] = []
        ocr_into(page, path, opts, warnings)
        return page, warnings
    return _guard(run)


def _init_worker():
    # Tesseract would start one thread per core in every worker; the pool already uses the cores.
    os.environ["OMP_THREAD_LIMIT"] = "1"


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


@dataclass
class _Job:
    doc_id: int
    sha: str
    args: tuple            # (path, opts, name, content_type, url)
    pages: int = 0         # > 0: a PDF extracted in page ranges
    parts: list = field(default_factory=list)
    error: str | None = None
    pending: int = 0


def extract_pending(cfg, conn, doc_ids: list[int] | None = None, progress: bool = True,
                    label: str = "extract") -> ExtractionSummary:
    rows = documents.needs_extraction(conn, doc_ids)
    summary = ExtractionSummary()
    if not rows:
        return summary
    opts = ExtractOptions.from_config(cfg)
    workers = worker_count(cfg)
    jobs = []
    for r in rows:
        path = str(files.raw_path(cfg.data_dir, r["sha256"]))
        job = _Job(r["id"], r["sha256"], (path, opts, _name_of(r), r["mime"], r["url"]))
        if workers > 1:
            n = pdf_page_count(path, opts, name=_name_of(r), content_type=r["mime"])
            job.pages = n
        jobs.append(job)
    bar = tqdm(total=len(jobs), desc=label, unit="doc", disable=not progress, leave=False)

    def record(job: _Job, result):
        ext, error = result
        if error is not None:
            documents.save_failure(conn, job.doc_id, job.sha, error)
            summary.failed.append((job.doc_id, error))
        else:
            documents.save_extraction(conn, job.doc_id, job.sha, ext)
            summary.pages += ext.n_pages
            if ext.pages and all(p.needs_ocr for p in ext.pages):
                summary.needs_ocr += 1
            else:
                summary.extracted += 1
        bar.update(1)

    if workers == 1 or len(jobs) == 1 and not jobs[0].pages:
        for job in jobs:
            record(job, _work(*job.args))
        bar.close()
        return summary
    # No max_tasks_per_child: on Python 3.11-3.13 a worker that retires at its limit is not
    # replaced while tasks are queued, and the pool hangs for ever (CPython gh-115634) -- a
    # `miner add` of 128 files on 2 workers never finished.  Pages are closed after use instead.
    with ProcessPoolExecutor(max_workers=workers, initializer=_init_worker) as pool:
        _run_pool(pool, jobs, opts, record, workers)
    bar.close()
    return summary


def _run_pool(pool, jobs: list[_Job], opts, record, workers: int) -> None:
    """PDFs go as page ranges, their scanned pages then as single-page OCR tasks; other files whole."""
    from miner.extract.pdf import assemble
    futures = {}

    def submit(fn, job, kind, *args):
        futures[pool.submit(fn, *args)] = (job, kind)
        job.pending += 1

    for job in sorted(jobs, key=lambda j: -j.pages):   # longest first: the last task to finish is short
        if job.pages:
            step = pages_per_task(job.pages, workers)
            for first in range(1, job.pages + 1, step):
                submit(_work_pages, job, "pages", job.args[0], opts, first, min(job.pages, first + step - 1))
        else:
            submit(_work, job, "whole", *job.args)
    while futures:
        done, _ = wait(futures, return_when=FIRST_COMPLETED)
        for fut in done:
            job, kind = futures.pop(fut)
            job.pending -= 1
            try:
                result = fut.result()
            except Exception as exc:  # worker died (segfault in a C library, killed for memory)
                result = (None, f"extraction worker crashed: {type(exc).__name__}")
            if kind == "whole":
                record(job, result)
                continue
            value, error = result
            if kind == "ocr" and error:   # the page stays marked as needing OCR; the document is fine
                job.parts[0].warnings.append(f"OCR failed: {error}")
            else:
                job.error = job.error or error
            if kind == "pages" and value is not None:
                job.parts.append(value)
                for page in value.pages:
                    if page.wants_ocr:
                        submit(_work_ocr, job, "ocr", job.args[0], opts, page)
            elif kind == "ocr" and value is not None:
                page, warnings = value
                _replace_page(job.parts, page, warnings)
            if job.pending == 0:
                record(job, (None, job.error) if job.error else _guard(assemble, job.parts))
                job.parts = []


def _replace_page(parts, page, warnings) -> None:
    for part in parts:
        for i, pg in enumerate(part.pages):
            if pg.number == page.number:
                part.pages[i] = page
                part.warnings.extend(w for w in warnings if w not in part.warnings)
                return
