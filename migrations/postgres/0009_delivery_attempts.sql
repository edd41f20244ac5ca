-- Delivery attempts (PostgreSQL): when the current claim was taken, when its send was about to go
-- out (recorded in groups before the sends), and since when a create for this delivery may exist
-- at Discord with an unknown outcome (a crash or takeover after the attempt, a lost answer).
-- Same logical schema as migrations/sqlite/0009_delivery_attempts.sql.
ALTER TABLE deliveries ADD COLUMN claimed_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE deliveries ADD COLUMN attempted_at BIGINT;
ALTER TABLE deliveries ADD COLUMN unknown_since BIGINT;
-- Claims in flight during the upgrade may have been sent: an hour before their lease ends is a
-- safe lower bound for where a reconciliation read starts.
UPDATE deliveries SET claimed_at = lease_until - 3600, attempted_at = lease_until - 3600
    WHERE status = 'claimed';
