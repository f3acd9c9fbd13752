DROP INDEX local_user_external_id;
DROP TABLE api_token_scope;
DROP TABLE api_token;
