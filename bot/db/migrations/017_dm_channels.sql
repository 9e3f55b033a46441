-- Fewer requests per round (issue 18): the id of the DM channel between a person and Attune, once
-- Discord has told it, so a DM is one request (the send) instead of opening the channel first.
-- Discord keeps one DM channel per user and bot, so the id does not change; one Discord no longer
-- knows (10003) is forgotten and opened afresh. An id, nothing anyone wrote or chose: kept for
-- Attune alone (not in /privacy export, like posted_messages), erased with the row by /privacy delete.
ALTER TABLE people ADD COLUMN dm_channel_id INTEGER;
