"""Config section ``[export]``: exports and the browsable UI."""
from miner.config import Field, unit_interval

SECTION = "export"
SCHEMA = {
    "serve_host": Field(str, "127.0.0.1", "Address `miner serve` binds to."),
    "serve_port": Field(int, 8001, "Port `miner serve` listens on.",
                        check=lambda v: None if 0 < v < 65536 else "must be a port number 1-65535"),
    "map_columns": Field(str, "ground", "Columns of the evidence gap map (rows are mechanisms).",
                         choices=("ground", "setting")),
    "map_title": Field(str, "", "Title of the gap map; empty = the title in export.language."),
    "map_max_quotes": Field(int, 3, "Quotes per document and label shown in the gap map (all are in the tables).",
                            check=lambda v: None if v > 0 else "must be greater than 0"),
    "report_by": Field(str, "ground", "Sections of the evidence report.", choices=("ground", "mechanism", "setting")),
    "language": Field(str, "nl", "Language of the map, report, plots and Datasette labels: nl (Dutch) or en.",
                      choices=("nl", "en")),
    "csv_dialect": Field(str, "excel-nl", "CSV of `miner export tables`: excel-nl (semicolon, decimal comma, "
                         "for Dutch-locale Excel) or excel (comma, decimal point).", choices=("excel-nl", "excel")),
    "duplicate_similarity": Field(float, 0.8, "Documents whose texts share at least this estimated share of "
                                  "5-word shingles are one work (counted once).", check=unit_interval),
    "search_limit": Field(int, 20, "Default number of hits `miner search` shows.",
                          check=lambda v: None if v > 0 else "must be greater than 0"),
}
