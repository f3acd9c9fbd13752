//! Background work that runs beside the HTTP server.

pub mod analytics;
pub mod articles;
pub mod delivery;
pub mod escalation;
pub mod events;
pub mod influence;
pub mod mail;
pub mod media;
pub mod notification_mail;
pub mod periodic;
pub mod reputation;
pub mod webhooks;
