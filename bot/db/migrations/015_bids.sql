-- Noticing bids for connection (issue 16, part 4).

-- A person's own notes of a bid: one they noticed, made, missed or turned toward, with one line of
-- their own (sealed; an empty line is sealed too, so every row reads the same in the export).
-- Private to the person; `shared_at` is the last time they posted one to their couple's thread.
CREATE TABLE bids (
    id              INTEGER PRIMARY KEY,
    user_id         INTEGER NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('noticed', 'made', 'missed', 'turned-toward')),
    line_sealed     BLOB NOT NULL,
    noted_at        INTEGER NOT NULL,
    shared_at       INTEGER
) STRICT;
-- Every read is one person's notes, newest first or since a time; /privacy delete erases by user_id.
CREATE INDEX bids_by_user ON bids (user_id, noted_at);
