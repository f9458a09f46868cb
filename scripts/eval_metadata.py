"""Accuracy of miner/extract/metadata.py on the real PDFs in ../shared/pdfs (gold: scripts/metadata_gold.tsv).

    PYTHONPATH=. .venv/bin/python scripts/eval_metadata.py [--pdfs ../shared/pdfs] [--ocr]

Prints per file what was found and where it came from, then: year found and right (of the
files whose year is known), title right (a file-name fallback never counts), authors that are
account names (must be 0).
"""
from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from miner import config  # noqa: E402
from miner.extract import ExtractOptions, extract_file  # noqa: E402
from miner.extract.metadata import extract_fields, is_account_name  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pdfs", type=Path, default=ROOT.parent / "shared" / "pdfs")
    ap.add_argument("--gold", type=Path, default=ROOT / "scripts" / "metadata_gold.tsv")
    ap.add_argument("--ocr", action="store_true", help="OCR scanned pages (slow; needs Tesseract)")
    args = ap.parse_args()
    if not args.pdfs.is_dir():
        print(f"no folder {args.pdfs}", file=sys.stderr)
        return 2
    opts = ExtractOptions.from_config(config.load(None))
    opts.ocr = args.ocr
    rows = [r for r in csv.DictReader((line for line in args.gold.open(encoding="utf-8") if not line.startswith("#")),
                                      delimiter="\t")]
    years = years_right = titles_right = account = 0
    for r in rows:
        path = args.pdfs / r["file"]
        try:
            fields = extract_fields(extract_file(path, opts), str(path), path.name)
        except Exception as exc:   # a file the extractor refuses counts as a miss
            fields = {}
            print(f"{r['file']}: extraction failed: {exc}")
        date, title = fields.get("date"), fields.get("title")
        authors = fields.get("authors", ([], ""))[0]
        found_year = date[0][:4] if date else ""
        if r["year"]:
            years += 1
            years_right += found_year == r["year"]
        ok_title = bool(title) and title[1] != "file_name" and all(
            w in title[0].lower() for w in r["title_words"].lower().split())
        titles_right += ok_title
        account += sum(is_account_name(a) for a in authors)
        print(f"{r['file'][:50]:<50} year {found_year or '-':>4} ({date[1] if date else '-'}; gold {r['year'] or '?'})"
              f"  title {'OK ' if ok_title else 'NO '}{(title[0] if title else '-')[:60]!r} ({title[1] if title else '-'})"
              f"  authors {authors}")
    print(f"\nyear right: {years_right}/{years} ({years_right / max(1, years):.0%}) of files with a known year")
    print(f"title right: {titles_right}/{len(rows)} ({titles_right / max(1, len(rows)):.0%})")
    print(f"account names among authors: {account}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
