#!/usr/bin/env python3
"""Benchmark miner's PDF extraction against raw pdfplumber ``extract_text``.

1. Throughput and memory on a folder of real PDFs (default ../shared/pdfs): pages/s
   and peak RSS of the whole process tree (workers and Tesseract included) for
   ``miner add`` (as users run it, extract.workers processes) and for raw
   pdfplumber extract_text, in one process and in a pool of the same size.
   Each command runs in a fresh subprocess; the runs alternate so a busy machine
   hurts both sides alike.
   Also, in the same run: ``miner extract`` in one process without the store, and
   pypdfium2's plain text (the speed ceiling).  The same runs follow on the generated
   layouts of tests/pdfgen.py.
2. Word-level F1 and reading order of the body text on PDFs with known text that
   tests/pdfgen.py generates (single column, two columns, tables, running headers,
   page-number footers, hyphenated line ends, and the layouts of real reports:
   two columns under an abstract, footnotes, margin page numbers, a printer slug, a
   ToC page, a borderless table, label:value forms), for ``miner extract FILE`` and
   raw pdfplumber.

    python scripts/bench_extract.py                 # both parts
    python scripts/bench_extract.py --skip-corpus   # F1 only (no shared PDFs needed)
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
import pdfgen  # noqa: E402  (the one generator of known-text PDFs, shared with the tests)

RAW_SCRIPT = r"""
import sys, pdfplumber
from concurrent.futures import ProcessPoolExecutor

def pages_of(path):
    n = 0
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_text()
            page.close()
            n += 1
    return n

if __name__ == "__main__":
    workers, files = int(sys.argv[1]), sys.argv[2:]
    if workers == 1:
        total = sum(pages_of(f) for f in files)
    else:
        with ProcessPoolExecutor(workers) as pool:
            total = sum(pool.map(pages_of, files))
    print(total)
"""


PDFIUM_SCRIPT = r"""
import sys, pypdfium2 as pdfium
n = 0
for f in sys.argv[1:]:
    doc = pdfium.PdfDocument(f)
    for page in doc:
        tp = page.get_textpage()
        tp.get_text_range()
        tp.close()
        page.close()
        n += 1
    doc.close()
print(n)
"""

MINER_SCRIPT = r"""
import sys
from miner.extract import ExtractOptions, ExtractionError, extract_file
n = 0
for f in sys.argv[1:]:
    try:
        n += extract_file(f, ExtractOptions(ocr=False)).n_pages
    except ExtractionError:
        pass
