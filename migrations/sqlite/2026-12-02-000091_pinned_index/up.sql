-- A group's pinned threads (the group page, the featured collection) are
-- found without reading the group's other threads.
CREATE INDEX post_group_pinned ON post (group_id, pinned, created_at);
