"""A small, realistic miner database for the query/export tests.

Written by hand (own Dutch text): five documents with pages, passages, annotations,
evidence types, a Kamervraag with its answer, topics, and optionally a gap analysis.
One document is hostile: its title, url and a quoted sentence try to run script.
"""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from miner.store import connect, tagging, transaction
from miner.store import db as store_db

HOSTILE_TITLE = '<script>window.__pwned=1</script>Rapport "><img src=x onerror="window.__pwned=1">'
HOSTILE_SENTENCE = ('Een training voor vrijwilligers "><img src=x onerror="window.__pwned=1"> '
                    'verminderde racisme tegen mensen met een migratieachtergrond.')
HOSTILE_URL = "javascript:window.__pwned=1"

# Each document: metadata, pages (each a list of paragraphs), annotations as
# (layer, label, matched text, sentence it sits in, extra columns), evidence types.
DOCUMENTS = [
    dict(key="doc:moslim", source="movisie", doc_type="rapport", date="2021-05-12",
         title="Moslimdiscriminatie in de sociale basis", url="https://example.org/moslim.pdf",
         authors=["Jansen, A.", "El Amrani, S."],
         pages=[["Moslimdiscriminatie komt ook voor in wijkteams en buurthuizen.",
                 "Professionals herkennen moslimhaat vaak niet als discriminatie."],
                ["Een training over vooroordelen hielp sociaal werkers om moslimdiscriminatie te bespreken.",
                 "Gemeenten moeten het melden van discriminatie eenvoudiger maken."]],
         annotations=[
             ("ground", "religie", "Moslimdiscriminatie", "Moslimdiscriminatie komt ook voor in wijkteams en buurthuizen.", {}),
             ("setting", "wijkteam", "wijkteams", "Moslimdiscriminatie komt ook voor in wijkteams en buurthuizen.", {}),
             ("ground", "religie", "moslimhaat", "Professionals herkennen moslimhaat vaak niet als discriminatie.", {}),
             ("mechanism", "training", "training over vooroordelen",
              "Een training over vooroordelen hielp sociaal werkers om moslimdiscriminatie te bespreken.", {}),
             ("ground", "religie", "moslimdiscriminatie",
              "Een training over vooroordelen hielp sociaal werkers om moslimdiscriminatie te bespreken.", {}),
             ("mechanism", "melden", "melden van discriminatie",
              "Gemeenten moeten het melden van discriminatie eenvoudiger maken.", {}),
             ("recommendation", "recommendation", "Gemeenten moeten",
              "Gemeenten moeten het melden van discriminatie eenvoudiger maken.", {"actor": ["gemeente"]}),
         ],
         evidence=[("interviews", 0.9), ("casestudy", 0.4)]),
    dict(key="doc:ontmoeting", source="kis", doc_type="rapport", date="2019-11-01",
         title="Ontmoeting in de buurt: een effectstudie", url="https://example.org/ontmoeting",
         authors=["De Vries, B."],
         pages=[["Bewoners met een migratieachtergrond worden vaker buitengesloten bij buurtactiviteiten.",
                 "In de wijk ervaart 49 procent van de bewoners met een migratieachtergrond discriminatie."],
                ["Ontmoeting tussen buren verminderde vooroordelen over herkomst.",
                 "Het is belangrijk om buurtinitiatieven te blijven financieren."]],
         annotations=[
             ("ground", "herkomst", "migratieachtergrond",
              "Bewoners met een migratieachtergrond worden vaker buitengesloten bij buurtactiviteiten.", {}),
             ("statistic", "statistic", "49 procent",
              "In de wijk ervaart 49 procent van de bewoners met een migratieachtergrond discriminatie.",
              {"value": {"number": 49, "unit": "procent", "measure": "bewoners met een migratieachtergrond die discriminatie ervaren"}}),
             ("mechanism", "contact", "Ontmoeting tussen buren",
              "Ontmoeting tussen buren verminderde vooroordelen over herkomst.", {}),
             ("ground", "herkomst", "vooroordelen over herkomst",
              "Ontmoeting tussen buren verminderde vooroordelen over herkomst.", {}),
             ("setting", "buurtinitiatief", "buurtinitiatieven",
              "Het is belangrijk om buurtinitiatieven te blijven financieren.", {}),
             ("recommendation", "recommendation", "Het is belangrijk om",
              "Het is belangrijk om buurtinitiatieven te blijven financieren.", {"actor": []}),
         ],
         evidence=[("effectstudie", 1.0)]),
    dict(key="doc:hostile", source="web", doc_type="webpagina", date="2022-03-15",
         title=HOSTILE_TITLE, url=HOSTILE_URL, authors=["<b>Onbekend</b>"],
         pages=[[HOSTILE_SENTENCE, "Vrijwilligerswerk blijft voor nieuwkomers moeilijk toegankelijk."]],
         annotations=[
             ("mechanism", "training", "training voor vrijwilligers", HOSTILE_SENTENCE, {}),
             ("ground", "herkomst", "racisme", HOSTILE_SENTENCE, {}),
             ("setting", "vrijwilligerswerk", "Vrijwilligerswerk",
              "Vrijwilligerswerk blijft voor nieuwkomers moeilijk toegankelijk.", {}),
         ],
         evidence=[("praktijkvoorbeeld", 0.8)]),
    dict(key="kv-tk-2023Z00001", source="tweedekamer", doc_type="kamervraag", date="2023-02-06",
         title="Vragen over moslimdiscriminatie bij meldpunten", url="https://example.org/kv/2023Z00001",
         authors=["Bakker"],
         pages=[["Bent u bekend met het bericht dat moslimdiscriminatie nauwelijks wordt gemeld?",
                 "Bent u bereid het meldpunt beter bekend te maken?"]],
         annotations=[
             ("ground", "religie", "moslimdiscriminatie",
              "Bent u bekend met het bericht dat moslimdiscriminatie nauwelijks wordt gemeld?", {}),
             ("mechanism", "melden", "meldpunt", "Bent u bereid het meldpunt beter bekend te maken?", {}),
         ],
         evidence=[("kamervraag", 1.0)]),
    dict(key="ah-tk-20222023-0001", source="tweedekamer", doc_type="antwoord", date="2023-03-20",
         title="Antwoord op vragen over moslimdiscriminatie bij meldpunten", url="https://example.org/ah/0001",
         authors=["Minister van Binnenlandse Zaken"],
         pages=[["Ja, daarmee ben ik bekend.",
                 "De Nationaal Coördinator heeft de meldingen van moslimdiscriminatie geëvalueerd."],
                ["Antidiscriminatievoorzieningen krijgen extra middelen om meldingen te registreren."]],
         annotations=[
             ("ground", "religie", "moslimdiscriminatie",
              "De Nationaal Coördinator heeft de meldingen van moslimdiscriminatie geëvalueerd.", {}),
             ("mechanism", "melden", "meldingen te registreren",
              "Antidiscriminatievoorzieningen krijgen extra middelen om meldingen te registreren.", {}),
         ],
         evidence=[("kamervraag", 1.0)]),
    dict(key="doc:leeftijd", source="movisie", doc_type="rapport", date="2015-09-30",
         title="Leeftijdsdiscriminatie in de sport", url="https://example.org/leeftijd.pdf",
         authors=["Smit, C."],
         pages=[["Oudere vrijwilligers ervaren leeftijdsdiscriminatie bij sportverenigingen.",
                 "Een dialoog tussen jong en oud maakte stereotypen bespreekbaar."]],
         annotations=[
             ("ground", "leeftijd", "leeftijdsdiscriminatie",
              "Oudere vrijwilligers ervaren leeftijdsdiscriminatie bij sportverenigingen.", {}),
             ("setting", "sport", "sportverenigingen",
              "Oudere vrijwilligers ervaren leeftijdsdiscriminatie bij sportverenigingen.", {}),
             ("mechanism", "dialoog", "dialoog", "Een dialoog tussen jong en oud maakte stereotypen bespreekbaar.",
              {"hedge": 1}),
         ],
         evidence=[("literatuurstudie", 1.0)]),
]

