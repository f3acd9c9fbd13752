//! Outgoing deliveries on the wire: the inbox URL checked before anything
//! is sent, the draft-cavage HTTP signature (`rsa-sha256` over
//! `(request-target) host date digest`, what Mastodon, Pleroma, Lemmy and
//! Mbin verify) made with the signer's key, and the receiver's answer read
//! as delivered, refused for good, or to be retried.
//!
//! Signing is the cost of a delivery: each one is signed for its own inbox
//! (the signature covers the host and the date). Keys are parsed once and
//! kept, and signing uses ring, several times faster than the pure-Rust
//! RSA of the federation library (docs/performance.md).

use super::actors::authority;
use crate::error::{Error, ErrorKind, Result};
use actix_web::web::Bytes;
use base64::Engine;
use ring::rand::SystemRandom;
use ring::signature::{RsaKeyPair, RSA_PKCS1_SHA256};
use rsa::pkcs1::DecodeRsaPrivateKey;
use rsa::pkcs8::{DecodePrivateKey, EncodePrivateKey};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};
use url::Url;

/// At most this much of a refusal's body is kept as the error text.
const MAX_ANSWER_TEXT: usize = 2048;

/// Parsed private keys of local actors, by actor id. A key never changes
/// once made, so entries are never stale; the map is emptied when it grows
/// past `capacity` (a server signs as a few hundred actors at most).
pub struct SigningKeys {
    capacity: usize,
    keys: Mutex<HashMap<String, Arc<RsaKeyPair>>>,
}

impl SigningKeys {
    pub fn new(capacity: usize) -> SigningKeys {
        SigningKeys {
            capacity,
            keys: Mutex::new(HashMap::new()),
        }
    }

    pub fn get(&self, actor: &str) -> Option<Arc<RsaKeyPair>> {
        self.keys.lock().ok()?.get(actor).cloned()
    }

    pub fn insert(&self, actor: &str, key: Arc<RsaKeyPair>) {
        if let Ok(mut keys) = self.keys.lock() {
            if keys.len() >= self.capacity {
                keys.clear();
            }
            keys.insert(actor.to_string(), key);
        }
    }
}

/// A private key in PEM (PKCS#8, or PKCS#1 `RSA PRIVATE KEY`) ready to sign.
pub fn parse_private_key(pem: &str) -> Result<RsaKeyPair> {
    let key = rsa::RsaPrivateKey::from_pkcs8_pem(pem)
        .or_else(|_| rsa::RsaPrivateKey::from_pkcs1_pem(pem))
        .map_err(|e| Error::internal("a signing key is not an RSA private key", e))?;
    let der = key
        .to_pkcs8_der()
        .map_err(|e| Error::internal("cannot encode a signing key", e))?;
    RsaKeyPair::from_pkcs8(der.as_bytes()).map_err(|e| {
        Error::new(
            ErrorKind::Internal,
            format!("the signing key is refused: {e}"),
        )
    })
}

/// The receiver could not be reached or asked us to come back later.
fn unreachable(detail: String) -> Error {
    Error::new(ErrorKind::Unavailable, detail)
}

/// `host[:port]` as the receiver sees it in its `Host` header.
fn host_header(inbox: &Url) -> String {
    authority(inbox)
}

/// The headers of a signed POST of `body` to `inbox` by the key `key_id`.
pub fn signed_headers(
    key: &RsaKeyPair,
    key_id: &str,
    inbox: &Url,
    body: &[u8],
    at: SystemTime,
) -> Result<Vec<(&'static str, String)>> {
    let b64 = base64::engine::general_purpose::STANDARD;
    let host = host_header(inbox);
    let date = httpdate::fmt_http_date(at);
    let digest = format!("SHA-256={}", b64.encode(Sha256::digest(body)));
    let target = match inbox.query() {
        Some(q) => format!("{}?{q}", inbox.path()),
        None => inbox.path().to_string(),
    };
    let signing_string =
        format!("(request-target): post {target}\nhost: {host}\ndate: {date}\ndigest: {digest}");
    let mut signature = vec![0; key.public().modulus_len()];
    key.sign(
        &RSA_PKCS1_SHA256,
        &SystemRandom::new(),
        signing_string.as_bytes(),
        &mut signature,
    )
    .map_err(|_| Error::new(ErrorKind::Internal, "signing failed"))?;
    let header = format!(
        "keyId=\"{key_id}\",algorithm=\"rsa-sha256\",headers=\"(request-target) host date digest\",signature=\"{}\"",
        b64.encode(signature)
    );
    Ok(vec![
        ("host", host),
        ("date", date),
        ("digest", digest),
        ("signature", header),
    ])
}

