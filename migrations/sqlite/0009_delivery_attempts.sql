-- Delivery attempts (SQLite): when the current claim was taken, when its send was about to go
-- out (recorded in groups before the sends), and since when a create for this delivery may exist
-- at Discord with an unknown outcome (a crash or takeover after the attempt, a lost answer).
-- Same logical schema as migrations/postgres/0009_delivery_attempts.sql.
ALTER TABLE deliveries ADD COLUMN claimed_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE deliveries ADD COLUMN attempted_at INTEGER;
ALTER TABLE deliveries ADD COLUMN unknown_since INTEGER;
-- Claims in flight during the upgrade may have been sent: an hour before their lease ends is a
-- safe lower bound for where a reconciliation read starts.
UPDATE deliveries SET claimed_at = lease_until - 3600, attempted_at = lease_until - 3600
    WHERE status = 'claimed';
