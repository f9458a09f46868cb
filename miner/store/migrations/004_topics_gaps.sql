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
    n_documents      INTEGER NOT NULL DEFAULT 0,
    term_weights     TEXT NOT NULL DEFAULT '{}', -- JSON {term: weight} of the top 50 terms (used to align refits)
    first_model_id   INTEGER,                -- the model this id first appeared in
    match_similarity REAL                    -- cosine similarity to the same id in the previous model (NULL = new)
);
-- A topic row belongs to the model in model_id; rows whose model is not active are retired topics.

CREATE TABLE document_topics (
    document_id  INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    topic_id     INTEGER NOT NULL REFERENCES topics(id) ON DELETE CASCADE,
    weight       REAL NOT NULL,              -- share of the document (chunk-length weighted), rows sum to ~1
    dominant     INTEGER NOT NULL DEFAULT 0, -- 1 = the document's clear main topic (>= topics.min_topic_weight)
    PRIMARY KEY (document_id, topic_id)
);
CREATE INDEX document_topics_topic ON document_topics(topic_id);

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
    definition     TEXT NOT NULL,            -- the gap definition in force
    n_kamervragen  INTEGER NOT NULL DEFAULT 0,   -- Kamervragen with both labels
    row_layer      TEXT,                     -- ground / mechanism / setting
    col_layer      TEXT,
    expected_research REAL,                  -- research documents expected from row and column totals
    priority       REAL,                     -- expected research + Kamervragen - research found (higher = more striking)
    gap_kind       TEXT                      -- no_research, thin, no_effect_study (NULL when not a gap)
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
    ratio            REAL,                   -- attention share / research share (NULL: no research at all)
    outruns_research INTEGER NOT NULL,
    label            TEXT,                   -- topic label or ground id, for display
    definition       TEXT                    -- the rule in force
);

-- Current topic weights per document with what the over-time and per-source breakdowns need.
CREATE VIEW topic_documents AS
SELECT dt.document_id, dt.topic_id, t.label AS topic_label, dt.weight, dt.dominant,
       substr(d.date, 1, 4) AS year, d.doc_type, d.title,
       CASE WHEN d.doc_type IN ('kamervraag', 'antwoord')
              OR EXISTS (SELECT 1 FROM kamervragen k
                         WHERE k.question_document_id = d.id OR k.answer_document_id = d.id)
            THEN 'kamervragen' ELSE 'research' END AS source_kind
FROM document_topics dt
JOIN topics t ON t.id = dt.topic_id
JOIN topic_models m ON m.id = t.model_id AND m.active = 1
JOIN documents d ON d.id = dt.document_id;
