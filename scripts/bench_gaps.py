#!/usr/bin/env python3
"""Time `miner gaps` and `miner export map` on an existing store (e.g. one made by
scripts/synth_store.py), each in its own process: CPU seconds (user + system, the steady
figure on a shared machine), wall seconds, peak memory, and the map's size on disk.

    PYTHONPATH=. .venv/bin/python scripts/synth_store.py --docs 50000 --out /tmp/synth50k
    PYTHONPATH=. .venv/bin/python scripts/bench_gaps.py --config /tmp/synth50k/config.toml

``--code DIR`` runs the commands of another checkout of miner (e.g. the commit before a change,
unpacked with `git archive`), for before/after figures on the same store.  The store is opened
as it is: a newer checkout migrates it, so measure the older code first (or on a copy).
"""
from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(code: Path, args: list[str], log: Path) -> dict:
    """Run ``python -m miner ARGS`` with ``code`` first on the path; CPU/wall/peak RSS of that process."""
    env = {**os.environ, "PYTHONPATH": str(code)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    with open(log, "ab") as out:   # cwd: not this checkout, or `-m miner` would import it instead of ``code``
        proc = subprocess.run([sys.executable, "-m", "miner", *args], env=env, stdout=out, stderr=subprocess.STDOUT,
                              cwd=log.parent)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"`miner {' '.join(args)}` failed (exit {proc.returncode}); see {log}")
    return {"cpu": (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), "wall": wall,
            "rss_mb": after.ru_maxrss / 1024}


def size_mb(path: Path) -> float:
    if path.is_dir():
        return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6
    return path.stat().st_size / 1e6 if path.exists() else 0.0


def open_in_browser(html: Path) -> str:
    """Open the map from disk in headless Chromium (network blocked), click its biggest cell and
    wait for the cell's first documents; returns what it measured."""
    import shutil
    from playwright.sync_api import sync_playwright
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--headless", "--no-sandbox", "--disable-gpu"])
        context = browser.new_context()
        context.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:")
                      else route.abort())
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        t0 = time.perf_counter()
        page.goto(html.as_uri(), timeout=120_000)
        page.wait_for_selector("#map td[data-row]", timeout=120_000)
        opened = time.perf_counter() - t0
        cells = page.eval_on_selector_all("#map td[data-row]",
                                          "els => els.map(e => [e.dataset.row, e.dataset.col, +e.dataset.count])")
        row, col, n = max(cells, key=lambda c: c[2])
        t1 = time.perf_counter()
        page.click(f"#map td[data-row='{row}'][data-col='{col}']", timeout=120_000)
        page.wait_for_selector("#details .doc", timeout=120_000)
        listed = time.perf_counter() - t1
        shown = len(page.query_selector_all("#details .doc"))
        browser.close()
    if errors:
        raise SystemExit(f"the map raised errors in Chromium: {errors[:3]}")
    return (f"opens in headless Chromium from disk in {opened:.1f} s ({len(cells)} cells); the biggest cell "
            f"({row} x {col}, {n} documents) lists its first {shown} documents in {listed:.1f} s")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--config", type=Path, required=True, help="config.toml of the store to measure")
    ap.add_argument("--code", type=Path, default=ROOT, help="checkout of miner to run (default: this one)")
    ap.add_argument("--no-map", action="store_true", help="only `miner gaps`")
    ap.add_argument("--browser", action="store_true", help="also open the map in headless Chromium (Playwright)")
    args = ap.parse_args()
    args.config, args.code = args.config.resolve(), args.code.resolve()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        log = tmp / "log.txt"
        # open the store once first: a pending migration (an index over every annotation) is not `gaps`
        subprocess.run([sys.executable, "-c", "import sys; from miner import config; from miner.store import connect; "
                        "connect(config.load(sys.argv[1]).database).close()", str(args.config)],
                       env={**os.environ, "PYTHONPATH": str(args.code)}, check=True, cwd=tmp)
        g = run(args.code, ["--config", str(args.config), "gaps"], log)
        print(f"miner gaps: {g['cpu']:.1f} CPU s, {g['wall']:.1f} s wall, peak {g['rss_mb']:.0f} MB "
              f"(peak RSS is the largest of the processes run so far)")
        if args.no_map:
            return
        html = tmp / "map.html"
        m = run(args.code, ["--config", str(args.config), "export", "map", "--no-static", "-o", str(html)], log)
        side = [p for p in tmp.iterdir() if p.is_dir() and p.name.startswith("map.files-")]
        side_mb = sum(size_mb(p) for p in side)
        print(f"miner export map: {m['cpu']:.1f} CPU s, {m['wall']:.1f} s wall, peak {m['rss_mb']:.0f} MB; "
              f"HTML {size_mb(html):.1f} MB" + (f", side files {side_mb:.0f} MB in {len(list(side[0].iterdir()))} "
                                               "chunks" if side else " (one file)"))
        if args.browser:
            print(f"map: {open_in_browser(html)}")


if __name__ == "__main__":
    main()
