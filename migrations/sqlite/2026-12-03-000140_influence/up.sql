-- Influence scores (docs/analytics.md): one row per person per ranking
-- (a group's, or the instance's when group_id is NULL) per computation.
-- Earlier computations stay a while as snapshots: rising members are
-- measured against the one a month back.
CREATE TABLE influence_score (
    id INTEGER PRIMARY KEY,
    computed_at TIMESTAMP NOT NULL,
    group_id BIGINT REFERENCES grp(id) ON DELETE CASCADE,
    person_id BIGINT NOT NULL REFERENCES person(id) ON DELETE CASCADE,
    score DOUBLE PRECISION NOT NULL,
    place INTEGER NOT NULL,
    -- JSON: whom they answered most, their most valued threads.
    reasons TEXT NOT NULL
);
CREATE INDEX influence_score_ranking ON influence_score (group_id, computed_at, place);
