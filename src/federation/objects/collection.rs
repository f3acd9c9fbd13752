//! `OrderedCollection`: moderators, featured threads and outboxes; and
//! `Collection`: followers and following (a count). Defined with the wire
//! types.

pub use crate::federation::protocol::collections::{Collection, OrderedCollection};
