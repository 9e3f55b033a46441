-- Scheduled check-ins (issue 6). The database is the source of truth for what is due: one
-- APScheduler job polls next_due_at instead of holding a job per schedule.

ALTER TABLE people ADD COLUMN dm_nudges INTEGER NOT NULL DEFAULT 1 CHECK (dm_nudges IN (0, 1));
ALTER TABLE people ADD COLUMN dm_failures_day TEXT;            -- UTC date of the counted failures
ALTER TABLE people ADD COLUMN dm_failures INTEGER NOT NULL DEFAULT 0;

CREATE TABLE checkin_schedules (
    id                INTEGER PRIMARY KEY,
    kind              TEXT NOT NULL CHECK (kind IN ('couple', 'personal')),
    couple_id         INTEGER REFERENCES couples (id),
    user_id           INTEGER,
    local_time        TEXT NOT NULL,                 -- HH:MM, wall-clock time in `timezone`
    weekdays          INTEGER NOT NULL CHECK (weekdays BETWEEN 1 AND 127),  -- bit 0 = Monday
    timezone          TEXT NOT NULL,
    paused_until      TEXT,                          -- local date it resumes on; '9999-12-31' = until resumed
    skip_next         INTEGER NOT NULL DEFAULT 0 CHECK (skip_next IN (0, 1)),
    reminder_minutes  INTEGER DEFAULT 240 CHECK (reminder_minutes IS NULL OR reminder_minutes BETWEEN 15 AND 1200),
    next_due_at       INTEGER,                       -- UTC seconds; NULL when paused indefinitely
    updated_by        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL,
    CHECK ((kind = 'couple') = (couple_id IS NOT NULL)),
    CHECK ((kind = 'personal') = (user_id IS NOT NULL))
) STRICT;
CREATE UNIQUE INDEX checkin_schedules_one_per_couple ON checkin_schedules (couple_id) WHERE couple_id IS NOT NULL;
CREATE UNIQUE INDEX checkin_schedules_one_per_person ON checkin_schedules (user_id) WHERE user_id IS NOT NULL;
CREATE INDEX checkin_schedules_due ON checkin_schedules (next_due_at) WHERE next_due_at IS NOT NULL;

-- One row per occurrence, recorded before anything is posted: a crash between the two is
-- recovered by looking for the posted message, never by posting again.
CREATE TABLE checkin_rounds (
    id                INTEGER PRIMARY KEY,
    schedule_id       INTEGER REFERENCES checkin_schedules (id),  -- NULL for /checkin now
    kind              TEXT NOT NULL CHECK (kind IN ('couple', 'personal')),
    couple_id         INTEGER REFERENCES couples (id),
    user_id           INTEGER,
    due_at            INTEGER NOT NULL,
    prompt_id         TEXT NOT NULL,
    status            TEXT NOT NULL CHECK (status IN ('pending', 'open', 'revealed', 'answered', 'closed', 'missed', 'skipped')),
    -- revealed: both partners answered and the answers were posted; answered: a personal round done
    missed_reason     TEXT,                          -- 'downtime' or 'unreachable'
    channel_id        INTEGER,
    message_id        INTEGER,
    post_attempts     INTEGER NOT NULL DEFAULT 0,
    posted_at         INTEGER,
    remind_at         INTEGER,
    reminded          INTEGER NOT NULL DEFAULT 0 CHECK (reminded IN (0, 1)),
    nudged            INTEGER NOT NULL DEFAULT 0 CHECK (nudged IN (0, 1)),
    closes_at         INTEGER,
    revealed_at       INTEGER,
    reveal_message_id INTEGER,
    UNIQUE (schedule_id, due_at)                     -- the same occurrence can never be recorded twice
) STRICT;
CREATE INDEX checkin_rounds_live ON checkin_rounds (status, id) WHERE status IN ('pending', 'open');
CREATE INDEX checkin_rounds_unposted_reveals ON checkin_rounds (id) WHERE status = 'revealed' AND reveal_message_id IS NULL;
CREATE INDEX checkin_rounds_by_couple ON checkin_rounds (couple_id, due_at) WHERE couple_id IS NOT NULL;
CREATE INDEX checkin_rounds_by_person ON checkin_rounds (user_id, due_at) WHERE user_id IS NOT NULL;

CREATE TABLE checkin_answers (
    round_id          INTEGER NOT NULL REFERENCES checkin_rounds (id),
    user_id           INTEGER NOT NULL,
    mood              INTEGER NOT NULL CHECK (mood BETWEEN 1 AND 5),
    body_sealed       BLOB NOT NULL,
    answered_at       INTEGER NOT NULL,
    edited_at         INTEGER,
    PRIMARY KEY (round_id, user_id)
) STRICT;
CREATE INDEX checkin_answers_by_user ON checkin_answers (user_id, answered_at);

-- Prompts already used in the current cycle, so none repeats until the bank is used up.
CREATE TABLE prompt_usage (
    owner             TEXT NOT NULL,                 -- 'couple:<id>' or 'person:<id>'
    prompt_id         TEXT NOT NULL,
    used_at           INTEGER NOT NULL,
    PRIMARY KEY (owner, prompt_id)
) STRICT, WITHOUT ROWID;
