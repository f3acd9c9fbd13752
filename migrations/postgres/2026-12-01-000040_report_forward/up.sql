-- Where a forwarded report was sent, and what became of each delivery: the
-- forwarding moderator sees a refusal.
CREATE TABLE report_forward (
    id BIGSERIAL PRIMARY KEY,
    report_id BIGINT NOT NULL REFERENCES report(id) ON DELETE CASCADE,
    -- The Flag sent, and the inbox it was sent to.
    activity_ap_id TEXT NOT NULL,
    inbox_url TEXT NOT NULL,
    -- queued | delivered | refused
    state TEXT NOT NULL DEFAULT 'queued',
    error TEXT,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX report_forward_activity ON report_forward (activity_ap_id, inbox_url);
CREATE INDEX report_forward_report ON report_forward (report_id);
