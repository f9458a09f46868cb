"""Python API for notebooks: the store as pandas DataFrames, read-only.

    import miner
    corpus = miner.open("config.toml")
    corpus.annotations(layer="ground", label="religie")
    corpus.sql("SELECT actor, COUNT(*) AS n FROM recommendations GROUP BY actor")
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from miner import config as config_mod
from miner.store.readonly import ReadOnlyDatabase
from miner.export.search import HIGHLIGHT, search as fts_search


class Corpus:
    """A read-only handle on the store; every method returns a pandas DataFrame."""

    def __init__(self, database: str | Path, cfg=None):
        self.database = Path(database)
        self.cfg = cfg
        self._db = ReadOnlyDatabase(self.database)

    @classmethod
    def from_config(cls, config: str | Path | None = "config.toml") -> "Corpus":
        cfg = config_mod.load(config)
        return cls(cfg.database, cfg)

    def close(self) -> None:
        self._db.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __repr__(self) -> str:
        return f"<miner corpus {self.database}>"

    def sql(self, query: str, params: tuple | dict = ()) -> pd.DataFrame:
        """Any SELECT; writes and ATTACH raise ``ReadOnlyError``."""
        result = self._db.run(query, params)
        return pd.DataFrame.from_records(result.rows, columns=result.columns)

    def _where(self, view: str, filters: dict, order: str) -> pd.DataFrame:
        result = self._db.view(view, filters, order)
        return pd.DataFrame.from_records(result.rows, columns=result.columns)

    def documents(self, source: str | None = None, doc_type: str | None = None) -> pd.DataFrame:
        return self._where("documents_overview", {"source": source, "doc_type": doc_type}, "document_id")

    def annotations(self, layer: str | None = None, label: str | None = None) -> pd.DataFrame:
        """Annotations with sentence, page and the document's title, url and date."""
        return self._where("annotation_evidence", {"layer": layer, "label": label}, "document_id, char_start")

    def recommendations(self, actor: str | None = None) -> pd.DataFrame:
        return self._where("recommendations", {"actor": actor}, "document_id, annotation_id")

    def statistics(self) -> pd.DataFrame:
        return self._where("statistics", {}, "document_id, annotation_id")

    def kamervragen(self, paired: bool = True) -> pd.DataFrame:
        """Questions paired with answers (one row per question); ``paired=False``: one row per Kamervraag."""
        if paired:
            return self._where("kamervraag_qa", {}, "submitted, zaak_nummer, number")
        return self._where("kamervragen_overview", {}, "submitted, zaak_nummer")

    def topics(self) -> pd.DataFrame:
        return self._where("topics_overview", {}, "topic_id")

    def document_topics(self) -> pd.DataFrame:
        return self._where("document_topics_overview", {}, "document_id, weight DESC")

    def gaps(self, matrix: str | None = None, only_gaps: bool = False) -> pd.DataFrame:
        df = self._where("gaps_overview", {"matrix": matrix}, "matrix, row_label, col_label")
        return df[df["is_gap"] == 1].reset_index(drop=True) if only_gaps else df

    def evidence_matrix(self, matrix: str = "mechanism x ground") -> pd.DataFrame:
        """Documents per cell as a wide table (rows x columns), counted from the annotations."""
        long = self._where("evidence_matrix", {"matrix": matrix}, "row_label, col_label")
        if long.empty:
            return long
        return long.pivot(index="row_label", columns="col_label", values="n_documents").fillna(0).astype(int)

    def plots(self, folder: str | Path | None = None, include_irrelevant: bool = False) -> list[Path]:
        """Write the report plots (documents per year per ground / mechanism, topics over time,
        evidence types per ground) as PNG and SVG into ``folder`` (default: outputs/); returns the paths."""
        from miner.export import i18n, plots
        if self.cfg is None:
            from miner import config as cfg_mod
            self.cfg = cfg_mod.load(None)
        return plots.write_all(self._db.conn, self.cfg, i18n.load(self.cfg), Path(folder) if folder else None,
                               include_irrelevant=include_irrelevant)

    def search(self, terms: str, target: str = "passages", limit: int = 50) -> pd.DataFrame:
        """Full-text search (FTS5 syntax, diacritics folded); snippets mark hits with ``**``."""
        hits = fts_search(self._db.conn, terms, target=target, limit=limit, highlight=HIGHLIGHT)
        return pd.DataFrame([h.__dict__ for h in hits],
                            columns=["target", "rank", "snippet", "document_id", "title", "url", "page_no",
                                     "date", "labels"])
