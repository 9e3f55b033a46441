-- One notification per person per event, none for the person who caused it (issue 14, point 4).
-- Each is bookkeeping for one event and is cleared once it has been used.

-- Who ran /checkin now (told nothing about the round they started); NULL for a scheduled round.
ALTER TABLE checkin_rounds ADD COLUMN started_by INTEGER;
-- Whose answer completed the round and so revealed the answers (told nothing about the reveal).
ALTER TABLE checkin_rounds ADD COLUMN revealed_by INTEGER;
-- Partners to be told by DM once the round is posted (comma-separated user ids): everyone else
-- was mentioned in the post itself. Set when the round is posted, cleared when the DMs are claimed.
ALTER TABLE checkin_rounds ADD COLUMN nudge_to TEXT;
