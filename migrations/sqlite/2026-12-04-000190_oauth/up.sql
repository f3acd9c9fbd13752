-- OAuth 2 for Mastodon apps (docs/mastodon.md): registered apps, the
-- authorization codes of the consent page, and the access tokens. Secrets
-- (client secrets, codes, tokens) are kept only as SHA-256 hashes.
CREATE TABLE oauth_app (
    id INTEGER PRIMARY KEY,
    client_id TEXT NOT NULL UNIQUE,
    secret_hash TEXT NOT NULL,
    name TEXT NOT NULL,
    website TEXT,
    -- One per line.
    redirect_uris TEXT NOT NULL,
    -- Space-separated, as OAuth writes them.
    scopes TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE oauth_code (
    id INTEGER PRIMARY KEY,
    app_id BIGINT NOT NULL REFERENCES oauth_app(id) ON DELETE CASCADE,
    local_user_id BIGINT NOT NULL REFERENCES local_user(id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL UNIQUE,
    redirect_uri TEXT NOT NULL,
    scopes TEXT NOT NULL,
    -- PKCE (S256): the challenge the app sent to the consent page.
    code_challenge TEXT,
    created_at TIMESTAMP NOT NULL,
    used BOOLEAN NOT NULL DEFAULT 0
);

CREATE TABLE oauth_token (
    id INTEGER PRIMARY KEY,
    app_id BIGINT NOT NULL REFERENCES oauth_app(id) ON DELETE CASCADE,
    -- None for an app's own token (client_credentials).
    local_user_id BIGINT REFERENCES local_user(id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    scopes TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP NOT NULL,
    revoked BOOLEAN NOT NULL DEFAULT 0
);
CREATE INDEX oauth_token_user ON oauth_token (local_user_id);

-- Idempotency-Key of a new status: the same key from the same member
-- answers the status made the first time (for an hour).
CREATE TABLE status_idempotency (
    id INTEGER PRIMARY KEY,
    local_user_id BIGINT NOT NULL REFERENCES local_user(id) ON DELETE CASCADE,
    idempotency_key TEXT NOT NULL,
    status_id TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (local_user_id, idempotency_key)
);
