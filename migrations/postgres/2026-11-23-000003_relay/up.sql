-- The actor of each recorded activity: a group's outbox lists its Announces.
ALTER TABLE activity ADD COLUMN actor_ap_id TEXT;
CREATE INDEX activity_actor ON activity (actor_ap_id, id);
-- Delivery health per remote instance: failing since when, given up on
-- (dead), and when to try a dead one again.
ALTER TABLE instance ADD COLUMN failing_since TIMESTAMP;
ALTER TABLE instance ADD COLUMN dead BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE instance ADD COLUMN next_probe_at TIMESTAMP;
