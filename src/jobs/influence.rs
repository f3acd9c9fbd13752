//! The influence job: computes the rankings (`community::influence`)
//! every `influence.period_secs`.

use super::periodic::{self, Periodic};
use crate::community::influence;
use crate::App;

pub fn spawn(app: App) -> tokio::task::JoinHandle<()> {
    let job = Periodic {
        name: "influence",
        period_secs: app.config.influence.period_secs,
        work: influence::compute,
    };
    periodic::spawn(app, job)
}