/// Whether `inbox` may be delivered to at all: http(s) with a domain name
/// (https only, no explicit port and no private or loopback address
/// outside debug mode). The domain policy is checked by the caller. This
/// refuses such an inbox for good; the connection itself is made only to
/// addresses the delivery client's [`CheckedResolver`] checked.
pub async fn check_inbox_url(inbox: &Url, debug: bool) -> Result<()> {
    let refuse = |why: &str| Err(Error::bad_request(format!("inbox {inbox}: {why}")));
    match inbox.scheme() {
        "https" => {}
        "http" if debug => {}
        _ => return refuse("only https inboxes are delivered to"),
    }
    let Some(domain) = inbox.domain() else {
        return refuse("the inbox has no domain name");
    };
    let valid = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '.';
    if domain.is_empty() || !domain.chars().all(valid) {
        return refuse("the domain name has characters a domain cannot have");
    }
    if debug {
        return Ok(());
    }
    if inbox.port().is_some() {
        return refuse("an explicit port is not delivered to");
    }
    let addresses = tokio::net::lookup_host((domain, 443))
        .await
        .map_err(|e| unreachable(format!("inbox {inbox}: cannot resolve {domain}: {e}")))?;
    for address in addresses {
        if !is_public(address.ip()) {
            return refuse("the domain resolves to a private or local address");
        }
    }
    Ok(())
}

/// Which addresses deliveries may connect to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// Public addresses only (production).
    Public,
    /// Any address: `federation.debug`, for test servers on loopback.
    Any,
}

/// The delivery client's name resolver: it refuses a name when any of its
/// addresses is not public, so the addresses connected to are the ones
/// checked. A check before sending followed by the client's own lookup
/// would let a name answer a public address first and a private one next
/// (DNS rebinding).
pub struct CheckedResolver {
    reach: Reach,
}

impl Reach {
    /// What `federation.debug` allows.
    pub fn of(config: &crate::config::Config) -> Reach {
        if config.federation.debug {
            Reach::Any
        } else {
            Reach::Public
        }
    }
}

impl CheckedResolver {
    pub fn new(reach: Reach) -> CheckedResolver {
        CheckedResolver { reach }
    }
}

impl reqwest::dns::Resolve for CheckedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let reach = self.reach;
        let host = name.as_str().to_string();
        Box::pin(async move {
            let addresses: Vec<std::net::SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            if reach == Reach::Public {
                if let Some(private) = addresses.iter().find(|a| !is_public(a.ip())) {
                    return Err(format!(
                        "{host} resolves to {}, which is not a public address",
                        private.ip()
                    )
                    .into());
                }
            }
            let addresses: reqwest::dns::Addrs = Box::new(addresses.into_iter());
            Ok(addresses)
        })
    }
}

/// Whether an address is reachable on the public internet (not loopback,
/// private, link-local, shared, documentation or unspecified).
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(a) => {
            let [o1, o2, ..] = a.octets();
            !(a.is_private()
                || a.is_loopback()
                || a.is_link_local()
                || a.is_broadcast()
                || a.is_documentation()
                || a.is_unspecified()
                || o1 == 0
                || (o1 == 100 && (64..128).contains(&o2)))
        }
        IpAddr::V6(a) => {
            if let Some(v4) = a.to_ipv4_mapped() {
                return is_public(IpAddr::V4(v4));
            }
            let first = a.segments()[0];
            !(a.is_loopback()
                || a.is_unspecified()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80)
        }
    }
}

/// How a receiver answered a delivery.
#[derive(Debug, PartialEq, Eq)]
pub enum Answer {
    /// 2xx.
    Delivered,
    /// A 3xx, or a 4xx other than 408 and 429: the receiver will never take
    /// it.
    Refused(String),
}

/// POSTs a signed activity. `Err` means: try again later (no answer, a
/// 5xx, 408 or 429).
pub async fn post_signed(
    client: &reqwest::Client,
    key: &RsaKeyPair,
    signer: &str,
    inbox: &Url,
    body: Bytes,
    timeout: Duration,
) -> Result<Answer> {
    let key_id = format!("{signer}#main-key");
    let headers = signed_headers(key, &key_id, inbox, &body, SystemTime::now())?;
    let send = || {
        let mut request = client
            .post(inbox.clone())
            .timeout(timeout)
            .header("content-type", super::http::ACTIVITY_JSON)
            .header("accept", super::http::ACTIVITY_JSON);
        for (name, value) in &headers {
            request = request.header(*name, value.as_str());
        }
        request.body(body.clone()).send()
    };
    // A pooled connection the receiver closed while it sat idle fails
    // before anything is sent: try once more on a fresh one at once
    // instead of waiting for the retry schedule.
    let response = match send().await {
        Err(e) if e.is_connect() || (e.is_request() && !e.is_timeout()) => send().await,
        other => other,
    }
    .map_err(|e| unreachable(format!("POST {inbox}: {e}")))?;
    let status = response.status();
    if status.is_success() {
        return Ok(Answer::Delivered);
    }
    let text = answer_text(response).await;
    let why = format!("{inbox} answered {status}: {text}");
    // Redirects are not followed (a signature covers one inbox) and, like
    // other 4xx, will not change on a retry.
    let retry = status.is_server_error()
        || status == reqwest::StatusCode::REQUEST_TIMEOUT
        || status == reqwest::StatusCode::TOO_MANY_REQUESTS;
    if retry {
        Err(unreachable(why))
    } else {
        Ok(Answer::Refused(why))
    }
}

