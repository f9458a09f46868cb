"""Config section ``[compute]``: where extraction and tagging run (a local process pool or a Dask cluster)."""
from miner.config import Field, positive

SECTION = "compute"


def _scheduler(v: str):
    if not v:
        return None
    if "://" not in v:
        return "must be an address like tcp://host:8786"
    return None


SCHEMA = {
    "executor": Field(str, "local", "local: a process pool on this machine; dask: a Dask distributed cluster "
                      "(`scheduler`).", choices=("local", "dask")),
    "workers": Field(int, 0, "Local worker processes for extraction and tagging; 0 = one per CPU core.",
                     check=lambda v: None if v >= 0 else "must be 0 or more"),
    "scheduler": Field(str, "", "Dask scheduler address (tcp://host:8786); required with executor = \"dask\".",
                       check=_scheduler),
    "send": Field(str, "paths", "What Dask workers receive: paths (they see the same data folder, a shared "
                  "file system) or bytes (the files' contents travel with the tasks).", choices=("paths", "bytes")),
    "connect_timeout_s": Field((int, float), 10, "How long to wait for the Dask scheduler.", check=positive),
    "tag_task_chars": Field(int, 2_000_000, "A tagging task holds at most nlp.tag_batch_size documents and "
                            "about this many characters.", check=positive),
}


def validate(cfg) -> None:
    """Checks across keys; ConfigError naming the key."""
    from miner.config import ConfigError
    c = cfg["compute"]
    if c["executor"] == "dask" and not c["scheduler"]:
        raise ConfigError(f"{cfg.path or '<config>'}: compute.scheduler: required when compute.executor is "
                          "\"dask\" (e.g. \"tcp://127.0.0.1:8786\")")
