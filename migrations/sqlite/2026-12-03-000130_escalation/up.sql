-- Escalation of unanswered questions (docs/content.md): each group's
-- response targets, and each question's way to its first reply and its
-- accepted answer (kept for analytics).

-- A group's response targets; no row: the [escalation] defaults.
CREATE TABLE response_target (
    group_id BIGINT PRIMARY KEY REFERENCES grp(id) ON DELETE CASCADE,
    -- Off: the group's questions never escalate.
    escalates BOOLEAN NOT NULL DEFAULT TRUE,
    -- Seconds to the moderators and staff, then to the admins; NULL: the default.
    first_secs BIGINT,
    second_secs BIGINT,
    updated_at TIMESTAMP NOT NULL
);

-- One row per question in a local group.
CREATE TABLE question_escalation (
    post_id BIGINT PRIMARY KEY REFERENCES post(id) ON DELETE CASCADE,
    group_id BIGINT NOT NULL REFERENCES grp(id) ON DELETE CASCADE,
    author_id BIGINT NOT NULL REFERENCES person(id) ON DELETE CASCADE,
    asked_at TIMESTAMP NOT NULL,
    -- community::escalation::EscalationState: waiting, escalated,
    -- escalated_to_admins, replied, accepted.
    state TEXT NOT NULL,
    first_reply_at TIMESTAMP,
    accepted_at TIMESTAMP,
    escalated_at TIMESTAMP,
    admins_at TIMESTAMP
);
CREATE INDEX question_escalation_state ON question_escalation (state, asked_at);
CREATE INDEX question_escalation_group ON question_escalation (group_id, state, asked_at);

-- The questions already asked: their first replies as stored; an accepted
-- answer's time is unknown (NULL); an unanswered one waits, and escalates
-- at the first check when its target has passed.
INSERT INTO question_escalation (post_id, group_id, author_id, asked_at, state, first_reply_at)
SELECT p.id, p.group_id, p.author_id, p.created_at,
       CASE
           WHEN p.accepted_comment_id IS NOT NULL THEN 'accepted'
           WHEN EXISTS (SELECT 1 FROM comment c WHERE c.post_id = p.id AND c.author_id <> p.author_id
                        AND NOT c.deleted AND NOT c.removed AND NOT c.held) THEN 'replied'
           ELSE 'waiting'
       END,
       (SELECT MIN(c.created_at) FROM comment c WHERE c.post_id = p.id AND c.author_id <> p.author_id
        AND NOT c.deleted AND NOT c.removed AND NOT c.held)
FROM post p JOIN grp g ON g.id = p.group_id
WHERE p.kind = 'question' AND g.local;
