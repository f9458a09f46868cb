-- The learned tagger (issue: tags researchers can trust).
-- Every annotation carries a calibrated confidence in [0, 1]; rule-only layers
-- (setting, target_group, statistic, organisation, person) get NULL = not scored.
ALTER TABLE annotations ADD COLUMN confidence REAL;

-- Document relevance: "is this document about discrimination, exclusion or inclusion".
-- relevance = the model's score in [0, 1]; relevant = the decision (1/0, NULL = not scored yet);
-- relevance_override = a researcher's decision (1/0, NULL = none), which always wins.
ALTER TABLE documents ADD COLUMN relevance REAL;
ALTER TABLE documents ADD COLUMN relevant INTEGER;
ALTER TABLE documents ADD COLUMN relevance_override INTEGER;

-- What counts: the override when there is one, else the model's decision, else relevant
-- (a document that was never scored is not hidden).
CREATE VIEW document_relevance AS
SELECT id AS document_id, relevance, relevant, relevance_override,
       COALESCE(relevance_override, relevant, 1) AS is_relevant
FROM documents;

-- The labels everything downstream counts: the model's annotations with the researchers'
-- reviews applied.  Until reviews exist this is the annotations table marked as the
-- model's; the review migration replaces this view (same columns, plus reviewed rows).
CREATE VIEW effective_annotations AS
SELECT a.*, 'model' AS origin, NULL AS reviewer
FROM annotations a;

-- A document the tagger could not tag is recorded with the reason (and not retried until its
-- text, the taxonomy or the model changes); the others go on.
ALTER TABLE tagging_state ADD COLUMN error TEXT;
