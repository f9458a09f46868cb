"""Config section ``[nlp]``: the Dutch spaCy pipeline."""
from miner.config import Field, positive

SECTION = "nlp"
SCHEMA = {
    "pipeline": Field(str, "auto", "'auto' (installed nl_core_news_sm, else the shipped models/nl_miner), a package name, or a path."),
    "taxonomy": Field(str, "", "Taxonomy file with the tagger's Dutch cues (relative to config); empty = the built-in miner/nlp/taxonomy.toml."),
    "tag_batch_size": Field(int, 32, "Documents per batch when tagging.", check=positive),
}
