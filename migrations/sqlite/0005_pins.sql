-- Living pins (issue 10), SQLite. Same logical schema as migrations/postgres/0005_pins.sql.
-- Version 5: 4 is left to the migration of the reload/version work written beside this one.

-- A module card posted and pinned by `/pin`. `hash` is the content hash of the card as it was
-- last posted or edited; after a reload the bot edits every pin whose card now hashes otherwise.
-- Editing is claimed like a delivery: `claimed_by` holds it until `lease_until`.
CREATE TABLE pins (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id    INTEGER NOT NULL,
    channel_id  INTEGER NOT NULL,
    message_id  INTEGER NOT NULL UNIQUE,
    track       TEXT    NOT NULL,
    module      INTEGER NOT NULL CHECK (module >= 0),
    hash        TEXT    NOT NULL,
    claimed_by  TEXT,
    lease_until INTEGER NOT NULL DEFAULT 0,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE INDEX pins_by_guild ON pins (guild_id, id);