print(n)
"""


def _children(pid: int, table: dict[int, list[int]]) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(table.get(p, []))
    return out


def _tree_rss(pid: int) -> int:
    """Resident memory (bytes) of ``pid`` and all its descendants, from /proc."""
    table: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            table.setdefault(ppid, []).append(int(entry))
    total = 0
    for p in _children(pid, table):
        try:
            with open(f"/proc/{p}/statm") as fh:
                total += int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError, ValueError):
            pass
    return total


def run_measured(cmd: list[str], cwd: Path, env: dict) -> tuple[float, int, str, float]:
    """(seconds, peak tree RSS in bytes, stdout, CPU seconds of the whole tree) of a command."""
    import resource
    peak = 0
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    done = threading.Event()

    def sample():
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss(proc.pid))
            done.wait(0.1)
    th = threading.Thread(target=sample, daemon=True)
    th.start()
    out, err = proc.communicate()
    done.set()
    th.join()
    elapsed = time.monotonic() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if proc.returncode != 0:
        raise SystemExit(f"command failed ({proc.returncode}): {' '.join(cmd)}\n{err[-2000:]}")
    return elapsed, peak, out, cpu


def _env() -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env["MINER_NO_PROGRESS"] = "1"
    return env


def corpus_benchmark(folder: Path, workers: int, rounds: int) -> list[dict]:
    files = sorted(str(p) for p in folder.glob("*.pdf"))
    if not files:
        raise SystemExit(f"no PDFs in {folder}")
    env = _env()
    results: dict[str, list[tuple[float, int]]] = {}
    pages = 0
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        raw_py = tmp / "raw_extract.py"
        raw_py.write_text(RAW_SCRIPT)
        pdfium_py = tmp / "pdfium_extract.py"
        pdfium_py.write_text(PDFIUM_SCRIPT)
        miner_py = tmp / "miner_extract.py"
        miner_py.write_text(MINER_SCRIPT)
        for r in range(rounds):
            runs = {
                "raw pdfplumber extract_text, 1 process": [sys.executable, str(raw_py), "1", *files],
                "pypdfium2 get_text_range, 1 process": [sys.executable, str(pdfium_py), *files],
                "miner extract (no store), 1 process": [sys.executable, str(miner_py), *files],
                f"raw pdfplumber extract_text, {workers} processes": [sys.executable, str(raw_py), str(workers), *files],
            }
            for label, ocr in ((f"miner add, {workers} workers, OCR on", "true"),
                               (f"miner add, {workers} workers, OCR off", "false")):
                work = tmp / f"miner-{r}-{ocr}"
                work.mkdir()
                (work / "config.toml").write_text(f"[extract]\nworkers = {workers}\nocr = {ocr}\n")
                runs[label] = (work, [sys.executable, "-m", "miner", "add", *files])
            for label, spec in runs.items():
                cwd, cmd = spec if isinstance(spec, tuple) else (tmp, spec)
                secs, peak, out, cpu = run_measured(cmd, cwd, env)
                if label.startswith("raw") and not pages:
                    pages = int(out.strip().splitlines()[-1])
                results.setdefault(label, []).append((secs, peak, cpu))
                print(f"  round {r + 1}: {label}: {secs:.1f} s, {cpu:.1f} CPU s, peak {peak / 2**20:.0f} MB",
                      file=sys.stderr)
    rows = []
    for label, vals in results.items():
        best = min(v[0] for v in vals)
        cpu = min(v[2] for v in vals)
        rows.append({"what": label, "files": len(files), "pages": pages, "seconds": best,
                     "pages_per_s": pages / best, "cpu": cpu, "pages_per_cpu_s": pages / cpu,
                     "peak_mb": max(v[1] for v in vals) / 2**20})
    return rows


def generated_layouts():
    """(name, bytes, body gold, footnote golds) of every generated layout."""
    for name, data, gold in pdfgen.all_layouts():
        yield name, data, gold, None
    yield from pdfgen.all_real_layouts()


def f1_benchmark() -> list[dict]:
    import json
    import pdfplumber
    env = _env()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        (tmp / "config.toml").write_text("[extract]\nworkers = 1\n")
        for name, data, gold, notes in generated_layouts():
            path = tmp / f"{name}.pdf"
            path.write_bytes(data)
            doc = json.loads(subprocess.run([sys.executable, "-m", "miner", "extract", "--format", "json", str(path)],
                                            cwd=tmp, env=env, capture_output=True, text=True, check=True).stdout)
            paras = [p for pg in doc["pages"] for p in pg["paragraphs"]]
            out = "\n\n".join(p["text"] for p in paras if p["kind"] not in ("footnote", "toc"))
            got_notes = [p["text"] for p in paras if p["kind"] == "footnote"]
            with pdfplumber.open(path) as pdf:
                raw = "\n".join(p.extract_text() or "" for p in pdf.pages)
                n = len(pdf.pages)
            rows.append({"layout": name, "pages": n, "miner": pdfgen.word_f1(out, gold),
                         "raw": pdfgen.word_f1(raw, gold), "order": pdfgen.pair_order(out, gold),
                         "raw_order": pdfgen.pair_order(raw, gold),
                         "notes": "–" if not notes else f"{sum(a == b for a, b in zip(got_notes, notes))}/{len(notes)}"})
    return rows


GENERATED_COPIES = 8


def write_generated(folder: Path) -> None:
    """Every generated layout, ``GENERATED_COPIES`` times: 30 pages alone would measure interpreter
    start-up more than extraction.  Each copy ends in its own comment line after %%EOF, so its bytes
    (and sha256) differ and ``miner add`` extracts it instead of finding it already stored."""
    for name, data, _, _ in generated_layouts():
        for k in range(GENERATED_COPIES):
            (folder / f"{name}-{k}.pdf").write_bytes(data + b"\n%% copy %d\n" % k)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    default_pdfs = next((p for p in (ROOT.parent / "shared" / "pdfs", Path("/work/shared/pdfs")) if p.is_dir()),
                        ROOT.parent / "shared" / "pdfs")
    ap.add_argument("--pdfs", type=Path, default=default_pdfs, help="folder of real PDFs (default ../shared/pdfs)")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="processes for both sides")
    ap.add_argument("--rounds", type=int, default=1, help="repeat the corpus runs; the fastest run counts")
    ap.add_argument("--skip-corpus", action="store_true", help="only the F1 part")
    ap.add_argument("--skip-shared", action="store_true", help="throughput on the generated layouts only")
    args = ap.parse_args()

    print("## Body text on generated PDFs with known text (tests/pdfgen.py)\n")
    print("word F1 (order-aware) and reading order (share of the true adjacent word pairs that are adjacent "
          "in the output); footnotes: notes extracted exactly as passages of their own.\n")
    rows = f1_benchmark()
    print("| layout | pages | miner F1 | raw pdfplumber F1 | miner order | raw order | footnotes |\n"
          "|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['layout']} | {r['pages']} | {r['miner']:.3f} | {r['raw']:.3f} | {r['order']:.3f} | "
              f"{r['raw_order']:.3f} | {r['notes']} |")
    mean = lambda k: sum(r[k] for r in rows) / len(rows)  # noqa: E731
    print(f"| **mean** | | **{mean('miner'):.3f}** | **{mean('raw'):.3f}** | **{mean('order'):.3f}** | "
          f"**{mean('raw_order'):.3f}** | |\n")

    if args.skip_corpus:
        return
    folders = []
    if args.skip_shared:
        pass
    elif args.pdfs.is_dir():
        folders.append(args.pdfs)
    else:
        print(f"({args.pdfs} not found: throughput on the generated layouts only)\n")
    with tempfile.TemporaryDirectory() as gen:
        write_generated(Path(gen))
        folders.append(Path(gen))
        for folder in folders:
            label = "the generated layouts" if folder == Path(gen) else str(folder)
            print(f"## Throughput and peak memory on {label} ({os.cpu_count()} cores, load average "
                  f"{os.getloadavg()[0]:.1f} at start; CPU s counts every process of the run, so pages per CPU s "
                  f"does not depend on what else the machine is doing)\n")
            print("| run | files | pages | seconds | pages/s | CPU s (tree) | pages per CPU s | vs raw pdfplumber "
                  "| peak RSS (MB, tree) |\n|---|---|---|---|---|---|---|---|---|")
            results = corpus_benchmark(folder, args.workers, args.rounds)
            base = next(r["pages_per_cpu_s"] for r in results if r["what"].startswith("raw pdfplumber extract_text, 1"))
            for r in results:
                print(f"| {r['what']} | {r['files']} | {r['pages']} | {r['seconds']:.1f} | {r['pages_per_s']:.2f} | "
                      f"{r['cpu']:.1f} | {r['pages_per_cpu_s']:.2f} | {r['pages_per_cpu_s'] / base:.2f}× | "
                      f"{r['peak_mb']:.0f} |")
            print()


if __name__ == "__main__":
    main()
