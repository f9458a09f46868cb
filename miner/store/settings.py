"""Config section ``[store]``: where the data lives."""
from miner.config import Field

SECTION = "store"
SCHEMA = {
    "data_dir": Field(str, "corpora", "Folder for raw files, archives and the database (relative to config).", is_path=True),
    "database": Field(str, "corpora/miner.sqlite", "SQLite database file.", is_path=True),
    "outputs_dir": Field(str, "outputs", "Folder that exports are written into.", is_path=True),
    "models_dir": Field(str, "models", "Folder with the NLP pipeline and fitted topic models.", is_path=True),
}
