-- Reminder storage (SQLite). Same logical schema as migrations/postgres/0001_reminders.sql.
-- Times are unix seconds UTC; Discord snowflakes are stored as signed 64-bit integers.

CREATE TABLE subscriptions (
    -- AUTOINCREMENT: ids are never reused, so a stale delivery key can't hit a newer subscription.
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id         INTEGER,
    owner_user_id    INTEGER NOT NULL,
    kind             TEXT    NOT NULL CHECK (kind IN ('dm', 'channel')),
    channel_id       INTEGER,
    role_id          INTEGER,
    weekday          INTEGER NOT NULL CHECK (weekday BETWEEN 0 AND 6),
    hour             INTEGER NOT NULL CHECK (hour BETWEEN 0 AND 23),
    minute           INTEGER NOT NULL CHECK (minute BETWEEN 0 AND 59),
    tz               TEXT    NOT NULL,
    pathway          TEXT,
    week             INTEGER NOT NULL CHECK (week >= 1),
    next_due_at      INTEGER NOT NULL,
    paused_reason    TEXT,
    paused_by_system BOOLEAN NOT NULL DEFAULT FALSE,
    notice_pending   TEXT,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    CHECK ((kind = 'dm' AND channel_id IS NULL AND role_id IS NULL)
        OR (kind = 'channel' AND channel_id IS NOT NULL))
);

-- One DM subscription per user (global), one group subscription per channel.
CREATE UNIQUE INDEX subscriptions_one_dm_per_user ON subscriptions (owner_user_id) WHERE kind = 'dm';
CREATE UNIQUE INDEX subscriptions_one_per_channel ON subscriptions (channel_id) WHERE kind = 'channel';
-- The delivery loop's query: active subscriptions by next_due_at.
CREATE INDEX subscriptions_due ON subscriptions (next_due_at) WHERE paused_reason IS NULL;
-- take_notices runs on every interaction.
CREATE INDEX subscriptions_notices ON subscriptions (owner_user_id) WHERE notice_pending IS NOT NULL;
CREATE INDEX subscriptions_paused_groups ON subscriptions (guild_id)
    WHERE paused_reason IS NOT NULL AND kind = 'channel';

CREATE TABLE deliveries (
    subscription_id INTEGER NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
    -- The slot instant: it identifies the calendar week of the reminder.
    due_at          INTEGER NOT NULL,
    week            INTEGER NOT NULL,
    status          TEXT    NOT NULL CHECK (status IN ('claimed', 'sent', 'failed')),
    -- NULL after release(): nobody holds it until lease_until.
    claimed_by      TEXT,
    lease_until     INTEGER NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 1,
    message_id      INTEGER,
    late            BOOLEAN NOT NULL DEFAULT FALSE,
    sent_at         INTEGER,
    PRIMARY KEY (subscription_id, due_at)
);

CREATE INDEX deliveries_unsent ON deliveries (claimed_by) WHERE status = 'claimed';

CREATE TABLE dm_channels (
    user_id    INTEGER PRIMARY KEY,
    channel_id INTEGER NOT NULL
);

CREATE TABLE search_misses (
    -- 0 stands for direct messages (no guild): NULLs would not be unique.
    guild_id INTEGER NOT NULL,
    query    TEXT    NOT NULL,
    count    INTEGER NOT NULL,
    last_at  INTEGER NOT NULL,
    PRIMARY KEY (guild_id, query)
);
