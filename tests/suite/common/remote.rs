//! A fake remote server shaped like Mastodon: it serves its actors (each
//! with an RSA-2048 key of its own) and any JSON object a test puts at a
//! path, records what is POSTed to its inboxes (checking the signature
//! against the sender's published key) and answers 202, and signs and
//! POSTs activities as its actors, draft-cavage style — correctly, or
//! broken on purpose (see [`Signing`]).
#![allow(dead_code)]

use super::Response;
use actix_web::{web, HttpRequest, HttpResponse};
use base64::Engine;
use rsa::pkcs1v15::SigningKey;
use rsa::pkcs8::DecodePrivateKey;
use rsa::signature::{SignatureEncoding, Signer as _};
use rsa::RsaPrivateKey;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

pub const PUBLIC: &str = "https://www.w3.org/ns/activitystreams#Public";
/// What Mastodon answers with.
const AP_JSON: &str = "application/activity+json; charset=utf-8";

/// A POST that reached one of the fake's inboxes.
#[derive(Debug, Clone)]
pub struct Received {
    pub path: String,
    pub body: Value,
    /// The keyId of a signature that verified; None when it did not.
    pub verified_key: Option<String>,
    /// Why it did not verify.
    pub refusal: Option<String>,
}

impl Received {
    pub fn kind(&self) -> &str {
        self.body["type"].as_str().unwrap_or("")
    }
}

/// A key that signs, and the keyId it signs as.
#[derive(Clone)]
pub struct Signer {
    pub key_id: String,
    pub key: RsaPrivateKey,
}

impl Signer {
    /// From a PKCS#8 PEM private key (what Guildhall stores).
    pub fn from_pem(key_id: &str, pem: &str) -> Signer {
        Signer {
            key_id: key_id.to_string(),
            key: RsaPrivateKey::from_pkcs8_pem(pem).expect("a PKCS#8 private key"),
        }
    }
}

/// How to sign a POST; the default is right, each field breaks it one way.
#[derive(Debug, Clone, Default)]
pub struct Signing {
    /// Send a body other than the one the Digest (and signature) cover.
    pub tamper_body: bool,
    /// Sign with a key that is not the actor's published one.
    pub wrong_key: bool,
    /// No Digest header (and "digest" not among the signed headers).
    pub omit_digest: bool,
    /// A right Digest header, but not among the signed headers.
    pub digest_not_signed: bool,
    /// No Signature header at all.
    pub unsigned: bool,
    /// The `algorithm` parameter (default "rsa-sha256"), e.g. "hs2019".
    pub algorithm: Option<String>,
    /// keyId = the actor's id, without "#main-key".
    pub key_id_without_fragment: bool,
    /// How old the Date header is.
    pub date_age: Option<Duration>,
}

/// One actor of the fake server.
#[derive(Clone)]
pub struct RemoteActor {
    pub name: String,
    /// Person, Group, Service...
    pub kind: String,
    /// `http://localhost:PORT`
    pub base: String,
    pub id: String,
    pub inbox: String,
    pub outbox: String,
    pub followers: String,
    pub shared_inbox: String,
    pub public_key_pem: String,
    pub signer: Signer,
}

static SEQ: AtomicU64 = AtomicU64::new(1);

fn next() -> u64 {
    SEQ.fetch_add(1, Ordering::SeqCst)
}

fn now_rfc3339() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

impl RemoteActor {
    /// `name@localhost:PORT`, as Guildhall shows a remote person.
    pub fn handle(&self) -> String {
        format!("{}@{}", self.name, self.base.trim_start_matches("http://"))
    }

