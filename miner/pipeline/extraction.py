"""Extract every document whose bytes changed, on the executor's workers (``miner.compute``).

Workers only read raw files (a path, or the bytes when they cannot see the data folder)
and return results; the main process is the only writer to the database.  A long PDF is
cut into page ranges that run on different workers (one 131-page report must not keep one
core busy while the other idles); the main process assembles the parts, which needs the
whole document to see running headers and words hyphenated across pages.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from tqdm import tqdm

from miner.compute import InlineExecutor, Throughput, local_file, open_executor
from miner.extract import ExtractOptions, ExtractionError, extract_file, metadata, pdf_page_count
from miner.store import documents, files, locks
from miner import lifecycle

# Each page range reopens the PDF (fonts are parsed again), so ranges are as long as
# they can be while a long document still spreads over every worker.
MIN_PAGES_PER_TASK = 16
# Local workers are replaced after about this many documents per worker (parsers leak memory).
# Pools are recycled whole, between batches: ProcessPoolExecutor(max_tasks_per_child=...)
# hangs on Python 3.11 once a worker is replaced while tasks are queued (150 files, 2 workers).
DOCS_PER_WORKER_PER_POOL = 50


def pages_per_task(pages: int, workers: int) -> int:
    return max(MIN_PAGES_PER_TASK, -(-pages // (2 * workers)))


@dataclass
class ExtractionSummary:
    extracted: int = 0
    needs_ocr: int = 0
    failed: list[tuple[int, str]] = field(default_factory=list)   # (doc id, reason)
    pages: int = 0
    throughput: dict = field(default_factory=dict)   # wall/CPU time, pages/s, docs/s (miner.compute)

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
        lifecycle.raise_if_interrupted()
        return None, f"extraction failed: {type(exc).__name__}: {exc}"


# The tasks: ``src`` is what the executor shipped (a path, or the file's bytes).

def _work(src, opts: ExtractOptions, name: str | None, content_type: str | None, url: str | None):
    with local_file(src) as path:
        return _guard(lambda: extract_file(path, opts, name=name, content_type=content_type, base_url=url))


def _work_pages(src, opts: ExtractOptions, first: int, last: int):
    from miner.extract.pdf import analyse_pages
    with local_file(src) as path:
        return _guard(analyse_pages, path, opts, first, last, True)


def _work_ocr(src, opts: ExtractOptions, page):
    """OCR one scanned page (a PageLayout with wants_ocr); returns it with text or needs_ocr, and warnings."""
    from miner.extract.pdf import ocr_into

    def run(path):
        warnings: list[str] = []
        ocr_into(page, path, opts, warnings)
        return page, warnings
    with local_file(src) as path:
        return _guard(run, path)


def _name_of(row) -> str | None:
    """The name the file had before it was stored by content: the local path or the URL's last part."""
    if row["local_path"]:
        return row["local_path"]
    if row["url"]:
        return row["url"].split("?")[0].rstrip("/").rsplit("/", 1)[-1]
    return None


@dataclass
class _Job:
    doc_id: int
    sha: str
    path: str              # the raw file on this machine
    args: tuple            # (path, opts, name, content_type, url)
    pages: int = 0         # > 0: a PDF extracted in page ranges
    parts: list = field(default_factory=list)
    error: str | None = None
    pending: int = 0


def extract_pending(cfg, conn, doc_ids: list[int] | None = None, progress: bool = True,
                    label: str = "extract", on_progress=None) -> ExtractionSummary:
    """Extract every stored document whose current bytes have no text yet (``doc_ids``: only
    those).  Another command extracting the same store is waited for, then only what it left
    is done, so no document is extracted twice.  Each document is saved as soon as it is
    done: Ctrl-C/SIGTERM stops the workers and keeps everything finished."""
    summary = ExtractionSummary()
    if not documents.needs_extraction(conn, doc_ids):
        return summary

    def waiting():
        if progress or on_progress is not None:
            import sys
            print(f"{label}: waiting for another miner command that is extracting this store", file=sys.stderr)

    with locks.exclusive(cfg.data_dir, "extract", on_wait=waiting):
        rows = documents.needs_extraction(conn, doc_ids)   # what the other command left
        if rows:
            _extract_rows(cfg, conn, rows, summary, progress, label, on_progress)
    return summary


def _extract_rows(cfg, conn, rows, summary: ExtractionSummary, progress, label, on_progress) -> None:
    opts = ExtractOptions.from_config(cfg)
    clock = Throughput()
    # extract.workers (0 = compute.workers); a local pool starts at its first task
    ex = open_executor(cfg, cfg["extract"]["workers"])
    jobs = []
    for r in rows:
        path = str(files.raw_path(cfg.data_dir, r["sha256"]))
        job = _Job(r["id"], r["sha256"], path, (path, opts, _name_of(r), r["mime"], r["url"]))
        if ex.workers > 1 or not ex.inline:
            job.pages = pdf_page_count(path, opts, name=_name_of(r), content_type=r["mime"])
        jobs.append(job)
    if not ex.inline and ex.name == "local" and len(jobs) == 1 and not jobs[0].pages:
        ex = InlineExecutor()   # one file, one task: not worth starting a pool
    bar = tqdm(total=len(jobs), desc=label, unit="doc", disable=not progress, leave=False)

    def record(job: _Job, result):
        ext, error = result
        if error is not None:
            documents.save_failure(conn, job.doc_id, job.sha, error)
            summary.failed.append((job.doc_id, error))
        else:
            documents.save_extraction(conn, job.doc_id, job.sha, ext)
            metadata.update(conn, job.doc_id, ext, job.path, job.args[2])
            summary.pages += ext.n_pages
            if ext.pages and all(p.needs_ocr for p in ext.pages):
                summary.needs_ocr += 1
            else:
                summary.extracted += 1
        ex.forget(job.path)
        bar.update(1)
        if on_progress is not None:
            on_progress(summary, len(jobs))

    try:
        with ex:
            per_pool = max(1, ex.workers) * DOCS_PER_WORKER_PER_POOL
            for i in range(0, len(jobs), per_pool):
                _run_jobs(ex, jobs[i:i + per_pool], opts, record)
                ex.recycle()
    finally:
        bar.close()
        summary.throughput = clock.measure(ex, pages=summary.pages, docs=summary.total)


def _run_jobs(ex, jobs: list[_Job], opts, record) -> None:
    """PDFs go as page ranges, their scanned pages then as single-page OCR tasks; other files whole."""
    from miner.extract.pdf import assemble
    futures = {}

    def submit(fn, job, kind, *args):
        futures[ex.submit(fn, ex.ship(job.path), *args)] = (job, kind)
        job.pending += 1

    for job in sorted(jobs, key=lambda j: -j.pages):   # longest first: the last task to finish is short
        if job.pages:
            step = pages_per_task(job.pages, ex.workers)
            for first in range(1, job.pages + 1, step):
                submit(_work_pages, job, "pages", opts, first, min(job.pages, first + step - 1))
        else:
            submit(_work, job, "whole", *job.args[1:])
    while futures:
        for fut in ex.wait_any(futures):
            job, kind = futures.pop(fut)
            job.pending -= 1
            try:
                result = ex.result(fut)
            except Exception as exc:  # worker died (segfault in a C library, killed for memory)
                lifecycle.raise_if_interrupted()
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
                        submit(_work_ocr, job, "ocr", opts, page)
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
