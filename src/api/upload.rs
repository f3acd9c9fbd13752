//! A `multipart/form-data` body read with bounds: text fields (each at most
//! the request body limit) and at most one file (at most
//! `media.max_upload_bytes`). Reading stops at the first byte over a limit,
//! so no more than the limit is ever held. Used by the API's upload route
//! and by the pages' forms that carry an image.

use crate::error::{Error, ErrorKind, Result};
use actix_multipart::{Multipart, MultipartError};
use bytes::{Bytes, BytesMut};
use futures_util::StreamExt;

/// Most fields one form may hold.
const MAX_FIELDS: usize = 32;

/// What a multipart body held.
#[derive(Default)]
pub struct Parts {
    /// Text fields, in order.
    pub fields: Vec<(String, String)>,
    /// The file field named as asked, when one was sent with content.
    pub file: Option<Bytes>,
}

impl Parts {
    pub fn text(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

fn unreadable(e: MultipartError) -> Error {
    match e {
        MultipartError::ContentTypeMissing
        | MultipartError::ContentTypeParse
        | MultipartError::ContentTypeIncompatible
        | MultipartError::BoundaryMissing => Error::new(
            ErrorKind::UnsupportedMediaType,
            "send the form as multipart/form-data",
        ),
        other => Error::bad_request(format!("cannot read the form: {other}")),
    }
}

/// Reads every field; the file is the field named `file_field`.
pub async fn read(
    mut body: Multipart,
    file_field: &str,
    max_file_bytes: usize,
    max_text_bytes: usize,
) -> Result<Parts> {
    let mut parts = Parts::default();
    let mut count = 0;
    while let Some(field) = body.next().await {
        let mut field = field.map_err(unreadable)?;
        count += 1;
        if count > MAX_FIELDS {
            return Err(Error::too_large(format!(
                "the form has more than {MAX_FIELDS} fields"
            )));
        }
        let name = field.name().unwrap_or_default().to_string();
        let is_file = name == file_field;
        let limit = if is_file {
            max_file_bytes
        } else {
            max_text_bytes
        };
        let mut data = BytesMut::new();
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(unreadable)?;
            if data.len() + chunk.len() > limit {
                return Err(Error::too_large(if is_file {
                    format!("the file is larger than {limit} bytes")
                } else {
                    format!("the field {name:?} is larger than {limit} bytes")
                }));
            }
            data.extend_from_slice(&chunk);
        }
        if is_file {
            if parts.file.is_some() {
                return Err(Error::unprocessable("send one file at a time"));
            }
            // A form's empty file input sends a part with no content.
            if !data.is_empty() {
                parts.file = Some(data.freeze());
            }
        } else {
            let text = String::from_utf8(data.to_vec())
                .map_err(|_| Error::bad_request(format!("the field {name:?} is not UTF-8")))?;
            crate::input::check(
                &format!("the field {name:?}"),
                &text,
                crate::input::Source::Text,
            )?;
            parts.fields.push((name, text));
        }
    }
    Ok(parts)
}
