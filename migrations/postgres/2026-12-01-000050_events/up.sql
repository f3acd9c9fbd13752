-- The event log: what each change did, written in the change's own
-- transaction; consumers (federation, notifications, email, ...) read it.
CREATE TABLE event (
    id BIGSERIAL PRIMARY KEY,
    -- The writing transaction's id. Ids are taken before commit, so a
    -- later id can commit first; consumers read only events whose
    -- transaction is older than every transaction still running
    -- (store::events::due).
    tx BIGINT NOT NULL DEFAULT CAST(CAST(pg_current_xact_id() AS TEXT) AS BIGINT),
    kind TEXT NOT NULL,
    actor_id BIGINT,
    group_id BIGINT,
    post_id BIGINT,
    comment_id BIGINT,
    person_id BIGINT,
    -- The activity that carried the change here, when another server sent it.
    activity_ap_id TEXT,
    payload TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX event_order ON event (tx, id);
CREATE INDEX event_created ON event (created_at);

-- Each consumer's position in the log: the last (tx, id) it applied.
CREATE TABLE event_consumer (
    name TEXT PRIMARY KEY,
    position_tx BIGINT NOT NULL DEFAULT 0,
    position_id BIGINT NOT NULL DEFAULT 0,
    failures INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    updated_at TIMESTAMP NOT NULL
);

-- What a local member is told: one row per recipient per cause.
CREATE TABLE notification (
    id BIGSERIAL PRIMARY KEY,
    -- The local person told.
    person_id BIGINT NOT NULL REFERENCES person(id) ON DELETE CASCADE,
    -- notifications::Kind, as text.
    kind TEXT NOT NULL,
    -- The event that caused it: one notification per recipient, kind and cause.
    event_id BIGINT NOT NULL,
    -- Who caused it (local or remote), and what it is about.
    actor_id BIGINT,
    group_id BIGINT,
    post_id BIGINT,
    comment_id BIGINT,
    -- A small JSON object with what the kind needs (a resolution, a rank).
    payload TEXT NOT NULL DEFAULT '{}',
    read_at TIMESTAMP,
    -- When an email told of it (at once or in a digest).
    emailed_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX notification_cause ON notification (person_id, kind, event_id);
CREATE INDEX notification_unread ON notification (person_id, read_at, id);

-- How a member wants each kind: in the app, also by email, or not at all.
-- No row: the kind's default (notifications::Kind::default_delivery).
CREATE TABLE notification_preference (
    person_id BIGINT NOT NULL REFERENCES person(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    delivery TEXT NOT NULL,
    PRIMARY KEY (person_id, kind)
);

-- A person who blocked another (local or remote): the blocked person's
-- threads and comments are hidden from the blocker, they cannot follow
-- the blocker, and they never notify them.
CREATE TABLE person_block (
    blocker_id BIGINT NOT NULL REFERENCES person(id) ON DELETE CASCADE,
    blocked_id BIGINT NOT NULL REFERENCES person(id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (blocker_id, blocked_id)
);
