-- Community analytics (docs/analytics.md): daily rollups kept by the
-- analytics job. Days are UTC day numbers (days since 1970-01-01), the
-- same integer on both backends.

-- Per group and day: what happened there.
CREATE TABLE analytics_day (
    group_id BIGINT NOT NULL REFERENCES grp(id) ON DELETE CASCADE,
    day BIGINT NOT NULL,
    new_members BIGINT NOT NULL,
    threads BIGINT NOT NULL,
    comments BIGINT NOT NULL,
    votes BIGINT NOT NULL,
    questions BIGINT NOT NULL,
    PRIMARY KEY (group_id, day)
);
CREATE INDEX analytics_day_day ON analytics_day (day, group_id);

-- Per group, day and person who posted, commented or voted there that
-- day: distinct active people over any range are exact counts. The
-- person's server is kept beside them for participation by server.
CREATE TABLE analytics_activity (
    group_id BIGINT NOT NULL REFERENCES grp(id) ON DELETE CASCADE,
    day BIGINT NOT NULL,
    person_id BIGINT NOT NULL REFERENCES person(id) ON DELETE CASCADE,
    instance_id BIGINT NOT NULL,
    threads BIGINT NOT NULL,
    comments BIGINT NOT NULL,
    votes BIGINT NOT NULL,
    PRIMARY KEY (group_id, day, person_id)
);
CREATE INDEX analytics_activity_day ON analytics_activity (day, person_id);
CREATE INDEX analytics_activity_person ON analytics_activity (person_id, day);

-- The job reads what was created since its last completed day.
CREATE INDEX post_created ON post (created_at);
CREATE INDEX comment_created ON comment (created_at);
CREATE INDEX vote_created ON vote (created_at);
CREATE INDEX membership_created ON membership (created_at);
CREATE INDEX question_escalation_asked ON question_escalation (asked_at);
