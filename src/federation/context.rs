//! The federation library's configuration for this server: our domain, the
//! instance actor that signs fetches, fetch limits and time-outs, blocked
//! domains, and debug mode.

use super::actors::{authority, Signer};
use crate::error::{Error, ErrorKind, Result};
use crate::moderation::policy;
use crate::App;
use activitypub_federation::config::FederationConfig;
use activitypub_federation::config::UrlVerifier;
use activitypub_federation::error::Error as FedError;
use async_trait::async_trait;
use url::Url;

pub type FedConfig = FederationConfig<App>;

/// Never fetches from or delivers to a server we do not federate with
/// (blocked, or not a partner in allowlist mode).
#[derive(Clone)]
struct BlockedDomains(App);

#[async_trait]
impl UrlVerifier for BlockedDomains {
    async fn verify(&self, url: &Url) -> std::result::Result<(), FedError> {
        let domain = authority(url);
        let refusal = self
            .0
            .store
            .run(move |conn| policy::refusal(conn, &domain))
            .await
            .map_err(|e| FedError::Other(e.to_string()))?;
        if let Some(why) = refusal {
            tracing::debug!(url = %url, why, "not fetched from nor delivered to");
            return Err(FedError::UrlVerificationError(
                "this domain is not federated with here",
            ));
        }
        Ok(())
    }
}

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
        .request_timeout(std::time::Duration::from_secs(u64::from(
            app.config.federation.request_timeout_secs,
        )))
        .url_verifier(Box::new(BlockedDomains(app.clone())))
        .signed_fetch_actor(&signer)
        // draft-cavage signatures over (request-target) host date digest,
        // without (created)/(expires): what Mastodon, Pleroma and Lemmy
        // all verify.
        .http_signature_compat(true)
        .build()
        .await
        .map_err(|e| Error::new(ErrorKind::Internal, format!("federation setup failed: {e}")))
}
