//! The federation library's configuration for this server: our domain, the
//! instance actor that signs fetches, fetch limits, and debug mode.

use super::actors::Signer;
use crate::error::{Error, ErrorKind, Result};
use crate::App;
use activitypub_federation::config::FederationConfig;

pub type FedConfig = FederationConfig<App>;

pub async fn build(app: &App) -> Result<FedConfig> {
    let actor_id = format!("{}/actor", app.config.base_url());
    let signer = Signer::load(app, &actor_id)
        .await?
        .ok_or_else(|| Error::new(ErrorKind::Internal, "the instance actor has no keys"))?;
    FederationConfig::builder()
        .domain(app.config.domain())
        .app_data(app.clone())
        .debug(app.config.federation.debug)
        .http_fetch_limit(app.config.federation.fetch_limit)
        .signed_fetch_actor(&signer)
        // draft-cavage signatures over (request-target) host date digest,
        // without (created)/(expires): what Mastodon, Pleroma and Lemmy
        // all verify.
        .http_signature_compat(true)
        .build()
        .await
        .map_err(|e| Error::new(ErrorKind::Internal, format!("federation setup failed: {e}")))
}
