"""Score the document-level evidence_type on real documents: the shared PDFs and seeds.

    PYTHONPATH=. .venv/bin/python scripts/eval_evidence_type.py [--shared ../shared] [--config config.toml]
        [--cache DIR] [--json]

Each document is extracted (OCR off: the two image-only scans give no text, and their gold
is empty), tagged once, and labelled two ways:

- ``count``: the old rule, every type with at least ``min_hits`` cue hits anywhere (run with
  ``--taxonomy`` pointing at the old taxonomy file for the figures before this change);
- ``classifier``: miner's classifier (miner/nlp/tagging/evidence.py, settings in the taxonomy).

Scores are micro precision/recall/F1 over (document, type) pairs against GOLD below. The
gold was decided by hand from SOURCES.tsv's descriptions and a read of each text; it
describes what kind of evidence the document *is*, not what it mentions.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from miner import config as config_mod  # noqa: E402
from miner.extract import ExtractOptions, extract_file  # noqa: E402
from miner.nlp.tagging import evidence, pipeline  # noqa: E402
from miner.nlp.tagging.lexicon import WEAK  # noqa: E402
from miner.nlp.tagging.taxonomy import load as load_taxonomy  # noqa: E402

# file → the evidence types it is (empty: none of the contract's types, or no text)
GOLD: dict[str, set[str]] = {
    # Tweede Kamer and municipal procedure: decisions lists, a motion, a minister's letter
    "tk_besluitenlijst_procedurevergadering_bzk_2009.pdf": {"beleidsdocument"},
    "tk_besluitenlijst_procedurevergadering_financien_2016.pdf": {"beleidsdocument"},
    "tk_kamerstuk_32545-143_motie_spaarrente.pdf": {"beleidsdocument"},
    "min_jenv_kamerbrief_draagmoederschap_2011.pdf": {"beleidsdocument"},
    "gemeente_denhelder_besluitenlijst_raad_2015-06-29.pdf": {"beleidsdocument"},
    # parliamentary / council questions with the answers
    "tk_aanhangsel_handelingen_2020-2021_3235_tozo_bbz.pdf": {"kamervraag"},
    "amsterdam_schriftelijke_vragen_236_profileringscriteria_2023.pdf": {"kamervraag"},
    # government reports on an app: policy documents, however many methods they mention
    "vws_coronamelder_duidingsrapportage_2020.pdf": {"beleidsdocument"},
    "vws_coronamelder_dpia_2020.pdf": {"beleidsdocument"},
    "landsadvocaat_juridische_analyse_coronamelder_2020.pdf": {"beleidsdocument"},
    "vws_coronamelder_ethische_analyse_2020.pdf": {"beleidsdocument"},
    # first set to beleidsdocument from SOURCES.tsv; its own title says "Bevindingen ... uit
    # inventarisatie en interviewgesprekken": findings from interviews
    "woo_vws_185775_bevindingen_dashboards_ggd_g4_ocr.pdf": {"interviews"},
    # image-only scans: no text, nothing to say
    "tk_bijlage_blg-1007826_nota_lnv_scan.pdf": set(),
    "woo_vws_deelbesluit_digitale_middelen_2022_scan.pdf": set(),
    # research: a statistical study of indirect discrimination (effect/statistics), a case advice,
    # a quick scan from documents and interviews, a citizens' survey
    "aa_vooringenomenheid_voorkomen_duo_2024.pdf": {"effectstudie"},
    "aa_advies_risicoprofilering_bijstand_2023.pdf": {"casestudy"},
    "rekenkamer_deventer_quickscan_algoritmes_ai_2025.pdf": {"literatuurstudie", "interviews"},
    "vng_burgerpeiling_mantelzorg.pdf": {"enquete"},
    # a manual: none of the types
    "amsterdam_schulddossier_handleiding.pdf": set(),
    # seeds
    "000_72a4b0adca875dee.txt": {"kennissynthese"},          # Movisie kennissynthese
    "001_1a874675f7e96415.txt": {"kamervraag"},              # Kamervraag 2023Z02090 with answers
    "002_9b48c3a8198fc650.txt": {"kennissynthese"},          # Movisie themaoverzicht (knowledge overview)
    "003_3a8617f16350fe9f.txt": {"interviews"},              # KIS verkenning: talks with professionals
    "004_78f594e38f984672.txt": {"praktijkvoorbeeld"},       # report of a municipal exchange session
}


def count_rule(doc, taxonomy) -> list[str]:
    """The rule before the classifier: a type when its raw cue count reaches min_hits."""
    counts: dict[str, int] = {}
    for h in doc._.miner_hits or []:
        if h.layer == "evidence_type" and h.kind != WEAK:
            counts[h.label] = counts.get(h.label, 0) + 1
    return [label for label, n in sorted(counts.items(), key=lambda kv: -kv[1])
            if n >= taxonomy.cue("evidence_type", label).min_hits]


def text_of(path: Path, cache: Path) -> str:
    if path.suffix == ".txt":
        return path.read_text(encoding="utf-8")
    key = cache / (hashlib.sha256(path.read_bytes()).hexdigest()[:20] + ".txt")
    if not key.exists():
        try:
            text = extract_file(path, ExtractOptions(ocr=False)).text or ""
        except Exception as exc:  # an unreadable file is an empty document here; say so
            print(f"{path.name}: extraction failed: {exc}", file=sys.stderr)
            text = ""
        key.write_text(text, encoding="utf-8")
    return key.read_text(encoding="utf-8")


def prf(pairs_pred: set, pairs_gold: set) -> dict:
    tp = len(pairs_pred & pairs_gold)
    p = tp / len(pairs_pred) if pairs_pred else 0.0
    r = tp / len(pairs_gold) if pairs_gold else 0.0
    return {"tp": tp, "predicted": len(pairs_pred), "gold": len(pairs_gold), "precision": round(p, 3),
            "recall": round(r, 3), "f1": round(2 * p * r / (p + r), 3) if p + r else 0.0}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shared", type=Path, default=None, help="the shared folder (default ../shared, /work/shared)")
    ap.add_argument("--config", default=None)
    ap.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "miner-eval-evidence",
                    help="where extracted PDF text is kept between runs")
    ap.add_argument("--taxonomy", type=Path, default=None,
                    help="another taxonomy file (e.g. main's, for the figures before the classifier)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    shared = args.shared or next((b for b in (ROOT.parent / "shared", Path("/work/shared")) if b.exists()), None)
    if shared is None or not (shared / "pdfs").is_dir():
        print("no shared folder with pdfs/ (give --shared)", file=sys.stderr)
        return 2
    files = [shared / "pdfs" / n if n.endswith(".pdf") else shared / "seeds" / n for n in GOLD]
    missing = [f.name for f in files if not f.exists()]
    if missing:
        print(f"missing: {', '.join(missing)}", file=sys.stderr)
        return 2
    args.cache.mkdir(parents=True, exist_ok=True)
    cfg = config_mod.load(args.config)
    taxonomy = load_taxonomy(args.taxonomy) if args.taxonomy else pipeline.taxonomy_for(cfg)
    nlp = pipeline.build(cfg, taxonomy)
    nlp.max_length = max(nlp.max_length, 2_000_000)

    rows, pred = [], {"count": set(), "classifier": set()}
    gold_pairs = {(f.name, t) for f in files for t in GOLD[f.name]}
    texts = [text_of(f, args.cache) for f in files]
    for f, doc in zip(files, pipeline.tag(nlp, texts, batch_size=1)):
        before = count_rule(doc, taxonomy)
        after = evidence.classify(doc, taxonomy)
        pred["count"].update((f.name, t) for t in before)
        pred["classifier"].update((f.name, d["label"]) for d in after)
        rows.append({"file": f.name, "tokens": len(doc), "gold": sorted(GOLD[f.name]), "count": before,
                     "classifier": [d["label"] for d in after],
                     "why": [f"{d['label']} {d['score']:g}: {d['source'].split(':', 1)[1]}" for d in after]})
    result = {"documents": len(rows), "count": prf(pred["count"], gold_pairs),
              "classifier": prf(pred["classifier"], gold_pairs), "rows": rows,
              "types_per_document": {k: round(len(v) / len(rows), 2) for k, v in pred.items()}}
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=1))
        return 0
    for r in rows:
        ok = "ok " if set(r["classifier"]) == set(r["gold"]) else "   "
        print(f"{ok}{r['file'][:58]:58} {r['tokens']:>7} tok  gold={','.join(r['gold']) or '-'}")
        print(f"      count:      {', '.join(r['count']) or '-'}")
        print(f"      classifier: {', '.join(r['classifier']) or '-'}")
        for w in r["why"]:
            print(f"        {w}")
    print(f"\n{'rule':12} {'P':>6} {'R':>6} {'F1':>6} {'pred':>5} {'gold':>5} {'types/doc':>9}")
    for k in ("count", "classifier"):
        m = result[k]
        print(f"{k:12} {m['precision']:6.3f} {m['recall']:6.3f} {m['f1']:6.3f} {m['predicted']:5} {m['gold']:5} "
              f"{result['types_per_document'][k]:9.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
