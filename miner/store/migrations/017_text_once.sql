-- The document text stored once (issue 16: the store under 20 KB per document).
--
-- Until now a passage kept its own copy of its text (passages.text), a tagged sentence its own
-- copy (sentences.text) and an annotation the words it matched (annotations.text), next to
-- documents.text, of which each of them is a slice: the text was stored two to three times.
-- Now passages and sentences are spans into documents.text (`passage_spans`,
-- `sentence_spans`), and `passages` and `sentences` are views with the same columns as the
-- tables they replace, `text` cut out of documents.text.  The full-text indexes
-- `passages_fts` and `sentences_fts` keep their content tables by name (the views), so their
-- index data stays as it is; triggers keep them in step with the spans and with
-- documents.text (a document's text changing re-indexes its passages and sentences; a
-- document deleted takes its spans with it before its text goes).  An annotation's matched
-- text is cut from documents.text by the views (`annotation_evidence.matched_text`,
-- `effective_annotations.text`); its sentence's offsets stay on the row (sentence_start,
-- sentence_end: a few bytes, and every query on spans works as before).  The annotations'
-- indexes are narrowed to what the stages look up (see 6.).
--
-- Tags describe the text they were made on: a document whose text changes is tagged again
-- (miner.store.documents clears its annotations and tagging state when re-extraction gives
-- another text).  Sentences whose stored text is no longer the document's (a re-extraction
-- after tagging, in an older miner) are dropped here with their annotations and tagging
-- state, so the next `miner tag`/`refresh` tags those documents again.

-- 1. Stale tags: documents whose tagged sentences no longer match their text.
CREATE TEMP TABLE _stale_tags AS
SELECT DISTINCT s.document_id AS id
FROM sentences s LEFT JOIN documents d ON d.id = s.document_id
WHERE d.text IS NULL OR substr(d.text, s.char_start + 1, s.char_end - s.char_start) IS NOT s.text;
DELETE FROM annotations WHERE document_id IN (SELECT id FROM _stale_tags);
DELETE FROM sentences WHERE document_id IN (SELECT id FROM _stale_tags);   -- sentences_ad: out of the index
DELETE FROM tagging_state WHERE document_id IN (SELECT id FROM _stale_tags);
DROP TABLE _stale_tags;

-- Passages always were slices of documents.text (miner.store.documents.save_extraction); any
-- that is not is re-indexed as the slice (passages_au), and passages of documents without
-- text go.
DELETE FROM passages WHERE document_id IN (SELECT id FROM documents WHERE text IS NULL);
UPDATE passages SET text = (SELECT substr(d.text, passages.char_start + 1, passages.char_end - passages.char_start)
                            FROM documents d WHERE d.id = passages.document_id)
WHERE text IS NOT (SELECT substr(d.text, passages.char_start + 1, passages.char_end - passages.char_start)
                   FROM documents d WHERE d.id = passages.document_id);

-- 2. Views over the columns that go (recreated below).
DROP VIEW recommendations;
DROP VIEW statistics;
DROP VIEW annotation_evidence;
DROP VIEW effective_annotations;
DROP VIEW effective_annotation_rows;
DROP VIEW passages_overview;

-- 3. Passages: spans.
CREATE TABLE passage_spans (
    id           INTEGER PRIMARY KEY,
    document_id  INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    seq          INTEGER NOT NULL,
    page_no      INTEGER,
    kind         TEXT NOT NULL DEFAULT 'paragraph',   -- paragraph, heading, list_item, footnote, question, answer
    char_start   INTEGER NOT NULL,                    -- offsets into documents.text
    char_end     INTEGER NOT NULL,
    UNIQUE (document_id, seq)
);
INSERT INTO passage_spans (id, document_id, seq, page_no, kind, char_start, char_end)
SELECT id, document_id, seq, page_no, kind, char_start, char_end FROM passages ORDER BY id;
DROP TABLE passages;            -- with its triggers and indexes; passages_fts keeps its index data
-- (document_id, seq) is the unique index's prefix: lookups by document need no other index.

CREATE VIEW passages AS
SELECT p.id, p.document_id, p.seq, p.page_no, p.kind, p.char_start, p.char_end,
       substr(d.text, p.char_start + 1, p.char_end - p.char_start) AS text
FROM passage_spans p JOIN documents d ON d.id = p.document_id;

-- 4. Tagged sentences: spans.
CREATE TABLE sentence_spans (
    id           INTEGER PRIMARY KEY,
    document_id  INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    char_start   INTEGER NOT NULL,          -- offsets into documents.text
    char_end     INTEGER NOT NULL,
    page_no      INTEGER,                   -- page of the sentence's first character
    UNIQUE (document_id, char_start, char_end)
);
INSERT INTO sentence_spans (id, document_id, char_start, char_end, page_no)
SELECT id, document_id, char_start, char_end, page_no FROM sentences ORDER BY id;
DROP TABLE sentences;           -- with its triggers; sentences_fts keeps its index data

