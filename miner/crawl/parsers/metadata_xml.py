"""officielebekendmakingen ``metadata.xml``: ``/metadata_gegevens/metadata[@name=…]/@content``.

Returns a plain dict name → value; names that repeat (``OVERHEID.category``, several indieners)
map to lists.  The same names appear as ``<meta name=… content=…>`` in the HTML head, so
:func:`metadata_from_pairs` serves both.
"""
from __future__ import annotations

from miner.crawl.parsers.errors import ParseError
from miner.crawl.parsers.xmlsafe import local, parse_xml

# Names that may legitimately occur more than once; always returned as lists.
REPEATABLE = frozenset({
    "OVERHEID.category", "DC.subject", "OVERHEIDop.indiener", "OVERHEIDop.ontvanger", "DC.creator",
    "OVERHEIDop.dossiernummer", "DC.relation", "DCTERMS.references",
})


def metadata_from_pairs(pairs) -> dict:
    """(name, content) pairs → dict; repeatable names (and any name seen twice) become lists."""
    out: dict = {}
    for name, content in pairs:
        if not name or content is None:
            continue
        name, content = name.strip(), " ".join(str(content).split())
        if not content:
            continue
        if name in REPEATABLE:
            values = out.setdefault(name, [])
            if content not in values:
                values.append(content)
        elif name in out:
            prev = out[name]
            if isinstance(prev, list):
                if content not in prev:
                    prev.append(content)
            elif prev != content:
                out[name] = [prev, content]
        else:
            out[name] = content
    return out


def parse_metadata_xml(data: bytes | str) -> dict:
    """Parse metadata.xml.  ParseError when it is not XML, declares entities, or has no metadata."""
    root = parse_xml(data, "metadata.xml")
    pairs = []
    for el in root.iter():
        if local(el.tag) != "metadata":
            continue
        attrs = {local(k): v for k, v in el.attrib.items()}
        content = attrs.get("content")
        if content is None:
            content = "".join(el.itertext())
        pairs.append((attrs.get("name"), content))
    if local(root.tag) != "metadata_gegevens" and not pairs:
        raise ParseError(f"metadata.xml: unexpected root element <{local(root.tag)}>")
    meta = metadata_from_pairs(pairs)
    if not meta:
        raise ParseError("metadata.xml: no metadata elements with a name and content")
    return meta


def first(meta: dict, name: str) -> str | None:
    """One value of ``name`` (the first when it repeats)."""
    value = meta.get(name)
    if isinstance(value, list):
        return value[0] if value else None
    return value


def all_values(meta: dict, name: str) -> list[str]:
    value = meta.get(name)
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]
