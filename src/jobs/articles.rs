//! The article scheduler: publishes scheduled articles when their time
//! comes. It sleeps until the next one is due, and wakes at least every
//! `articles.schedule_check_secs` (an article scheduled meanwhile, or by
//! another process, is seen then). Several processes may run it: an
//! article is published once (`store::articles::mark_due_published`).

use crate::community::articles;
use crate::store::now;
use crate::App;
use std::time::Duration;

pub fn spawn(app: App) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let most = Duration::from_secs(app.config.articles.schedule_check_secs);
        loop {
            match articles::publish_due(&app).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(published = n, "scheduled articles published"),
                Err(e) => tracing::warn!(error = ?e, "publishing scheduled articles failed"),
            }
            let wait = match articles::next_due(&app).await {
                Ok(Some(at)) => (at - now()).to_std().unwrap_or(Duration::ZERO).min(most),
                Ok(None) => most,
                Err(e) => {
                    tracing::warn!(error = ?e, "reading the next scheduled article failed");
                    most
                }
            };
            // Never a busy loop on a time a few microseconds off.
            tokio::time::sleep(wait.max(Duration::from_millis(50))).await;
        }
    })
}
