"""Config section ``[gaps]``: what counts as a knowledge gap."""
from miner.config import Field

SECTION = "gaps"
SCHEMA = {
    "min_research_documents": Field(int, 3, "A cell with fewer research documents than this is a gap."),
}
