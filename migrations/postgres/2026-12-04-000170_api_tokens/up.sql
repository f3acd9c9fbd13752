-- Integration tokens: admins give an integration (a CRM, say) a bearer
-- token holding scopes, each of which opens one admin capability. Only
-- the token's SHA-256 hash is kept; the token is shown once.
CREATE TABLE api_token (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    -- The admin who created it.
    created_by BIGINT NOT NULL REFERENCES person(id),
    created_at TIMESTAMP NOT NULL,
    -- Renewed at most once a minute.
    last_used_at TIMESTAMP,
    -- None: it does not expire.
    expires_at TIMESTAMP,
    revoked_at TIMESTAMP
);

CREATE TABLE api_token_scope (
    token_id BIGINT NOT NULL REFERENCES api_token(id) ON DELETE CASCADE,
    -- store::api_tokens::Scope: analytics:read, webhooks:manage, accounts:external_id.
    scope TEXT NOT NULL,
    PRIMARY KEY (token_id, scope)
);

-- A CRM maps its customers back to accounts by their external id.
CREATE INDEX local_user_external_id ON local_user (external_id);