    /// The actor document, as Mastodon serves it.
    pub fn document(&self) -> Value {
        json!({
            "@context": [
                "https://www.w3.org/ns/activitystreams",
                "https://w3id.org/security/v1",
                {"manuallyApprovesFollowers": "as:manuallyApprovesFollowers", "toot": "http://joinmastodon.org/ns#"}
            ],
            "id": self.id,
            "type": self.kind,
            "following": format!("{}/following", self.id),
            "followers": self.followers,
            "inbox": self.inbox,
            "outbox": self.outbox,
            "featured": format!("{}/collections/featured", self.id),
            "preferredUsername": self.name,
            "name": format!("{} (remote)", self.name),
            "summary": "<p>A fake remote account.</p>",
            "url": format!("{}/@{}", self.base, self.name),
            "manuallyApprovesFollowers": false,
            "discoverable": true,
            "published": "2024-01-01T00:00:00Z",
            "publicKey": {
                "id": format!("{}#main-key", self.id),
                "owner": self.id,
                "publicKeyPem": self.public_key_pem,
            },
            "endpoints": {"sharedInbox": self.shared_inbox},
            "tag": [],
            "attachment": [],
        })
    }

    fn context() -> Value {
        json!("https://www.w3.org/ns/activitystreams")
    }

    /// `Follow` of `target` (an actor id).
    pub fn follow(&self, target: &str) -> Value {
        json!({
            "@context": Self::context(),
            "id": format!("{}/follows/{}", self.base, next()),
            "type": "Follow",
            "actor": self.id,
            "object": target,
        })
    }

    /// `Undo` of one of this actor's activities, embedded.
    pub fn undo(&self, activity: &Value) -> Value {
        json!({
            "@context": Self::context(),
            "id": format!("{}/undo", activity["id"].as_str().expect("activity id")),
            "type": "Undo",
            "actor": self.id,
            "object": activity,
        })
    }

    /// A public status (`Note`) with this HTML content; set `inReplyTo`,
    /// `to`, `cc` or `tag` on the result as needed.
    pub fn note(&self, content: &str) -> Value {
        let n = next();
        json!({
            "id": format!("{}/statuses/{n}", self.id),
            "type": "Note",
            "summary": null,
            "inReplyTo": null,
            "published": now_rfc3339(),
            "url": format!("{}/@{}/{n}", self.base, self.name),
            "attributedTo": self.id,
            "to": [PUBLIC],
            "cc": [self.followers],
            "sensitive": false,
            "content": content,
            "contentMap": {"en": content},
            "attachment": [],
            "tag": [],
            "replies": {
                "id": format!("{}/statuses/{n}/replies", self.id),
                "type": "Collection",
                "first": {"type": "CollectionPage", "next": format!("{}/statuses/{n}/replies?page=true", self.id), "items": []}
            },
        })
    }

    /// `Create` of `object`, addressed as the object is.
    pub fn create(&self, object: &Value) -> Value {
        json!({
            "@context": Self::context(),
            "id": format!("{}/activity", object["id"].as_str().expect("object id")),
            "type": "Create",
            "actor": self.id,
            "published": object["published"],
            "to": object["to"],
            "cc": object["cc"],
            "object": object,
        })
    }

    /// `Update` of `object` (an edit: `updated` is set on the object).
    pub fn update(&self, object: &Value) -> Value {
        let mut object = object.clone();
        object["updated"] = json!(now_rfc3339());
        json!({
            "@context": Self::context(),
            "id": format!("{}#updates/{}", object["id"].as_str().expect("object id"), next()),
            "type": "Update",
            "actor": self.id,
            "to": object["to"],
            "cc": object["cc"],
            "object": object,
        })
    }

    /// `Delete` of the status `object_id`, with a Tombstone as Mastodon sends.
    pub fn delete(&self, object_id: &str) -> Value {
        json!({
            "@context": Self::context(),
            "id": format!("{object_id}#delete"),
            "type": "Delete",
            "actor": self.id,
            "to": [PUBLIC],
            "object": {"id": object_id, "type": "Tombstone", "atomUri": object_id},
        })
    }

