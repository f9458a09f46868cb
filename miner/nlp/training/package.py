"""Turn spaCy's best training checkpoint into the shipped pipeline (models/nl_miner).

Adds what the statistical model cannot learn from UD: the policy-text tokenizer and the
lemma fallback (domain list + spacy-lookups-data Dutch lookup table for unseen words),
writes meta/licence notes and leaves training artefacts behind.
"""
from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

from miner.nlp.components import customise_tokenizer, read_domain_lemmas

LICENCE_NOTE = """# nl_miner — Dutch spaCy pipeline shipped with miner

Trained by `miner nlp train` (recipe: miner/nlp/training/) from the Universal Dependencies
Dutch treebanks (UD_Dutch-Alpino and UD_Dutch-LassySmall; Gosse Bouma, Gertjan van Noord and
the UD contributors), licensed CC BY-SA 4.0. As a work derived from them, this pipeline
(weights and tables in this folder) is distributed under CC BY-SA 4.0:
https://creativecommons.org/licenses/by-sa/4.0/

Training data: alpino-v2.16-dev, lassysmall-v2.16-dev/test (current conventions),
alpino-2017-train and lassysmall-v2.0-train (brought to current conventions); every sentence
also in alpino-v2.16-test was removed, so that file stays an untouched test set.

The lemma fallback table comes from spacy-lookups-data (nl_lemma_lookup, MIT licence,
Explosion AI) and miner's own domain list (miner/nlp/resources/domain_lemmas.tsv).

Components: tok2vec, tagger (Alpino XPOS), morphologizer (UPOS + features),
trainable_lemmatizer (edit trees), miner_lemma_fallback, miner_policy_sentences (bullets,
blank lines, glued footnote numbers), parser (sets all other sentence boundaries),
miner_verb_function (AUX/VERB made consistent with the parse), miner_particle_lemmas
(separated particles join the verb lemma: "zette ... in" → inzetten).
Loading needs `miner.nlp.components` imported first (miner.nlp.loader does this).
Scores: see README.md of the repository, section "Dutch NLP pipeline".
"""


LICENCE = """The files in this folder are a derived work of the Universal Dependencies treebanks
UD_Dutch-Alpino and UD_Dutch-LassySmall (Gosse Bouma, Gertjan van Noord and the UD contributors),
which are licensed under the Creative Commons Attribution-ShareAlike 4.0 International licence.
This derived work is licensed under the same terms: CC BY-SA 4.0,
https://creativecommons.org/licenses/by-sa/4.0/legalcode

miner_lemma_fallback/lookup.json.gz is the Dutch lemma lookup table of spacy-lookups-data
(MIT licence, Copyright (C) 2019-2023 ExplosionAI GmbH).
"""


def dutch_lookup_table() -> dict[str, str]:
    import spacy_lookups_data
    path = Path(spacy_lookups_data.__file__).parent / "data" / "nl_lemma_lookup.json.gz"
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return json.load(handle)


def training_forms(train_corpus: Path) -> set[str]:
    import spacy
    from spacy.tokens import DocBin
    vocab = spacy.blank("nl").vocab
    return {token.lower_ for doc in DocBin().from_disk(train_corpus).get_docs(vocab) for token in doc}


def dev_lemma_accuracy(nlp, dev_corpus: Path) -> float:
    from spacy.scorer import Scorer
    from spacy.tokens import DocBin
    from spacy.training import Example
    references = list(DocBin().from_disk(dev_corpus).get_docs(nlp.vocab))
    examples = [Example(pred, ref) for pred, ref in zip(nlp.pipe([r.text for r in references]), references)]
    return Scorer.score_token_attr(examples, "lemma")["lemma_acc"]


def choose_fallback_mode(nlp, dev_corpus: Path) -> dict[str, float]:
    """Measure both lookup modes on the dev portion and keep the better one."""
    fallback = nlp.get_pipe("miner_lemma_fallback")
    scores = {}
    for prefer in (False, True):
        fallback.prefer_lookup = prefer
        scores["prefer_lookup" if prefer else "unseen_only"] = dev_lemma_accuracy(nlp, dev_corpus)
    fallback.prefer_lookup = scores["prefer_lookup"] >= scores["unseen_only"]
    return scores


def package(best_dir: Path, output_dir: Path, train_corpus: Path, sources: dict | None = None) -> Path:
    import spacy
    nlp = spacy.load(best_dir)
    customise_tokenizer(nlp)
    fallback = nlp.add_pipe("miner_lemma_fallback", after="trainable_lemmatizer")
    fallback.initialize(lookup=dutch_lookup_table(), known_forms=training_forms(train_corpus),
                        domain=read_domain_lemmas())
    nlp.add_pipe("miner_policy_sentences", before="parser")
    nlp.add_pipe("miner_verb_function", after="parser")
    nlp.add_pipe("miner_particle_lemmas", after="miner_verb_function")
    nlp.config["nlp"]["tokenizer"] = {"@tokenizers": "miner.policy_tokenizer.v1"}
    dev_scores = choose_fallback_mode(nlp, train_corpus.with_name("dev.spacy"))
    nlp.config["components"]["miner_lemma_fallback"]["prefer_lookup"] = fallback.prefer_lookup
    nlp.meta.update({"name": "miner", "version": "1.0.0", "license": "CC BY-SA 4.0",
                     "description": "Dutch CPU pipeline trained on UD Dutch Alpino + LassySmall for miner",
                     "sources": [{"name": "UD_Dutch-Alpino", "license": "CC BY-SA 4.0"},
                                 {"name": "UD_Dutch-LassySmall", "license": "CC BY-SA 4.0"},
                                 {"name": "spacy-lookups-data nl_lemma_lookup", "license": "MIT"}]})
    nlp.meta["lemma_fallback_dev_accuracy"] = dev_scores
    if sources:
        nlp.meta["training_data"] = sources
    staging = output_dir.with_name(output_dir.name + ".tmp")
    if staging.exists():
        shutil.rmtree(staging)
    nlp.to_disk(staging)
    (staging / "README.md").write_text(LICENCE_NOTE, encoding="utf-8")
    (staging / "LICENSE").write_text(LICENCE, encoding="utf-8")
    # Replace the shipped files but keep the (git-ignored) training folder inside it.
    output_dir.mkdir(parents=True, exist_ok=True)
    for old in output_dir.iterdir():
        if old.name != "training":
            shutil.rmtree(old) if old.is_dir() else old.unlink()
    for new in staging.iterdir():
        shutil.move(str(new), output_dir / new.name)
    staging.rmdir()
    return output_dir
