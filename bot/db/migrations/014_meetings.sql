-- The weekly couple meeting (issue 16): a schedule per couple, each occurrence recorded once before
-- it is posted, a short agenda whose answers are sealed and revealed together, topics chosen ahead.

-- A meeting's record goes to each partner's own journal as an entry of kind 'meeting', once per
-- meeting and person (meeting_id, unique per author). SQLite cannot change a CHECK in place, so the
-- table is rebuilt with the same rows, numbers, indexes and numbering trigger.
CREATE TABLE journal_entries_rebuilt (
    id                  INTEGER PRIMARY KEY,
    user_id             INTEGER NOT NULL,
    guild_id            INTEGER,
    kind                TEXT NOT NULL DEFAULT 'entry'
                        CHECK (kind IN ('entry', 'reflection', 'checkin', 'exercise', 'meeting')),
    title_sealed        BLOB,
    body_sealed         BLOB NOT NULL,
    mood                INTEGER CHECK (mood IS NULL OR mood BETWEEN 1 AND 5),
    prompt_id           TEXT,
    round_id            INTEGER,
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL,
    shared_channel_id   INTEGER,
    shared_message_id   INTEGER,
    shared_at           INTEGER,
    number              INTEGER,
    meeting_id          INTEGER,                   -- the couple meeting a 'meeting' entry records
    CHECK (shared_message_id IS NULL OR shared_channel_id IS NOT NULL)
) STRICT;
INSERT INTO journal_entries_rebuilt (
    id, user_id, guild_id, kind, title_sealed, body_sealed, mood, prompt_id, round_id, created_at,
    updated_at, shared_channel_id, shared_message_id, shared_at, number
)
SELECT id, user_id, guild_id, kind, title_sealed, body_sealed, mood, prompt_id, round_id, created_at,
    updated_at, shared_channel_id, shared_message_id, shared_at, number
FROM journal_entries;
DROP TABLE journal_entries;
ALTER TABLE journal_entries_rebuilt RENAME TO journal_entries;
CREATE INDEX journal_entries_by_user ON journal_entries (user_id, created_at DESC, id DESC);
CREATE UNIQUE INDEX journal_entries_one_per_round ON journal_entries (user_id, round_id)
    WHERE round_id IS NOT NULL;
CREATE UNIQUE INDEX journal_entries_number ON journal_entries (user_id, number);
CREATE UNIQUE INDEX journal_entries_one_per_meeting ON journal_entries (user_id, meeting_id)
    WHERE meeting_id IS NOT NULL;
CREATE TRIGGER journal_entries_numbered AFTER INSERT ON journal_entries
BEGIN
    UPDATE journal_entries
    SET number = coalesce((SELECT last_number FROM journal_numbers WHERE user_id = NEW.user_id), 0) + 1
    WHERE id = NEW.id AND number IS NULL;
    INSERT INTO journal_numbers (user_id, last_number)
    SELECT user_id, number FROM journal_entries WHERE id = NEW.id
    ON CONFLICT (user_id) DO UPDATE SET last_number = max(last_number, excluded.last_number);
END;

-- One weekly slot per couple, in wall-clock time of its zone; the database says what is due.
CREATE TABLE meeting_schedules (
    id                INTEGER PRIMARY KEY,
    couple_id         INTEGER NOT NULL UNIQUE REFERENCES couples (id),
    weekday           INTEGER NOT NULL CHECK (weekday BETWEEN 0 AND 6),   -- 0 = Monday
    local_time        TEXT NOT NULL,                                      -- HH:MM in `timezone`
    timezone          TEXT NOT NULL,
    skip_next         INTEGER NOT NULL DEFAULT 0 CHECK (skip_next IN (0, 1)),
    next_due_at       INTEGER,                                            -- UTC seconds; NULL: no more
    updated_at        INTEGER NOT NULL
) STRICT;
CREATE INDEX meeting_schedules_due ON meeting_schedules (next_due_at) WHERE next_due_at IS NOT NULL;

