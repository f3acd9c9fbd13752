//! The file store of media: a folder under `data_dir`, or an S3-compatible
//! bucket shared by several processes or machines (`media.store`). Both
//! through `object_store`, so the code above sees one interface. S3
//! credentials not in the settings come from the `AWS_*` variables.

use crate::config::{Config, MediaStoreKind};
use crate::error::{Error, ErrorKind, Result};
use bytes::Bytes;
use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::path::Path;
use object_store::{ObjectStore, PutPayload};
use std::sync::Arc;

#[derive(Clone)]
pub struct Files {
    inner: Arc<dyn ObjectStore>,
}

fn store_error(what: &str, e: object_store::Error) -> Error {
    Error::with_cause(
        ErrorKind::Unavailable,
        format!("the media store cannot {what}"),
        e,
    )
}

impl Files {
    /// Opens the configured store; the folder is created when missing.
    pub fn open(config: &Config) -> Result<Files> {
        let m = &config.media;
        let inner: Arc<dyn ObjectStore> = match m.store {
            MediaStoreKind::Folder => {
                let dir = config.data_dir.join("media");
                std::fs::create_dir_all(&dir)
                    .map_err(|e| Error::internal(format!("cannot create {}", dir.display()), e))?;
                Arc::new(
                    LocalFileSystem::new_with_prefix(&dir)
                        .map_err(|e| store_error("open its folder", e))?,
                )
            }
            MediaStoreKind::S3 => {
                let s3 = &m.s3;
                let mut b = AmazonS3Builder::from_env()
                    .with_bucket_name(&s3.bucket)
                    .with_allow_http(s3.allow_http);
                if !s3.region.is_empty() {
                    b = b.with_region(&s3.region);
                }
                if !s3.endpoint.is_empty() {
                    b = b.with_endpoint(&s3.endpoint);
                }
                if !s3.access_key_id.is_empty() {
                    b = b
                        .with_access_key_id(&s3.access_key_id)
                        .with_secret_access_key(&s3.secret_access_key);
                }
                Arc::new(b.build().map_err(|e| store_error("reach its bucket", e))?)
            }
        };
        Ok(Files { inner })
    }

    pub async fn put(&self, key: &str, bytes: Bytes) -> Result<()> {
        self.inner
            .put(&Path::from(key), PutPayload::from_bytes(bytes))
            .await
            .map_err(|e| store_error("store a file", e))?;
        Ok(())
    }

    pub async fn get(&self, key: &str) -> Result<Bytes> {
        let found = match self.inner.get(&Path::from(key)).await {
            Ok(found) => found,
            Err(object_store::Error::NotFound { .. }) => {
                return Err(Error::not_found("this file is not in the media store"))
            }
            Err(e) => return Err(store_error("read a file", e)),
        };
        found
            .bytes()
            .await
            .map_err(|e| store_error("read a file", e))
    }

    /// Deletes a file; one already gone is no error (a retried clean-up).
    pub async fn delete(&self, key: &str) -> Result<()> {
        match self.inner.delete(&Path::from(key)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(store_error("delete a file", e)),
        }
    }
}
