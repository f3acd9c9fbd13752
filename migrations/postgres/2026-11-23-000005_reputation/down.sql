DELETE FROM mod_action WHERE moderator_id IS NULL;
ALTER TABLE mod_action ALTER COLUMN moderator_id SET NOT NULL;
ALTER TABLE post DROP COLUMN accepted_comment_id;
DROP TABLE badge;
DROP TABLE reputation;
DROP TABLE reputation_event;
