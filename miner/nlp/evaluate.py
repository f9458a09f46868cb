"""Score a loaded pipeline on a CoNLL-U treebank the way ``spacy evaluate`` does.

The pipeline tokenizes the raw sentence text itself (tokenization errors count); gold lemmas
lose UD's compound/particle markers (basis_niveau → basisniveau), as in training.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, asdict
from pathlib import Path

SENTENCES_PER_DOC = 10


@dataclass
class Scores:
    file: str
    sentences: int
    words: int
    tag: float
    pos: float
    morph: float
    lemma: float
    uas: float
    las: float
    sentence_f: float
    token_f: float
    words_per_second: float
    sentences_per_doc: int = SENTENCES_PER_DOC

    def as_dict(self) -> dict:
        return asdict(self)


def gold_docs(nlp, conllu: Path, per_doc: int = SENTENCES_PER_DOC):
    from miner.nlp.training.prepare import load_sentences, to_docs
    sentences = load_sentences(conllu)
    return to_docs(nlp.vocab, sentences, per_doc), len(sentences)


def evaluate(nlp, conllu: Path, progress: bool = False, per_doc: int = SENTENCES_PER_DOC) -> Scores:
    """Scores of ``nlp`` on ``conllu``, ``per_doc`` sentences joined into one text (1 is what
    ``spacy convert`` does by default: sentence F then only counts wrong splits inside a
    sentence); words/s is measured in CPU time of this process, i.e. per core, so that other
    jobs on a shared machine do not distort it."""
    from spacy.scorer import Scorer
    from spacy.training import Example
    if not conllu.exists():
        raise FileNotFoundError(f"{conllu} does not exist")
    try:
        references, n_sentences = gold_docs(nlp, conllu, per_doc)
    except (ValueError, IndexError, KeyError) as exc:
        raise ValueError(f"not a readable CoNLL-U file ({exc})") from None
    if not references:
        raise ValueError(f"{conllu} contains no sentences")
    texts = [doc.text for doc in references]
    n_words = sum(len(doc) for doc in references)
    from tqdm import tqdm
    start = time.process_time()
    predicted = list(tqdm(nlp.pipe(texts, batch_size=64), total=len(texts), unit="doc",
                          desc="evaluating", disable=not progress))
    elapsed = time.process_time() - start
    examples = [Example(pred, ref) for pred, ref in zip(predicted, references)]
    scores = Scorer(nlp).score(examples)
    return Scores(
        file=str(conllu), sentences=n_sentences, words=n_words,
        tag=scores.get("tag_acc") or 0.0, pos=scores.get("pos_acc") or 0.0,
        morph=scores.get("morph_acc") or 0.0, lemma=scores.get("lemma_acc") or 0.0,
        uas=scores.get("dep_uas") or 0.0, las=scores.get("dep_las") or 0.0,
        sentence_f=scores.get("sents_f") or 0.0, token_f=scores.get("token_f") or 0.0,
        words_per_second=n_words / elapsed, sentences_per_doc=per_doc,
    )
