"""Config section ``[nlp]``: the Dutch spaCy pipeline."""
from miner.config import Field, non_negative, positive, unit_interval


def _plain_name(value: str) -> str | None:
    from miner.nlp.learned.vectors import NAME
    if value and not NAME.match(value):
        return "must be a folder name under [store] models_dir (letters, digits, '_', '.', '-'), or empty"
    return None


SECTION = "nlp"
SCHEMA = {
    "pipeline": Field(str, "auto", "'auto' (installed nl_core_news_sm, else the shipped models/nl_miner), a package name, or a path."),
    "taxonomy": Field(str, "", "Taxonomy file with the tagger's Dutch cues (relative to config); empty = the built-in miner/nlp/taxonomy.toml."),
    "tagger_model": Field(str, "", "The learned tagger (a folder made by `miner tag train`, relative to config); "
                          "empty = <models_dir>/miner_tagger; 'rules' = the rule layer alone."),
    "threshold_ground": Field(float, 0.0, "Calibrated confidence a ground needs; 0 = the model's tuned value.",
                              check=unit_interval),
    "threshold_mechanism": Field(float, 0.0, "Calibrated confidence a mechanism needs; 0 = the model's tuned value.",
                                 check=unit_interval),
    "threshold_recommendation": Field(float, 0.0, "Calibrated confidence a recommendation needs; 0 = the model's "
                                      "tuned value.", check=unit_interval),
    "relevance_threshold": Field(float, 0.0, "A document whose relevance score is at least this is about "
                                 "discrimination, exclusion or inclusion (researchers can override per document); "
                                 "0 = the model's value.",
                                 check=unit_interval),
    "train_dir": Field(str, "../shared/train", "Labelled passages (train_*.jsonl) `miner tag train` learns from.",
                       is_path=True),
    "own_train_dir": Field(str, "builtin", "The project's own labelled passages (own_*.jsonl), train-only in `miner tag "
                           "train`: every cross-validation fold trains on them, only train_dir's passages are scored; "
                           "'builtin' = miner/nlp/learned/own, empty = none, else a folder (relative to config)."),
    "word_vectors": Field(str, "nl_vectors", "Word-vector table whose sentence vectors `miner tag train` adds to "
                          "the model (a folder under [store] models_dir, made by scripts/build_word_vectors.py); "
                          "empty = none.", check=_plain_name),
    "tag_batch_size": Field(int, 32, "Documents per batch when tagging.", check=positive),
    "ud_dir": Field(str, "../shared/data/ud_dutch", "Folder with the UD Dutch treebanks: training data of `miner nlp train` and "
                    "the default test set of `miner nlp eval` (alpino-v2.16-test.conllu).", is_path=True),
    "train_max_steps": Field(int, 0, "Training steps for `miner nlp train`; 0 = the recipe's value (early stopping decides).",
                             check=non_negative),
}