-- One row per occurrence, recorded before anything is posted (unique per couple and due time), and
-- claimed by one poster before it is sent; a crash between the two is recovered by looking for the
-- posted card, never by posting again.
CREATE TABLE meetings (
    id                INTEGER PRIMARY KEY,
    couple_id         INTEGER NOT NULL REFERENCES couples (id),
    due_at            INTEGER NOT NULL,
    status            TEXT NOT NULL CHECK (status IN ('pending', 'open', 'ended', 'missed', 'skipped')),
    missed_reason     TEXT,                       -- 'downtime', 'late', 'paused', 'ended'
    end_reason        TEXT,                       -- 'finished', 'ended', 'timeout', 'replaced', 'couple'
    step              INTEGER NOT NULL DEFAULT 0 CHECK (step BETWEEN 0 AND 3),
    channel_id        INTEGER,
    message_id        INTEGER,                    -- the agenda card, edited as the meeting moves on
    post_attempts     INTEGER NOT NULL DEFAULT 0,
    claimed_by        TEXT,
    next_attempt_at   INTEGER,
    started_by        INTEGER,                    -- who ran /meeting now (told nothing); cleared once posted
    posted_at         INTEGER,
    closes_at         INTEGER,
    ended_at          INTEGER,
    nudge_to          TEXT,                       -- partners to tell by DM once posted
    nudged            INTEGER NOT NULL DEFAULT 1 CHECK (nudged IN (0, 1)),
    journaled         INTEGER NOT NULL DEFAULT 0 CHECK (journaled IN (0, 1)),
    UNIQUE (couple_id, due_at)
) STRICT;
CREATE UNIQUE INDEX meetings_one_open ON meetings (couple_id) WHERE status = 'open';
CREATE INDEX meetings_pending ON meetings (id) WHERE status = 'pending';
CREATE INDEX meetings_closing ON meetings (closes_at, id) WHERE status = 'open';
CREATE INDEX meetings_unnudged ON meetings (id) WHERE status = 'open' AND nudged = 0;
CREATE INDEX meetings_unjournaled ON meetings (id) WHERE status = 'ended' AND journaled = 0;

-- A step whose answers are revealed together: claimed once (the primary key), posted by one
-- poster, retried with backoff; 'revealed' once every answer still kept is up.
CREATE TABLE meeting_steps (
    meeting_id        INTEGER NOT NULL REFERENCES meetings (id),
    step              INTEGER NOT NULL CHECK (step BETWEEN 0 AND 3),
    status            TEXT NOT NULL CHECK (status IN ('revealing', 'revealed', 'dropped')),
    revealed_by       INTEGER,                    -- whose action revealed it (told nothing); then cleared
    revealed_at       INTEGER NOT NULL,
    claimed_by        TEXT,
    attempts          INTEGER NOT NULL DEFAULT 0,
    next_attempt_at   INTEGER,
    lead_message_id   INTEGER,
    PRIMARY KEY (meeting_id, step)
) STRICT, WITHOUT ROWID;
CREATE INDEX meeting_steps_revealing ON meeting_steps (meeting_id, step) WHERE status = 'revealing';

-- What each partner wrote for a step: sealed, theirs (exported and erased with them).
CREATE TABLE meeting_answers (
    meeting_id        INTEGER NOT NULL REFERENCES meetings (id),
    step              INTEGER NOT NULL CHECK (step BETWEEN 0 AND 3),
    user_id           INTEGER NOT NULL,
    body_sealed       BLOB NOT NULL,
    written_at        INTEGER NOT NULL,
    edited_at         INTEGER,
    message_id        INTEGER,                    -- its post in the thread, once revealed
    PRIMARY KEY (meeting_id, step, user_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX meeting_answers_by_user ON meeting_answers (user_id);

-- A topic chosen privately ahead of the couple's next meeting (/meeting topic); it moves into
-- that meeting's answers when the meeting is posted.
CREATE TABLE meeting_topics (
    couple_id         INTEGER NOT NULL REFERENCES couples (id),
    user_id           INTEGER NOT NULL,
    body_sealed       BLOB NOT NULL,
    written_at        INTEGER NOT NULL,
    PRIMARY KEY (couple_id, user_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX meeting_topics_by_user ON meeting_topics (user_id);
