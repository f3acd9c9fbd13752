//! HTTP signatures of incoming requests (draft-cavage): `rsa-sha256` or
//! `hs2019` with the sender's RSA key. What a signature must cover is one
//! rule, [`Signed::required`], for deliveries and fetches alike: the
//! `(request-target)` and `host` (so it is bound to this request on this
//! server), a time (`date` or `(created)`) no older than [`MAX_AGE`] and no
//! further ahead than [`MAX_AHEAD`], and on a delivery the `digest`, checked
//! against the body. A fetch has no body and needs no Digest (Mastodon and
//! Mitra send none on a GET).

use crate::error::{Error, Result};
use actix_web::HttpRequest;
use base64::Engine;
use chrono::{DateTime, Utc};
use http_signature_normalization::Config;
use rsa::pkcs8::DecodePublicKey;
use rsa::{Pkcs1v15Sign, RsaPublicKey};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// How old a signature's time may be. Twelve hours, not the federation
/// library's one: a peer with a slow queue or a clock set wrong must not
/// lose its deliveries, and the signature binds the request target, host
/// and body, so a replay can only repeat the same request.
pub const MAX_AGE: chrono::TimeDelta = chrono::TimeDelta::hours(12);

/// How far ahead of our clock a signature's time may be (a sender's clock
/// running fast); more is a signature made to last.
pub const MAX_AHEAD: chrono::TimeDelta = chrono::TimeDelta::hours(1);

/// What a signed request is, which decides what its signature must cover.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signed {
    /// A delivery: a POST whose body is an activity.
    Delivery,
    /// A fetch: a GET, without a body.
    Fetch,
}

impl Signed {
    /// The headers a signature must cover, besides its time (`date` or
    /// `(created)`).
    pub fn required(self) -> &'static [&'static str] {
        match self {
            Signed::Delivery => &["(request-target)", "host", "digest"],
            Signed::Fetch => &["(request-target)", "host"],
        }
    }
}

/// The parameters of a `Signature` header that decide what it covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureParams {
    pub key_id: String,
    /// The covered headers, lowercase, in order.
    pub headers: Vec<String>,
    /// `created`, seconds since the epoch, when the signature has one.
    pub created: Option<i64>,
}

/// The parameters of the request's `Signature` header, if it has one.
pub fn params(req: &HttpRequest) -> Option<SignatureParams> {
    let header = req.headers().get("signature")?.to_str().ok()?;
    let mut key_id = None;
    let mut headers = Vec::new();
    let mut created = None;
    for part in header.split(',') {
        let Some((k, v)) = part.trim().split_once('=') else {
            continue;
        };
        let v = v.trim().trim_matches('"');
        match k.trim() {
            "keyId" => key_id = Some(v.to_string()),
            "headers" => headers = v.split_whitespace().map(str::to_lowercase).collect(),
            "created" => created = v.parse().ok(),
            _ => {}
        }
    }
    Some(SignatureParams {
        key_id: key_id?,
        headers,
        created,
    })
}

/// Checks everything a signature needs but the signer's key: it covers
/// what `kind` requires, its time is fresh, and a delivery's `Digest`
/// matches `body`. Answers the signature's parameters (their `key_id`
/// names the signer).
pub fn check(
    req: &HttpRequest,
    kind: Signed,
    body: &[u8],
    now: DateTime<Utc>,
) -> Result<SignatureParams> {
    let params = params(req)
        .ok_or_else(|| Error::unauthorized("the request needs an HTTP signature with a keyId"))?;
    let covers = |h: &str| params.headers.iter().any(|c| c == h);
    if let Some(missing) = kind.required().iter().find(|h| !covers(h)) {
        return Err(Error::unauthorized(format!(
            "the signature must cover {missing} (it needs {} and date or (created)); it covers {:?}",
            kind.required().join(", "),
            params.headers.join(" ")
        )));
    }
    if !covers("date") && !covers("(created)") {
        return Err(Error::unauthorized(
            "the signature must cover the time it was made: date or (created)",
        ));
    }
    if covers("date") {
        check_date(req, now)?;
    }
    if covers("(created)") {
        let created = params
            .created
            .and_then(|s| DateTime::<Utc>::from_timestamp(s, 0))
            .ok_or_else(|| Error::unauthorized("the signature covers (created) but has none"))?;
        check_time(created, now, "(created)")?;
    }
    if kind == Signed::Delivery {
        check_digest(req, body)?;
    }
    Ok(params)
}

fn headers(req: &HttpRequest) -> BTreeMap<String, String> {
    req.headers()
        .iter()
        .filter_map(|(k, v)| Some((k.as_str().to_lowercase(), v.to_str().ok()?.to_string())))
        .collect()
}

