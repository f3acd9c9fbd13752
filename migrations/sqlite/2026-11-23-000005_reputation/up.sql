-- Reputation: a ledger of gains and losses per person (local or remote),
-- a cached summary per person, badges, and accepted solutions.
CREATE TABLE reputation_event (
    id INTEGER PRIMARY KEY,
    person_id BIGINT NOT NULL REFERENCES person(id) ON DELETE CASCADE,
    -- What counts: the points after weight and caps.
    amount BIGINT NOT NULL,
    -- The points before the daily caps (after the vote weight).
    raw_amount BIGINT NOT NULL,
    -- upvote, downvote, downvote_cast, solution, solution_accepted, kudos,
    -- removed, report_upheld.
    reason TEXT NOT NULL,
    -- Who caused it: the voter, the accepter, the staff member, the moderator.
    actor_id BIGINT REFERENCES person(id) ON DELETE SET NULL,
    post_id BIGINT REFERENCES post(id) ON DELETE SET NULL,
    comment_id BIGINT REFERENCES comment(id) ON DELETE SET NULL,
    group_id BIGINT REFERENCES grp(id) ON DELETE SET NULL,
    -- The server of the person who caused it.
    origin_instance_id BIGINT NOT NULL REFERENCES instance(id) ON DELETE CASCADE,
    -- Reversed events stay in the ledger and count nothing.
    reversed_at TIMESTAMP,
    reversal TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX reputation_event_person ON reputation_event (person_id, created_at);
CREATE INDEX reputation_event_actor ON reputation_event (actor_id, created_at);
CREATE INDEX reputation_event_post ON reputation_event (post_id);
CREATE INDEX reputation_event_comment ON reputation_event (comment_id);
CREATE INDEX reputation_event_time ON reputation_event (created_at);

CREATE TABLE reputation (
    person_id BIGINT PRIMARY KEY REFERENCES person(id) ON DELETE CASCADE,
    points BIGINT NOT NULL,
    solutions BIGINT NOT NULL,
    upvotes BIGINT NOT NULL,
    rank TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX reputation_points ON reputation (points);

CREATE TABLE badge (
    id INTEGER PRIMARY KEY,
    person_id BIGINT NOT NULL REFERENCES person(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    awarded_at TIMESTAMP NOT NULL,
    UNIQUE (person_id, name)
);

-- A question's accepted answer.
ALTER TABLE post ADD COLUMN accepted_comment_id BIGINT REFERENCES comment(id) ON DELETE SET NULL;

-- Automatic actions (serial-vote reversal) have no moderator: SQLite cannot
-- drop NOT NULL in place, so the table is rebuilt.
CREATE TABLE mod_action_new (
    id INTEGER PRIMARY KEY,
    action TEXT NOT NULL,
    moderator_id BIGINT REFERENCES person(id) ON DELETE CASCADE,
    group_id BIGINT REFERENCES grp(id) ON DELETE CASCADE,
    post_id BIGINT REFERENCES post(id) ON DELETE CASCADE,
    comment_id BIGINT REFERENCES comment(id) ON DELETE CASCADE,
    person_id BIGINT REFERENCES person(id) ON DELETE CASCADE,
    reason TEXT,
    expires_at TIMESTAMP,
    remote BOOLEAN NOT NULL DEFAULT 0,
    admin_only BOOLEAN NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL
);
INSERT INTO mod_action_new SELECT id, action, moderator_id, group_id, post_id, comment_id,
    person_id, reason, expires_at, remote, admin_only, created_at FROM mod_action;
DROP TABLE mod_action;
ALTER TABLE mod_action_new RENAME TO mod_action;
CREATE INDEX mod_action_group ON mod_action (group_id, id);
CREATE INDEX mod_action_moderator ON mod_action (moderator_id, id);
CREATE INDEX mod_action_person ON mod_action (person_id, id);
