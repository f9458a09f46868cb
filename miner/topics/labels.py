"""The researchers' topic labels file (TOML, path in ``topics.labels_file``).

    [topic.12]
    label = "Racisme in het jongerenwerk"
    terms = "jongere, jongerenwerker, ..."   # rewritten on every refit, for orientation

miner rewrites the file after each refit: every current topic gets an entry with its
top terms; labels people wrote are kept, also for topics that disappeared (marked
``retired = true``), so nothing typed by hand is ever lost.
"""
from __future__ import annotations

import json
import tomllib
from pathlib import Path

from miner.atomic import write_text
from miner.topics.model import TopicError

HEADER = ("# Topic labels for miner. Set `label` for any topic id; miner keeps your labels across\n"
          "# refits (topic ids stay stable when a topic still matches) and rewrites `terms`.\n")


def read(path: Path) -> dict[int, str]:
    """topic id -> label (only non-empty labels)."""
    path = Path(path)
    if not path.exists():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise TopicError(f"{path}: not a valid labels file: {exc}") from None
    table = data.get("topic", {})
    if not isinstance(table, dict):
        raise TopicError(f"{path}: topic: must be a table of [topic.<id>] entries")
    out = {}
    for key, entry in table.items():
        if not key.isdigit():
            raise TopicError(f"{path}: topic.{key}: the topic id must be a number")
        if not isinstance(entry, dict) or not isinstance(entry.get("label", ""), str):
            raise TopicError(f"{path}: topic.{key}.label: must be a string")
        label = entry.get("label", "").strip()
        if label:
            out[int(key)] = label
    return out


def _toml_string(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)   # a JSON string is a valid TOML basic string


def write(path: Path, current: list[tuple[int, list[str]]], labels: dict[int, str]) -> None:
    """current: (topic id, top terms) of the active model."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [HEADER]
    current_ids = set()
    for topic_id, terms in sorted(current):
        current_ids.add(topic_id)
        lines += [f"[topic.{topic_id}]", f"label = {_toml_string(labels.get(topic_id, ''))}",
                  f"terms = {_toml_string(', '.join(terms))}", ""]
    for topic_id in sorted(set(labels) - current_ids):
        lines += [f"[topic.{topic_id}]", f"label = {_toml_string(labels[topic_id])}", "retired = true", ""]
    write_text(path, "\n".join(lines))


def set_label(path: Path, topic_id: int, label: str, current: list[tuple[int, list[str]]]) -> None:
    labels = read(path)
    if label.strip():
        labels[topic_id] = label.strip()
    else:
        labels.pop(topic_id, None)
    write(path, current, labels)


def display_label(topic_id: int, top_terms: list[str], labels: dict[int, str]) -> str:
    return labels.get(topic_id) or " / ".join(top_terms[:3])
