-- Ideas: the current status of an idea (a thread of kind idea), which the
-- group's idea board filters and sorts on, and every change of it, kept as
-- the idea's public history. An idea without a row is "new".
CREATE TABLE idea (
    post_id BIGINT PRIMARY KEY REFERENCES post(id) ON DELETE CASCADE,
    group_id BIGINT NOT NULL REFERENCES grp(id) ON DELETE CASCADE,
    -- store::ideas::IdeaStatus: new, under_review, planned, in_progress,
    -- shipped, declined, duplicate.
    status TEXT NOT NULL,
    -- The public response that came with the last change.
    response TEXT,
    -- For a duplicate: the idea it duplicates (its votes moved there).
    duplicate_of_id BIGINT REFERENCES post(id) ON DELETE SET NULL,
    changed_by BIGINT REFERENCES person(id) ON DELETE SET NULL,
    changed_at TIMESTAMP NOT NULL
);
CREATE INDEX idea_board ON idea (group_id, status);

CREATE TABLE idea_status_change (
    id INTEGER PRIMARY KEY,
    post_id BIGINT NOT NULL REFERENCES post(id) ON DELETE CASCADE,
    status TEXT NOT NULL,
    response TEXT,
    duplicate_of_id BIGINT REFERENCES post(id) ON DELETE SET NULL,
    changed_by BIGINT REFERENCES person(id) ON DELETE SET NULL,
    changed_at TIMESTAMP NOT NULL
);
CREATE INDEX idea_status_change_of ON idea_status_change (post_id, id);