CREATE VIEW sentences AS
SELECT s.id, s.document_id, s.char_start, s.char_end, s.page_no,
       substr(d.text, s.char_start + 1, s.char_end - s.char_start) AS text
FROM sentence_spans s JOIN documents d ON d.id = s.document_id;

-- The annotation checks now look at sentence_spans.
DROP TRIGGER annotations_sentence_check;
DROP TRIGGER annotations_sentence_check_update;
CREATE TRIGGER annotations_sentence_check BEFORE INSERT ON annotations
WHEN new.source_id IS NULL
  OR NOT EXISTS (SELECT 1 FROM sentence_spans s WHERE s.id = new.sentence_id AND s.document_id = new.document_id)
BEGIN
    SELECT RAISE(ABORT, 'annotations.sentence_id must name a sentence of the same document and source_id a row of annotation_sources (write annotations with miner.store.tagging)');
END;
CREATE TRIGGER annotations_sentence_check_update BEFORE UPDATE OF sentence_id, document_id, source_id ON annotations
WHEN new.source_id IS NULL
  OR NOT EXISTS (SELECT 1 FROM sentence_spans s WHERE s.id = new.sentence_id AND s.document_id = new.document_id)
BEGIN
    SELECT RAISE(ABORT, 'annotations.sentence_id must name a sentence of the same document and source_id a row of annotation_sources (write annotations with miner.store.tagging)');
END;

-- 5. The full-text indexes follow the spans and the document text.  An external-content
-- FTS5 index must be told the exact text a row was indexed with when the row leaves it:
-- that is always the slice of the document's current text, because every change of either
-- goes through these triggers.
CREATE TRIGGER passage_spans_ai AFTER INSERT ON passage_spans BEGIN
    INSERT INTO passages_fts(rowid, text)
    SELECT new.id, substr(d.text, new.char_start + 1, new.char_end - new.char_start) FROM documents d
    WHERE d.id = new.document_id;
END;
CREATE TRIGGER passage_spans_ad AFTER DELETE ON passage_spans BEGIN
    INSERT INTO passages_fts(passages_fts, rowid, text)
    SELECT 'delete', old.id, substr(d.text, old.char_start + 1, old.char_end - old.char_start) FROM documents d
    WHERE d.id = old.document_id;
END;
CREATE TRIGGER passage_spans_au AFTER UPDATE OF document_id, char_start, char_end ON passage_spans BEGIN
    INSERT INTO passages_fts(passages_fts, rowid, text)
    SELECT 'delete', old.id, substr(d.text, old.char_start + 1, old.char_end - old.char_start) FROM documents d
    WHERE d.id = old.document_id;
    INSERT INTO passages_fts(rowid, text)
    SELECT new.id, substr(d.text, new.char_start + 1, new.char_end - new.char_start) FROM documents d
    WHERE d.id = new.document_id;
END;
CREATE TRIGGER sentence_spans_ai AFTER INSERT ON sentence_spans BEGIN
    INSERT INTO sentences_fts(rowid, text)
    SELECT new.id, substr(d.text, new.char_start + 1, new.char_end - new.char_start) FROM documents d
    WHERE d.id = new.document_id;
END;
CREATE TRIGGER sentence_spans_ad AFTER DELETE ON sentence_spans BEGIN
    INSERT INTO sentences_fts(sentences_fts, rowid, text)
    SELECT 'delete', old.id, substr(d.text, old.char_start + 1, old.char_end - old.char_start) FROM documents d
    WHERE d.id = old.document_id;
END;
CREATE TRIGGER sentence_spans_au AFTER UPDATE OF document_id, char_start, char_end ON sentence_spans BEGIN
    INSERT INTO sentences_fts(sentences_fts, rowid, text)
    SELECT 'delete', old.id, substr(d.text, old.char_start + 1, old.char_end - old.char_start) FROM documents d
    WHERE d.id = old.document_id;
    INSERT INTO sentences_fts(rowid, text)
    SELECT new.id, substr(d.text, new.char_start + 1, new.char_end - new.char_start) FROM documents d
    WHERE d.id = new.document_id;
END;
-- A document's text changes: its spans leave the indexes with the old words, come back with the new.
CREATE TRIGGER documents_text_bu BEFORE UPDATE OF text ON documents WHEN old.text IS NOT new.text BEGIN
    INSERT INTO passages_fts(passages_fts, rowid, text)
    SELECT 'delete', p.id, substr(old.text, p.char_start + 1, p.char_end - p.char_start)
    FROM passage_spans p WHERE p.document_id = old.id;
    INSERT INTO sentences_fts(sentences_fts, rowid, text)
    SELECT 'delete', s.id, substr(old.text, s.char_start + 1, s.char_end - s.char_start)
    FROM sentence_spans s WHERE s.document_id = old.id;
