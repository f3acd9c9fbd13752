-- Moderation: group bans with an end, instance bans, reports (local and
-- from other servers) and the moderation log.
ALTER TABLE membership ADD COLUMN banned_until TIMESTAMP;
ALTER TABLE membership ADD COLUMN ban_reason TEXT;
ALTER TABLE person ADD COLUMN banned BOOLEAN NOT NULL DEFAULT FALSE;

CREATE TABLE report (
    id BIGSERIAL PRIMARY KEY,
    -- The Flag's id, for a report from another server.
    ap_id TEXT UNIQUE,
    -- Null when another server reported without naming the reporter.
    reporter_id BIGINT REFERENCES person(id) ON DELETE SET NULL,
    origin_instance_id BIGINT NOT NULL REFERENCES instance(id),
    post_id BIGINT REFERENCES post(id) ON DELETE CASCADE,
    comment_id BIGINT REFERENCES comment(id) ON DELETE CASCADE,
    -- The account reported: the author of the content, or the person.
    person_id BIGINT NOT NULL REFERENCES person(id) ON DELETE CASCADE,
    -- Where the content lives; null for a report of a person.
    group_id BIGINT REFERENCES grp(id) ON DELETE CASCADE,
    reason TEXT NOT NULL,
    -- open | resolved | dismissed
    state TEXT NOT NULL DEFAULT 'open',
    resolution TEXT,
    resolved_by BIGINT REFERENCES person(id) ON DELETE SET NULL,
    forwarded BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMP NOT NULL,
    resolved_at TIMESTAMP
);
CREATE INDEX report_group_state ON report (group_id, state, id);
CREATE INDEX report_state ON report (state, id);
CREATE INDEX report_reporter ON report (reporter_id, id);

CREATE TABLE mod_action (
    id BIGSERIAL PRIMARY KEY,
    action TEXT NOT NULL,
    moderator_id BIGINT NOT NULL REFERENCES person(id) ON DELETE CASCADE,
    group_id BIGINT REFERENCES grp(id) ON DELETE CASCADE,
    post_id BIGINT REFERENCES post(id) ON DELETE CASCADE,
    comment_id BIGINT REFERENCES comment(id) ON DELETE CASCADE,
    -- The person acted on (banned, warned, made moderator, ...).
    person_id BIGINT REFERENCES person(id) ON DELETE CASCADE,
    reason TEXT,
    expires_at TIMESTAMP,
    -- Applied here as received from another server.
    remote BOOLEAN NOT NULL DEFAULT FALSE,
    -- Instance-level actions are shown in the admins' audit log only.
    admin_only BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX mod_action_group ON mod_action (group_id, id);
CREATE INDEX mod_action_moderator ON mod_action (moderator_id, id);
CREATE INDEX mod_action_person ON mod_action (person_id, id);

-- Instance settings changed at run time (federation mode, ...).
CREATE TABLE setting (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- Content held for review (watched words, silenced servers): shown only to
-- its author and the moderators until approved.
ALTER TABLE post ADD COLUMN held BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE comment ADD COLUMN held BOOLEAN NOT NULL DEFAULT FALSE;
CREATE INDEX post_held ON post (held, group_id) ;
CREATE INDEX comment_held ON comment (held, post_id);

-- Watched words of the instance (group_id null) or of a group, and what a
-- match does: block, hold (for review) or flag (a report).
CREATE TABLE watched_word (
    id BIGSERIAL PRIMARY KEY,
    group_id BIGINT REFERENCES grp(id) ON DELETE CASCADE,
    word TEXT NOT NULL,
    action TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX watched_word_group ON watched_word (group_id);

-- Terms of service, versioned; the version each local account accepted.
CREATE TABLE terms (
    version BIGSERIAL PRIMARY KEY,
    body TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
ALTER TABLE local_user ADD COLUMN accepted_terms BIGINT;
