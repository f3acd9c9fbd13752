//! Incoming text checked once for every request (the rules are in
//! `crate::input`): `Screen` refuses a path or query string that is not
//! UTF-8 or holds a control character, before any route sees it; `Json`
//! (and `MaybeJson` for optional bodies) is actix's JSON extractor with its
//! limits and errors, refusing strings with a NUL.

use crate::error::{Error, ErrorKind};
use crate::input::{self, Source};
use actix_web::body::EitherBody;
use actix_web::dev::{forward_ready, Payload, Service, ServiceRequest, ServiceResponse, Transform};
use actix_web::http::header::CONTENT_TYPE;
use actix_web::{web, FromRequest, HttpRequest, ResponseError};
use serde::de::DeserializeOwned;
use std::future::{ready, Future, Ready};
use std::pin::Pin;

/// Whether the path and query of a request may reach the routes.
fn screen(req: &ServiceRequest) -> Result<(), Error> {
    let uri = req.uri();
    let path = input::percent_decode("the path", uri.path())?;
    input::check("the path", &path, Source::Line)?;
    if let Some(query) = uri.query() {
        let query = input::percent_decode("the query string", query)?;
        input::check("the query string", &query, Source::Line)?;
    }
    Ok(())
}

pub struct Screen;

impl<S, B> Transform<S, ServiceRequest> for Screen
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error> + 'static,
    B: 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = actix_web::Error;
    type Transform = ScreenMiddleware<S>;
    type InitError = ();
    type Future = Ready<Result<Self::Transform, Self::InitError>>;

    fn new_transform(&self, service: S) -> Self::Future {
        ready(Ok(ScreenMiddleware { service }))
    }
}

pub struct ScreenMiddleware<S> {
    service: S,
}

type BoxFuture<T> = Pin<Box<dyn Future<Output = T>>>;

impl<S, B> Service<ServiceRequest> for ScreenMiddleware<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error> + 'static,
    B: 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = actix_web::Error;
    type Future = BoxFuture<Result<Self::Response, Self::Error>>;

    forward_ready!(service);

    fn call(&self, req: ServiceRequest) -> Self::Future {
        if let Err(e) = screen(&req) {
            let res = req.into_response(e.error_response()).map_into_right_body();
            return Box::pin(ready(Ok(res)));
        }
        let fut = self.service.call(req);
        Box::pin(async move { Ok(fut.await?.map_into_left_body()) })
    }
}

/// A JSON request body whose strings hold no NUL (422 otherwise).
pub struct Json<T>(pub T);

impl<T> Json<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> std::ops::Deref for Json<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

/// Reads the body as a JSON tree (with the `JsonConfig` limit and error
/// handler), checks its strings, then gives it its shape.
async fn read<T: DeserializeOwned>(
    tree: impl Future<Output = Result<web::Json<serde_json::Value>, actix_web::Error>>,
) -> Result<T, actix_web::Error> {
    let tree = tree.await?.into_inner();
    // JSON that parses but holds a value the API refuses: 422, as a NUL
    // in a title always was.
    input::check_json("the request body", &tree, Source::Text).map_err(|e| Error {
        kind: ErrorKind::Unprocessable,
        ..e
    })?;
    serde_json::from_value(tree)
        .map_err(|e| Error::unprocessable(format!("the JSON does not fit: {e}")).into())
}

impl<T: DeserializeOwned + 'static> FromRequest for Json<T> {
    type Error = actix_web::Error;
    type Future = BoxFuture<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let tree = web::Json::<serde_json::Value>::from_request(req, payload);
        Box::pin(async move { read(tree).await.map(Json) })
    }
}

/// An optional JSON body: none when the request has no Content-Type (no
/// body); a body that is sent is read and checked as `Json` is, and a bad
/// one is refused rather than ignored.
pub struct MaybeJson<T>(pub Option<T>);

impl<T: DeserializeOwned + 'static> FromRequest for MaybeJson<T> {
    type Error = actix_web::Error;
    type Future = BoxFuture<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        if !req.headers().contains_key(CONTENT_TYPE) {
            return Box::pin(ready(Ok(MaybeJson(None))));
        }
        let tree = web::Json::<serde_json::Value>::from_request(req, payload);
        Box::pin(async move { read(tree).await.map(|v| MaybeJson(Some(v))) })
    }
}