    /// `Like` (a favourite) of `object_id`.
    pub fn like(&self, object_id: &str) -> Value {
        json!({
            "@context": Self::context(),
            "id": format!("{}#likes/{}", self.id, next()),
            "type": "Like",
            "actor": self.id,
            "object": object_id,
        })
    }

    /// `Announce` (a boost) of `object`, id or embedded.
    pub fn announce(&self, object: Value) -> Value {
        json!({
            "@context": Self::context(),
            "id": format!("{}/statuses/{}/activity", self.id, next()),
            "type": "Announce",
            "actor": self.id,
            "published": now_rfc3339(),
            "to": [PUBLIC],
            "cc": [self.followers],
            "object": object,
        })
    }

    /// Any other activity: `kind` of `object`, with an id on this server.
    pub fn activity(&self, kind: &str, object: Value) -> Value {
        json!({
            "@context": Self::context(),
            "id": format!("{}/activities/{}", self.base, next()),
            "type": kind,
            "actor": self.id,
            "object": object,
        })
    }
}

/// A Mention tag, as Mastodon writes it.
pub fn mention(href: &str, name: &str) -> Value {
    json!({"type": "Mention", "href": href, "name": name})
}

struct State {
    base: String,
    /// By path (`/users/kim`).
    actors: Mutex<HashMap<String, RemoteActor>>,
    /// By path.
    objects: Mutex<HashMap<String, Value>>,
    received: Mutex<Vec<Received>>,
}

#[derive(Clone)]
pub struct Remote {
    /// `http://localhost:PORT`: the base of every id here.
    pub url: String,
    pub client: reqwest::Client,
    state: Arc<State>,
    spare_key: Arc<tokio::sync::OnceCell<RsaPrivateKey>>,
    handle: actix_web::dev::ServerHandle,
}

async fn new_key() -> (RsaPrivateKey, String) {
    tokio::task::spawn_blocking(|| {
        let pair = activitypub_federation::http_signatures::generate_actor_keypair()
            .expect("generate a key pair");
        (
            RsaPrivateKey::from_pkcs8_pem(&pair.private_key).expect("private key"),
            pair.public_key,
        )
    })
    .await
    .expect("join")
}

fn path_of(url: &str) -> String {
    url::Url::parse(url)
        .map(|u| u.path().to_string())
        .unwrap_or_default()
}

impl Remote {
    pub async fn start() -> Remote {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let base = format!("http://localhost:{port}");
        let state = Arc::new(State {
            base: base.clone(),
            actors: Mutex::default(),
            objects: Mutex::default(),
            received: Mutex::default(),
        });
        let st = state.clone();
        let server = actix_web::HttpServer::new(move || {
            actix_web::App::new()
                .app_data(web::Data::new(st.clone()))
                .default_service(web::to(serve))
        })
        .workers(1)
        .disable_signals()
        .listen(listener)
        .expect("listen")
        .run();
        let handle = server.handle();
        tokio::spawn(server);
        Remote {
            url: base,
            client: reqwest::Client::new(),
            state,
            spare_key: Arc::default(),
            handle,
        }
    }

    /// `localhost:PORT`
    pub fn host(&self) -> String {
        self.url.trim_start_matches("http://").to_string()
    }

    /// The shared inbox, `/inbox`.
    pub fn shared_inbox(&self) -> String {
        format!("{}/inbox", self.url)
    }

    /// A new actor of type `kind` at `/users/NAME`, with a key of its own.
    pub async fn actor(&self, name: &str, kind: &str) -> RemoteActor {
        let (key, public_key_pem) = new_key().await;
        self.register(name, kind, key, public_key_pem)
    }

    /// A new actor that signs with `other`'s key pair: many actors
    /// without generating a key for each.
    pub fn actor_sharing_key(&self, name: &str, kind: &str, other: &RemoteActor) -> RemoteActor {
        self.register(
            name,
            kind,
            other.signer.key.clone(),
            other.public_key_pem.clone(),
        )
    }

