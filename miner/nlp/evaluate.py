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

    def as_dict(self) -> dict:
        return asdict(self)


def gold_docs(nlp, conllu: Path):
    from miner.nlp.training.prepare import load_sentences, to_docs
    sentences = load_sentences(conllu)
    return to_docs(nlp.vocab, sentences, SENTENCES_PER_DOC), len(sentences)


def evaluate(nlp, conllu: Path, progress: bool = False) -> Scores:
    """Scores of ``nlp`` on ``conllu``; words/s is measured in CPU time of this process, i.e. per
    core, so that other jobs on a shared machine do not distort it."""
    from spacy.scorer import Scorer
    from spacy.training import Example
    if not conllu.exists():
        raise FileNotFoundError(f"{conllu} does not exist")
    try:
        references, n_sentences = gold_docs(nlp, conllu)
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
        words_per_second=n_words / elapsed,
    )