/// The `Date` header, parsed and within [`MAX_AGE`] / [`MAX_AHEAD`].
pub fn check_date(req: &HttpRequest, now: DateTime<Utc>) -> Result<()> {
    let date = req
        .headers()
        .get("date")
        .and_then(|d| d.to_str().ok())
        .ok_or_else(|| {
            Error::unauthorized("the signature covers date but there is no Date header")
        })?;
    let at: DateTime<Utc> = httpdate::parse_http_date(date)
        .map_err(|_| Error::unauthorized(format!("the Date header {date:?} is not an HTTP date")))?
        .into();
    check_time(at, now, "Date")
}

/// A signature's time `at` (from `what`) is neither too old nor too far
/// ahead of `now`.
fn check_time(at: DateTime<Utc>, now: DateTime<Utc>, what: &str) -> Result<()> {
    if now - at > MAX_AGE {
        return Err(Error::unauthorized(format!(
            "the signature's {what} is more than {} hours old",
            MAX_AGE.num_hours()
        )));
    }
    if at - now > MAX_AHEAD {
        return Err(Error::unauthorized(format!(
            "the signature's {what} is more than {} hour ahead of this server's clock",
            MAX_AHEAD.num_hours()
        )));
    }
    Ok(())
}

/// `Digest: SHA-256=<base64>` (one of possibly several) matches the body.
pub fn check_digest(req: &HttpRequest, body: &[u8]) -> Result<()> {
    let header = req
        .headers()
        .get("digest")
        .and_then(|d| d.to_str().ok())
        .ok_or_else(|| Error::unauthorized("a signed POST needs a Digest header"))?;
    let expected = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(body));
    let matches = header.split(',').any(|part| {
        let (algorithm, value) = part.trim().split_once('=').unwrap_or(("", ""));
        algorithm.eq_ignore_ascii_case("sha-256") && value == expected
    });
    if !matches {
        return Err(Error::unauthorized(
            "the Digest header does not match the body (or is not SHA-256)",
        ));
    }
    Ok(())
}

/// The actor a `keyId` names: the key's URL without its fragment
/// (`https://a.example/users/kim#main-key`).
pub fn key_owner(key_id: &str) -> Result<url::Url> {
    let mut url = url::Url::parse(key_id)
        .map_err(|_| Error::unauthorized(format!("the keyId {key_id:?} is not a URL")))?;
    url.set_fragment(None);
    Ok(url)
}

/// Verifies the request's signature with `public_key_pem`, after
/// [`check`] passed for the same `kind`.
pub fn verify(req: &HttpRequest, kind: Signed, public_key_pem: &str) -> Result<()> {
    let path_and_query = req
        .uri()
        .path_and_query()
        .map(|p| p.as_str())
        .unwrap_or("/");
    let config = kind.required().iter().fold(
        Config::new().set_expiration((MAX_AGE + MAX_AHEAD).to_std().unwrap_or_default()),
        |c, h| c.require_header(h),
    );
    let unverified = config
        .begin_verify(req.method().as_str(), path_and_query, headers(req))
        .map_err(|e| Error::unauthorized(format!("the Signature header cannot be checked: {e}")))?;
    let key = RsaPublicKey::from_public_key_pem(public_key_pem)
        .map_err(|_| Error::unauthorized("the signer's public key is not a valid RSA key"))?;
    let verified = unverified.verify(|signature, signing_string| {
        base64::engine::general_purpose::STANDARD
            .decode(signature)
            .ok()
            .is_some_and(|sig| verify_rsa_sha256(&key, signing_string.as_bytes(), &sig))
    });
    if !verified {
        return Err(Error::unauthorized(
            "the HTTP signature does not verify with the actor's key",
        ));
    }
    Ok(())
}

