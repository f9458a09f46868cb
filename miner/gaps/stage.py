"""This stage's step in `miner refresh` (implemented by the stage's issue)."""


def run(cfg, conn, progress: bool = True) -> dict:
    return {}
