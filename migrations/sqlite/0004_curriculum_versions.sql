-- The curriculum version each replica serves (issue 10), SQLite. Same logical schema as
-- migrations/postgres/0004_curriculum_versions.sql. One row per replica (hostname-pid-nonce);
-- the app keeps only the latest loads.
CREATE TABLE curriculum_versions (
    replica   TEXT    NOT NULL PRIMARY KEY,
    hash      TEXT    NOT NULL,
    loaded_at INTEGER NOT NULL
);