    fn register(
        &self,
        name: &str,
        kind: &str,
        key: RsaPrivateKey,
        public_key_pem: String,
    ) -> RemoteActor {
        let id = format!("{}/users/{name}", self.url);
        let actor = RemoteActor {
            name: name.to_string(),
            kind: kind.to_string(),
            base: self.url.clone(),
            inbox: format!("{id}/inbox"),
            outbox: format!("{id}/outbox"),
            followers: format!("{id}/followers"),
            shared_inbox: self.shared_inbox(),
            public_key_pem,
            signer: Signer {
                key_id: format!("{id}#main-key"),
                key,
            },
            id: id.clone(),
        };
        self.state
            .actors
            .lock()
            .expect("lock")
            .insert(path_of(&id), actor.clone());
        actor
    }

    /// A new `Person`.
    pub async fn person(&self, name: &str) -> RemoteActor {
        self.actor(name, "Person").await
    }

    /// Serves `object` (as activity+json) at the path of `id`.
    pub fn serve(&self, id: &str, object: Value) {
        self.state
            .objects
            .lock()
            .expect("lock")
            .insert(path_of(id), object);
    }

    /// Stops serving the object at the path of `id`.
    pub fn unserve(&self, id: &str) {
        self.state
            .objects
            .lock()
            .expect("lock")
            .remove(&path_of(id));
    }

    pub fn received(&self) -> Vec<Received> {
        self.state
            .received
            .lock()
            .map(|v| v.clone())
            .unwrap_or_default()
    }

