//! Guildhall's integration tests, in one test binary: one link instead of
//! one per file, which keeps a clean build's time and disk in bounds.
//! Each module is one subject; `common` is the harness (servers on
//! loopback, remote stand-ins, the browser, mail and webhook sinks).

#[macro_use]
mod common;

mod albums;
mod analytics;
mod answer_cache;
mod api_tokens;
mod articles;
mod browser_accounts;
mod browser_admin;
mod browser_analytics;
mod browser_articles;
mod browser_content;
mod browser_escalation;
mod browser_federation;
mod browser_frame;
mod browser_ideas;
mod browser_influence;
mod browser_media;
mod browser_moderation;
mod browser_search;
mod browser_tokens;
mod cli;
mod delivery;
mod discovery;
mod email;
mod escalation;
mod events;
mod federation_content;
mod federation_follow;
mod federation_mastodon;
mod federation_refusals;
mod federation_relay_forms;
mod federation_trust;
mod federation_types;
mod federation_update_order;
mod feeds;
mod hostile_input;
mod ideas;
mod influence;
mod inspect;
mod login_limits;
mod mastodon_api;
mod media;
mod metrics;
mod moderation;
mod notifications;
mod privacy;
mod protocol;
mod refusals;
mod remote_reports;
mod reports;
mod reputation;
mod search;
mod signatures;
mod sqlite_build;
mod walk;
mod webhooks;
mod wire_snapshots;
mod xss;