GAP_DEFINITION = "a cell is a gap when fewer than 3 research documents (not Kamervragen or policy) cover it"


def connect_at(database: Path, version: int) -> sqlite3.Connection:
    """A store as an older miner left it: the shipped migrations up to ``version`` only
    (the next ``connect`` applies the rest, as a newer miner does)."""
    conn = sqlite3.connect(database, isolation_level=None)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
                 "applied_at TEXT NOT NULL)")
    for v, name, sql in store_db.migrations():
        if v <= version:
            with transaction(conn):
                for stmt in store_db._statements(sql):
                    conn.execute(stmt)
                conn.execute("INSERT INTO schema_migrations VALUES (?, ?, ?)", (v, name, store_db.utcnow()))
    return conn


def _write_passage(conn, doc_id: int, seq: int, page_no: int, start: int, para: str) -> None:
    """A span of documents.text; into a store from before migration 017 with its own copy of the text."""
    if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'passage_spans'").fetchone():
        conn.execute("INSERT INTO passage_spans (document_id, seq, page_no, char_start, char_end) VALUES (?, ?, ?, ?, ?)",
                     (doc_id, seq, page_no, start, start + len(para)))
    else:
        conn.execute("INSERT INTO passages (document_id, seq, page_no, char_start, char_end, text)"
                     " VALUES (?, ?, ?, ?, ?, ?)", (doc_id, seq, page_no, start, start + len(para), para))


