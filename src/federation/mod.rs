//! ActivityPub: ids and signing keys of local actors and objects, their JSON
//! shapes, and discovery (WebFinger, NodeInfo, host-meta).

pub mod activities;
pub mod actors;
pub mod consumer;
pub mod context;
pub mod http;
pub mod ideas;
pub mod ids;
pub mod inbox;
pub mod inspect;
pub mod keys;
pub mod moderation;
pub mod nodeinfo;
pub mod objects;
pub mod outbox;
pub mod profiles;
pub mod protocol;
pub mod publish;
pub mod resolve;
pub mod sending;
pub mod signature;
pub mod software;
pub mod webfinger;
