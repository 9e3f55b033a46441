-- Guided exercise progress, reflections and boundaries (issue 4)

-- One row per time a person works through an exercise. At most one unfinished run per person and
-- exercise; `step` is where they stopped (0-based), so /exercise resume survives restarts.
CREATE TABLE exercise_runs (
    id              INTEGER PRIMARY KEY,
    user_id         INTEGER NOT NULL,
    guild_id        INTEGER,                       -- where it was started; NULL in DMs
    exercise_id     TEXT NOT NULL,
    step            INTEGER NOT NULL DEFAULT 0 CHECK (step >= 0),
    status          TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'finished')),
    started_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    finished_at     INTEGER,
    shared_step     INTEGER,                       -- the one reflection shared to the couple's thread
    shared_at       INTEGER,
    CHECK ((status = 'finished') = (finished_at IS NOT NULL)),
    CHECK ((shared_step IS NULL) = (shared_at IS NULL))
) STRICT;
CREATE UNIQUE INDEX exercise_runs_one_active ON exercise_runs (user_id, exercise_id) WHERE status = 'active';
CREATE INDEX exercise_runs_latest ON exercise_runs (user_id, status, updated_at);
CREATE INDEX exercise_runs_finished ON exercise_runs (user_id, finished_at) WHERE finished_at IS NOT NULL;

-- What a person wrote for one step of one run, saved as they go.
CREATE TABLE exercise_reflections (
    run_id          INTEGER NOT NULL REFERENCES exercise_runs (id) ON DELETE CASCADE,
    step            INTEGER NOT NULL CHECK (step >= 0),
    body_sealed     BLOB NOT NULL,
    written_at      INTEGER NOT NULL,
    PRIMARY KEY (run_id, step)
) STRICT, WITHOUT ROWID;

-- A person's own boundaries: private unless they choose to share one.
CREATE TABLE boundaries (
    id                  INTEGER PRIMARY KEY,
    user_id             INTEGER NOT NULL,
    boundary_sealed     BLOB NOT NULL,
    consequence_sealed  BLOB NOT NULL,
    created_at          INTEGER NOT NULL,
    shared_at           INTEGER                    -- last time it was posted to the couple's thread
) STRICT;
CREATE INDEX boundaries_by_user ON boundaries (user_id, id);
