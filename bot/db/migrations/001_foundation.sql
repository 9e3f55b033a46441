-- Foundation: settings the bot keeps for itself, and the people who use it.
-- Times are UTC unix seconds; columns ending in _sealed hold AES-GCM ciphertext (bot/crypto.py).

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE people (
    user_id                 INTEGER PRIMARY KEY,
    timezone                TEXT,
    dm_reachable            INTEGER NOT NULL DEFAULT 1 CHECK (dm_reachable IN (0, 1)),
    dm_unreachable_told     INTEGER NOT NULL DEFAULT 1 CHECK (dm_unreachable_told IN (0, 1)),
    created_at              INTEGER NOT NULL
) STRICT;
