#!/usr/bin/env python3
"""Build a large synthetic miner store from real, really tagged documents.

    PYTHONPATH=. .venv/bin/python scripts/synth_store.py --docs 50000 --out /tmp/synth50k

A sample of real documents is extracted and tagged ONCE with the real pipeline (the
configured Dutch spaCy pipeline, rules and learned tagger):

* the demo corpus (``miner/demo/corpus.toml``, our own text): Kamervragen and answers as
  text, publications as real PDFs generated with fpdf2 — always available;
* when present, the smallest ``--shared-pdfs`` PDFs of ``../shared/pdfs`` and
  ``--train-docs`` documents made of consecutive passages of ``../shared/train/*.jsonl``
  (read at build time, never copied into the repository).

Those tagged documents are then replicated ``--docs`` times with varied keys, titles,
years, dates and sources, so a document carries exactly the annotations real tagging gave
its text (the density per document is that of real tagging). Everything is written through
the store API (``miner.store.documents.upsert`` / ``save_extraction``,
``miner.store.tagging.save``), so the builder follows schema changes automatically.

``--out DIR`` gets a ``config.toml`` (models from this repository) and ``corpora/miner.sqlite``;
use it as ``miner --config DIR/config.toml gaps``. Killed at any moment, a second run with
the same arguments finishes the job (documents already written are skipped).
``--reviews N`` adds N researchers' decisions (accept/reject/add) through
``miner.store.reviews.record`` and ``--irrelevant F`` overrides a fraction F of documents as
not relevant, so the views downstream counts read are exercised as in real use.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from miner import config  # noqa: E402
from miner.store import connect  # noqa: E402
from miner.store import documents, files, relevance, reviews, tagging  # noqa: E402

SHARED = ROOT.parent / "shared"
PLACES = ["Amsterdam", "Rotterdam", "Utrecht", "Den Haag", "Eindhoven", "Groningen", "Tilburg", "Almere",
          "Breda", "Nijmegen", "Arnhem", "Zwolle", "Leeuwarden", "Maastricht", "Enschede", "Deventer"]
PARLIAMENT_SOURCES = ["tweede_kamer", "officielebekendmakingen"]
REPORT_SOURCES = ["movisie", "kis", "verwey_jonker", "sociaal_werk_nederland", "add"]


@dataclass
class Seed:
    """One real document, extracted and tagged once."""
    name: str
    title: str
    doc_type: str
    parliamentary: bool
    ext: object            # miner.extract.Extraction
    data: bytes = b""      # the bytes it was extracted from (stored once, shared by its copies)
    records: list = None
    doc_labels: list = None
    relevance: float | None = None


def _log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# -- seeds -------------------------------------------------------------------------------------------

def demo_seeds() -> list[Seed]:
    """The demo corpus: Kamervragen/answers as text, publications as generated PDFs, the Kamerbrief."""
    from miner.demo.corpus import load, make_pdf
    from miner.extract import extract_bytes
    corpus = load()
    out = []

    def text_seed(name, title, doc_type, paras):
        body = title + "\n\n" + "\n\n".join(paras)
        data = body.encode("utf-8")
        ext = extract_bytes(data, f"{name}.txt", "text/plain")
        out.append(Seed(name, title, doc_type, doc_type in ("kamervraag", "antwoord"), ext, data))

    for kv in corpus.get("kamervraag", []):
        text_seed(f"kv-{kv['nummer']}", kv["titel"], "kamervraag",
                  [f"Vraag {i}\n\n{q}" for i, q in enumerate(kv["vragen"], 1)])
        answers = list(kv.get("antwoord", {}).get("teksten", []))
        nader = kv.get("nader", {}).get("teksten", {})
        answers += [nader[k] for k in sorted(nader)]
        if answers:
            text_seed(f"ah-{kv['nummer']}", "Antwoord op " + kv["titel"][0].lower() + kv["titel"][1:], "antwoord",
                      [f"Antwoord {i}\n\n{a}" for i, a in enumerate(answers, 1)])
    if corpus.get("aspnet"):
        a = corpus["aspnet"]
        text_seed("kamerbrief", a["titel"], "kamerstuk", a["alineas"])
    for pub in corpus.get("publicatie", []):
        if "slug" not in pub:   # a news article on the site itself (no PDF)
            text_seed(pub["path"].rsplit("/", 1)[-1], pub["titel"], "webpagina", pub["alineas"])
            continue
        pdf = make_pdf(pub["titel"], tuple(pub["alineas"]))
        ext = extract_bytes(pdf, f"{pub['slug']}.pdf", "application/pdf")
        out.append(Seed(pub["slug"], pub["titel"], "rapport", False, ext, pdf))
    return out


def shared_pdf_seeds(n: int) -> list[Seed]:
    """The ``n`` smallest PDFs of ../shared/pdfs (real reports; read, never copied)."""
    from miner.extract import ExtractionError, extract_file
    folder = SHARED / "pdfs"
    if n <= 0 or not folder.is_dir():
        return []
    out = []
    for path in sorted(folder.glob("*.pdf"), key=lambda p: p.stat().st_size)[:n]:
        try:
            ext = extract_file(path)
        except ExtractionError as exc:
            _log(f"  skipped {path.name}: {exc}")
            continue
        if ext.text.strip():
            out.append(Seed(path.stem, ext.title or path.stem.replace("_", " "), "rapport", False, ext,
                            path.read_bytes()))
    return out


def shared_train_seeds(n: int, per_doc: int = 25) -> list[Seed]:
    """``n`` documents of ``per_doc`` consecutive labelled passages from ../shared/train (their text only)."""
    from miner.extract import extract_bytes
    folder = SHARED / "train"
    if n <= 0 or not folder.is_dir():
        return []
    texts = []
    for path in sorted(folder.glob("train_*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                t = json.loads(line).get("text", "").strip()
                if t:
                    texts.append(t)
    out = []
    for k in range(min(n, len(texts) // per_doc)):
        paras = texts[k * per_doc:(k + 1) * per_doc]
        title = paras[0][:80].rsplit(" ", 1)[0]
        data = "\n\n".join(paras).encode("utf-8")
        ext = extract_bytes(data, f"train-{k}.txt", "text/plain")
        out.append(Seed(f"train-{k}", title, "rapport", False, ext, data))
    return out


def tag_seeds(cfg, seeds: list[Seed]) -> str:
    """Tag every seed with the real pipeline, as the tagging stage does; returns the tagger hash."""
    from miner.nlp.tagging import evidence, pipeline
    taxonomy = pipeline.taxonomy_for(cfg)
    nlp = pipeline.build(cfg, taxonomy)
    pages = [[(p.number, p.start, p.end) for p in s.ext.pages] for s in seeds]
    results = pipeline.tag_records(nlp, (s.ext.text for s in seeds), batch_size=cfg["nlp"]["tag_batch_size"],
                                   pages=pages)
    for seed, res in zip(seeds, results):
        if (seed.ext.language or "und") not in ("nl", "und"):   # as the stage does: recorded, not tagged
            seed.records, seed.doc_labels, seed.relevance = [], [], None
            continue
        if res.error:
            raise SystemExit(f"tagging the seed {seed.name} failed: {res.error}")
        seed.records = res.records
        seed.doc_labels = evidence.from_doc_type(taxonomy, seed.doc_type) or res.doc_labels
        seed.relevance = res.relevance
    return pipeline.tagger_hash(cfg, taxonomy)


# -- replication -------------------------------------------------------------------------------------

def write_config(out: Path) -> Path:
    path = out / "config.toml"
    if not path.exists():
        tmp = path.with_suffix(".toml.tmp")
        tmp.write_text("# synthetic store made by scripts/synth_store.py\n[store]\n"
                       f"models_dir = {json.dumps(str(ROOT / 'models'))}\n", encoding="utf-8")
        tmp.replace(path)
    return path


def variant(seed: Seed, i: int, rnd: random.Random) -> dict:
    """Key, title, date and source of the i-th synthetic copy of ``seed``."""
    year = rnd.randint(1995, 2025)
    place = rnd.choice(PLACES)
    source = rnd.choice(PARLIAMENT_SOURCES if seed.parliamentary else REPORT_SOURCES)
    return {"doc_key": f"synth:{i:07d}", "source": source,
            "title": f"{seed.title} — {place} {year}",
            "date": f"{year}-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}",
            "url": f"https://synth.invalid/{source}/{i}"}


def build(out: Path, n_docs: int, seeds: list[Seed], th: str, rel_threshold: float,
          seed: int = 16) -> tuple[int, list[tuple[str, Seed]]]:
    """Write ``n_docs`` copies of the seeds; returns (documents written now, [(doc_key, seed)] of all)."""
    cfg = config.load(write_config(out))
    conn = connect(cfg.database)
    conn.execute("PRAGMA synchronous = OFF")   # a throwaway store: no fsync; a crash leaves a re-runnable store
    # each seed's bytes are stored once (raw/ under the store's data_dir); its copies point at them
    shas = {id(s): files.put_bytes(conn, cfg.data_dir, s.data, s.ext.mime) for s in seeds}
    # documents a killed run left half-written (not extracted, or not tagged with this tagger)
    unfinished = {r["id"] for r in documents.needs_extraction(conn)} | {r["id"] for r in tagging.pending(conn, th)}
    rnd = random.Random(seed)
    written, t0, copies = 0, time.perf_counter(), []
    step = max(1, n_docs // 20)
    for i in range(n_docs):
        s = seeds[rnd.randrange(len(seeds))]
        v = variant(s, i, rnd)
        copies.append((v["doc_key"], s))
        row = documents.get_by_key(conn, v["doc_key"])
        if row is not None and row["id"] not in unfinished:
            continue
        sha = shas[id(s)]
        up = documents.upsert(conn, v["doc_key"], v["source"], sha, title=v["title"], date=v["date"],
                              url=v["url"], doc_type=s.doc_type, mime=s.ext.mime)
        documents.save_extraction(conn, up.id, sha, s.ext)
        tagging.save(conn, up.id, sha, th, s.records, s.doc_labels, s.relevance, rel_threshold)
        written += 1
        if (i + 1) % step == 0:
            rate = written / max(1e-9, time.perf_counter() - t0)
            _log(f"  {i + 1}/{n_docs} documents ({rate:.0f}/s)")
    conn.close()
    return written, copies


def add_reviews(cfg, n: int, copies: list[tuple[str, Seed]], seed: int = 16) -> int:
    """``n`` decisions on tagged sentences of random documents: accept or reject a model label, or add a ground."""
    from miner.export.labels import GROUNDS
    rnd = random.Random(seed)
    made, keys = [], set()
    while len(made) < n:
        doc_key, s = copies[rnd.randrange(len(copies))]
        recs = [r for r in s.records if r["layer"] in ("ground", "mechanism")]
        if not recs:
            if not any(r["layer"] in ("ground", "mechanism") for _, c in copies for r in c.records):
                break
            continue
        r = recs[rnd.randrange(len(recs))]
        decision = rnd.choice(["accept", "reject", "add"])
        layer = "ground" if decision == "add" else r["layer"]
        label = rnd.choice(list(GROUNDS)) if decision == "add" else r["label"]
        if (doc_key, r["sentence_start"], layer, label) in keys:   # one decision per key: a re-run adds nothing
            continue
        keys.add((doc_key, r["sentence_start"], layer, label))
        made.append({"doc_key": doc_key, "sentence_start": r["sentence_start"], "sentence_end": r["sentence_end"],
                     "sentence": r["sentence"], "sentence_hash": reviews.sentence_hash(r["sentence"]),
                     "layer": layer, "label": label,
                     "decision": decision, "reviewer": rnd.choice(["anna", "bram"]), "via": "sheet"})
    conn = connect(cfg.database)
    reviews.record(conn, made)
    conn.close()
    return len(made)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=50000, help="documents in the store (default 50000)")
    ap.add_argument("--out", type=Path, required=True, help="folder for config.toml and corpora/miner.sqlite")
    ap.add_argument("--shared-pdfs", type=int, default=6,
                    help="seed with the N smallest PDFs of ../shared/pdfs when present (default 6; 0 = none)")
    ap.add_argument("--train-docs", type=int, default=20,
                    help="seed with N documents of passages of ../shared/train when present (default 20; 0 = none)")
    ap.add_argument("--reviews", type=int, default=0, help="researchers' decisions to add (default 0)")
    ap.add_argument("--irrelevant", type=float, default=0.0,
                    help="fraction of documents overridden as not relevant (default 0)")
    ap.add_argument("--seed", type=int, default=16, help="random seed (default 16)")
    args = ap.parse_args()
    if args.docs < 1:
        raise SystemExit("--docs must be at least 1")
    args.out.mkdir(parents=True, exist_ok=True)
    cfg = config.load(write_config(args.out))

    t0 = time.perf_counter()
    seeds = demo_seeds() + shared_pdf_seeds(args.shared_pdfs) + shared_train_seeds(args.train_docs)
    _log(f"seeds: {len(seeds)} real documents, {sum(len(s.ext.text) for s in seeds):,} characters "
         f"(extracted in {time.perf_counter() - t0:.1f} s)")
    t1 = time.perf_counter()
    th = tag_seeds(cfg, seeds)
    from miner.nlp.tagging.pipeline import learned_settings
    learned = learned_settings(cfg)
    rel_threshold = learned["relevance_threshold"] if learned else 0.5
    n_ann = sum(len(s.records) for s in seeds)
    _log(f"tagged in {time.perf_counter() - t1:.1f} s: {n_ann} annotations, "
         f"{n_ann / len(seeds):.1f} per document")

    t2 = time.perf_counter()
    written, copies = build(args.out, args.docs, seeds, th, rel_threshold, args.seed)
    _log(f"wrote {written} documents in {time.perf_counter() - t2:.1f} s")
    if args.irrelevant > 0:
        conn = connect(cfg.database)
        rnd = random.Random(args.seed + 1)
        ids = [documents.get_by_key(conn, f"synth:{i:07d}")["id"]
               for i in sorted(rnd.sample(range(args.docs), int(args.docs * args.irrelevant)))]
        relevance.set_override(conn, ids, False)
        conn.close()
        _log(f"{len(ids)} documents overridden as not relevant")
    if args.reviews:
        _log(f"{add_reviews(cfg, args.reviews, copies, args.seed)} review decisions added")
    size = cfg.database.stat().st_size
    print(f"{args.docs} documents in {cfg.database} ({size / 1e6:.0f} MB, {size / args.docs / 1e3:.1f} KB per "
          f"document) from {len(seeds)} tagged seeds, {n_ann / len(seeds):.1f} annotations per document; "
          f"config: {args.out / 'config.toml'}")


if __name__ == "__main__":
    main()
