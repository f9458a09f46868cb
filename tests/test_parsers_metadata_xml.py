from pathlib import Path

import pytest

from miner.crawl.parsers import ParseError, parse_metadata_xml
from miner.crawl.parsers.metadata_xml import all_values, first

FIX = Path(__file__).parent / "fixtures" / "kamervragen"


def test_question_metadata():
    meta = parse_metadata_xml((FIX / "kv-tk-2023Z02090.metadata.xml").read_bytes())
    assert meta["DC.identifier"] == "kv-tk-2023Z02090"
    assert meta["OVERHEIDop.datumIndiening"] == "2023-02-08"
    assert meta["OVERHEIDop.publicationName"] == "Kamervragen zonder antwoord"
    assert meta["OVERHEID.category"] == ["Recht | Staatsrecht", "Zorg en gezondheid"]   # repeatable → list
    assert meta["OVERHEIDop.indiener"] == ["Sylvana Simons"]
    assert first(meta, "OVERHEIDop.ontvanger") == "Minister van Volksgezondheid, Welzijn en Sport"
    assert all_values(meta, "DC.type") == ["Kamervragen"]
    assert all_values(meta, "OVERHEIDop.aanhangselNummer") == []


def test_answer_metadata():
    meta = parse_metadata_xml((FIX / "ah-tk-20222023-1944.metadata.xml").read_bytes())
    assert meta["OVERHEIDop.aanhangselNummer"] == "1944"
    assert meta["OVERHEIDop.datumOntvangst"] == "2023-03-21"
    assert meta["OVERHEIDop.vergaderjaar"] == "2022-2023"


def test_namespaces_and_missing_fields_tolerated():
    xml = b"""<?xml version="1.0"?>
    <m:metadata_gegevens xmlns:m="urn:example:meta" xmlns:x="urn:other">
      <m:metadata name="DC.identifier" content="kv-tk-2023Z02090"/>
      <m:metadata name="DC.title" content="  Titel   met  spaties "/>
      <m:metadata name="DC.type" content=""/>
      <m:metadata content="zonder naam"/>
      <x:extra>genegeerd</x:extra>
      <m:metadata name="DC.title" content="Tweede titel"/>
    </m:metadata_gegevens>"""
    meta = parse_metadata_xml(xml)
    assert meta["DC.identifier"] == "kv-tk-2023Z02090"
    assert meta["DC.title"] == ["Titel met spaties", "Tweede titel"]  # an unexpected repeat keeps both
    assert "DC.type" not in meta


XXE = b"""<?xml version="1.0"?>
<!DOCTYPE metadata_gegevens [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<metadata_gegevens><metadata name="DC.title" content="&xxe;"/></metadata_gegevens>"""

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<metadata_gegevens><metadata name="DC.title" content="&lol3;"/></metadata_gegevens>"""


@pytest.mark.parametrize("doc", [XXE, BILLION_LAUGHS])
def test_entities_refused(doc):
    with pytest.raises(ParseError, match="refused: it declares entities"):
        parse_metadata_xml(doc)


@pytest.mark.parametrize("doc,msg", [(b"", "empty"), (b"<metadata_gegevens>", "not well-formed"),
                                     (b"<html><body>404</body></html>", "unexpected root"),
                                     (b"<metadata_gegevens/>", "no metadata elements")])
def test_bad_documents_one_clear_error(doc, msg):
    with pytest.raises(ParseError, match=msg):
        parse_metadata_xml(doc)
