//! WebFinger (`/.well-known/webfinger`) for local people and groups, and
//! host-meta pointing to it. Users and groups share one namespace, so
//! `acct:NAME@HOST` names exactly one actor.

use crate::community::public::{self, LocalActor};
use crate::error::{Error, Result};
use crate::App;
use activitypub_federation::fetch::webfinger::build_webfinger_response_with_type;
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use url::Url;

#[derive(Deserialize)]
pub struct WebfingerQuery {
    pub resource: Option<String>,
}

/// The local name a WebFinger resource asks for: `acct:NAME@HOST` (host with
/// port when the public URL has one) or the actor's own URL.
pub fn requested_name(resource: &str, domain: &str, base_url: &str) -> Result<String> {
    let wrong_host = || Error::not_found(format!("{resource:?} is not an account on {domain}"));
    if let Some(acct) = resource.strip_prefix("acct:") {
        let acct = acct.strip_prefix('@').unwrap_or(acct);
        let (name, host) = acct
            .rsplit_once('@')
            .ok_or_else(|| Error::bad_request("resource must be acct:NAME@HOST"))?;
        if !host.eq_ignore_ascii_case(domain) {
            return Err(wrong_host());
        }
        return Ok(name.to_lowercase());
    }
    let url = Url::parse(resource)
        .map_err(|_| Error::bad_request("resource must be acct:NAME@HOST or a URL"))?;
    let path = url.path().to_string();
    let origin = url.origin().ascii_serialization();
    if origin != base_url {
        return Err(wrong_host());
    }
    match path.trim_end_matches('/').rsplit_once('/') {
        Some((prefix, name)) if prefix == "/u" || prefix == "/g" => Ok(name.to_string()),
        _ => Err(wrong_host()),
    }
}

pub async fn webfinger(app: web::Data<App>, q: web::Query<WebfingerQuery>) -> Result<HttpResponse> {
    let resource = q
        .resource
        .as_deref()
        .ok_or_else(|| Error::bad_request("the resource parameter is missing"))?;
    let domain = app.config.domain();
    let name = requested_name(resource, &domain, &app.config.base_url())?;
    let (ap_id, kind) = match public::local_actor(&app, &name).await? {
        Some(LocalActor::Person(p)) if !p.deleted => (p.ap_id, "Person"),
        Some(LocalActor::Group(g)) => (g.ap_id, "Group"),
        _ => return Err(Error::not_found(format!("no account {name}@{domain}"))),
    };
    let url = Url::parse(&ap_id).map_err(|e| Error::internal("stored id is not a URL", e))?;
    let mut jrd = build_webfinger_response_with_type(
        format!("acct:{name}@{domain}"),
        vec![(url.clone(), Some(kind))],
    );
    jrd.aliases = vec![url];
    Ok(HttpResponse::Ok()
        .content_type("application/jrd+json")
        .json(jrd))
}

pub async fn host_meta(app: web::Data<App>) -> HttpResponse {
    let template = format!(
        "{}/.well-known/webfinger?resource={{uri}}",
        app.config.base_url()
    );
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <XRD xmlns=\"http://docs.oasis-open.org/ns/xri/xrd-1.0\">\n  \
         <Link rel=\"lrdd\" type=\"application/jrd+json\" template=\"{}\"/>\n</XRD>\n",
        template
            .replace('&', "&amp;")
            .replace('"', "&quot;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    );
    HttpResponse::Ok()
        .content_type("application/xrd+xml; charset=utf-8")
        .body(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_from_acct_and_urls() {
        let (d, b) = ("localhost:8080", "http://localhost:8080");
        assert_eq!(
            requested_name("acct:ann@localhost:8080", d, b)
                .ok()
                .as_deref(),
            Some("ann")
        );
        assert_eq!(
            requested_name("acct:Ann@LOCALHOST:8080", d, b)
                .ok()
                .as_deref(),
            Some("ann")
        );
        assert_eq!(
            requested_name("http://localhost:8080/g/support", d, b)
                .ok()
                .as_deref(),
            Some("support")
        );
        assert!(requested_name("acct:ann@elsewhere.example", d, b).is_err());
        assert!(
            requested_name("acct:ann@localhost", d, b).is_err(),
            "port is part of the host"
        );
        assert!(requested_name("http://elsewhere.example/u/ann", d, b).is_err());
        assert!(requested_name("acct:nohost", d, b).is_err());
    }
}
