-- Gaps and the gap map at scale (issue 16).
--
-- `miner gaps` counts its cells with SQL aggregates over the distinct (document, layer, label) of
-- the annotations that count: ground, mechanism and setting, not negated.  This partial covering
-- index holds exactly those, in document order, so the read is one index scan without table
-- lookups or sorting (negated is a column too: SQLite 3.40 counts an index covering only when it
-- holds every column the query names).  The query names it with INDEXED BY: a store without it
-- fails loudly.
CREATE INDEX IF NOT EXISTS annotations_gap_labels ON annotations(document_id, layer, label, negated)
    WHERE negated = 0 AND layer IN ('ground', 'mechanism', 'setting');

-- With `gaps.ignore_negated = false` (and for the review view's lookups by document, layer and
-- label) the full index, with negated as its last column, is covering.  It has the columns of
-- annotations_doc_layer_label (011) and of annotations_doc (003) as prefixes, so it replaces both:
-- one index, not three.
CREATE INDEX IF NOT EXISTS annotations_doc_layer_label_negated ON annotations(document_id, layer, label, negated);
DROP INDEX IF EXISTS annotations_doc_layer_label;
DROP INDEX IF EXISTS annotations_doc;

-- Which documents are Kamervragen: the kamervragen table links them as question or answer
-- (looked up once per document; without these, one scan of kamervragen per document).
CREATE INDEX IF NOT EXISTS kamervragen_question_document ON kamervragen(question_document_id);
CREATE INDEX IF NOT EXISTS kamervragen_answer_document ON kamervragen(answer_document_id);
