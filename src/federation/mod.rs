//! ActivityPub identity of local objects: their ids and signing keys.
//! (The protocol itself — inbox, outbox, delivery — builds on these.)

pub mod ids;
pub mod keys;
