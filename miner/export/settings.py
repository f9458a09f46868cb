"""Config section ``[export]``: exports and the browsable UI."""
from miner.config import Field

SECTION = "export"
SCHEMA = {
    "serve_host": Field(str, "127.0.0.1", "Address `miner serve` binds to."),
    "serve_port": Field(int, 8001, "Port `miner serve` listens on."),
}
