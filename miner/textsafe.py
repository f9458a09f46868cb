"""Text from files and the web is hostile when shown: strip what can spoof or drive a display.

* ``for_terminal``: control characters (ESC sequences can retitle, recolour or rewrite the
  terminal) and bidi overrides are removed from everything miner prints.
* ``for_display``: bidi override/isolate/mark characters (an RTL override makes
  "rapport‮fdp.exe" read as something else) and control characters are removed from titles
  shown in HTML, RIS and the report.  The raw file and ``documents.text`` keep them.
"""
from __future__ import annotations

import re

# U+202A-U+202E embeddings/overrides, U+2066-U+2069 isolates, U+200E/U+200F/U+061C marks
_BIDI = "\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c"
_CONTROL = "\x00-\x08\x0b-\x1f\x7f-\x9f"
_TERMINAL = re.compile(f"[{_CONTROL}{_BIDI}]")
_DISPLAY = re.compile(f"[\x00-\x1f\x7f-\x9f{_BIDI}]")


def for_terminal(value) -> str:
    """A value safe to print: no control characters except newline and tab, no bidi overrides."""
    return _TERMINAL.sub("", str(value))


def for_display(value: str | None) -> str | None:
    """A one-line title safe to show: no control characters (tabs/newlines become spaces), no bidi controls."""
    if value is None:
        return None
    return _DISPLAY.sub(lambda m: " " if m.group() in "\t\n\r" else "", value)
