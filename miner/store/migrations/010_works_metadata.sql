-- Outputs a researcher can hand in (issue 14): duplicate manifestations merged into one work,
-- and document metadata with its provenance and the researcher's corrections.

-- The same report as HTML and PDF (or from two sources) is one work: each merged
-- manifestation points to the document that stands for the work.  A researcher's split
-- is kept as a row with decision 'split', so the next detection run does not merge again.
CREATE TABLE document_duplicates (
    document_id  INTEGER PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,   -- the manifestation
    work_id      INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,      -- the document counted for the work
    similarity   REAL NOT NULL,             -- estimated Jaccard similarity of word shingles
    decision     TEXT NOT NULL DEFAULT 'merged' CHECK (decision IN ('merged', 'split')),
    method       TEXT NOT NULL,             -- e.g. minhash-5shingle
    decided_at   TEXT NOT NULL
);
CREATE INDEX document_duplicates_work ON document_duplicates(work_id);

-- One row per document: the work it belongs to; counted = 1 for the one document that
-- is counted for its work (gaps, maps, exports count works, not files).
CREATE VIEW document_works AS
SELECT d.id AS document_id,
       COALESCE(x.work_id, d.id) AS work_id,
       CASE WHEN x.document_id IS NULL THEN 1 ELSE 0 END AS counted,
       x.similarity
FROM documents d
LEFT JOIN document_duplicates x ON x.document_id = d.id AND x.decision = 'merged';

-- Metadata fields and where each came from; origin 'researcher' is a correction made with
-- `miner meta set` and wins over every extracted value, also after re-extraction.
CREATE TABLE document_fields (
    document_id  INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    field        TEXT NOT NULL,             -- title, date, authors, organisation, doc_type, summary
    value        TEXT,                      -- authors: JSON list
    origin       TEXT NOT NULL,             -- crawl, pdf_metadata, cover, colophon, text, html, file_name, researcher
    updated_at   TEXT NOT NULL,
    PRIMARY KEY (document_id, field, origin)
);

-- MinHash signature of each extracted text (for duplicate detection), recomputed only when
-- the text changes (extracted_sha256).  n_shingles = 0: too short to compare.
CREATE TABLE document_signatures (
    document_id       INTEGER PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
    extracted_sha256  TEXT,
    n_shingles        INTEGER NOT NULL,
    signature         BLOB
);
