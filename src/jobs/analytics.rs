//! The analytics job: rolls the day's figures up (`community::analytics`)
//! every `analytics.period_secs`.

use super::periodic::{self, Periodic};
use crate::community::analytics;
use crate::App;

pub fn spawn(app: App) -> tokio::task::JoinHandle<()> {
    let job = Periodic {
        name: "analytics",
        period_secs: app.config.analytics.period_secs,
        work: analytics::roll_up,
    };
    periodic::spawn(app, job)
}
