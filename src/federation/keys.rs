//! RSA key pairs for local actors. Making one costs a noticeable fraction of
//! a second, so a small pool is kept filled in the background and sign-up
//! or group creation rarely waits.

use crate::error::{Error, Result};
use activitypub_federation::http_signatures::{generate_actor_keypair, Keypair};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

pub struct KeyPool {
    ready: Mutex<Vec<Keypair>>,
    target: usize,
    filling: AtomicBool,
}

fn generate() -> Result<Keypair> {
    generate_actor_keypair().map_err(|e| Error::internal("cannot generate a key pair", e))
}

impl KeyPool {
    pub fn new(target: usize) -> Arc<KeyPool> {
        Arc::new(KeyPool {
            ready: Mutex::new(Vec::with_capacity(target)),
            target,
            filling: AtomicBool::new(false),
        })
    }

    fn pop(&self) -> Option<Keypair> {
        self.ready.lock().ok().and_then(|mut v| v.pop())
    }

    /// A key pair: from the pool when one is ready, else made now (off the
    /// async threads). Starts a refill either way.
    pub async fn take(self: &Arc<Self>) -> Result<Keypair> {
        let key = match self.pop() {
            Some(k) => k,
            None => tokio::task::spawn_blocking(generate).await??,
        };
        self.refill();
        Ok(key)
    }

    /// For callers outside the runtime (CLI).
    pub fn take_blocking(&self) -> Result<Keypair> {
        match self.pop() {
            Some(k) => Ok(k),
            None => generate(),
        }
    }

    /// Tops the pool up on a blocking thread; one refill runs at a time.
    pub fn refill(self: &Arc<Self>) {
        if self.target == 0 || self.filling.swap(true, Ordering::AcqRel) {
            return;
        }
        let pool = Arc::clone(self);
        tokio::task::spawn_blocking(move || {
            loop {
                let len = pool.ready.lock().map(|v| v.len()).unwrap_or(pool.target);
                if len >= pool.target {
                    break;
                }
                match generate() {
                    Ok(k) => {
                        if let Ok(mut v) = pool.ready.lock() {
                            v.push(k);
                        }
                    }
                    Err(e) => {
                        tracing::warn!(error = ?e, "key pool refill failed");
                        break;
                    }
                }
            }
            pool.filling.store(false, Ordering::Release);
        });
    }
}
