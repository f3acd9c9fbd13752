//! A stand-in for a remote server's inbox: records every POST, verifies its
//! HTTP signature against the sender's published key, and answers with a
//! status the test sets.
#![allow(dead_code)]

use actix_web::{web, HttpRequest, HttpResponse};
use base64::Engine;
use rsa::pkcs1v15::{Signature, VerifyingKey};
use rsa::pkcs8::DecodePublicKey;
use rsa::signature::Verifier;
use rsa::RsaPublicKey;
use sha2::{Digest, Sha256};
use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::{Arc, Mutex};

#[derive(Debug, Clone)]
pub struct Received {
    pub path: String,
    pub body: serde_json::Value,
    /// The keyId of a signature that verified; None when it did not.
    pub verified_key: Option<String>,
    /// Why it did not verify.
    pub refusal: Option<String>,
}

#[derive(Clone)]
pub struct Sink {
    pub url: String,
    pub received: Arc<Mutex<Vec<Received>>>,
    pub status: Arc<AtomicU16>,
    handle: actix_web::dev::ServerHandle,
}

impl Sink {
    pub async fn start() -> Sink {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let received: Arc<Mutex<Vec<Received>>> = Arc::default();
        let status = Arc::new(AtomicU16::new(202));
        let (r, st) = (received.clone(), status.clone());
        let server = actix_web::HttpServer::new(move || {
            actix_web::App::new()
                .app_data(web::Data::new((r.clone(), st.clone())))
                .default_service(web::to(receive))
        })
        .workers(1)
        .disable_signals()
        .listen(listener)
        .expect("listen")
        .run();
        let handle = server.handle();
        tokio::spawn(server);
        Sink {
            url: format!("http://localhost:{port}"),
            received,
            status,
            handle,
        }
    }

    pub fn inbox(&self) -> String {
        format!("{}/inbox", self.url)
    }

    pub fn set_status(&self, status: u16) {
        self.status.store(status, Ordering::SeqCst);
    }

    pub fn received(&self) -> Vec<Received> {
        self.received.lock().map(|v| v.clone()).unwrap_or_default()
    }

    /// Waits until `pred` holds for what was received (or panics).
    pub async fn wait_for(&self, what: &str, pred: impl Fn(&[Received]) -> bool) -> Vec<Received> {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        loop {
            let got = self.received();
            if pred(&got) {
                return got;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "timed out waiting for {what}: {got:?}"
            );
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    }

    pub async fn stop(&self) {
        self.handle.stop(true).await;
    }
}

type State = web::Data<(Arc<Mutex<Vec<Received>>>, Arc<AtomicU16>)>;

async fn receive(req: HttpRequest, body: web::Bytes, state: State) -> HttpResponse {
    let verdict = verify(&req, &body).await;
    let (verified_key, refusal) = match verdict {
        Ok(k) => (Some(k), None),
        Err(e) => (None, Some(e)),
    };
    let json = serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null);
    if let Ok(mut v) = state.0.lock() {
        v.push(Received {
            path: req.path().to_string(),
            body: json,
            verified_key,
            refusal,
        });
    }
    let status = state.1.load(Ordering::SeqCst);
    HttpResponse::build(actix_web::http::StatusCode::from_u16(status).expect("status")).finish()
}

/// Checks the Digest and the draft-cavage signature; returns the keyId.
pub async fn verify(req: &HttpRequest, body: &[u8]) -> Result<String, String> {
    let header = |name: &str| {
        req.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
            .ok_or(format!("no {name} header"))
    };
    let b64 = base64::engine::general_purpose::STANDARD;
    let digest = header("digest")?;
    let expected = format!("SHA-256={}", b64.encode(Sha256::digest(body)));
    if digest != expected {
        return Err("digest mismatch".into());
    }
    let sig = header("signature")?;
    let field = |name: &str| {
        sig.split(',')
            .find_map(|p| p.trim().strip_prefix(&format!("{name}=\"")))
            .map(|v| v.trim_end_matches('"').to_string())
            .ok_or(format!("no {name} in signature"))
    };
    let (key_id, headers, signature) = (field("keyId")?, field("headers")?, field("signature")?);
    let mut lines = Vec::new();
    for h in headers.split(' ') {
        if h == "(request-target)" {
            lines.push(format!(
                "(request-target): {} {}",
                req.method().as_str().to_lowercase(),
                req.path()
            ));
        } else {
            lines.push(format!("{h}: {}", header(h)?));
        }
    }
    for required in ["(request-target)", "host", "date", "digest"] {
        if !headers.split(' ').any(|h| h == required) {
            return Err(format!("{required} is not signed"));
        }
    }
    let actor = key_id.split('#').next().unwrap_or(&key_id).to_string();
    let doc: serde_json::Value = reqwest::Client::new()
        .get(&actor)
        .header("accept", "application/activity+json")
        .send()
        .await
        .map_err(|e| e.to_string())?
        .json()
        .await
        .map_err(|e| e.to_string())?;
    let pem = doc["publicKey"]["publicKeyPem"].as_str().ok_or("no key")?;
    let key = RsaPublicKey::from_public_key_pem(pem).map_err(|e| e.to_string())?;
    let sig_bytes = b64.decode(signature).map_err(|e| e.to_string())?;
    let signature = Signature::try_from(sig_bytes.as_slice()).map_err(|e| e.to_string())?;
    VerifyingKey::<Sha256>::new(key)
        .verify(lines.join("\n").as_bytes(), &signature)
        .map_err(|e| e.to_string())?;
    Ok(key_id)
}
