"""`miner add`: bring local files and folders into the store and extract them.

Resumable: every file is stored (raw bytes + document row) in one transaction, and the
extraction that follows takes every stored document whose bytes have no text yet, not
only this run's new ones.  A run killed at any moment is finished by the next `miner add`
(of the same folder or any other).
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from miner.extract import failed_because_of_name, readable_kind
from miner.pipeline.extraction import ExtractionSummary, extract_pending
from miner.store import documents, files, transaction

# Extensions picked up when a folder is walked; files named explicitly are always tried.
DOCUMENT_SUFFIXES = {".pdf", ".html", ".htm", ".xhtml", ".txt", ".xml"}


@dataclass
class AddSummary:
    new: int = 0
    unchanged: int = 0
    resumed: int = 0                                            # left unextracted by an earlier run
    skipped: list[Path] = field(default_factory=list)           # not document files (folder walk)
    hidden: list[Path] = field(default_factory=list)            # names starting with '.' (folder walk)
    symlinks: list[Path] = field(default_factory=list)          # not followed without --follow-symlinks
    refused: list[tuple[Path, str]] = field(default_factory=list)  # recorded as failed before extraction
    extraction: ExtractionSummary = field(default_factory=ExtractionSummary)


def iter_paths(paths: list[Path], summary: AddSummary, follow_symlinks: bool = False):
    """Document files under ``paths``.  Symbolic links (files and folders) are not followed
    unless asked: a link in a downloaded folder must not pull in ~/.ssh or /etc/passwd."""
    for p in paths:
        p = Path(p)
        if p.is_symlink() and not follow_symlinks:
            summary.symlinks.append(p)
        elif p.is_dir():
            yield from _walk(p, summary, follow_symlinks)
        elif p.is_file():
            yield p
        else:
            summary.refused.append((p, "no such file or folder"))


def _walk(root: Path, summary: AddSummary, follow_symlinks: bool):
    for folder, dirs, names in os.walk(root, followlinks=follow_symlinks):
        folder_path = Path(folder)
        keep = []
        for d in sorted(dirs):
            path = folder_path / d
            if d.startswith("."):
                summary.hidden.append(path)
            elif path.is_symlink() and not follow_symlinks:
                summary.symlinks.append(path)
            else:
                keep.append(d)
        dirs[:] = keep
        for name in sorted(names):
            child = folder_path / name
            if name.startswith("."):
                summary.hidden.append(child)
            elif child.is_symlink() and not follow_symlinks:
                summary.symlinks.append(child)
            elif not child.is_file():
                summary.skipped.append(child)
            elif child.suffix.lower() in DOCUMENT_SUFFIXES:
                yield child
            else:
                summary.skipped.append(child)


def add_paths(cfg, conn, paths: list[Path], progress: bool = True, follow_symlinks: bool = False,
              on_progress=None) -> AddSummary:
    summary = AddSummary()
    new_ids: set[int] = set()
    max_bytes = cfg["extract"]["max_file_mb"] * 1024 * 1024
    for path in iter_paths(paths, summary, follow_symlinks):
        sha, size = files.sha256_file(path)
        key = f"sha256:{sha}"
        known = documents.get_by_key(conn, key)
        if known is not None:
            if known["status"] == "failed" and failed_because_of_name(known["error"]) and readable_kind(path):
                # Content dedup must not inherit a failure the old file name caused.
                with transaction(conn):
                    documents.retry_under_name(conn, known["id"], str(path.resolve()), path.name)
                new_ids.add(known["id"])
                summary.new += 1
            else:
                summary.unchanged += 1
            continue
        with transaction(conn):
            if size > max_bytes or size == 0:
                up = documents.upsert(conn, key, "local", None, local_path=str(path.resolve()),
                                      title=path.stem, metadata={"size": size})
                reason = ("empty file (0 bytes)" if size == 0 else
                          f"file is {size / 1048576:.1f} MB, larger than extract.max_file_mb = "
                          f"{cfg['extract']['max_file_mb']}")
                documents.mark_failed(conn, up.id, None, reason)   # same transaction: never left 'pending'
            else:
                files.put_file(conn, cfg.data_dir, path, sha)
                up = documents.upsert(conn, key, "local", sha, local_path=str(path.resolve()),
                                      metadata={"size": size, "file_name": path.name})
                reason = None
        if reason:
            summary.refused.append((path, reason))
            summary.extraction.failed.append((up.id, reason))
        summary.new += 1
        new_ids.add(up.id)
        if on_progress is not None:
            on_progress(summary)
    # Everything stored but not extracted: this run's files and whatever a killed run left.
    pending = documents.needs_extraction(conn)
    if pending:
        summary.resumed = sum(1 for r in pending if r["id"] not in new_ids)

        def report(ext: ExtractionSummary, total: int):
            if on_progress is not None:
                on_progress(summary, ext, total)

        ext = extract_pending(cfg, conn, progress=progress, label="add", on_progress=report)
        summary.extraction.extracted += ext.extracted
        summary.extraction.needs_ocr += ext.needs_ocr
        summary.extraction.failed.extend(ext.failed)
        summary.extraction.pages += ext.pages
        summary.extraction.throughput = ext.throughput
    # Documents without a title in the file keep their file name as a title.
    documents.title_local_files_by_name(conn)
    return summary
