ALTER TABLE auth_token DROP COLUMN user_agent;
ALTER TABLE auth_token DROP COLUMN kind;
DROP TABLE branding;
