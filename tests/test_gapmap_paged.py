"""The paged gap map (large corpora): same counts and documents as a small map, side files
written atomically next to the HTML, the page itself bounded."""
import json
import re

import dbfixture
from dbfixture import run_cli

SMALL = "[extract]\nworkers = 1\n"
PAGED = "[extract]\nworkers = 1\n[export]\nmap_inline_documents = 2\nmap_top_documents = 1\n"


def _data(html_path):
    text = html_path.read_text(encoding="utf-8")
    block = re.search(r'<script type="application/json" id="map-data">(.*?)</script>', text, re.S).group(1)
    return json.loads(block)


def _chunks(folder):
    docs = []
    for path in sorted(folder.glob("docs-*.js")):
        m = re.fullmatch(r"gapmapChunk\((\d+), (.*)\);\n", path.read_text(encoding="utf-8"), re.S)
        assert m and int(m.group(1)) == int(path.stem.split("-")[1])
        assert "<" not in m.group(2) and ">" not in m.group(2)      # crawled text is escaped data
        docs += json.loads(m.group(2))
    return docs


def _side(workdir):
    return sorted(p for p in (workdir / "outputs").iterdir() if p.name.startswith(("evidence-gap-map.files-",
                                                                                  ".evidence-gap-map.files-")))


def test_paged_map_has_the_small_maps_documents_counts_and_gaps(workdir):
    dbfixture.build(workdir / "corpora" / "miner.sqlite")
    assert run_cli("export", "map", "--no-static").exit_code == 0
    html = workdir / "outputs" / "evidence-gap-map.html"
    small = _data(html)
    assert "paged" not in small and small["docs"] and not _side(workdir)

    (workdir / "config.toml").write_text(PAGED, encoding="utf-8")
    r = run_cli("export", "map", "--no-static")
    assert r.exit_code == 0, r.output
    paged = _data(html)
    [side] = _side(workdir)
    assert paged["paged"]["dir"] == side.name and paged["docs"] == []
    for key in ("gaps", "layers", "gapRule", "evidenceTypes", "names"):
        assert paged[key] == small[key]
    # the side files hold exactly the small map's document objects, in id order
    assert _chunks(side) == small["docs"]
    # the compact rows say what the small map's documents say (what counting and filters use)
    c = paged["compact"]
    for row, doc in zip(c["docs"], small["docs"]):
        assert row[0] == doc["id"] and row[1] == doc["year"]
        assert (c["sources"][row[2]], c["types"][row[3]], c["evidence"][row[4]]) == (doc["source"], doc["type"],
                                                                                        doc["evidence"])
        assert row[5] == doc["research"] | doc["kamervraag"] << 1 | doc["effect"] << 2
        for k, layer in enumerate(c["layers"]):
            assert sorted(paged["layers"][layer][i] for i in row[6 + k]) == sorted(doc["codes"].get(layer, {}))
    # per cell, its best document with the quotes of that cell is in the page itself
    by_id = {d["id"]: d for d in small["docs"]}
    n_top = 0
    for matrix, cells in paged["top"].items():
        col_layer = matrix.split(" x ")[1]
        for key, tops in cells.items():
            row, col = key.split("|")
            assert len(tops) == 1 and paged["gaps"][matrix][key]["n"] >= 1
            t, d = tops[0], by_id[tops[0]["id"]]
            assert t["codes"] == {"mechanism": {row: d["codes"]["mechanism"][row]},
                                  col_layer: {col: d["codes"][col_layer][col]}}
            assert {k: v for k, v in t.items() if k not in ("codes", "more")} == \
                   {k: v for k, v in d.items() if k not in ("codes", "more")}
            n_top += 1
    assert n_top == sum(1 for cells in paged["gaps"].values() for g in cells.values() if g["n"])


def test_side_folders_are_replaced_whole_and_never_left_behind(workdir):
    dbfixture.build(workdir / "corpora" / "miner.sqlite")
    (workdir / "config.toml").write_text(PAGED, encoding="utf-8")
    html = workdir / "outputs" / "evidence-gap-map.html"
    assert run_cli("export", "map", "--no-static").exit_code == 0
    [first] = _side(workdir)
    # an export killed while writing its side files leaves a temporary folder: the next one removes it
    stale = workdir / "outputs" / ".evidence-gap-map.files-0123456789ab.tmp"
    stale.mkdir()
    (stale / "docs-00000.js").write_text("half", encoding="utf-8")
    other = workdir / "outputs" / "other-map.files-0123456789ab"      # another map's folder is not touched
    other.mkdir()
    assert run_cli("export", "map", "--no-static").exit_code == 0
    [second] = _side(workdir)
    assert second != first and _data(html)["paged"]["dir"] == second.name
    assert not stale.exists() and other.exists()
    # back to a small corpus: one file again, no side folder
    (workdir / "config.toml").write_text(SMALL, encoding="utf-8")
    assert run_cli("export", "map", "--no-static").exit_code == 0
    assert _side(workdir) == [] and "paged" not in _data(html)


def test_map_config_errors_name_the_key(workdir):
    (workdir / "config.toml").write_text("[export]\nmap_page_size = 0\n", encoding="utf-8")
    r = run_cli("export", "map")
    assert r.exit_code == 2 and "export.map_page_size" in r.output
