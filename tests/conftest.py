import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SHARED = ROOT.parent / "shared"


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    """An empty project folder with a minimal config; commands run inside it."""
    (tmp_path / "config.toml").write_text('[extract]\nworkers = 1\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("MINER_CONFIG", raising=False)
    return tmp_path


@pytest.fixture
def cfg(workdir):
    from miner import config
    return config.load(workdir / "config.toml")
