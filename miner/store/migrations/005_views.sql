-- Views made for people: what `miner query`, `miner serve`, the notebook API and
-- the exports read.  (Owned by the export stage.)  Views only: no data is copied,
-- so they are always as fresh as the tables under them.
-- `year` is the first four characters of documents.date when those are a year.

CREATE VIEW documents_overview AS
SELECT d.id AS document_id,
       d.title,
       CASE WHEN d.date GLOB '[12][0-9][0-9][0-9]*' THEN CAST(substr(d.date, 1, 4) AS INTEGER) END AS year,
       d.date,
       d.source,
       d.doc_type,
       d.url,
       d.authors,
       d.language,
       d.n_pages,
       d.status,
       (SELECT group_concat(label, ', ') FROM (SELECT label FROM document_labels l
            WHERE l.document_id = d.id AND l.layer = 'evidence_type' ORDER BY score DESC, label)) AS evidence_types,
       (SELECT group_concat(label, ', ') FROM (SELECT DISTINCT label FROM annotations a
            WHERE a.document_id = d.id AND a.layer = 'ground' ORDER BY label)) AS grounds,
       (SELECT group_concat(label, ', ') FROM (SELECT DISTINCT label FROM annotations a
            WHERE a.document_id = d.id AND a.layer = 'mechanism' ORDER BY label)) AS mechanisms,
       (SELECT group_concat(label, ', ') FROM (SELECT DISTINCT label FROM annotations a
            WHERE a.document_id = d.id AND a.layer = 'setting' ORDER BY label)) AS settings,
       (SELECT COUNT(*) FROM annotations a WHERE a.document_id = d.id) AS n_annotations
FROM documents d;

-- The evidence type that best describes a document (highest score, then alphabetical).
CREATE VIEW document_evidence_type AS
SELECT document_id, label AS evidence_type, score
FROM (SELECT document_id, label, score,
             row_number() OVER (PARTITION BY document_id ORDER BY score DESC, label) AS rnk
      FROM document_labels WHERE layer = 'evidence_type')
WHERE rnk = 1;

-- Every annotation with what a citation needs: sentence, page, document title, url, date.
CREATE VIEW annotation_evidence AS
SELECT a.id AS annotation_id,
       a.layer,
       a.label,
       a.text AS matched_text,
       a.sentence,
       a.page_no,
       a.hedge,
       a.negated,
       a.actor,
       a.value,
       a.char_start,
       a.char_end,
       a.source AS found_by,
       d.id AS document_id,
       d.title,
       d.url,
       d.date,
       CASE WHEN d.date GLOB '[12][0-9][0-9][0-9]*' THEN CAST(substr(d.date, 1, 4) AS INTEGER) END AS year,
       d.source,
       d.doc_type
FROM annotations a JOIN documents d ON d.id = a.document_id;

-- One row per (recommendation, actor); a recommendation without a named actor gets 'onbepaald'.
CREATE VIEW recommendations AS
SELECT e.annotation_id, COALESCE(j.value, 'onbepaald') AS actor, e.sentence, e.page_no, e.hedge,
       e.negated, e.document_id, e.title, e.url, e.date, e.year, e.source, e.doc_type
FROM annotation_evidence e
LEFT JOIN json_each(CASE WHEN json_valid(e.actor) THEN e.actor ELSE '[]' END) j
WHERE e.layer = 'recommendation';

-- Statistics with number, unit and what they measure taken out of the JSON value.
CREATE VIEW statistics AS
SELECT e.annotation_id, e.matched_text,
       CASE WHEN json_valid(e.value) THEN json_extract(e.value, '$.number') END AS number,
       CASE WHEN json_valid(e.value) THEN json_extract(e.value, '$.unit') END AS unit,
       CASE WHEN json_valid(e.value) THEN json_extract(e.value, '$.measure') END AS measure,
       e.sentence, e.page_no, e.hedge, e.negated, e.document_id, e.title, e.url, e.date, e.year, e.source
FROM annotation_evidence e
WHERE e.layer = 'statistic';

-- Distinct codes per document: annotation labels and document-level labels (evidence_type).
CREATE VIEW document_codes AS
SELECT DISTINCT document_id, layer, label FROM annotations
UNION
SELECT document_id, layer, label FROM document_labels;

-- Number of documents per cell of the evidence matrices, counted from the annotations:
-- a document counts in (row, col) when it has at least one annotation with each label.
CREATE VIEW evidence_matrix AS
SELECT r.layer || ' x ' || c.layer AS matrix, r.label AS row_label, c.label AS col_label,
       COUNT(DISTINCT r.document_id) AS n_documents
FROM document_codes r JOIN document_codes c ON c.document_id = r.document_id
WHERE (r.layer, c.layer) IN (VALUES ('mechanism', 'ground'), ('mechanism', 'setting'), ('ground', 'setting'))
GROUP BY r.layer, c.layer, r.label, c.label;

