-- Topic model and knowledge-gap analysis. (Owned by the topics and gaps stages; columns may be added, none renamed.)

CREATE TABLE topic_models (
    id               INTEGER PRIMARY KEY,
    created_at       TEXT NOT NULL,
    method           TEXT NOT NULL,          -- nmf or lda
    n_topics         INTEGER NOT NULL,
    npmi             REAL,
    diversity        REAL,
    unassigned_share REAL,                   -- share of documents without a clear topic
    corpus_hash      TEXT,                   -- what it was fitted on (for determinism checks)
    params           TEXT NOT NULL DEFAULT '{}',
    path             TEXT,                   -- saved model under models/
    active           INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE topics (                        -- stable topic ids across refreshes
    id               INTEGER PRIMARY KEY,    -- the stable topic id researchers see
    model_id         INTEGER NOT NULL REFERENCES topic_models(id) ON DELETE CASCADE,
    top_terms        TEXT NOT NULL,          -- JSON list of terms, best first
    label            TEXT,                   -- researcher's label (from the labels file) or top terms
    n_documents      INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE document_topics (
    document_id  INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    topic_id     INTEGER NOT NULL REFERENCES topics(id) ON DELETE CASCADE,
    weight       REAL NOT NULL,
    PRIMARY KEY (document_id, topic_id)
);

CREATE TABLE gaps (                          -- one row per matrix cell
    id             INTEGER PRIMARY KEY,
    computed_at    TEXT NOT NULL,
    matrix         TEXT NOT NULL,            -- 'mechanism x ground', 'mechanism x setting', 'ground x setting'
    row_label      TEXT NOT NULL,
    col_label      TEXT NOT NULL,
    n_documents    INTEGER NOT NULL,         -- all documents with both labels
    n_research     INTEGER NOT NULL,         -- research documents (not kamervragen/beleid)
    n_effect       INTEGER NOT NULL,         -- effect studies
    by_evidence    TEXT NOT NULL DEFAULT '{}',   -- JSON {evidence_type: n}
    by_period      TEXT NOT NULL DEFAULT '{}',   -- JSON {period: n}
    document_ids   TEXT NOT NULL DEFAULT '[]',   -- JSON list
    is_gap         INTEGER NOT NULL,
    reason         TEXT,                     -- plain-language why this cell is a gap
    definition     TEXT NOT NULL             -- the gap definition in force
);

CREATE TABLE attention (                     -- parliamentary attention vs research, per topic and per ground
    id               INTEGER PRIMARY KEY,
    computed_at      TEXT NOT NULL,
    kind             TEXT NOT NULL,          -- topic or ground
    key              TEXT NOT NULL,
    n_kamervragen    INTEGER NOT NULL,
    n_research       INTEGER NOT NULL,
    kamervragen_share REAL NOT NULL,
    research_share   REAL NOT NULL,
    ratio            REAL,                   -- attention share / research share
    outruns_research INTEGER NOT NULL
);
