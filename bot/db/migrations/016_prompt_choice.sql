-- Prompts that last a year (issue 16): a couple's chosen themes, their own questions, and usage
-- kept across rounds of the bank so the choice can spread themes.

-- Which round of the bank each prompt was last asked in. Until now a new round deleted the rows;
-- now it counts up instead, so "when was this theme last asked" survives the turn of a round.
-- The prompts of the current round are the owner's rows with the highest cycle.
ALTER TABLE prompt_usage ADD COLUMN cycle INTEGER NOT NULL DEFAULT 0;

-- A couple's chosen themes (/checkin themes): no row means every theme. Theme ids, comma
-- separated; nothing anyone wrote, and no record of who chose (the thread was told at the time).
CREATE TABLE couple_themes (
    couple_id       INTEGER PRIMARY KEY REFERENCES couples (id),
    themes          TEXT NOT NULL,
    updated_at      INTEGER NOT NULL
) STRICT;

-- A couple's own questions (/checkin prompts), mixed into their rotation as 'own:<id>'. Each one
-- belongs to whoever added it (user_id): it is in their /privacy export and goes with /privacy
-- delete. AUTOINCREMENT: an id is never given out again, so a removed question's usage can't
-- mark a new one as asked.
CREATE TABLE couple_prompts (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    couple_id       INTEGER NOT NULL REFERENCES couples (id),
    user_id         INTEGER NOT NULL,
    text_sealed     BLOB NOT NULL,
    created_at      INTEGER NOT NULL
) STRICT;
CREATE INDEX couple_prompts_by_couple ON couple_prompts (couple_id, id);
CREATE INDEX couple_prompts_by_user ON couple_prompts (user_id);
