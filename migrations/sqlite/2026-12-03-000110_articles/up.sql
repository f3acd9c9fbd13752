-- Blogs and articles: an article is a thread (post) of kind "article";
-- what only an article has lives here, one row per article thread.
CREATE TABLE article (
    post_id BIGINT PRIMARY KEY REFERENCES post(id) ON DELETE CASCADE,
    summary TEXT NOT NULL DEFAULT '',
    -- An http(s) URL of the cover image.
    cover_url TEXT,
    -- JSON array of tags (lower-case words).
    tags TEXT NOT NULL DEFAULT '[]',
    -- store::articles::ArticleState: draft, scheduled, published.
    state TEXT NOT NULL,
    -- When a scheduled article comes out.
    publish_at TIMESTAMP,
    published_at TIMESTAMP
);
-- The scheduler's question ("scheduled, due by now") and the readers'
-- ("which articles are not out").
CREATE INDEX article_state_due ON article (state, publish_at);

-- Private feed tokens: a member reads a club's feeds with one in the URL.
-- Stored as a SHA-256 hash; one live token per person (a new one revokes
-- the old).
CREATE TABLE feed_token (
    id INTEGER PRIMARY KEY,
    person_id BIGINT NOT NULL REFERENCES person(id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP
);
CREATE INDEX feed_token_person ON feed_token (person_id);
