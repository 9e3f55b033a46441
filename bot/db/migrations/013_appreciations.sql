-- Appreciations (issue 16, part 2): what a partner did and what it meant, kept in the person's own
-- appreciation log (part of their journal: /journal export includes it) and shared only when they
-- choose, after a preview. Both texts are AES-GCM sealed (bot/crypto.py), labelled
-- "appreciations.what_sealed" and "appreciations.meaning_sealed". Every table has a user_id, so
-- /privacy exports and erases them with the rest; their names put the log first in the export.

CREATE TABLE appreciations (
    id                  INTEGER PRIMARY KEY,
    user_id             INTEGER NOT NULL,          -- who wrote it; nobody else ever reads it
    guild_id            INTEGER,                   -- where it was written; NULL from a DM
    what_sealed         BLOB NOT NULL,             -- what the partner did
    meaning_sealed      BLOB NOT NULL,             -- what it meant to the writer
    created_at          INTEGER NOT NULL,
    shared_at           INTEGER,                   -- claimed for its one post in the couple's thread
    last_offered_at     INTEGER                    -- the weekly offer rotates through kept ones
) STRICT;
-- The log, newest first: WHERE user_id = ? ORDER BY created_at DESC, id DESC.
CREATE INDEX appreciations_by_user ON appreciations (user_id, created_at DESC, id DESC);

-- The weekly offer, opt-in: a private DM at the person's own weekday and time offering one kept
-- appreciation to send. next_due_at is NULL while it is off (the day and time are remembered).
CREATE TABLE appreciations_weekly (
    user_id             INTEGER PRIMARY KEY,
    guild_id            INTEGER NOT NULL,          -- the server whose couple thread an offer posts to
    weekday             INTEGER NOT NULL CHECK (weekday BETWEEN 0 AND 6),  -- 0 = Monday
    local_time          TEXT NOT NULL,             -- HH:MM on the person's own clock
    timezone            TEXT NOT NULL,             -- the zone next_due_at was worked out in
    next_due_at         INTEGER,
    updated_at          INTEGER NOT NULL
) STRICT;
CREATE INDEX appreciations_weekly_due ON appreciations_weekly (next_due_at)
    WHERE next_due_at IS NOT NULL;

-- One row per weekly offer, recorded (and the reminder moved on) in one transaction before any DM,
-- so a restart never offers twice. 'sending' is claimed before the DM goes: a crash then leaves it
-- unsent rather than sent twice. 'missed': due too long ago to be sent late; 'nothing': nothing
-- kept to offer or no active couple; 'undelivered': DMs closed (no fallback in the thread).
CREATE TABLE appreciations_weekly_offers (
    id                  INTEGER PRIMARY KEY,
    user_id             INTEGER NOT NULL,
    due_at              INTEGER NOT NULL,
    status              TEXT NOT NULL DEFAULT 'pending' CHECK (status IN
                            ('pending', 'sending', 'sent', 'undelivered', 'missed', 'nothing', 'failed')),
    appreciation_id     INTEGER REFERENCES appreciations (id) ON DELETE SET NULL,
    guild_id            INTEGER,
    channel_id          INTEGER,                   -- the DM it was sent in
    message_id          INTEGER,
    answer              TEXT CHECK (answer IS NULL OR answer IN ('posted', 'not-now')),
    created_at          INTEGER NOT NULL,
    sent_at             INTEGER,
    UNIQUE (user_id, due_at)
) STRICT;
CREATE INDEX appreciations_weekly_offers_pending ON appreciations_weekly_offers (id)
    WHERE status = 'pending';
-- Erasing an appreciation sets its offers' appreciation_id to NULL: found by this, not a scan.
CREATE INDEX appreciations_weekly_offers_by_appreciation ON appreciations_weekly_offers (appreciation_id);
