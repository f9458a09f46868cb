"""`miner add`: bring local files and folders into the store and extract them."""
from __future__ import annotations

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
    skipped: list[Path] = field(default_factory=list)           # not document files (folder walk)
    refused: list[tuple[Path, str]] = field(default_factory=list)  # recorded as failed before extraction
    extraction: ExtractionSummary = field(default_factory=ExtractionSummary)


def iter_paths(paths: list[Path], summary: AddSummary):
    for p in paths:
        p = Path(p)
        if p.is_dir():
            for child in sorted(p.rglob("*")):
                if any(part.startswith(".") for part in child.relative_to(p).parts) or not child.is_file():
                    continue
                if child.suffix.lower() in DOCUMENT_SUFFIXES:
                    yield child
                else:
                    summary.skipped.append(child)
        elif p.is_file():
            yield p
        else:
            summary.refused.append((p, "no such file or folder"))


def add_paths(cfg, conn, paths: list[Path], progress: bool = True) -> AddSummary:
    summary = AddSummary()
    max_bytes = cfg["extract"]["max_file_mb"] * 1024 * 1024
    new_ids = []
    for path in iter_paths(paths, summary):
        sha, size = files.sha256_file(path)
        key = f"sha256:{sha}"
        known = documents.get_by_key(conn, key)
        if known is not None:
            if known["status"] == "failed" and failed_because_of_name(known["error"]) and readable_kind(path):
                # Content dedup must not inherit a failure the old file name caused.
                with transaction(conn):
                    documents.retry_under_name(conn, known["id"], str(path.resolve()), path.name)
                new_ids.append(known["id"])
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
            else:
                files.put_file(conn, cfg.data_dir, path, sha)
                up = documents.upsert(conn, key, "local", sha, local_path=str(path.resolve()),
                                      metadata={"size": size, "file_name": path.name})
                reason = None
        if reason:
            documents.save_failure(conn, up.id, None, reason)
            summary.refused.append((path, reason))
            summary.extraction.failed.append((up.id, reason))
        else:
            new_ids.append(up.id)
        summary.new += 1
    if new_ids:
        ext = extract_pending(cfg, conn, new_ids, progress=progress, label="add")
        summary.extraction.extracted += ext.extracted
        summary.extraction.needs_ocr += ext.needs_ocr
        summary.extraction.failed.extend(ext.failed)
        # Documents without a title in the file keep their file name as a title.
        conn.execute("UPDATE documents SET title = json_extract(metadata, '$.file_name') "
                     "WHERE title IS NULL AND source = 'local' AND id IN (%s)" % ",".join("?" * len(new_ids)),
                     new_ids)
    return summary
