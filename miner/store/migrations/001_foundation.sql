-- Foundation: documents, raw files, pages, passages, tables, runs, full-text index.
-- Character offsets (char_start/char_end) always point into documents.text.

CREATE TABLE files (
    sha256      TEXT PRIMARY KEY,
    size        INTEGER NOT NULL,
    path        TEXT NOT NULL,            -- relative to store.data_dir
    mime        TEXT,
    first_seen  TEXT NOT NULL
);

CREATE TABLE documents (
    id            INTEGER PRIMARY KEY,
    doc_key       TEXT NOT NULL UNIQUE,   -- identity: 'sha256:<hex>' for local files, 'url:<url>' or a source id for crawled ones
    source        TEXT NOT NULL,          -- 'local', or the configured source name
    source_id     TEXT,                   -- the id at the source (e.g. kv-tk-2023Z02090)
    url           TEXT,
    local_path    TEXT,                   -- where a local file was added from
    title         TEXT,
    date          TEXT,                   -- ISO 8601 date of publication
    doc_type      TEXT,                   -- rapport, kamervraag, antwoord, webpagina, ...
    language      TEXT,                   -- ISO 639-1 code, 'und' when unknown
    is_dutch      INTEGER,
    authors       TEXT NOT NULL DEFAULT '[]',   -- JSON list
    metadata      TEXT NOT NULL DEFAULT '{}',   -- JSON object: whatever the source offers beyond the columns
    sha256        TEXT REFERENCES files(sha256),
    mime          TEXT,
    n_pages       INTEGER,
    status        TEXT NOT NULL DEFAULT 'pending'
                  CHECK (status IN ('pending', 'extracted', 'needs_ocr', 'failed')),
    error         TEXT,
    text          TEXT,
    extracted_sha256 TEXT,                -- the sha256 whose text is in `text`; differs from sha256 when re-extraction is due
    first_seen    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    extracted_at  TEXT
);
CREATE INDEX documents_source ON documents(source);
CREATE INDEX documents_status ON documents(status);
CREATE INDEX documents_sha ON documents(sha256);

CREATE TABLE pages (
    document_id  INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    page_no      INTEGER NOT NULL,        -- 1-based physical page number
    char_start   INTEGER NOT NULL,
    char_end     INTEGER NOT NULL,
    ocr          INTEGER NOT NULL DEFAULT 0,   -- text came from OCR
    needs_ocr    INTEGER NOT NULL DEFAULT 0,   -- no text layer and no OCR available
    PRIMARY KEY (document_id, page_no)
);

CREATE TABLE passages (
    id           INTEGER PRIMARY KEY,
    document_id  INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    seq          INTEGER NOT NULL,
    page_no      INTEGER,
    kind         TEXT NOT NULL DEFAULT 'paragraph',   -- paragraph, heading, list_item, footnote, question, answer
    char_start   INTEGER NOT NULL,
    char_end     INTEGER NOT NULL,
    text         TEXT NOT NULL,
    UNIQUE (document_id, seq)
);
CREATE INDEX passages_doc ON passages(document_id, page_no);

CREATE TABLE extracted_tables (
    id           INTEGER PRIMARY KEY,
    document_id  INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    page_no      INTEGER,
    seq          INTEGER NOT NULL,
    rows         TEXT NOT NULL            -- JSON list of rows, each a list of cell strings
);
CREATE INDEX extracted_tables_doc ON extracted_tables(document_id);

CREATE TABLE runs (
    id           INTEGER PRIMARY KEY,
    command      TEXT NOT NULL,
    started_at   TEXT NOT NULL,
    finished_at  TEXT,
    status       TEXT NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'ok', 'failed', 'interrupted')),
    summary      TEXT NOT NULL DEFAULT '{}'   -- JSON
);

-- Full-text index over passages; diacritics folded so 'geëquipeerd' matches 'geequipeerd'.
CREATE VIRTUAL TABLE passages_fts USING fts5(
    text, content='passages', content_rowid='id', tokenize="unicode61 remove_diacritics 2"
);
CREATE TRIGGER passages_ai AFTER INSERT ON passages BEGIN
    INSERT INTO passages_fts(rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER passages_ad AFTER DELETE ON passages BEGIN
    INSERT INTO passages_fts(passages_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;
CREATE TRIGGER passages_au AFTER UPDATE ON passages BEGIN
    INSERT INTO passages_fts(passages_fts, rowid, text) VALUES ('delete', old.id, old.text);
    INSERT INTO passages_fts(rowid, text) VALUES (new.id, new.text);
END;
