"""How close do the modernised 2017 trees come to the current annotation?

Sentences that occur both in a 2017 train file and in a current (non-test) file give a
parallel corpus of old vs. new annotation of the same words. This script modernises the old
trees with miner's training preparation and reports UPOS/head/label agreement and the most
frequent remaining differences, so convention fixes can be measured instead of guessed.

    python scripts/compare_conventions.py ../shared/data/ud_dutch
"""
from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

from miner.nlp.training.prepare import SOURCES, ConventionLexicon, load_sentences, TEST_FILE


def main(ud_dir: Path, top: int = 25) -> None:
    lexicon = ConventionLexicon()
    current = {}
    for source in SOURCES:
        if not source.old_conventions and source.filename != TEST_FILE:
            for s in load_sentences(ud_dir / source.filename, lexicon=lexicon):
                current[s.key] = s
    pairs = 0
    n = upos = head = las = 0
    label_diff, upos_diff = Counter(), Counter()
    for source in SOURCES:
        if not source.old_conventions:
            continue
        for old in load_sentences(ud_dir / source.filename, True, source.xpos_missing, lexicon):
            new = current.get(old.key)
            if new is None or new.words != old.words:
                continue
            pairs += 1
            for i in range(len(new.words)):
                n += 1
                upos += old.pos[i] == new.pos[i]
                head += old.heads[i] == new.heads[i]
                las += old.heads[i] == new.heads[i] and old.deps[i] == new.deps[i]
                if old.pos[i] != new.pos[i]:
                    upos_diff[(old.pos[i], new.pos[i], new.words[i].lower())] += 1
                if old.deps[i] != new.deps[i] or old.heads[i] != new.heads[i]:
                    same_head = "same head" if old.heads[i] == new.heads[i] else "other head"
                    label_diff[(old.deps[i], new.deps[i], same_head)] += 1
    print(f"{pairs} parallel sentences, {n} words: UPOS {upos / n:.3f}  UAS {head / n:.3f}  LAS {las / n:.3f}")
    print("\nold → new label (head):")
    for (o, c, h), k in label_diff.most_common(top):
        print(f"  {k:5d}  {o:12s} → {c:12s} {h}")
    print("\nold → new UPOS (word):")
    for (o, c, w), k in upos_diff.most_common(top):
        print(f"  {k:5d}  {o:6s} → {c:6s} {w}")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data/ud_dutch"))
