-- Reliability at the edges (issue 13).

-- A round's post, and later its reveal, is claimed by one poster before it is sent (the answer
-- flow and the dispatcher used to race and post a reveal twice). The claim names the process
-- that holds it: a process that died mid-post leaves a claim a new process may take over, after
-- looking for the message first. Cleared when the step is done.
ALTER TABLE checkin_rounds ADD COLUMN claimed_by TEXT;
ALTER TABLE checkin_rounds ADD COLUMN reveal_attempts INTEGER NOT NULL DEFAULT 0;
-- Posting a round or a reveal is retried with backoff, not every 30 s without end.
ALTER TABLE checkin_rounds ADD COLUMN next_attempt_at INTEGER;
-- A reveal that can never be posted (the couple ended, retries used up) stops being retried; the
-- answers stay in /checkin history.
ALTER TABLE checkin_rounds ADD COLUMN reveal_dropped INTEGER NOT NULL DEFAULT 0 CHECK (reveal_dropped IN (0, 1));

DROP INDEX checkin_rounds_unposted_reveals;
CREATE INDEX checkin_rounds_unposted_reveals ON checkin_rounds (id)
    WHERE status = 'revealed' AND reveal_message_id IS NULL AND reveal_dropped = 0;

-- A couple's thread Attune cannot post in: what is wrong ('forbidden': a permission is missing;
-- 'missing': the thread and the /setup channel are gone), since when, and whether the couple has
-- been told (once per outage). Cleared by the next successful post, or by /setup.
ALTER TABLE couples ADD COLUMN thread_problem TEXT CHECK (thread_problem IN ('forbidden', 'missing'));
ALTER TABLE couples ADD COLUMN thread_problem_since INTEGER;
ALTER TABLE couples ADD COLUMN thread_problem_told INTEGER NOT NULL DEFAULT 0 CHECK (thread_problem_told IN (0, 1));

-- When each partner joined the server, as last seen: a different time means they left and came
-- back while Attune was away (and Discord took them out of their private thread meanwhile).
ALTER TABLE couple_members ADD COLUMN guild_joined_at INTEGER;  -- unix milliseconds
