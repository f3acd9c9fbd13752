//! `Posted<T>`: a form sent by a page, read only when it carries this
//! browser's CSRF token (a form field, or the header scripts send).

use super::session::{csrf_matches, CSRF_HEADER};
use crate::error::{Error, ErrorKind, Result};
use actix_web::http::header;
use actix_web::{web, FromRequest, HttpRequest};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use std::future::Future;
use std::pin::Pin;

pub struct Posted<T>(pub T);

impl<T> Posted<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> std::ops::Deref for Posted<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

#[derive(Deserialize)]
struct CsrfOnly {
    csrf: Option<String>,
}

/// Whether a refusal goes back to the form that was sent, with its reason,
/// rather than to an error page: the person can act on it (what they typed
/// or chose, a clash, a limit, a permission the form explains, mail being
/// off). A missing page (404, 410), a sign-in needed (401) and the
/// server's own failures (5xx) are error pages. Every form asks this.
pub fn shown_on_form(e: &Error) -> bool {
    matches!(
        e.kind,
        ErrorKind::BadRequest
            | ErrorKind::Forbidden
            | ErrorKind::EmailUnverified
            | ErrorKind::Conflict
            | ErrorKind::PayloadTooLarge
            | ErrorKind::UnsupportedMediaType
            | ErrorKind::Unprocessable
            | ErrorKind::TooManyRequests
            | ErrorKind::MailDisabled
    )
}

/// The refusal of a form without this browser's token.
pub fn forged() -> Error {
    Error::forbidden(
        "this form is out of date or was sent from another site; reload the page and try again",
    )
}

/// Checks the CSRF token of a request whose body is read another way.
pub fn check_csrf(req: &HttpRequest, field: Option<&str>) -> Result<()> {
    let header = req.headers().get(CSRF_HEADER).and_then(|v| v.to_str().ok());
    match field.or(header) {
        Some(sent) if csrf_matches(req, sent) => Ok(()),
        _ => Err(forged()),
    }
}

fn parse<T: DeserializeOwned>(req: &HttpRequest, body: &[u8]) -> Result<T> {
    let urlencoded = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !urlencoded {
        return Err(Error::new(
            ErrorKind::UnsupportedMediaType,
            "send the form as application/x-www-form-urlencoded",
        ));
    }
    let token: CsrfOnly = serde_urlencoded::from_bytes(body)
        .map_err(|e| Error::bad_request(format!("cannot read the form: {e}")))?;
    check_csrf(req, token.csrf.as_deref())?;
    serde_urlencoded::from_bytes(body)
        .map_err(|e| Error::bad_request(format!("the form does not fit: {e}")))
}

impl<T: DeserializeOwned + 'static> FromRequest for Posted<T> {
    type Error = Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self>>>>;

    fn from_request(req: &HttpRequest, payload: &mut actix_web::dev::Payload) -> Self::Future {
        let req = req.clone();
        let body = web::Bytes::from_request(&req, payload);
        Box::pin(async move {
            let body = body
                .await
                .map_err(|e| Error::bad_request(format!("cannot read the form: {e}")))?;
            parse(&req, &body).map(Posted)
        })
    }
}
