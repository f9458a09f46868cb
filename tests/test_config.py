import pytest

from miner import config


def write(tmp_path, text):
    p = tmp_path / "config.toml"
    p.write_text(text, encoding="utf-8")
    return p


def test_defaults_and_relative_paths(tmp_path):
    cfg = config.load(write(tmp_path, "[store]\ndata_dir = 'data'\n"))
    assert cfg.data_dir == tmp_path / "data"
    assert cfg.database == tmp_path / "corpora" / "miner.sqlite"
    assert cfg["extract"]["workers"] == 0


@pytest.mark.parametrize("text, fragment", [
    ("[extract]\nworkers = 'two'\n", "extract.workers: must be an integer"),
    ("[extract]\nworkerz = 2\n", "extract.workerz: unknown key"),
    ("[bogus]\nx = 1\n", "bogus: unknown key"),
    ("[topics]\nmethod = 'kmeans'\n", "topics.method: must be one of"),
    ("[extract]\nmax_file_mb = -1\n", "extract.max_file_mb: must be greater than 0"),
    ("[extract]\nocr = 1\n", "extract.ocr: must be true or false"),
    ("[extract\n", "not valid TOML"),
])
def test_errors_name_file_and_key(tmp_path, text, fragment):
    p = write(tmp_path, text)
    with pytest.raises(config.ConfigError) as err:
        config.load(p)
    msg = str(err.value)
    assert str(p) in msg and fragment in msg
    assert "\n" not in msg


def test_missing_file(tmp_path):
    with pytest.raises(config.ConfigError, match="config file not found"):
        config.load(tmp_path / "nope.toml")


def test_shipped_config_is_valid():
    from pathlib import Path
    config.load(Path(__file__).resolve().parent.parent / "config.toml")
