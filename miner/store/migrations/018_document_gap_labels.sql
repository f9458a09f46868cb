-- The gap labels of every document, one row per (document, layer, label) (issue 16: `gaps`
-- under 5 CPU s at 50,000 documents, the store under 20 KB per document).
--
-- `miner gaps` needs the distinct (document, layer, label) of the ground, mechanism and setting
-- annotations.  Until now it grouped them out of a partial covering index over every such
-- annotation (015, 017): at 169 annotations per document that is 5.5 million index entries read
-- to find half a million pairs, and the index took 4 KB per document.  Now triggers on
-- `annotations` keep the pairs with their counts (`n` annotations, `n_plain` of them not
-- negated), so `gaps` reads the pairs themselves, in document order, and the partial index
-- goes.  Every writer of annotations (miner.store.tagging, a migration, a script) keeps the
-- table exact without knowing of it; `tests/test_gaps_sql.py` compares it with the annotations.
-- The layer list is miner.store.gaps.GAP_LAYERS.

CREATE TABLE document_gap_labels (
    document_id  INTEGER NOT NULL,
    layer        TEXT NOT NULL,
    label        TEXT NOT NULL,
    n            INTEGER NOT NULL,      -- annotations with this label in the document
    n_plain      INTEGER NOT NULL,      -- of them not negated
    PRIMARY KEY (document_id, layer, label)
) WITHOUT ROWID;
-- No foreign key: the rows follow the annotations (deleted with them by the triggers below).

INSERT INTO document_gap_labels (document_id, layer, label, n, n_plain)
SELECT document_id, layer, label, COUNT(*), SUM(negated = 0)
FROM annotations WHERE layer IN ('ground', 'mechanism', 'setting')
GROUP BY document_id, layer, label ORDER BY document_id, layer, label;

CREATE TRIGGER annotations_gap_ai AFTER INSERT ON annotations
WHEN new.layer IN ('ground', 'mechanism', 'setting') BEGIN
    INSERT INTO document_gap_labels (document_id, layer, label, n, n_plain)
    VALUES (new.document_id, new.layer, new.label, 1, new.negated = 0)
    ON CONFLICT (document_id, layer, label) DO UPDATE SET n = n + 1, n_plain = n_plain + (new.negated = 0);
END;
CREATE TRIGGER annotations_gap_ad AFTER DELETE ON annotations
WHEN old.layer IN ('ground', 'mechanism', 'setting') BEGIN
    UPDATE document_gap_labels SET n = n - 1, n_plain = n_plain - (old.negated = 0)
    WHERE document_id = old.document_id AND layer = old.layer AND label = old.label;
    DELETE FROM document_gap_labels
    WHERE document_id = old.document_id AND layer = old.layer AND label = old.label AND n <= 0;
END;
CREATE TRIGGER annotations_gap_au AFTER UPDATE OF document_id, layer, label, negated ON annotations BEGIN
    UPDATE document_gap_labels SET n = n - 1, n_plain = n_plain - (old.negated = 0)
    WHERE old.layer IN ('ground', 'mechanism', 'setting')
      AND document_id = old.document_id AND layer = old.layer AND label = old.label;
    DELETE FROM document_gap_labels
    WHERE old.layer IN ('ground', 'mechanism', 'setting')
      AND document_id = old.document_id AND layer = old.layer AND label = old.label AND n <= 0;
    INSERT INTO document_gap_labels (document_id, layer, label, n, n_plain)
    SELECT new.document_id, new.layer, new.label, 1, new.negated = 0
    WHERE new.layer IN ('ground', 'mechanism', 'setting')
    ON CONFLICT (document_id, layer, label) DO UPDATE SET n = n + 1, n_plain = n_plain + (new.negated = 0);
END;

DROP INDEX IF EXISTS annotations_gap_labels;
