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
    "map_inline_documents": Field(int, 2000, "Up to this many coded documents the gap map is one HTML file with "
                                  "every document inside; above it the page holds the matrix, what the filters need "
                                  "and the best quotes per cell, and loads each cell's document list page by page "
                                  "from side files in a folder next to it.",
                                  check=lambda v: None if v >= 0 else "must be 0 or more"),
    "map_page_size": Field(int, 25, "Documents per page of a cell's list in a paged gap map.",
                           check=lambda v: None if v > 0 else "must be greater than 0"),
    "map_top_documents": Field(int, 3, "Documents per cell whose quotes a paged gap map holds itself (shown "
                               "at once; the rest load from the side files).",
                               check=lambda v: None if v >= 0 else "must be 0 or more"),
    "report_by": Field(str, "ground", "Sections of the evidence report.", choices=("ground", "mechanism", "setting")),
    "query_timeout_s": Field(float, 30.0, "Time limit of one `miner query` (SQLite time; --timeout overrides).",
                             check=lambda v: None if v > 0 else "must be greater than 0"),
    "query_table_rows": Field(int, 1000, "Rows `miner query` prints as a table (csv/json/jsonl/xlsx stream all).",
                              check=lambda v: None if v > 0 else "must be greater than 0"),
    "serve_max_returned_rows": Field(int, 1000, "Datasette: rows one page or query returns.",
                                     check=lambda v: None if v > 0 else "must be greater than 0"),
    "serve_sql_time_limit_ms": Field(int, 5000, "Datasette: time limit of one SQL query.",
                                     check=lambda v: None if v > 0 else "must be greater than 0"),
    "serve_max_cell_kb": Field(int, 16384, "Datasette: longest text or blob value SQLite may build or "
                               "return; longer ones are refused (a `zeroblob(300000000)` GET cannot fill the memory).",
                               check=lambda v: None if v > 0 else "must be greater than 0"),
    "serve_max_memory_mb": Field(int, 2048, "Datasette: address-space limit of its process; a request that "
                                 "would build a larger response fails with HTTP 500 (0 = no limit).",
                                 check=lambda v: None if v == 0 or v >= 256 else "must be 0 or at least 256"),
    "language": Field(str, "nl", "Language of the map, report, plots and Datasette labels: nl (Dutch) or en.",
                      choices=("nl", "en")),
    "csv_dialect": Field(str, "excel-nl", "CSV of `miner export tables`: excel-nl (semicolon, decimal comma, "
                         "for Dutch-locale Excel) or excel (comma, decimal point).", choices=("excel-nl", "excel")),
    "duplicate_similarity": Field(float, 0.8, "Documents whose texts share at least this estimated share of "
                                  "5-word shingles are one work (counted once).", check=unit_interval),
    "search_limit": Field(int, 20, "Default number of hits `miner search` shows.",
                          check=lambda v: None if v > 0 else "must be greater than 0"),
}