/// An RSA PKCS#1 v1.5 SHA-256 signature check. Keys of 2048 bits and
/// more go through ring (a tenth of the cost of the `rsa` crate); smaller
/// ones, which ring refuses and a few old servers still use, through `rsa`.
fn verify_rsa_sha256(key: &RsaPublicKey, message: &[u8], signature: &[u8]) -> bool {
    use rsa::pkcs1::EncodeRsaPublicKey;
    use rsa::traits::PublicKeyParts;
    if key.n().bits() >= 2048 {
        if let Ok(der) = key.to_pkcs1_der() {
            return ring::signature::UnparsedPublicKey::new(
                &ring::signature::RSA_PKCS1_2048_8192_SHA256,
                der.as_bytes(),
            )
            .verify(message, signature)
            .is_ok();
        }
    }
    key.verify(
        Pkcs1v15Sign::new::<Sha256>(),
        &Sha256::digest(message),
        signature,
    )
    .is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    #[test]
    fn a_time_up_to_twelve_hours_old_or_an_hour_ahead_passes() {
        let now = Utc::now();
        let at = |m: i64| httpdate::fmt_http_date((now - chrono::Duration::minutes(m)).into());
        for ok in [0, 120, 11 * 60, -30] {
            let req = TestRequest::default()
                .insert_header(("date", at(ok)))
                .to_http_request();
            assert!(check_date(&req, now).is_ok(), "{ok} min old");
        }
        for bad in [13 * 60, -90, -13 * 60] {
            let req = TestRequest::default()
                .insert_header(("date", at(bad)))
                .to_http_request();
            assert!(check_date(&req, now).is_err(), "{bad} min old");
        }
        let none = TestRequest::default().to_http_request();
        assert!(check_date(&none, now).is_err());
    }

    fn signed_over(covers: &str, extra: &[(&str, String)]) -> actix_web::HttpRequest {
        let mut req = TestRequest::default()
            .insert_header(("date", httpdate::fmt_http_date(std::time::SystemTime::now())))
            .insert_header((
                "signature",
                format!("keyId=\"https://a.example/actor#main-key\",algorithm=\"rsa-sha256\",headers=\"{covers}\",signature=\"eA==\""),
            ));
        for (k, v) in extra {
            req = req.insert_header((*k, v.clone()));
        }
        req.to_http_request()
    }

    #[test]
    fn a_signature_must_cover_the_target_the_host_a_time_and_a_deliverys_digest() {
        let now = Utc::now();
        let digest = (
            "digest",
            format!(
                "SHA-256={}",
                base64::engine::general_purpose::STANDARD.encode(Sha256::digest(b"{}"))
            ),
        );
        let with_digest = std::slice::from_ref(&digest);
        let delivery = |covers: &str| {
            check(
                &signed_over(covers, with_digest),
                Signed::Delivery,
                b"{}",
                now,
            )
        };
        let fetch = |covers: &str| check(&signed_over(covers, &[]), Signed::Fetch, b"", now);
        assert!(delivery("(request-target) host date digest").is_ok());
        assert!(
            delivery("(request-target) host (created) digest").is_err(),
            "created is missing"
        );
        for refused in [
            "host date digest",
            "(request-target) date digest",
            "(request-target) host digest",
            "(request-target) host date",
            "digest",
        ] {
            assert!(delivery(refused).is_err(), "{refused}");
        }
        assert!(
            fetch("(request-target) host date").is_ok(),
            "a fetch needs no Digest"
        );
        for refused in [
            "digest",
            "host date",
            "(request-target) date",
            "(request-target) host",
            "",
        ] {
            assert!(fetch(refused).is_err(), "{refused:?}");
        }
        let created = now.timestamp();
        let req = TestRequest::default()
            .insert_header((
                "signature",
                format!("keyId=\"https://a.example/actor#main-key\",algorithm=\"hs2019\",created={created},headers=\"(request-target) host (created)\",signature=\"eA==\""),
            ))
            .to_http_request();
        assert!(
            check(&req, Signed::Fetch, b"", now).is_ok(),
            "(created) stands for date"
        );
        assert!(
            check(
                &req,
                Signed::Fetch,
                b"",
                now + MAX_AGE + chrono::Duration::minutes(1)
            )
            .is_err(),
            "an old (created)"
        );
    }

    #[test]
    fn the_digest_must_match_the_body() {
        let body = b"{\"type\":\"Follow\"}";
        let good = format!(
            "SHA-256={}",
            base64::engine::general_purpose::STANDARD.encode(Sha256::digest(body))
        );
        let req = TestRequest::default()
            .insert_header(("digest", good))
            .to_http_request();
        assert!(check_digest(&req, body).is_ok());
        assert!(check_digest(&req, b"{}").is_err());
        let md5 = TestRequest::default()
            .insert_header(("digest", "MD5=abc"))
            .to_http_request();
        assert!(check_digest(&md5, body).is_err());
    }

    #[test]
    fn rsa_signatures_verify_with_small_and_usual_keys() {
        let mut rng = rand::thread_rng();
        for bits in [1024, 2048] {
            let private = rsa::RsaPrivateKey::new(&mut rng, bits).expect("a key");
            let public = RsaPublicKey::from(&private);
            let message = b"(request-target): post /inbox";
            let signature = private
                .sign(Pkcs1v15Sign::new::<Sha256>(), &Sha256::digest(message))
                .expect("signed");
            assert!(verify_rsa_sha256(&public, message, &signature), "{bits}");
            assert!(
                !verify_rsa_sha256(&public, b"(request-target): post /other", &signature),
                "{bits}"
            );
        }
    }

    #[test]
    fn key_ids_are_read_and_name_their_owner() {
        let req = TestRequest::default()
            .insert_header(("signature", "keyId=\"https://a.example/users/kim#main-key\",algorithm=\"hs2019\",headers=\"(request-target) host date\",signature=\"x\""))
            .to_http_request();
        let params = params(&req).expect("a signature");
        assert_eq!(params.key_id, "https://a.example/users/kim#main-key");
        assert_eq!(params.headers, ["(request-target)", "host", "date"]);
        assert_eq!(
            key_owner(&params.key_id).expect("a URL").as_str(),
            "https://a.example/users/kim"
        );
    }
}