    /// Waits until `pred` holds for what was received (or panics after
    /// 20 seconds, showing what came).
    pub async fn wait_for(&self, what: &str, pred: impl Fn(&[Received]) -> bool) -> Vec<Received> {
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        loop {
            let got = self.received();
            if pred(&got) {
                return got;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "timed out waiting for {what} at {}: {:#?}",
                self.url,
                got.iter()
                    .map(|r| (&r.path, &r.body, &r.refusal))
                    .collect::<Vec<_>>()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Signs `activity` as `actor` and POSTs it to `inbox`.
    pub async fn send(&self, actor: &RemoteActor, inbox: &str, activity: &Value) -> Response {
        self.send_with(actor, inbox, activity, Signing::default())
            .await
    }

    /// The same, signed as `signing` says. A Create or Update of an object
    /// of this server also serves that object at its id, as Mastodon
    /// would; a Delete stops serving it.
    pub async fn send_with(
        &self,
        actor: &RemoteActor,
        inbox: &str,
        activity: &Value,
        signing: Signing,
    ) -> Response {
        let object = &activity["object"];
        if let Some(id) = object["id"].as_str().filter(|id| id.starts_with(&self.url)) {
            match activity["type"].as_str() {
                Some("Create" | "Update") if object.get("type").is_some() => {
                    self.serve(id, object.clone())
                }
                Some("Delete") => self.unserve(id),
                _ => {}
            }
        }
        let mut signer = actor.signer.clone();
        if signing.wrong_key {
            signer.key = self
                .spare_key
                .get_or_init(|| async { new_key().await.0 })
                .await
                .clone();
        }
        post_signed(&self.client, inbox, activity, &signer, &signing).await
    }

    pub async fn stop(&self) {
        self.handle.stop(true).await;
    }
}

/// Signs `activity` with `signer` (draft-cavage: `(request-target) host
/// date digest`, rsa-sha256) and POSTs it to `inbox`; `signing` breaks the
/// signature on purpose (its `wrong_key` is the caller's business: pass
/// another key in `signer`). Answers the status and the body (JSON, or the
/// text as a JSON string).
pub async fn post_signed(
    client: &reqwest::Client,
    inbox: &str,
    activity: &Value,
    signer: &Signer,
    signing: &Signing,
) -> Response {
    let b64 = base64::engine::general_purpose::STANDARD;
    let url = url::Url::parse(inbox).expect("inbox URL");
    let host = match url.port() {
        Some(p) => format!("{}:{p}", url.host_str().expect("host")),
        None => url.host_str().expect("host").to_string(),
    };
    let target = match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_string(),
    };
    let signed_body = serde_json::to_vec(activity).expect("encode");
    let sent_body = if signing.tamper_body {
        let mut changed = activity.clone();
        changed["tampered"] = json!(true);
        serde_json::to_vec(&changed).expect("encode")
    } else {
        signed_body.clone()
    };
    let digest = format!("SHA-256={}", b64.encode(Sha256::digest(&signed_body)));
    let date = actix_web::http::header::HttpDate::from(
        SystemTime::now() - signing.date_age.unwrap_or_default(),
    )
    .to_string();
    let mut names = vec!["(request-target)", "host", "date"];
    let mut lines = vec![
        format!("(request-target): post {target}"),
        format!("host: {host}"),
        format!("date: {date}"),
    ];
    if !signing.omit_digest && !signing.digest_not_signed {
        names.push("digest");
        lines.push(format!("digest: {digest}"));
    }
    let signature = SigningKey::<Sha256>::new(signer.key.clone()).sign(lines.join("\n").as_bytes());
    let key_id = if signing.key_id_without_fragment {
        signer.key_id.split('#').next().unwrap_or(&signer.key_id)
    } else {
        &signer.key_id
    };
    let header = format!(
        "keyId=\"{key_id}\",algorithm=\"{}\",headers=\"{}\",signature=\"{}\"",
        signing.algorithm.as_deref().unwrap_or("rsa-sha256"),
        names.join(" "),
        b64.encode(signature.to_bytes())
    );
    let mut req = client
        .post(inbox)
        .header("host", host)
        .header("date", date)
        .header("content-type", "application/activity+json")
        .header("accept", "application/activity+json")
        .header("user-agent", "FakeMastodon/4.3.0 (guildhall tests)")
        .body(sent_body);
    if !signing.unsigned {
        req = req.header("signature", header);
    }
    if !signing.omit_digest {
        req = req.header("digest", digest);
    }
    let res = req.send().await.expect("POST to the inbox");
    let status = res.status();
    let headers = res.headers().clone();
    let text = res.text().await.unwrap_or_default();
    let body = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or(Value::String(text))
    };
    Response {
        status,
        body,
        headers,
    }
}

type Shared = web::Data<Arc<State>>;

async fn serve(req: HttpRequest, body: web::Bytes, state: Shared) -> HttpResponse {
    if req.method() == actix_web::http::Method::POST {
        return receive(req, body, state).await;
    }
    let path = req.path().to_string();
    let found = {
        let actors = state.actors.lock().expect("lock");
        actors.get(&path).map(RemoteActor::document)
    };
    let found = found.or_else(|| state.objects.lock().expect("lock").get(&path).cloned());
    let found = found.or_else(|| {
        // Every actor's collections exist, and are empty.
        let actors = state.actors.lock().expect("lock");
        actors.values().find_map(|a| {
            let id = format!("{}{path}", state.base);
            [&a.followers, &a.outbox]
                .contains(&&id)
                .then(|| json!({"id": id, "type": "OrderedCollection", "totalItems": 0}))
        })
    });
    match found {
        Some(v) => HttpResponse::Ok().content_type(AP_JSON).json(v),
        None => HttpResponse::NotFound().json(json!({"error": "Record not found"})),
    }
}

async fn receive(req: HttpRequest, body: web::Bytes, state: Shared) -> HttpResponse {
    let (verified_key, refusal) = match super::sink::verify(&req, &body).await {
        Ok(k) => (Some(k), None),
        Err(e) => (None, Some(e)),
    };
    let json = serde_json::from_slice(&body).unwrap_or(Value::Null);
    if let Ok(mut v) = state.received.lock() {
        v.push(Received {
            path: req.path().to_string(),
            body: json,
            verified_key,
            refusal,
        });
    }
    HttpResponse::Accepted().finish()
}
