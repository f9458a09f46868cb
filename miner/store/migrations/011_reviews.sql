-- Researchers' reviews of the tags (issue 13).
--
-- A review is keyed on what a researcher saw, never on an annotation id (re-tagging replaces
-- those): the document (doc_key), the sentence (character span + the sentence text and its
-- hash), the layer and the label.  The table is append-only: a later decision by the same
-- reviewer on the same key replaces the earlier one, and undo deletes the latest row.
-- Document-level decisions (relevant / not_relevant) use layer 'relevance', label 'document'
-- and the span 0..0 with an empty sentence.  'seen' (layer 'sentence', label 'sentence') says a
-- reviewer finished the sentence: labels not accepted or added there are absent for that reviewer
-- (it changes no label; it makes a sentence without any label reviewable).
CREATE TABLE reviews (
    id               INTEGER PRIMARY KEY,
    doc_key          TEXT NOT NULL,                 -- documents.doc_key (survives re-crawl and re-extract)
    sentence_start   INTEGER NOT NULL DEFAULT 0,    -- offsets into documents.text when decided
    sentence_end     INTEGER NOT NULL DEFAULT 0,
    sentence_hash    TEXT NOT NULL DEFAULT '',      -- first 16 hex digits of sha256(sentence)
    sentence         TEXT NOT NULL DEFAULT '',      -- the sentence as reviewed (orphans stay readable)
    layer            TEXT NOT NULL,                 -- ground, mechanism, recommendation, ... or 'relevance'
    label            TEXT NOT NULL,                 -- taxonomy id ('recommendation', 'document')
    decision         TEXT NOT NULL CHECK (decision IN ('accept', 'reject', 'add', 'seen', 'relevant', 'not_relevant')),
    actor            TEXT NOT NULL DEFAULT '[]',    -- JSON list of actor ids (recommendations)
    reviewer         TEXT NOT NULL CHECK (length(trim(reviewer)) > 0),
    note             TEXT,
    model_suggested  INTEGER,                       -- 1 when the model had this label on the sentence when decided
    model_confidence REAL,                          -- the model's confidence then (NULL = not scored)
    model_version    TEXT,                          -- tagging_state.taxonomy_hash of the document then
    via              TEXT NOT NULL DEFAULT 'web',   -- web | sheet
    decided_at       TEXT NOT NULL
);
CREATE INDEX reviews_key ON reviews(doc_key, sentence_start, sentence_end, layer, label);
CREATE INDEX reviews_reviewer ON reviews(reviewer);

-- Reviews are matched to annotations by document, layer and label (then the span): without this
-- index the effective view scans every annotation of a label per review (3 s instead of 0.1 s on
-- 200k annotations and 1,000 reviews).
CREATE INDEX annotations_doc_layer_label ON annotations(document_id, layer, label);

-- The decision that counts for each key: the latest of any reviewer, kept only while the
-- sentence is still at its place in the document's current text.
CREATE VIEW review_decisions AS
SELECT r.*, d.id AS document_id
FROM reviews r
JOIN documents d ON d.doc_key = r.doc_key
WHERE r.layer <> 'relevance'
  AND r.id = (SELECT r2.id FROM reviews r2
              WHERE r2.doc_key = r.doc_key AND r2.sentence_start = r.sentence_start
                AND r2.sentence_end = r.sentence_end AND r2.sentence_hash = r.sentence_hash
                AND r2.layer = r.layer AND r2.label = r.label
              ORDER BY r2.decided_at DESC, r2.id DESC LIMIT 1)
  AND substr(d.text, r.sentence_start + 1, r.sentence_end - r.sentence_start) = r.sentence;

-- Reviews whose sentence is no longer in the document (text changed, document gone): kept,
-- reported by `miner review stats`, never applied.
CREATE VIEW review_orphans AS
SELECT r.*
FROM reviews r
LEFT JOIN documents d ON d.doc_key = r.doc_key
WHERE r.layer <> 'relevance'
  AND (d.id IS NULL OR d.text IS NULL
       OR substr(d.text, r.sentence_start + 1, r.sentence_end - r.sentence_start) IS NOT r.sentence);

-- Effective labels (same columns as before: annotations' columns + origin + reviewer).
-- A model label inside a reviewed sentence span is dropped when the decision is 'reject' and
-- marked 'reviewed' when it is 'accept' or 'add'; an accepted or added label the model does
-- not (or no longer) have appears as a row of its own: id = -review id, the whole sentence
-- as its text, source 'review', confidence 1.0.
DROP VIEW effective_annotations;
CREATE VIEW effective_annotations AS
SELECT a.id, a.document_id, a.layer, a.label, a.char_start, a.char_end, a.text,
       a.sentence_start, a.sentence_end, a.sentence, a.page_no,
       CASE WHEN rd.id IS NOT NULL AND rd.actor <> '[]' THEN rd.actor ELSE a.actor END AS actor,
       a.hedge, a.negated, a.value, a.source,
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
       rd.sentence_start, rd.sentence_end, rd.sentence,
       (SELECT p.page_no FROM pages p WHERE p.document_id = rd.document_id
          AND p.char_start <= rd.sentence_start AND rd.sentence_start < p.char_end),
       rd.actor, 0, 0, NULL, 'review', 1.0, 'reviewed', rd.reviewer
FROM review_decisions rd
WHERE rd.decision IN ('accept', 'add')
  AND NOT EXISTS (SELECT 1 FROM annotations a
                  WHERE a.document_id = rd.document_id AND a.layer = rd.layer AND a.label = rd.label
                    AND a.char_start >= rd.sentence_start AND a.char_end <= rd.sentence_end);

-- Document relevance honours the latest review decision (which wins over the column
-- documents.relevance_override, which wins over the model).
DROP VIEW document_relevance;
CREATE VIEW document_relevance AS
SELECT d.id AS document_id, d.relevance, d.relevant,
       COALESCE((SELECT CASE r.decision WHEN 'relevant' THEN 1 ELSE 0 END
                 FROM reviews r WHERE r.doc_key = d.doc_key AND r.layer = 'relevance'
                 ORDER BY r.decided_at DESC, r.id DESC LIMIT 1),
                d.relevance_override) AS relevance_override,
       COALESCE((SELECT CASE r.decision WHEN 'relevant' THEN 1 ELSE 0 END
                 FROM reviews r WHERE r.doc_key = d.doc_key AND r.layer = 'relevance'
                 ORDER BY r.decided_at DESC, r.id DESC LIMIT 1),
                d.relevance_override, d.relevant, 1) AS is_relevant
FROM documents d;
