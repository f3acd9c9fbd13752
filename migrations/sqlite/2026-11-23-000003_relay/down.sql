DROP INDEX activity_actor;
ALTER TABLE activity DROP COLUMN actor_ap_id;
ALTER TABLE instance DROP COLUMN failing_since;
ALTER TABLE instance DROP COLUMN dead;
ALTER TABLE instance DROP COLUMN next_probe_at;
