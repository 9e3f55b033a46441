-- Privacy and reliability (issue 8): which messages Attune posted for one person alone, so that
-- /privacy delete can take them down. Nothing a person wrote lives here: only where it was posted.

CREATE TABLE posted_messages (
    id              INTEGER PRIMARY KEY,
    user_id         INTEGER NOT NULL,              -- the person the message was posted for
    channel_id      INTEGER NOT NULL,              -- the couple's thread, or the person's DM channel
    message_id      INTEGER NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('shared', 'dm')),
    posted_at       INTEGER NOT NULL,
    UNIQUE (channel_id, message_id)
) STRICT;
CREATE INDEX posted_messages_by_user ON posted_messages (user_id);

-- /privacy export and delete find a person's invitations in either role without scanning.
CREATE INDEX invitations_by_inviter_id ON invitations (inviter_id);
CREATE INDEX invitations_by_invitee_id ON invitations (invitee_id);
