-- Core data model: instances, people, groups, membership, follows, threads,
-- comments, votes, and the federation bookkeeping tables.
CREATE TABLE instance (
    id BIGSERIAL PRIMARY KEY,
    domain TEXT NOT NULL UNIQUE,
    local BOOLEAN NOT NULL DEFAULT FALSE,
    software TEXT,
    policy TEXT NOT NULL DEFAULT 'open',
    reject_media BOOLEAN NOT NULL DEFAULT FALSE,
    vote_weight DOUBLE PRECISION NOT NULL DEFAULT 1.0,
    failures INTEGER NOT NULL DEFAULT 0,
    last_seen_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);

-- User and group names of this instance share one namespace.
CREATE TABLE local_name (
    name TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL
);

CREATE TABLE person (
    id BIGSERIAL PRIMARY KEY,
    ap_id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    display_name TEXT,
    bio_source TEXT,
    bio_html TEXT,
    local BOOLEAN NOT NULL,
    instance_id BIGINT NOT NULL REFERENCES instance(id),
    inbox_url TEXT NOT NULL,
    shared_inbox_url TEXT,
    public_key TEXT NOT NULL,
    private_key TEXT,
    bot BOOLEAN NOT NULL DEFAULT FALSE,
    deleted BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (instance_id, name)
);

CREATE TABLE local_user (
    id BIGSERIAL PRIMARY KEY,
    person_id BIGINT NOT NULL UNIQUE REFERENCES person(id) ON DELETE CASCADE,
    password_hash TEXT NOT NULL,
    email TEXT UNIQUE,
    role TEXT NOT NULL DEFAULT 'user',
    state TEXT NOT NULL DEFAULT 'active',
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE auth_token (
    id BIGSERIAL PRIMARY KEY,
    local_user_id BIGINT NOT NULL REFERENCES local_user(id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP NOT NULL,
    revoked BOOLEAN NOT NULL DEFAULT FALSE
);

CREATE TABLE grp (
    id BIGSERIAL PRIMARY KEY,
    ap_id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    title TEXT NOT NULL,
    description_source TEXT,
    description_html TEXT,
    kind TEXT NOT NULL,
    join_policy TEXT NOT NULL,
    posting_restricted_to_mods BOOLEAN NOT NULL DEFAULT FALSE,
    local BOOLEAN NOT NULL,
    instance_id BIGINT NOT NULL REFERENCES instance(id),
    inbox_url TEXT NOT NULL,
    shared_inbox_url TEXT,
    followers_url TEXT NOT NULL,
    moderators_url TEXT,
    featured_url TEXT,
    outbox_url TEXT,
    public_key TEXT NOT NULL,
    private_key TEXT,
    member_count BIGINT NOT NULL DEFAULT 0,
    post_count BIGINT NOT NULL DEFAULT 0,
    deleted BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (instance_id, name)
);

CREATE TABLE membership (
    id BIGSERIAL PRIMARY KEY,
    person_id BIGINT NOT NULL REFERENCES person(id) ON DELETE CASCADE,
    group_id BIGINT NOT NULL REFERENCES grp(id) ON DELETE CASCADE,
    state TEXT NOT NULL,
    role TEXT NOT NULL,
    follow_ap_id TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (person_id, group_id)
);
CREATE INDEX membership_group_state ON membership (group_id, state);

CREATE TABLE follow (
    id BIGSERIAL PRIMARY KEY,
    follower_id BIGINT NOT NULL REFERENCES person(id) ON DELETE CASCADE,
    followee_id BIGINT NOT NULL REFERENCES person(id) ON DELETE CASCADE,
    state TEXT NOT NULL,
    ap_id TEXT,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (follower_id, followee_id)
);
CREATE INDEX follow_followee ON follow (followee_id);

CREATE TABLE post (
    id BIGSERIAL PRIMARY KEY,
    ap_id TEXT NOT NULL UNIQUE,
    group_id BIGINT NOT NULL REFERENCES grp(id),
    author_id BIGINT NOT NULL REFERENCES person(id),
    kind TEXT NOT NULL DEFAULT 'discussion',
    title TEXT NOT NULL,
    body_source TEXT NOT NULL,
    body_html TEXT NOT NULL,
    local BOOLEAN NOT NULL,
    score BIGINT NOT NULL DEFAULT 0,
    upvotes BIGINT NOT NULL DEFAULT 0,
    downvotes BIGINT NOT NULL DEFAULT 0,
    comment_count BIGINT NOT NULL DEFAULT 0,
    hot_rank DOUBLE PRECISION NOT NULL DEFAULT 0,
    removed BOOLEAN NOT NULL DEFAULT FALSE,
    deleted BOOLEAN NOT NULL DEFAULT FALSE,
    locked BOOLEAN NOT NULL DEFAULT FALSE,
    pinned BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP,
    last_activity_at TIMESTAMP NOT NULL
);
CREATE INDEX post_group_new ON post (group_id, created_at, id);
CREATE INDEX post_group_top ON post (group_id, score, id);
CREATE INDEX post_group_hot ON post (group_id, hot_rank, id);
CREATE INDEX post_author ON post (author_id, created_at);

CREATE TABLE comment (
    id BIGSERIAL PRIMARY KEY,
    ap_id TEXT NOT NULL UNIQUE,
    post_id BIGINT NOT NULL REFERENCES post(id),
    parent_id BIGINT REFERENCES comment(id),
    author_id BIGINT NOT NULL REFERENCES person(id),
    depth INTEGER NOT NULL DEFAULT 0,
    body_source TEXT NOT NULL,
    body_html TEXT NOT NULL,
    local BOOLEAN NOT NULL,
    score BIGINT NOT NULL DEFAULT 0,
    upvotes BIGINT NOT NULL DEFAULT 0,
    downvotes BIGINT NOT NULL DEFAULT 0,
    removed BOOLEAN NOT NULL DEFAULT FALSE,
    deleted BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP
);
CREATE INDEX comment_post ON comment (post_id, id);

-- One vote per person per thread or comment; exactly one target is set.
CREATE TABLE vote (
    id BIGSERIAL PRIMARY KEY,
    person_id BIGINT NOT NULL REFERENCES person(id) ON DELETE CASCADE,
    post_id BIGINT REFERENCES post(id) ON DELETE CASCADE,
    comment_id BIGINT REFERENCES comment(id) ON DELETE CASCADE,
    value INTEGER NOT NULL,
    ap_id TEXT UNIQUE,
    created_at TIMESTAMP NOT NULL,
    CHECK ((post_id IS NULL) <> (comment_id IS NULL)),
    CHECK (value IN (-1, 1))
);
CREATE UNIQUE INDEX vote_person_post ON vote (person_id, post_id) WHERE post_id IS NOT NULL;
CREATE UNIQUE INDEX vote_person_comment ON vote (person_id, comment_id) WHERE comment_id IS NOT NULL;

-- Activity ids seen or sent: a repeat is recognised and changes nothing.
CREATE TABLE activity (
    id BIGSERIAL PRIMARY KEY,
    ap_id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    local BOOLEAN NOT NULL,
    data TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

-- The outgoing delivery queue.
CREATE TABLE delivery (
    id BIGSERIAL PRIMARY KEY,
    activity_id BIGINT NOT NULL REFERENCES activity(id) ON DELETE CASCADE,
    inbox_url TEXT NOT NULL,
    signer_ap_id TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX delivery_due ON delivery (state, next_attempt_at);
