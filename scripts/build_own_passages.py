"""Build the project's own labelled passages (miner/nlp/learned/own/own_*.jsonl) from their
sources (miner/nlp/learned/own/src/own_*.txt), with exact offsets, and check them.

    PYTHONPATH=. .venv/bin/python scripts/build_own_passages.py [--check-shared ../shared]

Source format, one passage after another:

    === own_a001                      the passage id (url becomes "own:own_a001")
    A heading                         a sentence without labels
    [sociaaleconomisch melden] ...    labels before the sentence: ground and mechanism ids
    [R] ...                           a recommendation without a named actor (actor onbepaald)
    [R:gemeente dialoog] ...          a recommendation with its actor(s), comma separated
                                      (blank line) a paragraph break

Sentences of one paragraph are joined by a space, paragraphs by a blank line. Every label is
checked against the taxonomy and the actor list, every offset against its sentence. With
--check-shared, no own sentence may share a run of 8 words with a passage in ../shared (the
passages are written from scratch; this only guards against accidents).
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

OWN = ROOT / "miner" / "nlp" / "learned" / "own"
ACTORS = {"gemeente", "rijksoverheid", "sociaal_werk", "vrijwilligersorganisatie", "adv", "onderzoek", "onbepaald"}
LINE = re.compile(r"^\[([^\]]*)\]\s*(.+)$")


def parse(path: Path, grounds: set, mechanisms: set) -> list[dict]:
    passages, cur, para = [], None, []

    def close_para():
        if para:
            cur["paras"].append(list(para))
            para.clear()
    for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        where = f"{path.name}:{n}"
        if line.startswith("#"):
            continue
        if line.startswith("==="):
            if cur is not None:
                close_para()
                passages.append(cur)
            cur = {"id": line[3:].strip().split()[0], "paras": []}
            continue
        if cur is None:
            if line:
                raise ValueError(f"{where}: text before the first === id line")
            continue
        if not line:
            close_para()
            continue
        m = LINE.match(line)
        tags, text = (m.group(1).split(), m.group(2).strip()) if m else ([], line)
        lab = {"ground": [], "mechanism": [], "recommendation": False, "actor": []}
        for t in tags:
            if t in grounds:
                lab["ground"].append(t)
            elif t in mechanisms:
                lab["mechanism"].append(t)
            elif t == "R" or t.startswith("R:"):
                lab["recommendation"] = True
                actors = t[2:].split(",") if t.startswith("R:") else ["onbepaald"]
                bad = [a for a in actors if a not in ACTORS]
                if bad:
                    raise ValueError(f"{where}: unknown actor {bad}")
                lab["actor"] = actors
            else:
                raise ValueError(f"{where}: unknown label {t!r}")
        for layer in ("ground", "mechanism"):
            if len(set(lab[layer])) != len(lab[layer]):
                raise ValueError(f"{where}: label repeated")
        para.append((text, lab))
    if cur is not None:
        close_para()
        passages.append(cur)
    out = []
    for p in passages:
        text, sents = "", []
        for i, para in enumerate(p["paras"]):
            if i:
                text += "\n\n"
            for j, (s, lab) in enumerate(para):
                if j:
                    text += " "
                sents.append({"start": len(text), "end": len(text) + len(s), **lab})
                text += s
        for s in sents:
            assert text[s["start"]:s["end"]].strip() == text[s["start"]:s["end"]] != ""
        out.append({"id": p["id"], "url": f"own:{p['id']}", "text": text, "sentences": sents})
    return out


NAMES = re.compile(r"college voor de rechten van de mens|minister(ie)? van [a-z ]+?(zaken|werkgelegenheid|sport)|"
                   r"algemene wet gelijke behandeling|gaat over tot de orde van de dag|gehoord de beraadslaging")


def shingles(text: str, n: int = 8) -> set:
    """Runs of n words, names of institutions and fixed formulas left out (they are no one's text)."""
    words = re.findall(r"\w+", NAMES.sub(" ", text.lower()))
    return {" ".join(words[i:i + n]) for i in range(len(words) - n + 1)}


def main() -> int:
    from miner import config
    from miner.nlp.tagging.pipeline import taxonomy_for
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check-shared", type=Path, default=None, help="../shared: refuse sentences sharing 8 words")
    args = ap.parse_args()
    tax = taxonomy_for(config.from_dict({}, ROOT))
    grounds, mechanisms = set(tax.labels("ground")), set(tax.labels("mechanism"))
    seen, total = set(), {"passages": 0, "sentences": 0}
    shared = set()
    if args.check_shared:
        for f in sorted(args.check_shared.glob("*/*.jsonl")):
            for line in f.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    shared |= shingles(json.loads(line).get("text", ""))
    problems = 0
    for src in sorted((OWN / "src").glob("own_*.txt")):
        passages = parse(src, grounds, mechanisms)
        for p in passages:
            if p["id"] in seen:
                raise ValueError(f"{src.name}: id {p['id']} twice")
            seen.add(p["id"])
            for s in p["sentences"]:
                hit = shingles(p["text"][s["start"]:s["end"]]) & shared
                if hit:
                    problems += 1
                    print(f"{p['id']}: shares words with ../shared: {sorted(hit)[0]!r}", file=sys.stderr)
        out = OWN / (src.stem + ".jsonl")
        out.write_text("".join(json.dumps(p, ensure_ascii=False) + "\n" for p in passages), encoding="utf-8")
        total["passages"] += len(passages)
        total["sentences"] += sum(len(p["sentences"]) for p in passages)
    print(json.dumps(total))
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
