//! Echoes the request id that tracing-actix-web gives each request in an
//! `X-Request-Id` answer header, so a client's report matches the log line,
//! and logs one line per request.

use actix_web::dev::{forward_ready, Service, ServiceRequest, ServiceResponse, Transform};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::HttpMessage;
use std::future::{ready, Future, Ready};
use std::pin::Pin;
use tracing_actix_web::RequestId;

pub struct RequestIdHeader;

impl<S, B> Transform<S, ServiceRequest> for RequestIdHeader
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error> + 'static,
    B: 'static,
{
    type Response = ServiceResponse<B>;
    type Error = actix_web::Error;
    type Transform = RequestIdMiddleware<S>;
    type InitError = ();
    type Future = Ready<Result<Self::Transform, Self::InitError>>;

    fn new_transform(&self, service: S) -> Self::Future {
        ready(Ok(RequestIdMiddleware { service }))
    }
}

pub struct RequestIdMiddleware<S> {
    service: S,
}

type BoxFuture<T> = Pin<Box<dyn Future<Output = T>>>;

impl<S, B> Service<ServiceRequest> for RequestIdMiddleware<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error> + 'static,
    B: 'static,
{
    type Response = ServiceResponse<B>;
    type Error = actix_web::Error;
    type Future = BoxFuture<Result<Self::Response, Self::Error>>;

    forward_ready!(service);

    fn call(&self, req: ServiceRequest) -> Self::Future {
        let id = req.extensions().get::<RequestId>().copied();
        let (method, path) = (req.method().clone(), req.path().to_string());
        let started = std::time::Instant::now();
        let fut = self.service.call(req);
        Box::pin(async move {
            let mut res = fut.await?;
            // Inside tracing-actix-web's span, so the line carries request_id.
            tracing::info!(
                %method,
                path,
                status = res.status().as_u16(),
                elapsed_ms = started.elapsed().as_millis() as u64,
                "request"
            );
            if let Some(value) = id.and_then(|id| HeaderValue::from_str(&id.to_string()).ok()) {
                res.headers_mut()
                    .insert(HeaderName::from_static("x-request-id"), value);
            }
            Ok(res)
        })
    }
}
