-- Tagging results. (Owned by the nlp stage; columns may be added, none renamed.)

CREATE TABLE annotations (
    id              INTEGER PRIMARY KEY,
    document_id     INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    layer           TEXT NOT NULL,     -- ground, mechanism, recommendation, setting, target_group, statistic, organisation, person
    label           TEXT NOT NULL,     -- taxonomy id (recommendation: 'recommendation')
    char_start      INTEGER NOT NULL,  -- offsets into documents.text
    char_end        INTEGER NOT NULL,
    text            TEXT NOT NULL,     -- the matched text
    sentence_start  INTEGER NOT NULL,
    sentence_end    INTEGER NOT NULL,
    sentence        TEXT NOT NULL,
    page_no         INTEGER,
    actor           TEXT NOT NULL DEFAULT '[]',   -- JSON list of actor ids (recommendations)
    hedge           INTEGER NOT NULL DEFAULT 0,
    negated         INTEGER NOT NULL DEFAULT 0,
    value           TEXT,              -- JSON details, e.g. statistic {"number": 49, "unit": "procent", "measure": "..."}
    source          TEXT NOT NULL      -- component and pattern id that found it
);
CREATE INDEX annotations_doc ON annotations(document_id);
CREATE INDEX annotations_layer_label ON annotations(layer, label);

CREATE TABLE document_labels (             -- document-level labels such as evidence_type
    document_id  INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    layer        TEXT NOT NULL,
    label        TEXT NOT NULL,
    score        REAL,
    source       TEXT NOT NULL,
    PRIMARY KEY (document_id, layer, label)
);

CREATE TABLE tagging_state (               -- which text version and taxonomy each document was tagged with
    document_id      INTEGER PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
    extracted_sha256 TEXT,
    taxonomy_hash    TEXT,
    tagged_at        TEXT NOT NULL
);

CREATE VIRTUAL TABLE annotations_fts USING fts5(
    sentence, content='annotations', content_rowid='id', tokenize="unicode61 remove_diacritics 2"
);
CREATE TRIGGER annotations_ai AFTER INSERT ON annotations BEGIN
    INSERT INTO annotations_fts(rowid, sentence) VALUES (new.id, new.sentence);
END;
CREATE TRIGGER annotations_ad AFTER DELETE ON annotations BEGIN
    INSERT INTO annotations_fts(annotations_fts, rowid, sentence) VALUES ('delete', old.id, old.sentence);
END;
CREATE TRIGGER annotations_au AFTER UPDATE ON annotations BEGIN
    INSERT INTO annotations_fts(annotations_fts, rowid, sentence) VALUES ('delete', old.id, old.sentence);
    INSERT INTO annotations_fts(rowid, sentence) VALUES (new.id, new.sentence);
END;
