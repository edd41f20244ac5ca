-- Learning tracks (issue 8), SQLite. Same logical schema as migrations/postgres/0003_tracks.sql.
-- Version 3: 2 is left to the delivery-attempts migration being written beside this one.

-- The track a subscription follows (a track slug). NULL: made before tracks existed; the app
-- assigns those to the site's one track at start-up (assign_untracked_subscriptions).
ALTER TABLE subscriptions ADD COLUMN track TEXT;

-- A member's chosen track, per guild (0 = direct messages). A member with no choice in a guild
-- falls back to their latest choice elsewhere (one bot serves one site).
CREATE TABLE member_tracks (
    guild_id   INTEGER NOT NULL,
    user_id    INTEGER NOT NULL,
    track      TEXT    NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (guild_id, user_id)
);
CREATE INDEX member_tracks_by_user ON member_tracks (user_id, updated_at);

-- A channel tied to a track by its moderators (channel ids are unique across guilds).
CREATE TABLE channel_tracks (
    channel_id INTEGER PRIMARY KEY,
    guild_id   INTEGER NOT NULL,
    track      TEXT    NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX channel_tracks_by_guild ON channel_tracks (guild_id);

-- Search misses age out (record_miss deletes those not seen for 90 days).
CREATE INDEX search_misses_by_last_at ON search_misses (last_at);
