-- Mail waiting to go out, and what happened to it: one row per message.
-- The mail worker claims due rows with a lease (jobs::mail).
CREATE TABLE mail (
    id INTEGER PRIMARY KEY,
    -- The account it is for (its mail goes with it).
    local_user_id BIGINT NOT NULL REFERENCES local_user(id) ON DELETE CASCADE,
    to_address TEXT NOT NULL,
    subject TEXT NOT NULL,
    -- Emptied once the mail is sent or given up (it may hold a live link).
    text_body TEXT NOT NULL,
    html_body TEXT,
    -- The RFC 8058 one-click unsubscribe address of this mail.
    unsubscribe_url TEXT NOT NULL,
    -- store::mail::MailState: pending, sending (leased), sent, failed.
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP
);
CREATE INDEX mail_due ON mail (state, next_attempt_at);

-- Links sent by mail, stored hashed: address verification, password
-- reset (single use, expiring) and unsubscribe.
CREATE TABLE mail_token (
    id INTEGER PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    local_user_id BIGINT NOT NULL REFERENCES local_user(id) ON DELETE CASCADE,
    -- store::mail::Purpose: verify, reset, unsubscribe.
    purpose TEXT NOT NULL,
    -- verify: the address it confirms; unsubscribe: the notification kind,
    -- or '' for all notification mail.
    scope TEXT NOT NULL DEFAULT '',
    expires_at TIMESTAMP,
    used_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);

-- A member's mail settings. No row: nothing verified, notification mail
-- at once.
CREATE TABLE mail_account (
    local_user_id BIGINT PRIMARY KEY REFERENCES local_user(id) ON DELETE CASCADE,
    -- The address that was confirmed: verified while it equals
    -- local_user.email, so a changed address is unverified by itself.
    verified_email TEXT,
    -- store::mail::Frequency: immediate, daily, never.
    frequency TEXT NOT NULL,
    -- When the last daily digest was made (or daily mail chosen).
    digest_at TIMESTAMP
);

-- The notifications a member's mail has not told of yet, by kind.
CREATE INDEX notification_mail ON notification (person_id, kind, emailed_at);
