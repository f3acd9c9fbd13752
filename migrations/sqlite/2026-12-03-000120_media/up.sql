-- Media: images uploaded here (re-encoded, kept in the file store under
-- file_key) and images of other servers (linked by remote_url), attached
-- to a thread or a comment, and so shown in the group's gallery.
CREATE TABLE media (
    id INTEGER PRIMARY KEY,
    owner_id BIGINT NOT NULL REFERENCES person(id) ON DELETE CASCADE,
    local BOOLEAN NOT NULL,
    -- The re-encoded image and its thumbnail in the file store (local media).
    file_key TEXT,
    thumb_key TEXT,
    -- Where a remote image is (remote media).
    remote_url TEXT,
    media_type TEXT NOT NULL,
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    byte_size BIGINT NOT NULL,
    blurhash TEXT,
    alt TEXT NOT NULL DEFAULT '',
    post_id BIGINT REFERENCES post(id) ON DELETE CASCADE,
    comment_id BIGINT REFERENCES comment(id) ON DELETE CASCADE,
    group_id BIGINT REFERENCES grp(id) ON DELETE CASCADE,
    position INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    -- Null until attached: uploads never attached are removed after a grace period.
    attached_at TIMESTAMP
);

CREATE INDEX media_post ON media (post_id) WHERE post_id IS NOT NULL;
CREATE INDEX media_comment ON media (comment_id) WHERE comment_id IS NOT NULL;
CREATE INDEX media_group ON media (group_id, id) WHERE group_id IS NOT NULL;
CREATE INDEX media_unattached ON media (created_at) WHERE attached_at IS NULL;