-- Kamervragen: one row per numbered question with its answer, submitters and days to answer.
CREATE VIEW kamervraag_qa AS
SELECT k.zaak_nummer,
       k.title,
       k.submitted,
       k.answered,
       k.days_to_answer,
       k.vergaderjaar,
       (SELECT group_concat(name || CASE WHEN party IS NOT NULL AND party <> '' THEN ' (' || party || ')' ELSE '' END, '; ')
          FROM kamervraag_actors x WHERE x.kamervraag_id = k.id AND x.role IN ('indiener', 'medeindiener')) AS submitters,
       k.receiver,
       k.answered_by,
       i.number,
       i.question,
       i.answer,
       i.answer_refers_to,
       -- "Zie antwoord vraag 3": the answer it points to, so every row can be read on its own
       CASE WHEN i.answer_refers_to IS NOT NULL THEN
            (SELECT i2.answer FROM kamervraag_items i2
              WHERE i2.kamervraag_id = k.id AND i2.number = i.answer_refers_to) END AS referred_answer,
       i.answered_together,
       k.question_document_id,
       k.answer_document_id,
       (SELECT url FROM documents d WHERE d.id = k.question_document_id) AS question_url,
       (SELECT url FROM documents d WHERE d.id = k.answer_document_id) AS answer_url
FROM kamervragen k JOIN kamervraag_items i ON i.kamervraag_id = k.id;

-- Kamervragen: one row per set of questions, with the grounds found in question or answer.
CREATE VIEW kamervragen_overview AS
SELECT k.zaak_nummer,
       k.title,
       k.submitted,
       k.answered,
       k.days_to_answer,
       CASE WHEN k.submitted GLOB '[12][0-9][0-9][0-9]*' THEN CAST(substr(k.submitted, 1, 4) AS INTEGER) END AS year,
       k.postponed,
       (SELECT group_concat(name || CASE WHEN party IS NOT NULL AND party <> '' THEN ' (' || party || ')' ELSE '' END, '; ')
          FROM kamervraag_actors x WHERE x.kamervraag_id = k.id AND x.role IN ('indiener', 'medeindiener')) AS submitters,
       k.receiver,
       (SELECT COUNT(*) FROM kamervraag_items i WHERE i.kamervraag_id = k.id) AS n_questions,
       (SELECT group_concat(label, ', ') FROM (SELECT DISTINCT label FROM annotations a
            WHERE a.layer = 'ground' AND a.document_id IN (k.question_document_id, k.answer_document_id)
            ORDER BY label)) AS grounds,
       (SELECT url FROM documents d WHERE d.id = k.question_document_id) AS question_url,
       (SELECT url FROM documents d WHERE d.id = k.answer_document_id) AS answer_url
FROM kamervragen k;

-- Topics of the active model(s), top terms as a readable string.
CREATE VIEW topics_overview AS
SELECT t.id AS topic_id,
       COALESCE(t.label, (SELECT group_concat(value, ', ') FROM (SELECT value FROM json_each(t.top_terms) LIMIT 5))) AS label,
       (SELECT group_concat(value, ', ') FROM json_each(t.top_terms)) AS top_terms,
       t.n_documents,
       m.method,
       m.n_topics,
       m.npmi,
       m.created_at AS model_created_at
FROM topics t JOIN topic_models m ON m.id = t.model_id
WHERE m.active = 1;

CREATE VIEW document_topics_overview AS
SELECT dt.document_id, d.title,
       CASE WHEN d.date GLOB '[12][0-9][0-9][0-9]*' THEN CAST(substr(d.date, 1, 4) AS INTEGER) END AS year,
       d.source, d.doc_type, dt.topic_id, t.label AS topic_label, dt.weight
FROM document_topics dt
JOIN documents d ON d.id = dt.document_id
JOIN topics_overview t ON t.topic_id = dt.topic_id;

-- The latest gap analysis (rows of the most recent computed_at), in plain columns.
CREATE VIEW gaps_overview AS
SELECT g.matrix, g.row_label, g.col_label, g.n_documents, g.n_research, g.n_effect,
       g.is_gap, g.reason, g.by_evidence, g.by_period, g.document_ids, g.definition, g.computed_at
FROM gaps g
WHERE g.computed_at = (SELECT MAX(computed_at) FROM gaps);

-- Passages with their document, for reading search hits in context.
CREATE VIEW passages_overview AS
SELECT p.id AS passage_id, p.document_id, d.title, d.url, p.page_no, p.kind, p.seq, p.text,
       CASE WHEN d.date GLOB '[12][0-9][0-9][0-9]*' THEN CAST(substr(d.date, 1, 4) AS INTEGER) END AS year,
       d.source
FROM passages p JOIN documents d ON d.id = p.document_id;
