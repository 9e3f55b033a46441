-- Indexes for the check-in dispatcher (issue 9). It runs every 30 s and under a burst; without
-- these, each run read the whole of checkin_rounds three times, holding the one connection
-- while interactions waited. SQLite cannot use checkin_rounds_live for `status = 'pending'`
-- alone (it does not prove the implication), so each query gets a partial index of its own.
CREATE INDEX checkin_rounds_pending ON checkin_rounds (id) WHERE status = 'pending';
CREATE INDEX checkin_rounds_remind ON checkin_rounds (remind_at, id) WHERE status = 'open' AND reminded = 0;
CREATE INDEX checkin_rounds_closes ON checkin_rounds (closes_at, id) WHERE status = 'open';
-- Rounds posted whose DM nudges have not gone out yet: sent after every due round is posted.
CREATE INDEX checkin_rounds_unnudged ON checkin_rounds (id) WHERE status = 'open' AND nudged = 0 AND kind = 'couple';
