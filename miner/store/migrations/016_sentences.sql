-- Sentences stored once, annotation sources named once (issue 16).
--
-- Until now every annotation repeated its whole sentence (annotations.sentence) and the
-- full-text index held that sentence once per annotation: a sentence with five labels was
-- stored ten times.  Now a sentence is one row of `sentences`, annotations point at it
-- (annotations.sentence_id), and the full-text index `sentences_fts` holds every tagged
-- sentence once.  The same for the component and pattern that found an annotation
-- (annotations.source, ~45 bytes, about a thousand distinct values in hundreds of thousands
-- of rows): it is one row of `annotation_sources`, named by annotations.source_id.
--
-- The sentence keeps its own text instead of being cut out of documents.text on every read:
-- an annotation stays true to the text it was tagged on until the document is tagged again
-- (re-extraction changes documents.text first), the full-text index can remove a sentence
-- with the words it indexed, and reading a sentence does not cost a pass over its whole
-- document (SQLite's substr counts UTF-8 characters from the start).
--
-- Every view keeps its columns: `effective_annotations`, `annotation_evidence` (plus
-- sentence_id at the end, for Datasette's search) and the views built on them still have
-- `sentence` and `source` / `found_by`.  Annotation ids are kept.  `annotations` keeps
-- sentence_start, sentence_end and page_no (the page of the matched text), so queries on
-- spans work as before.  The table is changed in place (ALTER TABLE ... DROP COLUMN), so
-- indexes other migrations put on it stay.  Space freed by the dropped columns is reused by
-- later writes; VACUUM gives it back to the file system.

CREATE TABLE sentences (
    id           INTEGER PRIMARY KEY,
    document_id  INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    char_start   INTEGER NOT NULL,          -- offsets into documents.text when tagged
    char_end     INTEGER NOT NULL,
    page_no      INTEGER,                   -- page of the sentence's first character
    text         TEXT NOT NULL,             -- the sentence as tagged
    UNIQUE (document_id, char_start, char_end)
);

-- One row per distinct (document, span) of the existing annotations, in document order.
INSERT INTO sentences (document_id, char_start, char_end, page_no, text)
SELECT a.document_id, a.sentence_start, a.sentence_end,
       COALESCE((SELECT p.page_no FROM pages p WHERE p.document_id = a.document_id
                   AND p.char_start <= a.sentence_start ORDER BY p.char_start DESC, p.page_no DESC LIMIT 1),
                (SELECT p.page_no FROM pages p WHERE p.document_id = a.document_id
                  ORDER BY p.char_start, p.page_no LIMIT 1),
                MIN(a.page_no)),
       MIN(a.sentence)
FROM annotations a
GROUP BY a.document_id, a.sentence_start, a.sentence_end
ORDER BY a.document_id, a.sentence_start, a.sentence_end;

CREATE TABLE annotation_sources (
    id      INTEGER PRIMARY KEY,
    source  TEXT NOT NULL UNIQUE            -- component and pattern id, e.g. miner_terms:setting.wijkteam:wijkteam
);
INSERT INTO annotation_sources (source) SELECT DISTINCT source FROM annotations ORDER BY source;
ALTER TABLE annotations ADD COLUMN source_id INTEGER REFERENCES annotation_sources(id);
UPDATE annotations SET source_id = (SELECT x.id FROM annotation_sources x WHERE x.source = annotations.source);

-- No foreign key: SQLite would look up annotations by sentence_id on every sentence deleted,
-- which needs an index of its own.  miner.store.tagging writes and deletes a document's
-- sentences and annotations together; a document's deletion cascades to both.
ALTER TABLE annotations ADD COLUMN sentence_id INTEGER;
UPDATE annotations SET sentence_id = (
    SELECT s.id FROM sentences s WHERE s.document_id = annotations.document_id
       AND s.char_start = annotations.sentence_start AND s.char_end = annotations.sentence_end);

-- An annotation names a sentence of its own document and a source (also rows written by hand or
-- by an older script): refused with a message saying how to write them.
CREATE TRIGGER annotations_sentence_check BEFORE INSERT ON annotations
WHEN new.source_id IS NULL
  OR NOT EXISTS (SELECT 1 FROM sentences s WHERE s.id = new.sentence_id AND s.document_id = new.document_id)
BEGIN
    SELECT RAISE(ABORT, 'annotations.sentence_id must name a sentence of the same document and source_id a row of annotation_sources (write annotations with miner.store.tagging)');
END;
CREATE TRIGGER annotations_sentence_check_update BEFORE UPDATE OF sentence_id, document_id, source_id ON annotations
WHEN new.source_id IS NULL
  OR NOT EXISTS (SELECT 1 FROM sentences s WHERE s.id = new.sentence_id AND s.document_id = new.document_id)
BEGIN
    SELECT RAISE(ABORT, 'annotations.sentence_id must name a sentence of the same document and source_id a row of annotation_sources (write annotations with miner.store.tagging)');
END;

-- Full-text index over sentences, once per sentence; diacritics folded as for passages.
CREATE VIRTUAL TABLE sentences_fts USING fts5(
    text, content='sentences', content_rowid='id', tokenize="unicode61 remove_diacritics 2"
);
INSERT INTO sentences_fts(sentences_fts) VALUES ('rebuild');
CREATE TRIGGER sentences_ai AFTER INSERT ON sentences BEGIN
    INSERT INTO sentences_fts(rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER sentences_ad AFTER DELETE ON sentences BEGIN
    INSERT INTO sentences_fts(sentences_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;
CREATE TRIGGER sentences_au AFTER UPDATE ON sentences BEGIN
    INSERT INTO sentences_fts(sentences_fts, rowid, text) VALUES ('delete', old.id, old.text);
    INSERT INTO sentences_fts(rowid, text) VALUES (new.id, new.text);
END;

-- The per-annotation index goes.
DROP TRIGGER annotations_ai;
DROP TRIGGER annotations_ad;
DROP TRIGGER annotations_au;
DROP TABLE annotations_fts;

-- Views that read annotations.sentence / .source now read sentences.text and
-- annotation_sources.source, under the same column names.
-- (005_views.sql)
DROP VIEW annotation_evidence;
CREATE VIEW annotation_evidence AS
SELECT a.id AS annotation_id,
       a.layer,
       a.label,
       a.text AS matched_text,
       s.text AS sentence,
       a.page_no,
       a.hedge,
       a.negated,
       a.actor,
       a.value,
       a.char_start,
       a.char_end,
       src.source AS found_by,
       d.id AS document_id,
       d.title,
       d.url,
       d.date,
       CASE WHEN d.date GLOB '[12][0-9][0-9][0-9]*' THEN CAST(substr(d.date, 1, 4) AS INTEGER) END AS year,
       d.source,
       d.doc_type,
       a.sentence_id
FROM annotations a JOIN documents d ON d.id = a.document_id
LEFT JOIN sentences s ON s.id = a.sentence_id              -- always there (trigger annotations_sentence_check); LEFT JOIN: left out
LEFT JOIN annotation_sources src ON src.id = a.source_id;  -- of queries that read neither column

-- (011_reviews.sql: same columns, same review rules.)  In two layers: the review rules over
-- the annotation rows (sentence and source as ids), and the sentence and source joined in by
-- LEFT JOINs on their primary keys, which SQLite leaves out when a query does not read those
-- columns: counting labels per document costs what it cost before the sentences moved out.
CREATE VIEW effective_annotation_rows AS
SELECT a.id, a.document_id, a.layer, a.label, a.char_start, a.char_end, a.text,
       a.sentence_start, a.sentence_end, a.sentence_id, NULL AS review_sentence, a.page_no,
       CASE WHEN rd.id IS NOT NULL AND rd.actor <> '[]' THEN rd.actor ELSE a.actor END AS actor,
       a.hedge, a.negated, a.value, a.source_id,
       CASE WHEN rd.id IS NULL THEN a.confidence ELSE 1.0 END AS confidence,
       CASE WHEN rd.id IS NULL THEN 'model' ELSE 'reviewed' END AS origin,
       rd.reviewer AS reviewer
FROM annotations a
LEFT JOIN review_decisions rd
       ON rd.document_id = a.document_id AND rd.layer = a.layer AND rd.label = a.label
      AND a.char_start >= rd.sentence_start AND a.char_end <= rd.sentence_end
WHERE rd.id IS NULL OR rd.decision IN ('accept', 'add')
UNION ALL
SELECT -rd.id, rd.document_id, rd.layer, rd.label, rd.sentence_start, rd.sentence_end, rd.sentence,
       rd.sentence_start, rd.sentence_end, NULL, rd.sentence,
       (SELECT p.page_no FROM pages p WHERE p.document_id = rd.document_id
          AND p.char_start <= rd.sentence_start AND rd.sentence_start < p.char_end),
       rd.actor, 0, 0, NULL, NULL, 1.0, 'reviewed', rd.reviewer
FROM review_decisions rd
WHERE rd.decision IN ('accept', 'add')
  AND NOT EXISTS (SELECT 1 FROM annotations a
                  WHERE a.document_id = rd.document_id AND a.layer = rd.layer AND a.label = rd.label
                    AND a.char_start >= rd.sentence_start AND a.char_end <= rd.sentence_end);

DROP VIEW effective_annotations;
CREATE VIEW effective_annotations AS
SELECT e.id, e.document_id, e.layer, e.label, e.char_start, e.char_end, e.text,
       e.sentence_start, e.sentence_end, COALESCE(s.text, e.review_sentence) AS sentence, e.page_no,
       e.actor, e.hedge, e.negated, e.value, COALESCE(src.source, 'review') AS source,
       e.confidence, e.origin, e.reviewer
FROM effective_annotation_rows e
LEFT JOIN sentences s ON s.id = e.sentence_id
LEFT JOIN annotation_sources src ON src.id = e.source_id;

-- Every view resolves again: the columns can go.
ALTER TABLE annotations DROP COLUMN sentence;
ALTER TABLE annotations DROP COLUMN source;

-- annotations_doc (document_id) is the first column of annotations_doc_layer_label (011),
-- which serves every lookup by document, the cascade from documents included.
DROP INDEX IF EXISTS annotations_doc;
