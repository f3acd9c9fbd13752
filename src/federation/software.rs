//! What software a follower's server runs, read from its NodeInfo when one
//! of its people first joins a local group, and so which forms of a
//! group's relay it reads: Lemmy and its kin refuse `Announce(object)`
//! ("missing field `actor`") and fetch the thread for nothing, while
//! Mastodon and its kin show it as a boost.

use super::actors::authority;
use super::nodeinfo::SCHEMA_2_1;
use super::sending::{CheckedResolver, Reach};
use crate::error::{Error, ErrorKind, Result};
use crate::store::instances;
use crate::App;
use serde::Deserialize;
use std::time::Duration;
use url::Url;

/// Software that reads a group's `Announce(activity)` and refuses
/// `Announce(object)`: the threadiverse (NodeInfo names, lowercase).
const THREADIVERSE: &[&str] = &[
    "lemmy",
    "mbin",
    "kbin",
    "piefed",
    "guildhall",
    "sublinks",
    "lotide",
];

/// A NodeInfo document or its index is small; more is not read.
const MAX_NODEINFO: usize = 64 * 1024;

/// Which forms of a group's relay a server reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reader {
    /// Lemmy, Mbin, PieFed, Guildhall: `Announce(activity)` only.
    Threadiverse,
    /// Mastodon, Pleroma, Akkoma, Misskey, and any server whose software
    /// is not known: `Announce(object)` of a new thread as a boost, and
    /// `Announce(activity)` for replies, votes and edits.
    Microblog,
}

impl Reader {
    pub fn of(software: Option<&str>) -> Reader {
        match software {
            Some(name) if THREADIVERSE.contains(&name.to_ascii_lowercase().as_str()) => {
                Reader::Threadiverse
            }
            _ => Reader::Microblog,
        }
    }
}

/// Records the software of `actor`'s server from its NodeInfo, unless it
/// is known already. A server that does not say stays unknown (and is
/// sent both forms); that is logged, never an error for the caller.
pub async fn learn(app: &App, actor: &Url) -> Result<()> {
    let domain = authority(actor);
    let lookup = domain.clone();
    let known = app
        .store
        .run(move |conn| instances::by_domain(conn, &lookup))
        .await?
        .is_some_and(|i| i.local || i.software.is_some());
    if known {
        return Ok(());
    }
    let timeout = Duration::from_secs(u64::from(app.config.federation.request_timeout_secs));
    match nodeinfo_software(actor, Reach::of(&app.config), timeout).await {
        Ok(name) => {
            tracing::debug!(server = %domain, software = %name, "NodeInfo read");
            app.store
                .run(move |conn| {
                    instances::ensure_remote(conn, &domain)?;
                    instances::set_software(conn, &domain, &name)
                })
                .await
        }
        Err(e) => {
            tracing::info!(server = %domain, error = %e, "no NodeInfo: software unknown");
            Ok(())
        }
    }
}

#[derive(Deserialize)]
struct Links {
    links: Vec<Link>,
}

#[derive(Deserialize)]
struct Link {
    rel: String,
    href: String,
}

#[derive(Deserialize)]
struct NodeInfo {
    software: Software,
}

#[derive(Deserialize)]
struct Software {
    name: String,
}

/// The software name in the NodeInfo of `actor`'s server: the index at
/// `/.well-known/nodeinfo`, then the 2.x document it links to on the same
/// server. No redirects, a time-out, a size limit, and only the addresses
/// deliveries may reach (no private ones outside debug mode).
async fn nodeinfo_software(actor: &Url, reach: Reach, timeout: Duration) -> Result<String> {
    let client = reqwest::Client::builder()
        .dns_resolver(std::sync::Arc::new(CheckedResolver::new(reach)))
        .redirect(reqwest::redirect::Policy::none())
        .timeout(timeout)
        .user_agent(concat!("Guildhall/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| Error::internal("cannot build an HTTP client", e))?;
    let mut index_url = actor.clone();
    index_url.set_path("/.well-known/nodeinfo");
    index_url.set_query(None);
    index_url.set_fragment(None);
    let index: Links = get_json(&client, &index_url).await?;
    let schema_2 = SCHEMA_2_1.trim_end_matches("2.1");
    let href = index
        .links
        .iter()
        .filter(|l| l.rel.starts_with(schema_2))
        .max_by(|a, b| a.rel.cmp(&b.rel))
        .ok_or_else(|| Error::not_found("the NodeInfo index links no 2.x document"))?;
    let doc_url =
        Url::parse(&href.href).map_err(|_| Error::bad_request("the NodeInfo link is not a URL"))?;
    super::actors::check_origin(&doc_url, actor)?;
    let doc: NodeInfo = get_json(&client, &doc_url).await?;
    let name: String = doc.software.name.trim().to_ascii_lowercase();
    if name.is_empty() || name.len() > 64 {
        return Err(Error::bad_request("the NodeInfo software name is unusable"));
    }
    Ok(name)
}

async fn get_json<T: serde::de::DeserializeOwned>(
    client: &reqwest::Client,
    url: &Url,
) -> Result<T> {
    let unreachable =
        |e: reqwest::Error| Error::new(ErrorKind::Unavailable, format!("GET {url}: {e}"));
    let mut response = client
        .get(url.clone())
        .header("accept", "application/json")
        .send()
        .await
        .map_err(unreachable)?;
    if !response.status().is_success() {
        return Err(Error::not_found(format!(
            "GET {url} answered {}",
            response.status()
        )));
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(unreachable)? {
        body.extend_from_slice(&chunk);
        if body.len() > MAX_NODEINFO {
            return Err(Error::too_large(format!("{url} is larger than a NodeInfo")));
        }
    }
    serde_json::from_slice(&body).map_err(|e| Error::bad_request(format!("{url}: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readers_by_software() {
        for name in ["lemmy", "Mbin", "piefed", "guildhall"] {
            assert_eq!(Reader::of(Some(name)), Reader::Threadiverse, "{name}");
        }
        for name in [
            Some("mastodon"),
            Some("pleroma"),
            Some("akkoma"),
            Some("misskey"),
            None,
        ] {
            assert_eq!(Reader::of(name), Reader::Microblog, "{name:?}");
        }
    }

    #[tokio::test]
    async fn nodeinfo_is_not_read_from_private_addresses_outside_debug() {
        use std::io::Read;
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
        let port = listener.local_addr().expect("its address").port();
        // Counts the connections that arrive, answering none of them.
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for mut conn in listener.incoming().flatten() {
                let mut first = [0u8; 64];
                let n = conn.read(&mut first).unwrap_or(0);
                let _ = tx.send(String::from_utf8_lossy(&first[..n]).to_string());
            }
        });
        let actor = Url::parse(&format!("http://localhost:{port}/u/kim")).expect("a URL");
        let timeout = Duration::from_secs(2);
        let refused = nodeinfo_software(&actor, Reach::Public, timeout).await;
        assert!(refused.is_err());
        // The marker: in debug mode the same lookup connects.
        let _ = nodeinfo_software(&actor, Reach::Any, timeout).await;
        let first = rx.recv().expect("a connection");
        assert!(first.starts_with("GET /.well-known/nodeinfo"), "{first}");
        assert!(
            rx.try_recv().is_err(),
            "only the debug-mode lookup connected"
        );
    }
}
