ALTER TABLE local_user DROP COLUMN external_id;
DROP TABLE webhook_delivery;
DROP TABLE webhook;
