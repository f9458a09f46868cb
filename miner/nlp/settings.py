"""Config section ``[nlp]``: the Dutch spaCy pipeline."""
from miner.config import Field, non_negative, positive

SECTION = "nlp"
SCHEMA = {
    "pipeline": Field(str, "auto", "'auto' (installed nl_core_news_sm, else the shipped models/nl_miner), a package name, or a path."),
    "taxonomy": Field(str, "", "Taxonomy file with the tagger's Dutch cues (relative to config); empty = the built-in miner/nlp/taxonomy.toml."),
    "tag_batch_size": Field(int, 32, "Documents per batch when tagging.", check=positive),
    "ud_dir": Field(str, "../shared/data/ud_dutch", "Folder with the UD Dutch treebanks: training data of `miner nlp train` and "
                    "the default test set of `miner nlp eval` (alpino-v2.16-test.conllu).", is_path=True),
    "train_max_steps": Field(int, 0, "Training steps for `miner nlp train`; 0 = the recipe's value (early stopping decides).",
                             check=non_negative),
}