def _write_annotations_016(conn, doc_id: int, records: list[dict]) -> None:
    """As miner wrote them between migrations 016 and 017: each sentence once with its own text,
    the matched words in the annotation row."""
    ids = {}
    for r in records:
        span = (r["sentence_start"], r["sentence_end"])
        if span not in ids:
            ids[span] = conn.execute(
                "INSERT INTO sentences (document_id, char_start, char_end, page_no, text) VALUES (?, ?, ?, ?, ?)",
                (doc_id, *span, r["page"], r["sentence"])).lastrowid
    conn.executemany("INSERT OR IGNORE INTO annotation_sources (source) VALUES (?)", [(r["source"],) for r in records])
    conn.executemany(
        "INSERT INTO annotations (document_id, layer, label, char_start, char_end, text, sentence_start,"
        " sentence_end, sentence_id, page_no, actor, hedge, negated, value, source_id)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, (SELECT id FROM annotation_sources WHERE source = ?))",
        [(doc_id, r["layer"], r["label"], r["start"], r["end"], r["text"], r["sentence_start"], r["sentence_end"],
          ids[(r["sentence_start"], r["sentence_end"])], r["page"], json.dumps(r["actor"]), r["hedge"], r["negated"],
          json.dumps(r["value"]) if r["value"] is not None else None, r["source"]) for r in records])


def _write_annotations(conn, doc_id: int, records: list[dict]) -> None:
    """Through the store API; into a store from before migration 017 or 016 as that miner wrote them
    (before 016: the sentence repeated in every annotation row)."""
    if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'sentence_spans'").fetchone():
        tagging.write_annotations(conn, doc_id, records)
        return
    if "sentence" not in {r[1] for r in conn.execute("PRAGMA table_info(annotations)")}:
        _write_annotations_016(conn, doc_id, records)
        return
    conn.executemany(
        "INSERT INTO annotations (document_id, layer, label, char_start, char_end, text, sentence_start,"
        " sentence_end, sentence, page_no, actor, hedge, negated, value, source)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(doc_id, r["layer"], r["label"], r["start"], r["end"], r["text"], r["sentence_start"], r["sentence_end"],
          r["sentence"], r["page"], json.dumps(r["actor"]), r["hedge"], r["negated"],
          json.dumps(r["value"]) if r["value"] is not None else None, r["source"]) for r in records])


def build(database: Path, *, with_gaps: bool = False, with_topics: bool = True,
          schema: int | None = None) -> dict[str, int]:
    """Create the database at ``database``; returns document ids by key.  ``schema``: only the
    migrations up to that version (a store an older miner made)."""
    conn = connect(database) if schema is None else connect_at(database, schema)
    ids: dict[str, int] = {}
    now = "2026-11-22T04:00:00+00:00"
    with transaction(conn):
        for doc in DOCUMENTS:
            text, page_ranges, paragraphs = _layout(doc["pages"])
            cur = conn.execute(
                "INSERT INTO documents (doc_key, source, source_id, url, title, date, doc_type, language, is_dutch,"
                " authors, n_pages, status, text, first_seen, updated_at, extracted_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, 'nl', 1, ?, ?, 'extracted', ?, ?, ?, ?)",
                (doc["key"], doc["source"], doc["key"], doc["url"], doc["title"], doc["date"], doc["doc_type"],
                 json.dumps(doc["authors"], ensure_ascii=False), len(page_ranges), text, now, now, now))
            doc_id = cur.lastrowid
            ids[doc["key"]] = doc_id
            for page_no, (start, end) in enumerate(page_ranges, 1):
                conn.execute("INSERT INTO pages (document_id, page_no, char_start, char_end) VALUES (?, ?, ?, ?)",
                             (doc_id, page_no, start, end))
            for seq, (page_no, start, para) in enumerate(paragraphs):
                _write_passage(conn, doc_id, seq, page_no, start, para)
            records = []
            for layer, label, matched, sentence, extra in doc["annotations"]:
                s_start = text.index(sentence)
                m_start = s_start + sentence.index(matched)
                page_no = next(n for n, (a, b) in enumerate(page_ranges, 1) if a <= s_start < b)
                records.append({"layer": layer, "label": label, "start": m_start, "end": m_start + len(matched),
                                "text": matched, "sentence_start": s_start, "sentence_end": s_start + len(sentence),
                                "sentence": sentence, "page": page_no, "actor": extra.get("actor", []),
                                "hedge": extra.get("hedge", 0), "negated": 0, "value": extra.get("value"),
                                "source": "fixture"})
            _write_annotations(conn, doc_id, records)
            for label, score in doc["evidence"]:
                conn.execute("INSERT INTO document_labels VALUES (?, 'evidence_type', ?, ?, 'fixture')",
                             (doc_id, label, score))
        _kamervraag(conn, ids)
        if with_topics:
            _topics(conn, ids, now)
        if with_gaps:
            _gaps(conn, now)
    conn.close()
    return ids


