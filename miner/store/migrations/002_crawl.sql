-- Crawl state and Kamervragen. (Owned by the crawl stage; columns may be added, none renamed.)

CREATE TABLE fetches (                    -- conditional-GET state and provenance per URL
    url            TEXT PRIMARY KEY,
    source         TEXT NOT NULL,
    status         INTEGER,                -- last HTTP status
    etag           TEXT,
    last_modified  TEXT,
    content_type   TEXT,
    sha256         TEXT,                   -- of the last body
    fetched_at     TEXT,
    warc_file      TEXT,                   -- archive file (relative to data_dir) and record offset
    warc_offset    INTEGER,
    attempts       INTEGER NOT NULL DEFAULT 0,
    error          TEXT                    -- last failure, NULL when the last fetch succeeded
);

CREATE TABLE links (                      -- links found in documents; followed only on allowed hosts
    id             INTEGER PRIMARY KEY,
    document_id    INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    url            TEXT NOT NULL,
    text           TEXT,
    kind           TEXT,                   -- pdf, footnote, link
    followed       INTEGER NOT NULL DEFAULT 0,
    reason         TEXT,                   -- why not followed (host not allowed, robots.txt, ...)
    target_document_id INTEGER REFERENCES documents(id) ON DELETE SET NULL,
    UNIQUE (document_id, url)
);

CREATE TABLE kamervragen (
    id                 INTEGER PRIMARY KEY,
    zaak_nummer        TEXT UNIQUE,         -- 2023Z02090
    question_id        TEXT UNIQUE,         -- kv-tk-2023Z02090
    answer_id          TEXT,                -- ah-tk-20222023-1944
    title              TEXT,
    submitted          TEXT,                -- ISO date the questions were submitted
    answered           TEXT,                -- ISO date of the answer
    days_to_answer     INTEGER,
    vergaderjaar       TEXT,                -- 2022-2023
    aanhangselnummer   TEXT,
    receiver           TEXT,                -- e.g. Minister van Volksgezondheid, Welzijn en Sport
    answered_by        TEXT,
    postponed          INTEGER NOT NULL DEFAULT 0,
    postponement_date  TEXT,
    postponement_text  TEXT,
    question_document_id INTEGER REFERENCES documents(id) ON DELETE SET NULL,
    answer_document_id   INTEGER REFERENCES documents(id) ON DELETE SET NULL,
    metadata           TEXT NOT NULL DEFAULT '{}'
);

CREATE TABLE kamervraag_actors (
    kamervraag_id  INTEGER NOT NULL REFERENCES kamervragen(id) ON DELETE CASCADE,
    role           TEXT NOT NULL,          -- indiener, medeindiener, gericht_aan, beantwoord_door
    name           TEXT NOT NULL,
    party          TEXT,                   -- fractie, e.g. BIJ1
    function       TEXT,
    UNIQUE (kamervraag_id, role, name)
);

CREATE TABLE kamervraag_items (           -- numbered questions paired with their answers
    kamervraag_id  INTEGER NOT NULL REFERENCES kamervragen(id) ON DELETE CASCADE,
    number         INTEGER NOT NULL,
    question       TEXT NOT NULL,
    answer         TEXT,                   -- the answer text as printed ("Zie antwoord vraag 3." included)
    answer_refers_to INTEGER,              -- 3 when the answer says "Zie antwoord vraag 3"
    answered_together TEXT,                -- "4,5,6" when one answer covers several questions
    PRIMARY KEY (kamervraag_id, number)
);

CREATE TABLE kamervraag_footnotes (
    kamervraag_id  INTEGER NOT NULL REFERENCES kamervragen(id) ON DELETE CASCADE,
    part           TEXT NOT NULL,          -- question or answer
    number         TEXT NOT NULL,
    text           TEXT,
    url            TEXT,
    UNIQUE (kamervraag_id, part, number, url)
);

CREATE TABLE tk_zaken (                   -- Tweede Kamer OData Zaak as last fetched (merged into kamervragen)
    nummer         TEXT PRIMARY KEY,        -- 2023Z02090
    zaak_id        TEXT,                    -- OData Id (GUID)
    gewijzigd_op   TEXT,
    json           TEXT NOT NULL,           -- the Zaak entity with its expanded Document and ZaakActor
    source         TEXT NOT NULL,
    fetched_at     TEXT NOT NULL
);
