"""Config section ``[topics]``: the topic model."""
from miner.config import Field

SECTION = "topics"
SCHEMA = {
    "method": Field(str, "nmf", "Topic model: nmf or lda.", choices=("nmf", "lda")),
}