/// The start of an answer's body, for the record: never more than
/// `MAX_ANSWER_TEXT` bytes are read, whatever the receiver sends.
async fn answer_text(mut response: reqwest::Response) -> String {
    let mut body = Vec::new();
    while let Ok(Some(chunk)) = response.chunk().await {
        body.extend_from_slice(&chunk);
        if body.len() >= MAX_ANSWER_TEXT {
            body.truncate(MAX_ANSWER_TEXT);
            break;
        }
    }
    String::from_utf8_lossy(&body).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::federation::keys::KeyPool;
    use actix_web::test::TestRequest;

    #[test]
    fn a_signed_delivery_verifies_with_the_signers_public_key() {
        let keys = KeyPool::new(0).take_blocking().expect("a key pair");
        let key = parse_private_key(&keys.private_key).expect("parsed");
        let inbox = Url::parse("https://lemmy.example/inbox?x=1").expect("url");
        let body = br#"{"type":"Announce"}"#;
        let headers = signed_headers(
            &key,
            "https://here.example/g/cats#main-key",
            &inbox,
            body,
            SystemTime::now(),
        )
        .expect("signed");
        let mut req = TestRequest::post().uri("/inbox?x=1");
        for (name, value) in &headers {
            req = req.insert_header((*name, value.as_str()));
        }
        let req = req.to_http_request();
        use crate::federation::signature::{check, verify, Signed};
        let params = check(&req, Signed::Delivery, body, chrono::Utc::now()).expect("checked");
        verify(&req, Signed::Delivery, &keys.public_key).expect("verifies");
        let other = KeyPool::new(0).take_blocking().expect("another key pair");
        assert!(verify(&req, Signed::Delivery, &other.public_key).is_err());
        assert_eq!(params.key_id, "https://here.example/g/cats#main-key");
    }

    #[test]
    fn private_and_local_addresses_are_not_public() {
        for private in [
            "127.0.0.1",
            "10.1.2.3",
            "192.168.0.1",
            "172.16.5.4",
            "169.254.1.1",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "fd00::1",
            "fe80::1",
            "::ffff:10.0.0.1",
        ] {
            assert!(!is_public(private.parse().expect("ip")), "{private}");
        }
        for public in [
            "93.184.216.34",
            "2606:2800:220:1::1",
            "::ffff:93.184.216.34",
        ] {
            assert!(is_public(public.parse().expect("ip")), "{public}");
        }
    }

    #[tokio::test]
    async fn the_delivery_resolver_refuses_private_addresses_outside_debug() {
        use reqwest::dns::Resolve;
        let name = |n: &str| n.parse::<reqwest::dns::Name>().expect("a name");
        let public = CheckedResolver::new(Reach::Public);
        assert!(public.resolve(name("localhost")).await.is_err());
        assert!(public.resolve(name("127.0.0.1")).await.is_err());
        let any = CheckedResolver::new(Reach::Any);
        let found: Vec<_> = any
            .resolve(name("localhost"))
            .await
            .expect("resolved")
            .collect();
        assert!(found.iter().all(|a| a.ip().is_loopback()) && !found.is_empty());
    }

    #[tokio::test]
    async fn inbox_urls_need_https_and_a_domain_outside_debug() {
        let cases = [
            ("http://a.example/inbox", false, false),
            ("https://a.example:8443/inbox", false, false),
            ("https://10.0.0.1/inbox", false, false),
            ("https://localhost/inbox", false, false),
            ("ftp://a.example/inbox", true, false),
            ("http://localhost:8080/inbox", true, true),
        ];
        for (inbox, debug, allowed) in cases {
            let url = Url::parse(inbox).expect("url");
            let checked = check_inbox_url(&url, debug).await;
            assert_eq!(checked.is_ok(), allowed, "{inbox} (debug: {debug})");
        }
    }
}
