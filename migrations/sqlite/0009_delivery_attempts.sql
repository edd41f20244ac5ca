-- Delivery attempts (SQLite): when the current claim was taken, and since when a create for this
-- delivery may exist at Discord with an unknown outcome (a crash, a takeover, a lost response).
-- Same logical schema as migrations/postgres/0009_delivery_attempts.sql.
ALTER TABLE deliveries ADD COLUMN claimed_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE deliveries ADD COLUMN unknown_since INTEGER;
-- Claims in flight during the upgrade: their claim time is unknown; an hour before their lease
-- ends is a safe lower bound for where a reconciliation read starts.
UPDATE deliveries SET claimed_at = lease_until - 3600 WHERE status = 'claimed';
