"""`miner refresh`: crawl every enabled source → archive → store → extract → later stages.

Sources run in parallel, one thread (and one SQLite connection) each; requests
to one host are serialised and spaced by the HTTP layer.  Everything a source
stores is written one document per transaction and every response is archived
before it is used, so a run killed at any moment loses at most the document in
flight: the next run's conditional requests get 304s for what was fetched,
read those bodies back from the archive and carry on.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from tqdm import tqdm

from miner.compute import ComputeError
from miner.crawl import archive as archive_mod
from miner.crawl.http import Fetcher, FetchError, Politeness
from miner.crawl.parsers.errors import ParseError
from miner.crawl.sources import CrawlContext, SourceConfigError, SourceSummary, build_sources
from miner.crawl.sources.cited import CITED, crawl_citations
from miner.pipeline import stages as stages_mod
from miner.pipeline.extraction import ExtractionSummary, extract_pending
from miner.store import connect, runs
from miner import lifecycle


class RefreshError(Exception):
    """Refresh cannot start (bad config, unknown source name); one line for a person."""


@dataclass
class RefreshReport:
    sources: list[SourceSummary] = field(default_factory=list)
    extraction: ExtractionSummary = field(default_factory=ExtractionSummary)
    stages: dict = field(default_factory=dict)          # name → summary dict
    stage_errors: dict = field(default_factory=dict)    # name → reason
    plan: list[str] = field(default_factory=list)       # --dry-run
    seconds: float = 0.0
    offline: bool = False

    @property
    def ok(self) -> bool:
        return all(s.ok for s in self.sources) and not self.extraction.failed and not self.stage_errors

    def failures(self) -> list[str]:
        lines = []
        for s in self.sources:
            if s.error:
                lines.append(f"{s.name}: {s.error}")
            lines.extend(f"{s.name}: {what}: {reason}" for what, reason in s.failed)
        lines.extend(f"extract: document {doc_id}: {reason}" for doc_id, reason in self.extraction.failed)
        lines.extend(f"{name}: {reason}" for name, reason in self.stage_errors.items())
        return lines

    def as_dict(self) -> dict:
        return {"sources": {s.name: s.as_dict() for s in self.sources},
                "extraction": {"extracted": self.extraction.extracted, "needs_ocr": self.extraction.needs_ocr,
                               "failed": self.extraction.failed, "pages": self.extraction.pages,
                               "throughput": self.extraction.throughput},
                "stages": self.stages, "stage_errors": self.stage_errors, "seconds": round(self.seconds, 2),
                "offline": self.offline}


def select_sources(cfg, only: list[str] | None):
    try:
        sources = build_sources(cfg["crawl"])
    except SourceConfigError as exc:
        raise RefreshError(f"{cfg.path or 'config'}: {exc}") from None
    if only:
        known = {s.name for s in sources}
        unknown = [n for n in only if n not in known]
        if unknown:
            raise RefreshError(f"unknown source {', '.join(unknown)} (configured: {', '.join(sorted(known)) or 'none'})")
        chosen = [s for s in sources if s.name in only]
    else:
        chosen = [s for s in sources if s.conf["enabled"]]
    allowed = set(cfg["crawl"]["allowed_hosts"])
    for s in sources:
        if s.conf["enabled"] or s in chosen:
            allowed |= s.hosts()
    return sources, chosen, allowed


def refresh(cfg, *, only: list[str] | None = None, since: str | None = None, limit: int | None = None,
            dry_run: bool = False, offline: bool = False, progress: bool = False) -> RefreshReport:
    t0 = time.monotonic()
    all_sources, chosen, allowed = select_sources(cfg, only)
    report = RefreshReport(offline=offline)
    if dry_run:
        crawl = cfg["crawl"]
        report.plan.append(f"politeness: {crawl['delay_s']} s per host, robots.txt "
                           f"{'obeyed' if crawl['obey_robots'] else 'ignored'}, User-Agent "
                           f"\"{crawl['user_agent']} (+{crawl['contact']})\"")
        for s in chosen:
            report.plan.append(f"{s.name} ({s.type_name}): hosts {', '.join(sorted(s.hosts()))}")
            report.plan.extend(f"  GET {u}" for u in s.plan())
        report.plan.append(f"cited reports may come from: {', '.join(sorted(allowed))}")
        return report

    conn = connect(cfg.database)
    run_id = runs.start(conn, "refresh --offline" if offline else "refresh")
    arc = None
    try:
        if offline:
            index = archive_mod.ArchiveIndex(cfg.data_dir)
            fetcher = Fetcher(Politeness.from_config(cfg["crawl"]), cfg.data_dir, offline=index,
                              allowed_hosts=allowed)
        else:
            arc = archive_mod.WarcArchive(cfg.data_dir, cfg["crawl"]["archive_max_mb"])
            fetcher = Fetcher(Politeness.from_config(cfg["crawl"]), cfg.data_dir, archive=arc,
                              allowed_hosts=allowed)
        report.sources = [SourceSummary(s.name) for s in chosen]
        bars = [tqdm(desc=s.name, unit="item", position=i, disable=not progress, leave=False)
                for i, s in enumerate(chosen)]
        threads = [threading.Thread(target=_run_source, name=f"crawl-{s.name}",
                                    args=(cfg, s, fetcher, summary, since, limit, bar, all_sources),
                                    daemon=True)   # Ctrl-C/SIGTERM must not wait for a slow host
                   for s, summary, bar in zip(chosen, report.sources, bars)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        for s, summary, bar in zip(chosen, report.sources, bars):
            if summary.error is None:
                _run_source(cfg, s, fetcher, summary, since, limit, bar, all_sources, step="complete")
        cited = SourceSummary(CITED)
        _run_citations(cfg, fetcher, cited, all_sources, progress)
        if cited.new or cited.changed or cited.unchanged or cited.failed or cited.error:
            report.sources.append(cited)
        for bar in bars:
            bar.close()
        fetcher.close()
        run = runs.Run(conn, run_id)   # how far it got, kept in the run row if the process dies

        def extracted(ext, total):
            run.progress({"sources": {s.name: s.as_dict() for s in report.sources},
                          "extraction": {"done": ext.total, "of": total}})
        try:
            report.extraction = extract_pending(cfg, conn, progress=progress, label="extract", on_progress=extracted)
        except ComputeError as exc:   # the cluster is not there: the crawl is kept, the next run extracts
            report.stage_errors["extract"] = str(exc)
        for name, spec in stages_mod.POST_EXTRACTION_STAGES:
            # a later stage's failure is reported, the crawl is kept
            report.stages[name], error = stages_mod.run_stage(name, spec, cfg, conn, progress=progress)
            if error:
                report.stage_errors[name] = error
        report.seconds = time.monotonic() - t0
        runs.finish(conn, run_id, "ok" if report.ok else "failed", report.as_dict())
        return report
    except BaseException:
        runs.finish(conn, run_id, "interrupted", report.as_dict())
        raise
    finally:
        if arc is not None:
            arc.close()
        conn.close()


def _fill_stats(fetcher: Fetcher, summary: SourceSummary) -> None:
    stats = fetcher.stats.get(summary.name, {})
    summary.requests = stats.get("requests", 0)
    summary.downloaded = stats.get("downloaded", 0) + stats.get("from_archive", 0)
    summary.not_modified = stats.get("not_modified", 0)
    summary.bytes = stats.get("bytes", 0)


def _run_source(cfg, source, fetcher, summary, since, limit, bar, all_sources, step: str = "crawl") -> None:
    t = time.monotonic()
    conn = connect(cfg.database)
    try:
        ctx = CrawlContext(cfg, conn, fetcher, summary, since=since, limit=limit, bar=bar, registry=all_sources)
        getattr(source, step)(ctx)
    except FetchError as exc:
        summary.error = exc.reason if exc.kind == "unreachable" else f"{exc.url}: {exc.reason}"
    except (ParseError, SourceConfigError) as exc:
        summary.error = str(exc)
    except Exception as exc:   # one source's bug must not stop the others; the reason is kept
        lifecycle.raise_if_interrupted()
        summary.error = f"internal error: {type(exc).__name__}: {exc}"
    finally:
        conn.close()
        summary.seconds += time.monotonic() - t
        _fill_stats(fetcher, summary)


def _run_citations(cfg, fetcher, summary, all_sources, progress) -> None:
    t = time.monotonic()
    conn = connect(cfg.database)
    bar = tqdm(desc=CITED, unit="item", disable=not progress, leave=False)
    try:
        ctx = CrawlContext(cfg, conn, fetcher, summary, bar=bar, registry=all_sources)
        crawl_citations(ctx)
    except Exception as exc:   # what was fetched is kept; the rest is tried again next run
        lifecycle.raise_if_interrupted()
        summary.error = f"internal error: {type(exc).__name__}: {exc}"
    finally:
        bar.close()
        conn.close()
        summary.seconds = time.monotonic() - t
        _fill_stats(fetcher, summary)
