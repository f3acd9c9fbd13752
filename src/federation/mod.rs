//! ActivityPub: ids and signing keys of local actors and objects, their JSON
//! shapes, and discovery (WebFinger, NodeInfo, host-meta).

pub mod actors;
pub mod context;
pub mod http;
pub mod ids;
pub mod keys;
pub mod nodeinfo;
pub mod objects;
pub mod outbox;
pub mod webfinger;
