DROP TABLE status_idempotency;
DROP TABLE oauth_token;
DROP TABLE oauth_code;
DROP TABLE oauth_app;
