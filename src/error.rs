//! The one error type of the crate: a kind (which decides the HTTP status and
//! the `error` code clients match on), a human-readable detail, and the
//! underlying cause for the logs.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    BadRequest,
    Unauthorized,
    Forbidden,
    /// Forbidden until the account's email address is confirmed.
    EmailUnverified,
    NotFound,
    MethodNotAllowed,
    Conflict,
    Gone,
    PayloadTooLarge,
    UnsupportedMediaType,
    Unprocessable,
    TooManyRequests,
    Unavailable,
    /// This server sends no mail (no SMTP configured): what needs mail
    /// cannot be done here.
    MailDisabled,
    Internal,
}

impl ErrorKind {
    pub fn status(self) -> StatusCode {
        match self {
            ErrorKind::BadRequest => StatusCode::BAD_REQUEST,
            ErrorKind::Unauthorized => StatusCode::UNAUTHORIZED,
            ErrorKind::Forbidden | ErrorKind::EmailUnverified => StatusCode::FORBIDDEN,
            ErrorKind::NotFound => StatusCode::NOT_FOUND,
            ErrorKind::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ErrorKind::Conflict => StatusCode::CONFLICT,
            ErrorKind::Gone => StatusCode::GONE,
            ErrorKind::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ErrorKind::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ErrorKind::Unprocessable => StatusCode::UNPROCESSABLE_ENTITY,
            ErrorKind::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            ErrorKind::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            ErrorKind::MailDisabled => StatusCode::NOT_IMPLEMENTED,
            ErrorKind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The stable machine-readable code sent as `error`.
    pub fn code(self) -> &'static str {
        match self {
            ErrorKind::BadRequest => "bad_request",
            ErrorKind::Unauthorized => "unauthorized",
            ErrorKind::Forbidden => "forbidden",
            ErrorKind::EmailUnverified => "email_unverified",
            ErrorKind::NotFound => "not_found",
            ErrorKind::MethodNotAllowed => "method_not_allowed",
            ErrorKind::Conflict => "conflict",
            ErrorKind::Gone => "gone",
            ErrorKind::PayloadTooLarge => "payload_too_large",
            ErrorKind::UnsupportedMediaType => "unsupported_media_type",
            ErrorKind::Unprocessable => "unprocessable",
            ErrorKind::TooManyRequests => "too_many_requests",
            ErrorKind::Unavailable => "unavailable",
            ErrorKind::MailDisabled => "mail_disabled",
            ErrorKind::Internal => "internal",
        }
    }
}

pub struct Error {
    pub kind: ErrorKind,
    pub detail: String,
    pub cause: Option<Box<dyn std::error::Error + Send + Sync>>,
    /// Seconds a client should wait before retrying (sent as `Retry-After`).
    pub retry_after: Option<u64>,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn new(kind: ErrorKind, detail: impl Into<String>) -> Self {
        Error {
            kind,
            detail: detail.into(),
            cause: None,
            retry_after: None,
        }
    }

    pub fn with_cause(
        kind: ErrorKind,
        detail: impl Into<String>,
        cause: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        Error {
            cause: Some(Box::new(cause)),
            ..Error::new(kind, detail)
        }
    }

    pub fn bad_request(detail: impl Into<String>) -> Self {
        Error::new(ErrorKind::BadRequest, detail)
    }
    pub fn unauthorized(detail: impl Into<String>) -> Self {
        Error::new(ErrorKind::Unauthorized, detail)
    }
    pub fn forbidden(detail: impl Into<String>) -> Self {
        Error::new(ErrorKind::Forbidden, detail)
    }
    pub fn not_found(detail: impl Into<String>) -> Self {
        Error::new(ErrorKind::NotFound, detail)
    }
    pub fn conflict(detail: impl Into<String>) -> Self {
        Error::new(ErrorKind::Conflict, detail)
    }
    pub fn gone(detail: impl Into<String>) -> Self {
        Error::new(ErrorKind::Gone, detail)
    }
    pub fn too_large(detail: impl Into<String>) -> Self {
        Error::new(ErrorKind::PayloadTooLarge, detail)
    }
    pub fn unprocessable(detail: impl Into<String>) -> Self {
        Error::new(ErrorKind::Unprocessable, detail)
    }
    pub fn too_many_requests(detail: impl Into<String>, retry_after: u64) -> Self {
        Error {
            retry_after: Some(retry_after),
            ..Error::new(ErrorKind::TooManyRequests, detail)
        }
    }
    pub fn internal(
        detail: impl Into<String>,
        cause: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        Error::with_cause(ErrorKind::Internal, detail, cause)
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind.code(), self.detail)?;
        if let Some(cause) = &self.cause {
            write!(f, " ({cause})")?;
        }
        Ok(())
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.cause
            .as_ref()
            .map(|c| c.as_ref() as &(dyn std::error::Error + 'static))
    }
}

/// The JSON body of every error answer.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// Stable code: bad_request, unauthorized, forbidden, not_found, conflict,
    /// gone, payload_too_large, unprocessable, too_many_requests,
    /// email_unverified, mail_disabled, ...
    pub error: String,
    /// What went wrong, for a person to read.
    pub detail: String,
}

impl ResponseError for Error {
    fn status_code(&self) -> StatusCode {
        self.kind.status()
    }

    fn error_response(&self) -> HttpResponse {
        if self.kind == ErrorKind::Internal || self.kind == ErrorKind::Unavailable {
            tracing::error!(error = ?self, "request failed");
        }
        // Internal causes stay in the log; the client gets the detail only.
        let mut response = HttpResponse::build(self.status_code());
        if let Some(secs) = self.retry_after {
            response.insert_header(("Retry-After", secs.to_string()));
        }
        response.json(ErrorBody {
            error: self.kind.code().to_string(),
            detail: self.detail.clone(),
        })
    }
}

impl From<diesel::result::Error> for Error {
    fn from(e: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error as D};
        match e {
            D::NotFound => Error::not_found("no such item"),
            D::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => {
                Error::with_cause(ErrorKind::Conflict, "already exists", e)
            }
            D::DatabaseError(DatabaseErrorKind::ForeignKeyViolation, _) => {
                Error::with_cause(ErrorKind::Unprocessable, "refers to an unknown item", e)
            }
            other => Error::internal("database error", other),
        }
    }
}

impl From<diesel::r2d2::PoolError> for Error {
    fn from(e: diesel::r2d2::PoolError) -> Self {
        Error::with_cause(ErrorKind::Unavailable, "the database is not reachable", e)
    }
}

impl From<tokio::task::JoinError> for Error {
    fn from(e: tokio::task::JoinError) -> Self {
        Error::internal("a background task failed", e)
    }
}

impl From<activitypub_federation::error::Error> for Error {
    fn from(e: activitypub_federation::error::Error) -> Self {
        use activitypub_federation::error::Error as F;
        let kind = match &e {
            F::NotFound | F::ObjectDeleted(_) => ErrorKind::NotFound,
            F::RequestLimit => ErrorKind::TooManyRequests,
            F::ResponseBodyLimit => ErrorKind::PayloadTooLarge,
            F::ActivityBodyDigestInvalid | F::ActivitySignatureInvalid => ErrorKind::Unauthorized,
            F::UrlVerificationError(_) => ErrorKind::Forbidden,
            F::ParseReceivedActivity(..) | F::ParseFetchedObject(..) => ErrorKind::BadRequest,
            F::WebfingerResolveFailed(_) => ErrorKind::NotFound,
            _ => ErrorKind::BadRequest,
        };
        let detail = e.to_string();
        Error::with_cause(kind, detail, e)
    }
}
