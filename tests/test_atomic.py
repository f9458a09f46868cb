import json

import pytest

from miner.atomic import atomic_open, atomic_path, write_text


def test_success_replaces_and_leaves_no_temp(tmp_path):
    dest = tmp_path / "out.json"
    dest.write_text("old")
    with atomic_open(dest) as f:
        json.dump({"a": 1}, f)
    assert json.loads(dest.read_text()) == {"a": 1}
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]


def test_failure_keeps_previous_file(tmp_path):
    dest = tmp_path / "out.svg"
    dest.write_text("<svg>good</svg>")
    with pytest.raises(RuntimeError):
        with atomic_path(dest) as tmp:
            assert tmp.suffix == ".svg" and tmp.parent == tmp_path
            tmp.write_text("<svg>half")
            raise RuntimeError("killed")
    assert dest.read_text() == "<svg>good</svg>"
    assert [p.name for p in tmp_path.iterdir()] == ["out.svg"]


def test_write_text_creates_folder(tmp_path):
    dest = tmp_path / "a" / "b.txt"
    write_text(dest, "hallo")
    assert dest.read_text() == "hallo"
