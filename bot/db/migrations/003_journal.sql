-- The private journal (issue 5). Everything here belongs to one person (user_id) and is shown to
-- nobody else unless its author shares it. Title and body are AES-GCM sealed (bot/crypto.py), so
-- search happens in Python over the author's own decrypted entries, never with SQL LIKE.

CREATE TABLE journal_entries (
    id                  INTEGER PRIMARY KEY,
    user_id             INTEGER NOT NULL,
    guild_id            INTEGER,                   -- where it was written; NULL from DMs or check-ins
    kind                TEXT NOT NULL DEFAULT 'entry'
                        CHECK (kind IN ('entry', 'reflection', 'checkin', 'exercise')),
    title_sealed        BLOB,
    body_sealed         BLOB NOT NULL,
    mood                INTEGER CHECK (mood IS NULL OR mood BETWEEN 1 AND 5),
    prompt_id           TEXT,
    round_id            INTEGER,                   -- the check-in round a 'checkin' entry answers
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL,
    shared_channel_id   INTEGER,                   -- the couple's thread, once shared (or being shared)
    shared_message_id   INTEGER,                   -- the posted message; NULL while the post is under way
    shared_at           INTEGER,
    CHECK (shared_message_id IS NULL OR shared_channel_id IS NOT NULL)
) STRICT;
-- Paging newest first: WHERE user_id = ? ORDER BY created_at DESC, id DESC.
CREATE INDEX journal_entries_by_user ON journal_entries (user_id, created_at DESC, id DESC);
-- A check-in answer is saved once per round and person; answering again updates the same entry.
CREATE UNIQUE INDEX journal_entries_one_per_round ON journal_entries (user_id, round_id)
    WHERE round_id IS NOT NULL;