END;
CREATE TRIGGER documents_text_au AFTER UPDATE OF text ON documents WHEN old.text IS NOT new.text BEGIN
    INSERT INTO passages_fts(rowid, text)
    SELECT p.id, substr(new.text, p.char_start + 1, p.char_end - p.char_start)
    FROM passage_spans p WHERE p.document_id = new.id;
    INSERT INTO sentences_fts(rowid, text)
    SELECT s.id, substr(new.text, s.char_start + 1, s.char_end - s.char_start)
    FROM sentence_spans s WHERE s.document_id = new.id;
END;
-- A document deleted: its spans (and annotations) go first, while its text is still there to
-- take them out of the indexes; the foreign keys' cascade then finds nothing left.
CREATE TRIGGER documents_spans_bd BEFORE DELETE ON documents BEGIN
    DELETE FROM annotations WHERE document_id = old.id;
    DELETE FROM passage_spans WHERE document_id = old.id;
    DELETE FROM sentence_spans WHERE document_id = old.id;
END;

-- 6. Annotations: the matched text and the sentence span are read, not stored.
ALTER TABLE annotations DROP COLUMN text;
-- Indexes: the stages look annotations up by document (a document's rows: tagging, review,
-- the map's quotes) and read the gap labels of every document (`gaps`).  One covering index for
-- the gap layers serves `gaps` with and without negated mentions (negated is its last column;
-- the layer list is written as miner.store.gaps names it, so SQLite sees the query implies it),
-- and a narrow index on document_id serves the rest.  The wide indexes over every layer (015's
-- (document_id, layer, label, negated), 003's (layer, label)) go: they were 40% of the table.
DROP INDEX IF EXISTS annotations_layer_label;
DROP INDEX IF EXISTS annotations_doc_layer_label_negated;
DROP INDEX IF EXISTS annotations_gap_labels;
CREATE INDEX annotations_gap_labels ON annotations(document_id, layer, label, negated)
    WHERE layer IN ('ground', 'mechanism', 'setting');
CREATE INDEX annotations_document ON annotations(document_id);

-- 7. The views again, same columns as before (016_sentences.sql, 005_views.sql).
CREATE VIEW passages_overview AS
SELECT p.id AS passage_id, p.document_id, d.title, d.url, p.page_no, p.kind, p.seq,
       substr(d.text, p.char_start + 1, p.char_end - p.char_start) AS text,
       CASE WHEN d.date GLOB '[12][0-9][0-9][0-9]*' THEN CAST(substr(d.date, 1, 4) AS INTEGER) END AS year,
       d.source
FROM passage_spans p JOIN documents d ON d.id = p.document_id;

CREATE VIEW annotation_evidence AS
SELECT a.id AS annotation_id,
       a.layer,
       a.label,
       substr(d.text, a.char_start + 1, a.char_end - a.char_start) AS matched_text,
       substr(d.text, a.sentence_start + 1, a.sentence_end - a.sentence_start) AS sentence,
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
LEFT JOIN annotation_sources src ON src.id = a.source_id;

-- Review rules over the annotation rows.  The review arm carries the reviewed sentence itself.
CREATE VIEW effective_annotation_rows AS
SELECT a.id, a.document_id, a.layer, a.label, a.char_start, a.char_end, NULL AS review_text,
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

CREATE VIEW effective_annotations AS
SELECT e.id, e.document_id, e.layer, e.label, e.char_start, e.char_end,
       COALESCE(e.review_text, substr(d.text, e.char_start + 1, e.char_end - e.char_start)) AS text,
       e.sentence_start, e.sentence_end,
       COALESCE(e.review_sentence, substr(d.text, e.sentence_start + 1, e.sentence_end - e.sentence_start)) AS sentence,
       e.page_no, e.actor, e.hedge, e.negated, e.value, COALESCE(src.source, 'review') AS source,
       e.confidence, e.origin, e.reviewer
FROM effective_annotation_rows e
LEFT JOIN documents d ON d.id = e.document_id
LEFT JOIN annotation_sources src ON src.id = e.source_id;

CREATE VIEW recommendations AS
SELECT e.annotation_id, COALESCE(j.value, 'onbepaald') AS actor, e.sentence, e.page_no, e.hedge,
       e.negated, e.document_id, e.title, e.url, e.date, e.year, e.source, e.doc_type
FROM annotation_evidence e
LEFT JOIN json_each(CASE WHEN json_valid(e.actor) THEN e.actor ELSE '[]' END) j
WHERE e.layer = 'recommendation';

CREATE VIEW statistics AS
SELECT e.annotation_id, e.matched_text,
       CASE WHEN json_valid(e.value) THEN json_extract(e.value, '$.number') END AS number,
       CASE WHEN json_valid(e.value) THEN json_extract(e.value, '$.unit') END AS unit,
       CASE WHEN json_valid(e.value) THEN json_extract(e.value, '$.measure') END AS measure,
       e.sentence, e.page_no, e.hedge, e.negated, e.document_id, e.title, e.url, e.date, e.year, e.source
FROM annotation_evidence e
WHERE e.layer = 'statistic';
