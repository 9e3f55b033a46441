-- Privacy first (issue 14).

-- Journal numbers are per person: each person's entries are numbered 1, 2, 3... in the order they
-- wrote them, so nobody can tell from their own numbers how much anyone else wrote. The id stays
-- the database's own and is never shown. A number is never given out twice to the same person,
-- even after a delete: journal_numbers keeps the last one handed out (erased by /privacy delete).
ALTER TABLE journal_entries ADD COLUMN number INTEGER;

UPDATE journal_entries SET number = ranked.n
FROM (
    SELECT id, row_number() OVER (PARTITION BY user_id ORDER BY created_at, id) AS n FROM journal_entries
) AS ranked
WHERE ranked.id = journal_entries.id;

CREATE UNIQUE INDEX journal_entries_number ON journal_entries (user_id, number);

CREATE TABLE journal_numbers (
    user_id         INTEGER PRIMARY KEY,
    last_number     INTEGER NOT NULL CHECK (last_number >= 1)
) STRICT;

INSERT INTO journal_numbers (user_id, last_number)
SELECT user_id, max(number) FROM journal_entries GROUP BY user_id;

-- The repository gives each new entry its number in the INSERT itself (one statement, atomic);
-- this keeps the counter in step, and numbers any row inserted without one.
CREATE TRIGGER journal_entries_numbered AFTER INSERT ON journal_entries
BEGIN
    UPDATE journal_entries
    SET number = coalesce((SELECT last_number FROM journal_numbers WHERE user_id = NEW.user_id), 0) + 1
    WHERE id = NEW.id AND number IS NULL;
    INSERT INTO journal_numbers (user_id, last_number)
    SELECT user_id, number FROM journal_entries WHERE id = NEW.id
    ON CONFLICT (user_id) DO UPDATE SET last_number = max(last_number, excluded.last_number);
END;

-- Invitations leave no public trace: a pending invitation is expired when its time comes (not only
-- when someone presses a button), and a closed invitation whose public copy is still up is found
-- again until that copy is gone.
CREATE INDEX invitations_pending_expiry ON invitations (expires_at) WHERE status = 'pending';
CREATE INDEX invitations_public_left ON invitations (id)
    WHERE status != 'pending' AND message_id IS NOT NULL;