def _layout(pages: list[list[str]]):
    """Join paragraphs into one text; returns text, page char ranges, (page, start, paragraph)."""
    text, ranges, paragraphs = "", [], []
    for page_no, paras in enumerate(pages, 1):
        start = len(text)
        for para in paras:
            paragraphs.append((page_no, len(text), para))
            text += para + "\n\n"
        ranges.append((start, len(text)))
    return text, ranges, paragraphs


def _kamervraag(conn, ids):
    cur = conn.execute(
        "INSERT INTO kamervragen (zaak_nummer, question_id, answer_id, title, submitted, answered, days_to_answer,"
        " vergaderjaar, receiver, answered_by, question_document_id, answer_document_id)"
        " VALUES ('2023Z00001', 'kv-tk-2023Z00001', 'ah-tk-20222023-0001', ?, '2023-02-06', '2023-03-20', 42,"
        " '2022-2023', 'Minister van Binnenlandse Zaken', 'Minister van Binnenlandse Zaken', ?, ?)",
        ("Vragen over moslimdiscriminatie bij meldpunten", ids["kv-tk-2023Z00001"], ids["ah-tk-20222023-0001"]))
    kv = cur.lastrowid
    conn.executemany("INSERT INTO kamervraag_actors (kamervraag_id, role, name, party) VALUES (?, ?, ?, ?)",
                     [(kv, "indiener", "Bakker", "BIJ1"), (kv, "medeindiener", "Öztürk", "DENK"),
                      (kv, "gericht_aan", "Minister van Binnenlandse Zaken", None)])
    conn.executemany("INSERT INTO kamervraag_items (kamervraag_id, number, question, answer, answer_refers_to)"
                     " VALUES (?, ?, ?, ?, ?)",
                     [(kv, 1, "Bent u bekend met het bericht dat moslimdiscriminatie nauwelijks wordt gemeld?",
                       "Ja, daarmee ben ik bekend.", None),
                      (kv, 2, "Bent u bereid het meldpunt beter bekend te maken?",
                       "Antidiscriminatievoorzieningen krijgen extra middelen om meldingen te registreren.", None),
                      (kv, 3, "Welke middelen krijgen meldpunten hiervoor?", "Zie antwoord vraag 2.", 2)])


def _topics(conn, ids, now):
    model = conn.execute("INSERT INTO topic_models (created_at, method, n_topics, npmi) VALUES (?, 'nmf', 2, 0.12)",
                         (now,)).lastrowid
    conn.execute("INSERT INTO topics (id, model_id, top_terms, label, n_documents) VALUES (1, ?, ?, NULL, 3)",
                 (model, json.dumps(["moslimdiscriminatie", "melden", "meldpunt"])))
    conn.execute("INSERT INTO topics (id, model_id, top_terms, label, n_documents) VALUES (2, ?, ?, 'Buurt en ontmoeting', 2)",
                 (model, json.dumps(["buurt", "ontmoeting", "herkomst"])))
    for key, topic, weight in [("doc:moslim", 1, 0.8), ("kv-tk-2023Z00001", 1, 0.9),
                               ("ah-tk-20222023-0001", 1, 0.7), ("doc:ontmoeting", 2, 0.85), ("doc:hostile", 2, 0.5)]:
        conn.execute("INSERT INTO document_topics (document_id, topic_id, weight) VALUES (?, ?, ?)",
                     (ids[key], topic, weight))


def _gaps(conn, now):
    """A gap analysis as the gaps stage would store it, derived from the fixture's own codes."""
    rows = conn.execute("SELECT row_label, col_label, n_documents FROM evidence_matrix"
                        " WHERE matrix = 'mechanism x ground'").fetchall()
    for r in rows:
        conn.execute("INSERT INTO gaps (computed_at, matrix, row_label, col_label, n_documents, n_research, n_effect,"
                     " is_gap, reason, definition) VALUES (?, 'mechanism x ground', ?, ?, ?, 0, 0, 1, ?, ?)",
                     (now, r["row_label"], r["col_label"], r["n_documents"],
                      f"only {r['n_documents']} document(s), none of them research", GAP_DEFINITION))


def run_cli(*args: str):
    """Run the miner CLI in-process (inside the test's project folder); returns the click Result."""
    from click.testing import CliRunner
    from miner.cli import main
    return CliRunner().invoke(main, list(args), catch_exceptions=False)
