-- Gaps and the gap map at scale (issue 16): the cell counts of `miner gaps` are SQL aggregates
-- over the distinct (document, layer, label) of the annotations, read from this covering index
-- in document order (no table lookups, no sort).  It has the columns of
-- annotations_doc_layer_label (011) as its prefix, so it serves those lookups too (the review
-- view's joins) and replaces it: one index, not two.
DROP INDEX IF EXISTS annotations_doc_layer_label;
CREATE INDEX IF NOT EXISTS annotations_doc_layer_label_negated ON annotations(document_id, layer, label, negated);

-- Which documents are Kamervragen: the kamervragen table links them as question or answer
-- (looked up once per document; without these, one scan of kamervragen per document).
CREATE INDEX IF NOT EXISTS kamervragen_question_document ON kamervragen(question_document_id);
CREATE INDEX IF NOT EXISTS kamervragen_answer_document ON kamervragen(answer_document_id);
