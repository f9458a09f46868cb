"""Config section ``[crawl]``: politeness and sources."""
from miner.config import Field

SECTION = "crawl"
SCHEMA = {
    "user_agent": Field(str, "miner/0.1 (research crawler; contact: set crawl.contact)", "User-Agent sent with every request."),
}
