-- Runs that die (SIGKILL, power loss, a sleeping laptop that never wakes the process)
-- are recognised at the next start: every run records the process that owns it, and a
-- 'running' row whose process is gone becomes 'died' with how far it got (summary).
-- SQLite cannot change a CHECK constraint in place, so the table is rebuilt.
CREATE TABLE runs_new (
    id           INTEGER PRIMARY KEY,
    command      TEXT NOT NULL,
    started_at   TEXT NOT NULL,
    finished_at  TEXT,
    status       TEXT NOT NULL DEFAULT 'running'
                 CHECK (status IN ('running', 'ok', 'failed', 'interrupted', 'died')),
    summary      TEXT NOT NULL DEFAULT '{}',  -- JSON; while running: progress so far
    host         TEXT,                        -- machine the run's process runs on
    pid          INTEGER,                     -- its process id
    pid_start    TEXT                         -- the process's start time (a reused pid is not the run)
);
INSERT INTO runs_new (id, command, started_at, finished_at, status, summary)
    SELECT id, command, started_at, finished_at, status, summary FROM runs;
DROP TABLE runs;
ALTER TABLE runs_new RENAME TO runs;
CREATE INDEX runs_status ON runs(status);

-- The topic model file is trusted only when its bytes hash to what miner wrote.
ALTER TABLE topic_models ADD COLUMN sha256 TEXT;
