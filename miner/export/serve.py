"""`miner serve`: Datasette over the store, read-only, with metadata, facets, search and canned queries.

Datasette opens a database file that is not marked immutable with ``mode=ro`` for all
reads; miner additionally starts it without any write-capable plugin and binds it to
the configured host (127.0.0.1 by default), so the UI cannot change the store.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from miner.atomic import write_text
from miner.store import queries

# Titles, descriptions and SQL live as data in miner/store/queries.toml.
CANNED_QUERIES = queries.canned()

TABLES = {
    "documents_overview": {"description": "One row per document with year, evidence types, grounds, mechanisms.",
                           "facets": ["source", "doc_type", "year", "evidence_types"]},
    "annotation_evidence": {"description": "Every annotation with sentence, page, document title, url and date.",
                            "facets": ["layer", "label", "source", "year"],
                            "fts_table": "sentences_fts", "fts_pk": "sentence_id", "searchmode": "raw"},
    "passages_overview": {"description": "Paragraphs with page numbers and their document; full-text searchable.",
                          "facets": ["source", "year"],
                          "fts_table": "passages_fts", "fts_pk": "passage_id", "searchmode": "raw"},
    "recommendations": {"description": "Recommendations, one row per actor who should act.",
                        "facets": ["actor", "source", "year"]},
    "statistics": {"description": "Numbers with unit and what they measure.", "facets": ["unit", "source", "year"]},
    "kamervraag_qa": {"description": "Kamervragen: each question paired with its answer.",
                      "facets": ["vergaderjaar", "receiver"]},
    "kamervragen_overview": {"description": "Kamervragen with submitters, days to answer and grounds.",
                             "facets": ["year", "postponed"]},
    "evidence_matrix": {"description": "Documents per cell: mechanism × ground, mechanism × setting, ground × setting.",
                        "facets": ["matrix", "row_label", "col_label"]},
    "gaps_overview": {"description": "The latest gap analysis, one row per matrix cell.",
                      "facets": ["matrix", "is_gap"]},
    "topics_overview": {"description": "Topics of the active topic model."},
    "document_topics_overview": {"description": "Topic weights per document.", "facets": ["topic_label", "year"]},
    "documents": {"description": "The raw documents table (full text in `text`).",
                  "facets": ["source", "doc_type", "language", "status"]},
    "annotations": {"description": "The raw annotations table: offsets into documents.text (its sentence: "
                                   "sentences.id = sentence_id; its words in annotation_evidence).",
                    "facets": ["layer", "label"]},
    "sentences": {"description": "Tagged sentences, each once (spans of documents.text), with page; "
                                 "full-text searchable.",
                  "fts_table": "sentences_fts", "fts_pk": "id", "searchmode": "raw"},
    "passages": {"description": "Paragraphs (spans of documents.text) with page and kind; full-text searchable.",
                 "fts_table": "passages_fts", "fts_pk": "id", "searchmode": "raw"},
}


# Dutch titles and descriptions (export.language = "nl"); the SQL and facets stay those above.
DUTCH = {
    "title": "miner: Nederlands bewijs over discriminatie in de sociale basis",
    "description": "Alleen-lezen weergave van de miner-database. Elke annotatie verwijst naar een document, "
                   "een pagina en een zin.",
    "queries": {
        "documents_per_ground_mechanism": ("Documenten per grond × mechanisme",
                                           "Aantal documenten met zowel een mechanisme als een grond (de cellen "
                                           "van de bewijskaart)."),
        "recommendations_to_gemeenten": ("Aanbevelingen aan gemeenten",
                                         "Zinnen die zeggen wat gemeenten moeten doen, met pagina en bron."),
        "kamervragen_on_ground": ("Kamervragen over een grond, met dagen tot antwoord",
                                  "Kamervragen waarvan de vragen of het antwoord over de gekozen grond gaan "
                                  "(bijv. religie, herkomst)."),
        "gaps": ("Kennisleemtes", "Cellen van de laatste leemte-analyse die een leemte zijn, met reden en definitie."),
        "statistics_by_ground": ("Cijfers in documenten over een grond",
                                 "Getallen (met eenheid en wat ze meten) uit documenten die de gekozen grond noemen."),
    },
    "tables": {
        "documents_overview": "Eén rij per document met jaar, type bewijs, gronden en mechanismen.",
        "annotation_evidence": "Elke annotatie met zin, pagina, titel, url en datum van het document.",
        "passages_overview": "Alinea's met paginanummer en document; doorzoekbaar op volledige tekst.",
        "recommendations": "Aanbevelingen, één rij per actor die moet handelen.",
        "statistics": "Getallen met eenheid en wat ze meten.",
        "kamervraag_qa": "Kamervragen: elke vraag met het bijbehorende antwoord.",
        "kamervragen_overview": "Kamervragen met indieners, dagen tot antwoord en gronden.",
        "evidence_matrix": "Documenten per cel: mechanisme × grond, mechanisme × setting, grond × setting.",
        "gaps_overview": "De laatste leemte-analyse, één rij per cel van een matrix.",
        "topics_overview": "Onderwerpen van het actieve onderwerpmodel.",
        "document_topics_overview": "Gewicht van elk onderwerp per document.",
        "documents": "De ruwe documententabel (volledige tekst in `text`).",
        "annotations": "De ruwe annotatietabel: posities in documents.text (de zin: sentences.id = sentence_id; "
                       "de woorden in annotation_evidence).",
        "sentences": "Getagde zinnen, elk één keer (stukken van documents.text), met pagina; doorzoekbaar op "
                     "volledige tekst.",
        "passages": "Alinea's (stukken van documents.text) met pagina en soort; doorzoekbaar op volledige tekst.",
    },
}


def metadata(database: Path, language: str = "nl") -> dict:
    tables, queries = TABLES, CANNED_QUERIES
    title = "miner: Dutch evidence on discrimination in the sociale basis"
    description = "Read-only view of the miner store. Every annotation cites a document, page and sentence."
    if language == "nl":
        tables = {name: {**spec, "description": DUTCH["tables"].get(name, spec["description"])}
                  for name, spec in TABLES.items()}
        queries = {name: {**spec, "title": DUTCH["queries"][name][0], "description": DUTCH["queries"][name][1]}
                   if name in DUTCH["queries"] else spec for name, spec in CANNED_QUERIES.items()}
        title, description = DUTCH["title"], DUTCH["description"]
    return {"title": title, "description": description,
            "databases": {database.stem: {"tables": tables, "queries": queries}}}


def command(database: Path, metadata_path: Path, host: str, port: int, *, max_returned_rows: int = 1000,
            sql_time_limit_ms: int = 5000, max_csv_mb: int = 50) -> list[str]:
    return [sys.executable, "-m", "miner.export.datasette_main", "serve", str(database), "--host", host,
            "--port", str(port), "--metadata", str(metadata_path),
            "--setting", "sql_time_limit_ms", str(sql_time_limit_ms),
            "--setting", "max_returned_rows", str(max_returned_rows),
            "--setting", "max_csv_mb", str(max_csv_mb),
            "--setting", "allow_facet", "on", "--setting", "default_page_size", "50"]


def write_metadata(database: Path, folder: Path, language: str = "nl") -> Path:
    path = folder / "datasette-metadata.json"
    write_text(path, json.dumps(metadata(database, language), ensure_ascii=False, indent=1))
    return path


def run(database: Path, folder: Path, host: str, port: int, *, max_returned_rows: int = 1000,
        sql_time_limit_ms: int = 5000, max_cell_kb: int = 1024, stop_timeout_s: float = 10.0,
        keep_formulas: bool = False, max_memory_mb: int = 0, language: str = "nl") -> int:
    """Run Datasette in the foreground until Ctrl-C or SIGTERM, which are passed on to it
    and waited for (SIGKILL after ``stop_timeout_s``); returns its exit status.  Datasette
    also dies when this process is killed outright (PR_SET_PDEATHSIG + parent watchdog)."""
    meta = write_metadata(database, folder, language)
    env = dict(os.environ, MINER_SERVE_MAX_CELL_BYTES=str(max_cell_kb * 1024), MINER_SERVE_PARENT=str(os.getpid()),
               MINER_SERVE_KEEP_FORMULAS="1" if keep_formulas else "0", MINER_SERVE_MAX_MEMORY_MB=str(max_memory_mb))
    proc = subprocess.Popen(command(database, meta, host, port, max_returned_rows=max_returned_rows,
                                    sql_time_limit_ms=sql_time_limit_ms), env=env)
    try:
        return proc.wait()
    except KeyboardInterrupt as exc:
        sig = getattr(exc, "signum", signal.SIGINT)
        try:
            proc.send_signal(sig if sig in (signal.SIGINT, signal.SIGTERM) else signal.SIGTERM)
            return proc.wait(timeout=stop_timeout_s)
        except subprocess.TimeoutExpired:
            proc.kill()
            return proc.wait()
        except KeyboardInterrupt:   # a second Ctrl-C: stop now
            proc.kill()
            proc.wait()
            raise
