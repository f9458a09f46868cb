"""Convert a UD Dutch CoNLL-U file to a .spacy file for `spacy evaluate`, with the same handling
as `miner nlp eval` (lemma markers removed: basis_niveau → basisniveau; 10 sentences per doc).

    python scripts/ud_to_spacy.py ../shared/data/ud_dutch/alpino-v2.16-test.conllu /tmp/alpino-test.spacy
    python -m spacy evaluate models/nl_miner /tmp/alpino-test.spacy --code miner/nlp/components.py
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from miner.nlp.evaluate import SENTENCES_PER_DOC  # noqa: E402
from miner.nlp.training.prepare import conllu_to_docbin  # noqa: E402

if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: ud_to_spacy.py INPUT.conllu OUTPUT.spacy")
    source, target = Path(sys.argv[1]), Path(sys.argv[2])
    if not source.exists():
        sys.exit(f"{source} does not exist")
    n = conllu_to_docbin(source, target, per_doc=SENTENCES_PER_DOC)
    print(f"wrote {n} documents to {target}")
