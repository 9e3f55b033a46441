-- Couples (issue 3): each server's setup, pairing invitations, couples and their private thread.

CREATE TABLE guild_settings (
    guild_id        INTEGER PRIMARY KEY,
    channel_id      INTEGER NOT NULL,          -- couples' private threads are created under it
    timezone        TEXT NOT NULL DEFAULT 'UTC',
    resources_text  TEXT,                      -- the server's own help/hotline text for /resources
    updated_by      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
) STRICT;

CREATE TABLE invitations (
    id              INTEGER PRIMARY KEY,
    guild_id        INTEGER NOT NULL,
    inviter_id      INTEGER NOT NULL,
    invitee_id      INTEGER NOT NULL,
    status          TEXT NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'accepted', 'declined', 'cancelled', 'expired', 'replaced')),
    channel_id      INTEGER,                   -- the invitation posted in the setup channel
    message_id      INTEGER,
    dm_channel_id   INTEGER,                   -- the copy sent to the invitee by DM, when DMs are open
    dm_message_id   INTEGER,
    created_at      INTEGER NOT NULL,
    expires_at      INTEGER NOT NULL,
    closed_at       INTEGER
) STRICT;
-- A new invitation from the same person replaces the old: at most one pending each.
CREATE UNIQUE INDEX invitations_one_pending ON invitations (guild_id, inviter_id) WHERE status = 'pending';
CREATE INDEX invitations_by_invitee ON invitations (guild_id, invitee_id, status);

CREATE TABLE couples (
    id              INTEGER PRIMARY KEY,
    guild_id        INTEGER NOT NULL,
    status          TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused', 'ended')),
    thread_id       INTEGER,
    created_at      INTEGER NOT NULL,
    ended_at        INTEGER
) STRICT;
CREATE INDEX couples_by_thread ON couples (thread_id);
CREATE INDEX couples_by_guild ON couples (guild_id, status);

CREATE TABLE couple_members (
    couple_id       INTEGER NOT NULL REFERENCES couples (id),
    user_id         INTEGER NOT NULL,
    guild_id        INTEGER NOT NULL,
    in_guild        INTEGER NOT NULL DEFAULT 1 CHECK (in_guild IN (0, 1)),
    current         INTEGER NOT NULL DEFAULT 1 CHECK (current IN (0, 1)),  -- 0 once the couple ended
    PRIMARY KEY (couple_id, user_id)
) STRICT;
-- One live couple per person per server, enforced by the database rather than read-then-write.
CREATE UNIQUE INDEX couple_members_one_current ON couple_members (guild_id, user_id) WHERE current = 1;
CREATE INDEX couple_members_by_user ON couple_members (user_id);
