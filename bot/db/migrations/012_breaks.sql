-- /break (issue 16, part 1): a pause when a talk gets too heated, with a time to come back.
--
-- One row per break, owned by the person who asked for it (user_id), in their couple (couple_id).
-- Their optional line is AES-GCM sealed ("breaks.line_sealed"; an empty line is sealed too, so
-- every row reads the same in the export). /privacy exports and erases the rows by user_id.
--
-- status: 'preview' (shown privately, nothing posted) -> 'posting' (claimed for its one post in
-- the thread) -> 'running' (posted; back at return_at) -> 'reminding' (the return reminder claimed
-- by the process named in claimed_by) -> 'reminded' (posted; waiting for one of its buttons).
-- It ends 'cancelled' (never posted), 'ended' (ended early), 'ready' ("I'm ready to talk"),
-- 'another-time' ("Let's pick another time"), 'missed' (the return fell due while Attune was away,
-- beyond the grace: closed quietly, never posted late), 'lapsed' (a newer break replaced a reminded
-- one nobody answered) or 'closed' (the couple was no longer active at the return time).

CREATE TABLE breaks (
    id                  INTEGER PRIMARY KEY,
    user_id             INTEGER NOT NULL,          -- who asked for the pause
    couple_id           INTEGER NOT NULL,
    guild_id            INTEGER NOT NULL,
    minutes             INTEGER NOT NULL CHECK (minutes BETWEEN 20 AND 1440),
    line_sealed         BLOB NOT NULL,             -- their own short line, if any
    status              TEXT NOT NULL DEFAULT 'preview' CHECK (status IN (
                            'preview', 'posting', 'running', 'reminding', 'reminded', 'cancelled',
                            'ended', 'ready', 'another-time', 'missed', 'lapsed', 'closed')),
    created_at          INTEGER NOT NULL,
    started_at          INTEGER,                   -- when the note was posted
    return_at           INTEGER,                   -- when they'll be back (moved by the one extension)
    extended_at         INTEGER,                   -- the one extension; NULL until it is used
    reminder_channel_id INTEGER,                   -- the return reminder, with its buttons
    reminder_message_id INTEGER,
    reminder_attempts   INTEGER NOT NULL DEFAULT 0,
    claimed_by          TEXT,                      -- the process that claimed the reminder
    closed_at           INTEGER
) STRICT;
-- One break at a time per couple, whatever runs concurrently.
CREATE UNIQUE INDEX breaks_one_per_couple ON breaks (couple_id)
    WHERE status IN ('posting', 'running', 'reminding');
-- The couple's current break, the person's own, and what falls due.
CREATE INDEX breaks_by_couple ON breaks (couple_id, status);
CREATE INDEX breaks_by_user ON breaks (user_id, created_at);
CREATE INDEX breaks_due ON breaks (status, return_at);
