"""Config section ``[nlp]``: the Dutch spaCy pipeline."""
from miner.config import Field

SECTION = "nlp"
SCHEMA = {
    "pipeline": Field(str, "auto", "'auto' (installed nl_core_news_sm, else the shipped models/nl_miner), a package name, or a path."),
}
