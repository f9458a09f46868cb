"""Config section ``[review]``: the review page, the queue and learning from reviews."""
from miner.config import Field, unit_interval

SECTION = "review"
LAYERS = ("ground", "mechanism", "recommendation", "setting", "target_group")

SCHEMA = {
    "host": Field(str, "127.0.0.1", "Address `miner review serve` binds to (loopback only).",
                  check=lambda v: None if v in ("127.0.0.1", "localhost", "::1")
                  else "must be a loopback address (127.0.0.1, localhost or ::1): the page can change the store"),
    "port": Field(int, 8002, "Port of the review page.",
                  check=lambda v: None if 0 <= v < 65536 else "must be a port number 1-65535 (0 = any free port)"),
    "layers": Field(list, ["ground", "mechanism", "recommendation"], "Layers a sentence is reviewed on.",
                    item_type=str,
                    check=lambda v: None if v and set(v) <= set(LAYERS)
                    else f"must be a non-empty list of {', '.join(LAYERS)}"),
    "threshold": Field(float, 0.5, "Decision threshold of the model: the uncertain queue starts with the "
                       "sentences whose confidence is closest to it (no confidence counts as 0.5).",
                       check=unit_interval),
    "context_sentences": Field(int, 2, "Sentences shown before and after the reviewed one.",
                               check=lambda v: None if 0 <= v <= 10 else "must be between 0 and 10"),
    "train_weight": Field(float, 2.0, "Weight of a reviewed sentence in `miner tag train` "
                          "(the shared training passages weigh 1).",
                          check=lambda v: None if v > 0 else "must be greater than 0"),
    "seed": Field(int, 13, "Seed of the random queue (the same seed gives the same sample)."),
}
