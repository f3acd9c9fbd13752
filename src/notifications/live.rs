//! Wakes the open notification streams of this process when the consumer
//! stored new notifications; streams also look every
//! `notifications.stream_poll_ms` for those another process stored.

use tokio::sync::futures::Notified;
use tokio::sync::Notify;

#[derive(Default)]
pub struct Live {
    stored: Notify,
}

impl Live {
    /// After the consumer committed a batch.
    pub fn wake(&self) {
        self.stored.notify_waiters();
    }

    /// Completes at the next `wake` (register it before looking).
    pub fn stored(&self) -> Notified<'_> {
        self.stored.notified()
    }
}
