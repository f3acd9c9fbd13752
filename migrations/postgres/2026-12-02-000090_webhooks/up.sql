-- Webhooks: endpoints admins register, and the queue of signed deliveries
-- to them (Standard Webhooks), kept as their log.
CREATE TABLE webhook (
    id BIGSERIAL PRIMARY KEY,
    url TEXT NOT NULL,
    -- "whsec_" + base64 of the key bytes (shown to the admin once).
    secret TEXT NOT NULL,
    -- JSON array of webhooks::Kind ("member.joined", ...).
    kinds TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    enabled BOOLEAN NOT NULL DEFAULT TRUE,
    -- Why it was switched off (failures in a row, or an admin).
    disabled_reason TEXT,
    -- Deliveries that failed in a row (reset by a success).
    failures INTEGER NOT NULL DEFAULT 0,
    -- When it was last switched on: it hears of events from then on.
    enabled_at TIMESTAMP NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE webhook_delivery (
    id BIGSERIAL PRIMARY KEY,
    webhook_id BIGINT NOT NULL REFERENCES webhook(id) ON DELETE CASCADE,
    -- The webhook-id header: the same on every attempt of one message.
    message_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    -- store::webhooks::WebhookState: pending, sending (leased), delivered, failed.
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    last_status INTEGER,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL,
    delivered_at TIMESTAMP
);
CREATE INDEX webhook_delivery_due ON webhook_delivery (state, next_attempt_at);
CREATE INDEX webhook_delivery_of ON webhook_delivery (webhook_id, id);

-- The CRM's id of a local account, set by admins; webhook payloads carry it.
ALTER TABLE local_user ADD COLUMN external_id TEXT;
