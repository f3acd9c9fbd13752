-- The site's branding, set by admins from the web pages: one row (id 1),
-- absent until first saved (the configuration's site_name applies).
CREATE TABLE branding (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    site_name TEXT NOT NULL,
    -- An http(s) address of the logo image, or none.
    logo_url TEXT,
    -- "#rrggbb", or none for the default.
    accent_colour TEXT,
    -- Markdown, shown on the home page.
    introduction TEXT NOT NULL DEFAULT '',
    -- JSON: [{"label": "...", "url": "..."}].
    footer_links TEXT NOT NULL DEFAULT '[]',
    -- Served as /branding.css after the site's own style sheet.
    custom_css TEXT NOT NULL DEFAULT '',
    updated_at TIMESTAMP NOT NULL
);

-- What a session is, for the account's list of sessions: "web" (a
-- browser's cookie) or "api" (a bearer token), and the browser or client
-- that opened it.
ALTER TABLE auth_token ADD COLUMN kind TEXT NOT NULL DEFAULT 'api';
ALTER TABLE auth_token ADD COLUMN user_agent TEXT;
