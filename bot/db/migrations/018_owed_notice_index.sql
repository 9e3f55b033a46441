-- A lean interaction path (issue 18): who is owed the "couldn't DM you" notice is read once at
-- start and kept in memory; this partial index makes that read touch only those people, never
-- every row of a table that grows with each new person.
CREATE INDEX people_owed_notice ON people (user_id) WHERE dm_unreachable_told = 0;
