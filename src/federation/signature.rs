//! HTTP signatures of incoming requests (draft-cavage): `rsa-sha256` or
//! `hs2019` with the sender's RSA key, over the headers the sender lists
//! (which must include `(request-target)`, `host` and `date`, and `digest`
//! on a POST); the `Digest` checked against the body; the `Date` within 12
//! hours of our clock. The federation library allows only one hour, which
//! refuses deliveries from servers with a slow queue or a wrong clock.

use crate::error::{Error, Result};
use actix_web::HttpRequest;
use base64::Engine;
use chrono::{DateTime, Utc};
use http_signature_normalization::Config;
use rsa::pkcs8::DecodePublicKey;
use rsa::{Pkcs1v15Sign, RsaPublicKey};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::time::Duration;

/// How far a request's `Date` may be from our clock, either way.
pub const MAX_SKEW_HOURS: i64 = 12;

fn config(with_digest: bool) -> Config {
    let c = Config::new()
        .mastodon_compat()
        .set_expiration(Duration::from_secs(MAX_SKEW_HOURS as u64 * 3600));
    if with_digest {
        c.require_digest()
    } else {
        c
    }
}

fn headers(req: &HttpRequest) -> BTreeMap<String, String> {
    req.headers()
        .iter()
        .filter_map(|(k, v)| Some((k.as_str().to_lowercase(), v.to_str().ok()?.to_string())))
        .collect()
}

/// The `Date` header, parsed and within the allowed skew.
pub fn check_date(req: &HttpRequest, now: DateTime<Utc>) -> Result<()> {
    let date = req
        .headers()
        .get("date")
        .and_then(|d| d.to_str().ok())
        .ok_or_else(|| Error::unauthorized("a signed request needs a Date header"))?;
    let at: DateTime<Utc> = httpdate::parse_http_date(date)
        .map_err(|_| Error::unauthorized(format!("the Date header {date:?} is not an HTTP date")))?
        .into();
    if (now - at).num_seconds().abs() > MAX_SKEW_HOURS * 3600 {
        return Err(Error::unauthorized(format!(
            "the Date header {date:?} is more than {MAX_SKEW_HOURS} hours from this server's clock"
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

/// The `keyId` of the request's signature, if it has one.
pub fn key_id(req: &HttpRequest) -> Option<String> {
    let header = req.headers().get("signature")?.to_str().ok()?;
    header.split(',').find_map(|part| {
        let (k, v) = part.trim().split_once('=')?;
        (k == "keyId").then(|| v.trim_matches('"').to_string())
    })
}

/// Verifies the request's signature with `public_key_pem` (its Date and,
/// for a POST, its Digest are checked separately, before).
pub fn verify(req: &HttpRequest, public_key_pem: &str, with_digest: bool) -> Result<()> {
    let path_and_query = req
        .uri()
        .path_and_query()
        .map(|p| p.as_str())
        .unwrap_or("/");
    let unverified = config(with_digest)
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
    fn a_date_within_twelve_hours_either_way_passes() {
        let now = Utc::now();
        let at = |h: i64| httpdate::fmt_http_date((now - chrono::Duration::hours(h)).into());
        for ok in [0, 2, 11, -11] {
            let req = TestRequest::default()
                .insert_header(("date", at(ok)))
                .to_http_request();
            assert!(check_date(&req, now).is_ok(), "{ok} h");
        }
        for bad in [13, -13] {
            let req = TestRequest::default()
                .insert_header(("date", at(bad)))
                .to_http_request();
            assert!(check_date(&req, now).is_err(), "{bad} h");
        }
        let none = TestRequest::default().to_http_request();
        assert!(check_date(&none, now).is_err());
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
    fn key_ids_are_read_with_or_without_a_fragment() {
        let req = TestRequest::default()
            .insert_header(("signature", "keyId=\"https://a.example/users/kim/main-key\",algorithm=\"hs2019\",headers=\"(request-target) host date\",signature=\"x\""))
            .to_http_request();
        assert_eq!(
            key_id(&req).as_deref(),
            Some("https://a.example/users/kim/main-key")
        );
    }
}
