//! The orphan clean-up: every hour, uploads never attached to a thread or
//! comment within `media.orphan_grace_hours` are removed, rows and files.
//! Several processes may run it at once: each row is deleted once, and a
//! file already gone is no error.

use crate::community::media;
use crate::App;

pub fn spawn(app: App) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(3600));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            match media::clean_orphans(&app).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(removed = n, "unattached uploads removed"),
                Err(e) => tracing::warn!(error = ?e, "the unattached-upload clean-up failed"),
            }
        }
    })
}
