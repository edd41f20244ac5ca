-- Check-ins (issue 19), SQLite. Same logical schema as migrations/postgres/0010_checkins.sql.

-- "Done this week": one row per member per subscription per plan week. The primary key is what
-- decides under concurrent clicks and across replicas (INSERT … ON CONFLICT DO NOTHING).
-- No foreign key: a learner's check-ins outlive an unsubscribe until they ask to forget them.
-- guild_id 0 stands for a subscription made in direct messages.
CREATE TABLE checkins (
    subscription_id INTEGER NOT NULL,
    user_id         INTEGER NOT NULL,
    week            INTEGER NOT NULL CHECK (week >= 1),
    guild_id        INTEGER NOT NULL,
    kind            TEXT    NOT NULL CHECK (kind IN ('dm', 'channel')),
    track           TEXT,
    -- The module number the timeline put the week in (NULL: none).
    module          INTEGER,
    at              INTEGER NOT NULL,
    PRIMARY KEY (subscription_id, user_id, week)
);
-- A member's weeks (`/progress me`) use the primary key; a group's week (the live line,
-- `/progress group`, the reminder's "last week") uses this one.
CREATE INDEX checkins_by_week ON checkins (subscription_id, week, at);
-- `/progress forget` and `/progress me` across subscriptions.
CREATE INDEX checkins_by_user ON checkins (user_id);
-- `/report`: a server's check-ins of the last weeks, per track (covering).
CREATE INDEX checkins_by_guild_at ON checkins (guild_id, at, track, kind, user_id);

-- Where learners stop: one row per unsubscribe (the subscription row itself is deleted).
CREATE TABLE unsubscribes (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id INTEGER NOT NULL,
    kind     TEXT    NOT NULL CHECK (kind IN ('dm', 'channel')),
    track    TEXT,
    week     INTEGER NOT NULL,
    at       INTEGER NOT NULL
);
CREATE INDEX unsubscribes_by_guild ON unsubscribes (guild_id, track, week);
