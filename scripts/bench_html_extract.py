"""Main-content extraction of HTML: miner's hand-written extractor against trafilatura.

Pages: the Kamervraag fixtures (tests/fixtures/kamervragen), the demo mirror's pages in every layout it
serves (officielebekendmakingen in three layouts + the XML-less answer pages, an old ASP.NET page, the
publication pages of four sites, their listing pages = the sites' seed pages) and the crawl tests'
publication pages.  Gold = the text a researcher wants from the page (the Kamervraag body with its
footnotes; title, summary, details and article text of a publication; for a listing page its title and
link texts), built from the same data the page was rendered from.

Score: bag-of-words precision / recall / F1 of the extracted text against the gold text (lower-cased word
tokens, counted with multiplicity), averaged over pages (macro) — the measure of the trafilatura benchmark,
on tokens instead of snippets.

    .venv/bin/python scripts/bench_html_extract.py [--json]
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from bs4 import BeautifulSoup  # noqa: E402

from miner.demo import corpus  # noqa: E402
from miner.extract.html import extract_html  # noqa: E402


def tokens(text: str) -> Counter:
    return Counter(re.findall(r"\w+", (text or "").lower()))


def prf(got: str, gold: str) -> tuple[float, float, float]:
    g, t = tokens(got), tokens(gold)
    overlap = sum((g & t).values())
    p = overlap / sum(g.values()) if g else 0.0
    r = overlap / sum(t.values()) if t else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def pages() -> list[tuple[str, bytes, str]]:
    """(name, html bytes, gold text)."""
    out = []
    fixtures = ROOT / "tests" / "fixtures" / "kamervragen"
    for f in sorted(fixtures.glob("*.html")):
        soup = BeautifulSoup(f.read_bytes(), "lxml")
        body = soup.select_one("div.stuk") or soup.select_one("#broodtekst") or soup.body
        out.append((f"fixture {f.stem}", f.read_bytes(), body.get_text(" ")))
    bases = {name: f"http://127.0.0.1:{9000 + i}" for i, name in enumerate(corpus.HOSTS)}
    data = corpus.load()
    for kv in data["kamervraag"]:
        for part in corpus.parts_of(kv):
            for layout in ("stuk", "broodtekst", "stuktitel"):
                html = corpus.manifestation_html(kv, part, bases, layout)
                soup = BeautifulSoup(html, "lxml")
                for el in soup(["header", "nav", "footer", "title"]):
                    el.decompose()
                out.append((f"obk {layout} {part.ident}", html.encode(), soup.get_text(" ")))
    asp = data["aspnet"]
    out.append(("aspnet kst-30950-150", corpus.aspnet_page(asp).encode(),
                " ".join([asp["titel"], "Kamerstuk 30 950, nr. 150 · Tweede Kamer der Staten-Generaal",
                          *asp["alineas"]])))
    render = {"movisie": corpus.movisie_page, "kis": corpus.kis_page, "verwey-jonker": corpus.verwey_jonker_page,
              "swn": corpus.swn_page}
    by_site: dict[str, list] = {}
    for pub in data["publicatie"]:
        by_site.setdefault(pub["site"], []).append(pub)
        details = " ".join(str(pub.get(k, "")) for k in ("isbn", "paginas", "jaar"))
        body = " ".join(pub["alineas"]) if pub["site"] == "swn" else ""
        gold = " ".join([pub["titel"], pub["samenvatting"], " ".join(pub["auteurs"]), details, body])
        out.append((f"{pub['site']} {pub.get('slug') or pub['path']}", render[pub["site"]](pub).encode(), gold))
    for site, pubs in by_site.items():       # the seed (listing) pages
        links = [(p.get("path") or f"/publicatie/{p.get('slug')}", p["titel"]) for p in pubs]
        html = corpus._listing("Publicaties", links)
        out.append((f"{site} listing", html.encode(), " ".join(["Publicaties", *[t for _, t in links]])))
    try:
        import crawl_corpus
        for site, pubs in crawl_corpus.SITES.items():
            for p in pubs:
                html = crawl_corpus.publication_html(None, site, *p)
                gold = " ".join([p[1], p[7], "Onderzoekers", " ".join(p[3]), "Thema's", " ".join(p[4]),
                                 f"ISBN {p[5]} · {p[6]} pag · {p[2][:4]}", f"Gepubliceerd op: {p[2]}"])
                out.append((f"test-site {site} {p[0]}", html.encode(), gold))
    except ImportError:
        pass
    return out


def hand(html: bytes) -> str:
    return extract_html(html).text


def traf(html: bytes, **kw) -> str:
    import trafilatura
    return trafilatura.extract(html.decode("utf-8"), include_comments=False, include_tables=True,
                               favor_precision=False, **kw) or ""


def traf_recall(html: bytes) -> str:
    return traf(html, favor_recall=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    methods = {"hand-written (miner)": hand, "trafilatura": traf, "trafilatura favor_recall": traf_recall}
    rows = pages()
    results = {}
    for name, fn in methods.items():
        scores, zero, t0 = [], [], time.perf_counter()
        for page, html, gold in rows:
            got = fn(html)
            scores.append(prf(got, gold))
            if len(got.strip()) < 50:
                zero.append(page)
        seconds = time.perf_counter() - t0
        n = len(scores)
        results[name] = {"pages": n, "precision": round(sum(s[0] for s in scores) / n, 3),
                         "recall": round(sum(s[1] for s in scores) / n, 3), "f1": round(sum(s[2] for s in scores) / n, 3),
                         "under_50_chars": zero, "ms_per_page": round(1000 * seconds / n, 1)}
    if args.json:
        print(json.dumps(results, indent=1, ensure_ascii=False))
        return 0
    print(f"{len(rows)} pages")
    print(f"{'method':<28} {'P':>6} {'R':>6} {'F1':>6} {'ms/page':>8}  pages with < 50 characters")
    for name, r in results.items():
        print(f"{name:<28} {r['precision']:>6.3f} {r['recall']:>6.3f} {r['f1']:>6.3f} {r['ms_per_page']:>8.1f}  "
              f"{len(r['under_50_chars'])} {', '.join(r['under_50_chars'][:4])}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
