-- Progress: streak heads-ups, weekly summaries, private checkups (issue 7)
-- Streaks are computed from checkin_rounds / journal_entries; these tables only hold what the
-- progress feature itself decides and sends, so a restart never sends anything twice.

-- Each couple's weekly summary: when (local wall-clock time in `timezone`) and when it is next due.
-- A row is created with the default (Sunday 19:00) the first time the dispatcher sees the couple.
CREATE TABLE progress_summary_settings (
    couple_id       INTEGER PRIMARY KEY REFERENCES couples (id),
    weekday         INTEGER NOT NULL DEFAULT 6 CHECK (weekday BETWEEN 0 AND 6),  -- 0 = Monday
    local_time      TEXT NOT NULL DEFAULT '19:00',                              -- HH:MM
    timezone        TEXT NOT NULL,
    enabled         INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
    next_due_at     INTEGER,                                                    -- NULL when off
    updated_by      INTEGER,
    updated_at      INTEGER NOT NULL,
    CHECK (enabled = 1 OR next_due_at IS NULL)
) STRICT;
CREATE INDEX progress_summary_settings_due ON progress_summary_settings (next_due_at)
    WHERE next_due_at IS NOT NULL;

-- One row per weekly summary occurrence, recorded before anything is posted. A row left in
-- 'posting' by a crash is never posted again (at most once, never twice).
CREATE TABLE progress_summaries (
    id              INTEGER PRIMARY KEY,
    couple_id       INTEGER NOT NULL REFERENCES couples (id),
    due_at          INTEGER NOT NULL,
    status          TEXT NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'posting', 'posted', 'missed', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    channel_id      INTEGER,
    message_id      INTEGER,
    posted_at       INTEGER,
    UNIQUE (couple_id, due_at)
) STRICT;
CREATE INDEX progress_summaries_pending ON progress_summaries (id) WHERE status = 'pending';

-- The one gentle heads-up before a couple streak would break: at most one per round.
CREATE TABLE progress_headsups (
    round_id        INTEGER PRIMARY KEY REFERENCES checkin_rounds (id),
    couple_id       INTEGER NOT NULL REFERENCES couples (id),
    status          TEXT NOT NULL DEFAULT 'sending' CHECK (status IN ('sending', 'sent', 'failed')),
    message_id      INTEGER,
    created_at      INTEGER NOT NULL
) STRICT;

-- A chart someone previewed for their couple's thread; Post claims it once.
CREATE TABLE progress_shares (
    id              INTEGER PRIMARY KEY,
    user_id         INTEGER NOT NULL,
    couple_id       INTEGER NOT NULL REFERENCES couples (id),
    days            INTEGER NOT NULL CHECK (days BETWEEN 7 AND 365),
    status          TEXT NOT NULL DEFAULT 'preview' CHECK (status IN ('preview', 'posting', 'posted', 'cancelled')),
    message_id      INTEGER,
    created_at      INTEGER NOT NULL,
    posted_at       INTEGER
) STRICT;

-- The private "where I stand" self-assessment: the answers are sealed and belong to one person.
CREATE TABLE progress_checkups (
    id              INTEGER PRIMARY KEY,
    user_id         INTEGER NOT NULL,
    answers_sealed  BLOB NOT NULL,                 -- JSON {question_id: [values]}
    created_at      INTEGER NOT NULL
) STRICT;
CREATE INDEX progress_checkups_by_user ON progress_checkups (user_id, created_at DESC, id DESC);

-- The monthly offer of a checkup, by DM: at most once a month per person.
CREATE TABLE progress_checkup_offers (
    user_id         INTEGER PRIMARY KEY,
    month           TEXT NOT NULL,                 -- 'YYYY-MM' (UTC) of the last offer (30 days apart)
    offered_at      INTEGER NOT NULL
) STRICT;

-- Lookups the progress feature makes on tables that grow with use.
CREATE INDEX progress_shares_by_user ON progress_shares (user_id);
CREATE INDEX couples_active ON couples (id) WHERE status = 'active';  -- the weekly dispatcher's roll call
