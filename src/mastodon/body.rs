//! Request bodies as Mastodon apps send them: JSON, a URL-encoded form,
//! a multipart form (text fields), or nothing at all — read into one
//! struct whichever it was.

use crate::error::{Error, ErrorKind, Result};
use crate::App;
use actix_web::http::header;
use actix_web::{web, FromRequest, HttpRequest};
use futures_util::StreamExt;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};
use std::future::Future;
use std::pin::Pin;

pub struct Params<T>(pub T);

impl<T> Params<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

fn content_type(req: &HttpRequest) -> String {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase()
}

fn from_form<T: DeserializeOwned>(body: &[u8]) -> Result<T> {
    serde_urlencoded::from_bytes(body)
        .map_err(|e| Error::unprocessable(format!("the form does not fit: {e}")))
}

/// The text fields of a multipart form, re-encoded as a URL-encoded form.
async fn multipart_fields(
    req: &HttpRequest,
    payload: actix_web::dev::Payload,
    limit: usize,
) -> Result<Vec<u8>> {
    let mut form = actix_multipart::Multipart::new(req.headers(), payload);
    let mut pairs = url::form_urlencoded::Serializer::new(String::new());
    let mut total = 0usize;
    while let Some(field) = form.next().await {
        let mut field =
            field.map_err(|e| Error::bad_request(format!("cannot read the form: {e}")))?;
        let name = field.name().unwrap_or_default().to_string();
        let mut value = Vec::new();
        while let Some(chunk) = field.next().await {
            let chunk =
                chunk.map_err(|e| Error::bad_request(format!("cannot read the form: {e}")))?;
            total += chunk.len();
            if total > limit {
                return Err(Error::too_large(format!(
                    "the request body is over the {limit}-byte limit"
                )));
            }
            value.extend_from_slice(&chunk);
        }
        let value = String::from_utf8(value)
            .map_err(|_| Error::bad_request(format!("the field {name:?} is not text")))?;
        pairs.append_pair(&name, &value);
    }
    Ok(pairs.finish().into_bytes())
}

impl<T: DeserializeOwned + 'static> FromRequest for Params<T> {
    type Error = Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self>>>>;

    fn from_request(req: &HttpRequest, payload: &mut actix_web::dev::Payload) -> Self::Future {
        let req = req.clone();
        let kind = content_type(&req);
        let limit = req
            .app_data::<web::Data<App>>()
            .map(|a| a.config.limits.request_body_bytes)
            .unwrap_or(64 * 1024);
        if kind.starts_with("multipart/form-data") {
            let payload = payload.take();
            return Box::pin(async move {
                let form = multipart_fields(&req, payload, limit).await?;
                from_form(&form).map(Params)
            });
        }
        let body = web::Bytes::from_request(&req, payload);
        Box::pin(async move {
            let body = body
                .await
                .map_err(|e| Error::bad_request(format!("cannot read the request body: {e}")))?;
            if body.len() > limit {
                return Err(Error::too_large(format!(
                    "the request body is over the {limit}-byte limit"
                )));
            }
            if kind.starts_with("application/json") {
                if body.iter().all(u8::is_ascii_whitespace) {
                    return from_form(b"").map(Params);
                }
                return serde_json::from_slice(&body).map(Params).map_err(|e| {
                    if e.is_data() {
                        Error::unprocessable(format!("the JSON does not fit: {e}"))
                    } else {
                        Error::bad_request(format!("malformed JSON: {e}"))
                    }
                });
            }
            if kind.is_empty() || kind.starts_with("application/x-www-form-urlencoded") {
                return from_form(&body).map(Params);
            }
            Err(Error::new(
                ErrorKind::UnsupportedMediaType,
                "send JSON, a URL-encoded form or a multipart form",
            ))
        })
    }
}

/// A boolean as forms write it ("true", "1", "on") or as JSON does.
pub fn lenient_bool<'de, D: Deserializer<'de>>(
    d: D,
) -> std::result::Result<Option<bool>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Either {
        Bool(bool),
        Text(String),
        Number(i64),
    }
    Ok(match Option::<Either>::deserialize(d)? {
        None => None,
        Some(Either::Bool(b)) => Some(b),
        Some(Either::Number(n)) => Some(n != 0),
        Some(Either::Text(t)) => Some(matches!(
            t.to_ascii_lowercase().as_str(),
            "true" | "1" | "on" | "yes"
        )),
    })
}

/// A string or a list of strings (JSON lists, or one form field).
pub fn one_or_many<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Either {
        One(String),
        Many(Vec<String>),
    }
    Ok(match Option::<Either>::deserialize(d)? {
        None => Vec::new(),
        Some(Either::One(s)) => vec![s],
        Some(Either::Many(v)) => v,
    })
}
