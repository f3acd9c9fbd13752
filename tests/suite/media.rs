//! Media: uploads checked by content and re-encoded (no EXIF or GPS
//! survives), size and pixel limits read before decoding, images attached
//! to threads and comments and served to whoever may read them, the forms
//! of the pages, the group's gallery, deletion and the orphan clean-up; on
//! both databases and both file stores (a folder, and an S3-compatible
//! bucket served by moto). Federation: an image attached on A shows on B
//! with its alt text, and "reject media" on A keeps B's images out.
//!
//! The S3 variants start `moto_server` (pip install 'moto[server]'); they
//! are skipped without it, unless GUILDHALL_TEST_S3=required (set by
//! .ci/run), which makes them fail.

use crate::common;

use crate::common::{eventually, Backend, TestServer};
use guildhall::config::{Config, MediaStoreKind};
use serde_json::{json, Value};
use std::io::Cursor;
use std::process::{Child, Command, Stdio};

// ---- the file stores

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Files {
    Folder,
    S3,
}

/// A moto server (S3 API) on a free loopback port, stopped when dropped.
struct Moto {
    child: Child,
    endpoint: String,
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn s3_required() -> bool {
    std::env::var("GUILDHALL_TEST_S3").is_ok_and(|v| v == "required")
}

fn moto_binary() -> Option<String> {
    let bin = std::env::var("GUILDHALL_MOTO").unwrap_or_else(|_| "moto_server".into());
    let works = Command::new(&bin)
        .arg("--help")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    works.then_some(bin)
}

impl Moto {
    async fn start() -> Option<Moto> {
        let Some(bin) = moto_binary() else {
            assert!(
                !s3_required(),
                "GUILDHALL_TEST_S3=required but moto_server is missing (pip install 'moto[server]')"
            );
            eprintln!("skipped: no moto_server (set GUILDHALL_TEST_S3=required to fail instead)");
            return None;
        };
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        let child = Command::new(bin)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start moto_server");
        let moto = Moto {
            child,
            endpoint: format!("http://127.0.0.1:{port}"),
        };
        let client = reqwest::Client::new();
        eventually("moto_server to answer", || async {
            client.get(&moto.endpoint).send().await.is_ok()
        })
        .await;
        Some(moto)
    }

    /// Creates a bucket (moto takes unsigned requests).
    async fn bucket(&self, name: &str) {
        let res = reqwest::Client::new()
            .put(format!("{}/{name}", self.endpoint))
            .send()
            .await
            .expect("create bucket");
        assert!(res.status().is_success(), "bucket: {}", res.status());
    }
}

/// A server on `backend` keeping media in `files`, with `tweak` applied;
/// None (skipped) when S3 is asked for and moto is not installed.
async fn server_with(
    backend: Backend,
    files: Files,
    tweak: impl FnOnce(&mut Config),
) -> Option<(TestServer, Option<Moto>)> {
    let moto = match files {
        Files::Folder => None,
        Files::S3 => {
            let moto = Moto::start().await?;
            moto.bucket("guildhall-media").await;
            Some(moto)
        }
    };
    let endpoint = moto.as_ref().map(|m| m.endpoint.clone());
    let server = common::start_with(backend, move |c| {
        if let Some(endpoint) = endpoint {
            c.media.store = MediaStoreKind::S3;
            c.media.s3.bucket = "guildhall-media".into();
            c.media.s3.endpoint = endpoint;
            c.media.s3.region = "us-east-1".into();
            c.media.s3.access_key_id = "testing".into();
            c.media.s3.secret_access_key = "testing".into();
            c.media.s3.allow_http = true;
        }
        tweak(c);
    })
    .await;
    Some((server, moto))
}

async fn server(backend: Backend, files: Files) -> Option<(TestServer, Option<Moto>)> {
    server_with(backend, files, |_| {}).await
}

/// One test per database and file store.
macro_rules! on_every_store {
    ($($name:ident),* $(,)?) => {
        mod sqlite_folder {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name(super::Backend::Sqlite, super::Files::Folder).await
                }
            )*
        }
        mod sqlite_s3 {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    super::$name(super::Backend::Sqlite, super::Files::S3).await
                }
            )*
        }
        mod postgres_folder {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    if super::common::postgres_url().is_none() {
                        eprintln!("GUILDHALL_TEST_POSTGRES_URL is not set: PostgreSQL variant skipped");
                        return;
                    }
                    super::$name(super::Backend::Postgres, super::Files::Folder).await
                }
            )*
        }
        mod postgres_s3 {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    if super::common::postgres_url().is_none() {
                        eprintln!("GUILDHALL_TEST_POSTGRES_URL is not set: PostgreSQL variant skipped");
                        return;
                    }
                    super::$name(super::Backend::Postgres, super::Files::S3).await
                }
            )*
        }
    };
}

on_every_store!(
    uploads_are_checked_by_content_and_lose_their_metadata,
    huge_images_are_refused_from_their_header,
    images_attach_show_and_go_with_their_content,
    the_pages_post_and_show_images,
    federated_images_and_rejected_media,
    articles_carry_images_and_replies_take_them
);

// ---- fixtures, made here

fn jpeg(width: u32, height: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x * 4) as u8, (y * 4) as u8, 128])
    });
    let mut out = Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut out, image::ImageFormat::Jpeg)
        .expect("encode jpeg");
    out.into_inner()
}

fn png(width: u32, height: u32) -> Vec<u8> {
    let img = image::RgbaImage::from_fn(width, height, |x, _| image::Rgba([200, x as u8, 10, 255]));
    let mut out = Cursor::new(Vec::new());
    image::DynamicImage::ImageRgba8(img)
        .write_to(&mut out, image::ImageFormat::Png)
        .expect("encode png");
    out.into_inner()
}

const GPS_MARKER: &[u8] = b"GPS-52.3702N-4.8952E";

/// A JPEG with an EXIF block (APP1) holding a GPS IFD: latitude reference
/// and a map datum carrying `GPS_MARKER`, written by hand (big-endian TIFF).
fn jpeg_with_gps() -> Vec<u8> {
    let mut tiff: Vec<u8> = b"MM\x00\x2a\x00\x00\x00\x08".to_vec();
    // IFD0: one entry, GPSInfo (0x8825, LONG) pointing at the GPS IFD (26).
    tiff.extend([0, 1]);
    tiff.extend([0x88, 0x25, 0, 4, 0, 0, 0, 1, 0, 0, 0, 26]);
    tiff.extend([0, 0, 0, 0]);
    // GPS IFD: GPSLatitudeRef "N", GPSMapDatum (ASCII at offset 56).
    tiff.extend([0, 2]);
    tiff.extend([0, 1, 0, 2, 0, 0, 0, 2, b'N', 0, 0, 0]);
    let len = (GPS_MARKER.len() + 1) as u32;
    tiff.extend([0, 0x12, 0, 2]);
    tiff.extend(len.to_be_bytes());
    tiff.extend(56u32.to_be_bytes());
    tiff.extend([0, 0, 0, 0]);
    assert_eq!(tiff.len(), 56);
    tiff.extend(GPS_MARKER);
    tiff.push(0);
    let mut payload = b"Exif\x00\x00".to_vec();
    payload.extend(tiff);
    let mut segment = vec![0xFF, 0xE1];
    segment.extend(((payload.len() + 2) as u16).to_be_bytes());
    segment.extend(payload);
    let plain = jpeg(64, 48);
    let mut out = plain[..2].to_vec();
    out.extend(segment);
    out.extend(&plain[2..]);
    out
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A PNG whose header claims 10000x10000 pixels (100 megapixels), with a
/// tiny body: decoding it would need 400 MB.
fn png_claiming_100_megapixels() -> Vec<u8> {
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = b"IHDR".to_vec();
    ihdr.extend(10_000u32.to_be_bytes());
    ihdr.extend(10_000u32.to_be_bytes());
    ihdr.extend([8, 6, 0, 0, 0]);
    out.extend(13u32.to_be_bytes());
    out.extend(&ihdr);
    out.extend(crc32(&ihdr).to_be_bytes());
    let idat = b"IDAT\x78\x9c\x03\x00\x00\x00\x00\x01";
    out.extend(((idat.len() - 4) as u32).to_be_bytes());
    out.extend(idat);
    out.extend(crc32(idat).to_be_bytes());
    out
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

// ---- HTTP helpers

async fn upload(
    s: &TestServer,
    token: &str,
    bytes: Vec<u8>,
    file_name: &str,
    mime: &str,
    alt: &str,
) -> (u16, Value) {
    let part = reqwest::multipart::Part::bytes(bytes)
        .file_name(file_name.to_string())
        .mime_str(mime)
        .expect("mime");
    let form = reqwest::multipart::Form::new()
        .text("alt", alt.to_string())
        .part("file", part);
    let res = s
        .client
        .post(format!("{}/api/v1/media", s.url))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .expect("upload");
    let status = res.status().as_u16();
    let body = res.json().await.expect("JSON answer");
    (status, body)
}

/// GETs a file: status, content type and bytes.
async fn fetch(client: &reqwest::Client, url: &str, token: Option<&str>) -> (u16, String, Vec<u8>) {
    let mut req = client.get(url);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let res = req.send().await.expect("get file");
    let status = res.status().as_u16();
    let kind = res
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    (status, kind, res.bytes().await.expect("bytes").to_vec())
}

// ---- the scenarios

async fn uploads_are_checked_by_content_and_lose_their_metadata(backend: Backend, files: Files) {
    let Some((s, _moto)) = server(backend, files).await else {
        return;
    };
    let ann = s.user("ann").await;

    // A photo with GPS data comes out without any EXIF block.
    let photo = jpeg_with_gps();
    assert!(contains(&photo, b"Exif\0\0") && contains(&photo, GPS_MARKER));
    let (status, m) = upload(&s, &ann, photo, "holiday.jpg", "image/jpeg", "A beach").await;
    assert_eq!(status, 201, "{m}");
    assert_eq!(m["media_type"], "image/jpeg");
    assert_eq!(
        (m["width"].as_i64(), m["height"].as_i64()),
        (Some(64), Some(48))
    );
    assert_eq!(m["alt"], "A beach");
    assert!(m["blurhash"].as_str().is_some_and(|b| b.len() >= 6), "{m}");
    let url = m["url"].as_str().expect("url");
    // Not attached yet: its owner sees it, nobody else does.
    let (status, kind, stored) = fetch(&s.client, url, Some(&ann)).await;
    assert_eq!((status, kind.as_str()), (200, "image/jpeg"));
    assert!(stored.starts_with(&[0xFF, 0xD8]), "a JPEG");
    assert!(!contains(&stored, b"Exif"), "EXIF survived");
    assert!(!contains(&stored, GPS_MARKER), "GPS data survived");
    let decoded = image::load_from_memory(&stored).expect("decodes");
    assert_eq!((decoded.width(), decoded.height()), (64, 48));
    let thumb = m["thumbnail_url"].as_str().expect("thumbnail");
    assert_eq!(fetch(&s.client, thumb, Some(&ann)).await.0, 200);
    let bob = s.user("bob").await;
    assert_eq!(fetch(&s.client, url, Some(&bob)).await.0, 404);
    assert_eq!(fetch(&s.client, url, None).await.0, 404);

    // The content decides, not the name: a PNG called .jpg is a PNG ...
    let (status, m) = upload(&s, &ann, png(20, 10), "fake.jpg", "image/jpeg", "").await;
    assert_eq!(status, 201, "{m}");
    assert_eq!(m["media_type"], "image/png");
    let (_, kind, stored) = fetch(&s.client, m["url"].as_str().unwrap(), Some(&ann)).await;
    assert_eq!(kind, "image/png");
    assert!(stored.starts_with(b"\x89PNG"));

    // ... and text called .png is refused.
    let (status, e) = upload(
        &s,
        &ann,
        b"just words, no pixels".to_vec(),
        "cat.png",
        "image/png",
        "",
    )
    .await;
    assert_eq!(status, 415, "{e}");
    assert_eq!(e["error"], "unsupported_media_type");
    assert!(e["detail"]
        .as_str()
        .is_some_and(|d| d.contains("JPEG, PNG, WebP and GIF")));

    // A broken image of an accepted type is a clear refusal too.
    let mut broken = png(20, 10);
    broken.truncate(40);
    let (status, e) = upload(&s, &ann, broken, "broken.png", "image/png", "").await;
    assert_eq!(status, 422, "{e}");

    // Uploading needs an account; a body without the file is explained.
    let (status, _) = upload(&s, "not-a-token", png(4, 4), "a.png", "image/png", "").await;
    assert_eq!(status, 401);
    let res = s
        .client
        .post(format!("{}/api/v1/media", s.url))
        .bearer_auth(&ann)
        .multipart(reqwest::multipart::Form::new().text("alt", "nothing"))
        .send()
        .await
        .expect("send");
    assert_eq!(res.status().as_u16(), 422);
    let res = s
        .client
        .post(format!("{}/api/v1/media", s.url))
        .bearer_auth(&ann)
        .json(&json!({"file": "x"}))
        .send()
        .await
        .expect("send");
    assert_eq!(res.status().as_u16(), 415);
}

async fn huge_images_are_refused_from_their_header(backend: Backend, files: Files) {
    let small = |c: &mut Config| c.media.max_upload_bytes = 64 * 1024;
    let Some((s, _moto)) = server_with(backend, files, small).await else {
        return;
    };
    let ann = s.user("ann").await;
    // 100 megapixels announced in a few bytes: refused before decoding.
    let (status, e) = upload(
        &s,
        &ann,
        png_claiming_100_megapixels(),
        "big.png",
        "image/png",
        "",
    )
    .await;
    assert_eq!(status, 413, "{e}");
    assert!(
        e["detail"]
            .as_str()
            .is_some_and(|d| d.contains("10000x10000")),
        "{e}"
    );
    // A body larger than media.max_upload_bytes is refused while read.
    let (status, e) = upload(
        &s,
        &ann,
        vec![0xFF; 200 * 1024],
        "big.jpg",
        "image/jpeg",
        "",
    )
    .await;
    assert_eq!(status, 413, "{e}");
    assert!(
        e["detail"]
            .as_str()
            .is_some_and(|d| d.contains("larger than")),
        "{e}"
    );
    // The server is still fine and takes a normal image.
    let (status, m) = upload(&s, &ann, png(30, 30), "ok.png", "image/png", "fine").await;
    assert_eq!(status, 201, "{m}");
}

async fn images_attach_show_and_go_with_their_content(backend: Backend, files: Files) {
    let Some((s, _moto)) = server(backend, files).await else {
        return;
    };
    let ann = s.user("ann").await;
    let bob = s.user("bob").await;
    s.group(&ann, "photos", "group").await;
    s.post("/api/v1/groups/photos/join", Some(&bob), json!({}))
        .await
        .expect(200);

    // A thread with two images, in the order given.
    let (_, first) = upload(&s, &ann, jpeg(40, 30), "a.jpg", "image/jpeg", "A red door").await;
    let (_, second) = upload(&s, &ann, png(10, 20), "b.png", "image/png", "A blue window").await;
    let (first_id, second_id) = (
        first["id"].as_i64().unwrap(),
        second["id"].as_i64().unwrap(),
    );
    let post = s
        .post(
            "/api/v1/groups/photos/posts",
            Some(&ann),
            json!({"title": "Doors", "body": "Two of them.", "media": [second_id, first_id]}),
        )
        .await
        .expect(201);
    let pid = post["id"].as_i64().unwrap();
    assert_eq!(post["media"][0]["alt"], "A blue window");
    assert_eq!(post["media"][1]["alt"], "A red door");
    assert_eq!(post["media"][1]["width"], 40);
    assert_eq!(post["media"][1]["height"], 30);
    // Attached, it is everyone's to see in an open group.
    let url = post["media"][1]["url"].as_str().unwrap().to_string();
    assert_eq!(fetch(&s.client, &url, None).await.0, 200);

    // An upload is attached once, and only by its owner.
    let again = s
        .post(
            "/api/v1/groups/photos/posts",
            Some(&ann),
            json!({"title": "Again", "body": "Same image.", "media": [first_id]}),
        )
        .await
        .expect_error(422);
    assert!(again["detail"]
        .as_str()
        .unwrap()
        .contains("already attached"));
    let (_, annes) = upload(&s, &ann, png(8, 8), "c.png", "image/png", "").await;
    s.post(
        &format!("/api/v1/posts/{pid}/comments"),
        Some(&bob),
        json!({"body": "Not mine.", "media": [annes["id"]]}),
    )
    .await
    .expect_error(422);

    // A comment with an image.
    let (_, cm) = upload(
        &s,
        &bob,
        jpeg(16, 16),
        "d.jpg",
        "image/jpeg",
        "A green gate",
    )
    .await;
    let comment = s
        .post(
            &format!("/api/v1/posts/{pid}/comments"),
            Some(&bob),
            json!({"body": "Mine has a gate.", "media": [cm["id"]]}),
        )
        .await
        .expect(201);
    assert_eq!(comment["media"][0]["alt"], "A green gate");
    let thread = s
        .get(&format!("/api/v1/posts/{pid}"), None)
        .await
        .expect(200);
    assert_eq!(thread["comments"][0]["media"][0]["alt"], "A green gate");
    assert_eq!(thread["media"].as_array().map(Vec::len), Some(2));

    // A removed comment's image is its author's and the moderators' only.
    let cid = comment["id"].as_i64().unwrap();
    let gate = comment["media"][0]["url"].as_str().unwrap().to_string();
    s.post(
        &format!("/api/v1/comments/{cid}/remove"),
        Some(&ann),
        json!({}),
    )
    .await
    .expect(200);
    assert_eq!(fetch(&s.client, &gate, None).await.0, 404);
    assert_eq!(fetch(&s.client, &gate, Some(&ann)).await.0, 200);
    assert_eq!(fetch(&s.client, &gate, Some(&bob)).await.0, 200);
    let gallery = s.get("/api/v1/groups/photos/media", None).await.expect(200);
    assert_eq!(gallery["items"].as_array().map(Vec::len), Some(2));
    s.post(
        &format!("/api/v1/comments/{cid}/restore"),
        Some(&ann),
        json!({}),
    )
    .await
    .expect(200);
    assert_eq!(fetch(&s.client, &gate, None).await.0, 200);

    // The group's gallery: every image posted there, newest first.
    let gallery = s.get("/api/v1/groups/photos/media", None).await.expect(200);
    let alts: Vec<&str> = gallery["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["alt"].as_str().unwrap())
        .collect();
    assert_eq!(alts, ["A green gate", "A blue window", "A red door"]);

    // A club's images stay with its members.
    s.group(&ann, "inner", "club").await;
    let (_, secret) = upload(&s, &ann, png(6, 6), "s.png", "image/png", "A secret").await;
    let club_post = s
        .post(
            "/api/v1/groups/inner/posts",
            Some(&ann),
            json!({"title": "Members only", "body": "Hush.", "media": [secret["id"]]}),
        )
        .await
        .expect(201);
    let secret_url = club_post["media"][0]["url"].as_str().unwrap().to_string();
    assert_eq!(fetch(&s.client, &secret_url, Some(&ann)).await.0, 200);
    assert_eq!(fetch(&s.client, &secret_url, Some(&bob)).await.0, 403);
    assert_eq!(fetch(&s.client, &secret_url, None).await.0, 403);
    s.get("/api/v1/groups/inner/media", Some(&bob))
        .await
        .expect_error(403);

    // Deleting the thread deletes its images, files included.
    let stored_key = {
        let id = first_id;
        let app = s.app.clone();
        app.store
            .run(move |conn| guildhall::store::media::by_id(conn, id))
            .await
            .expect("row")
            .and_then(|m| m.file_key)
            .expect("file key")
    };
    assert!(s.app.files.get(&stored_key).await.is_ok());
    s.delete(&format!("/api/v1/posts/{pid}"), Some(&ann))
        .await
        .expect(204);
    assert_eq!(fetch(&s.client, &url, None).await.0, 404);
    let gone = s.app.files.get(&stored_key).await.err().map(|e| e.kind);
    assert_eq!(gone, Some(guildhall::error::ErrorKind::NotFound));
    let gallery = s.get("/api/v1/groups/photos/media", None).await.expect(200);
    assert_eq!(gallery["items"].as_array().map(Vec::len), Some(1));

    // Uploads never attached go after the grace period (0 hours here).
    let (_, stray) = upload(&s, &bob, png(5, 5), "e.png", "image/png", "").await;
    let stray_url = stray["url"].as_str().unwrap().to_string();
    assert_eq!(fetch(&s.client, &stray_url, Some(&bob)).await.0, 200);
    let mut app = s.app.clone();
    let mut config = (*app.config).clone();
    config.media.orphan_grace_hours = 0;
    app.config = std::sync::Arc::new(config);
    let removed = guildhall::community::media::clean_orphans(&app)
        .await
        .expect("clean-up");
    // ann's attach-once upload "c.png" and bob's stray.
    assert_eq!(removed, 2);
    assert_eq!(fetch(&s.client, &stray_url, Some(&bob)).await.0, 404);
    // Attached images stay.
    let gallery = s.get("/api/v1/groups/photos/media", None).await.expect(200);
    assert_eq!(gallery["items"].as_array().map(Vec::len), Some(1));
}

/// A browser's form: the session cookie, the CSRF cookie and field.
const CSRF: &str = "abcdefghijklmnopqrstuvwxyz0123456789ABCD";

async fn post_form(
    s: &TestServer,
    token: &str,
    path: &str,
    form: reqwest::multipart::Form,
) -> reqwest::Response {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
        .post(format!("{}{path}", s.url))
        .header("cookie", format!("gh_session={token}; gh_csrf={CSRF}"))
        .header("accept", "text/html")
        .multipart(form)
        .send()
        .await
        .expect("post form")
}

async fn page(s: &TestServer, token: &str, path: &str) -> String {
    s.client
        .get(format!("{}{path}", s.url))
        .header("cookie", format!("gh_session={token}; gh_csrf={CSRF}"))
        .header("accept", "text/html")
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html")
}

async fn the_pages_post_and_show_images(backend: Backend, files: Files) {
    let Some((s, _moto)) = server(backend, files).await else {
        return;
    };
    let ann = s.user("ann").await;
    s.group(&ann, "garden", "group").await;

    // The new-thread form carries the image and its alt text.
    let html = page(&s, &ann, "/g/garden/new").await;
    assert!(html.contains(r#"enctype="multipart/form-data""#));
    assert!(html.contains(r#"name="alt""#) && html.contains(r#"type="file""#));
    let form = reqwest::multipart::Form::new()
        .text("csrf", CSRF)
        .text("title", "Tulips")
        .text("body", "They are out.")
        .text("kind", "discussion")
        .text("intent", "post")
        .text("alt", "Red tulips in a row")
        .part(
            "image",
            reqwest::multipart::Part::bytes(jpeg(48, 32))
                .file_name("tulips.jpg")
                .mime_str("image/jpeg")
                .unwrap(),
        );
    let res = post_form(&s, &ann, "/g/garden/new", form).await;
    assert_eq!(res.status().as_u16(), 303);
    let location = res.headers()["location"].to_str().unwrap().to_string();
    let html = page(&s, &ann, &location).await;
    assert!(
        html.contains(r#"alt="Red tulips in a row" loading="lazy" width="48" height="32""#),
        "{html}"
    );

    // The reply form too; an empty file field is no image.
    let form = reqwest::multipart::Form::new()
        .text("csrf", CSRF)
        .text("body", "Lovely.")
        .text("alt", "")
        .part(
            "image",
            reqwest::multipart::Part::bytes(Vec::new())
                .file_name("")
                .mime_str("application/octet-stream")
                .unwrap(),
        );
    assert_eq!(
        post_form(&s, &ann, &format!("{location}/comments"), form)
            .await
            .status()
            .as_u16(),
        303
    );
    let form = reqwest::multipart::Form::new()
        .text("csrf", CSRF)
        .text("body", "And this one.")
        .text("alt", "A yellow tulip")
        .part(
            "image",
            reqwest::multipart::Part::bytes(png(12, 12))
                .file_name("y.png")
                .mime_str("image/png")
                .unwrap(),
        );
    assert_eq!(
        post_form(&s, &ann, &format!("{location}/comments"), form)
            .await
            .status()
            .as_u16(),
        303
    );
    let html = page(&s, &ann, &location).await;
    assert!(html.contains(r#"alt="A yellow tulip""#), "{html}");

    // Text as an image: the form again, saying why.
    let form = reqwest::multipart::Form::new()
        .text("csrf", CSRF)
        .text("body", "Not a picture.")
        .part(
            "image",
            reqwest::multipart::Part::bytes(b"hello".to_vec())
                .file_name("x.png")
                .mime_str("image/png")
                .unwrap(),
        );
    let res = post_form(&s, &ann, &format!("{location}/comments"), form).await;
    assert_eq!(res.status().as_u16(), 415);
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("JPEG, PNG, WebP and GIF"));

    // Without the CSRF token nothing is posted.
    let form = reqwest::multipart::Form::new()
        .text("body", "Forged.")
        .text("csrf", "wrong");
    assert_eq!(
        post_form(&s, &ann, &format!("{location}/comments"), form)
            .await
            .status()
            .as_u16(),
        403
    );

    // The group's media page shows both, with their alt text.
    let html = page(&s, &ann, "/g/garden/media").await;
    assert!(
        html.contains(r#"alt="A yellow tulip""#) && html.contains(r#"alt="Red tulips in a row""#),
        "{html}"
    );
    assert!(page(&s, &ann, "/g/garden")
        .await
        .contains("/g/garden/media"));
}

async fn federated_images_and_rejected_media(backend: Backend, files: Files) {
    let Some((a, _moto)) = server(backend, files).await else {
        return;
    };
    let b = common::start(Backend::Sqlite).await;
    let (ah, bh) = (a.host(), b.host());
    let ann = a.user("ann").await;
    a.group(&ann, "support", "group").await;
    let bob = b.user("bob").await;
    let support = format!("support@{ah}");
    b.join_remote(&bob, &support).await;

    // An image attached on A shows on B, with its alt text and size.
    let (_, m) = upload(
        &a,
        &ann,
        jpeg(60, 40),
        "p.jpg",
        "image/jpeg",
        "The printer, smoking",
    )
    .await;
    let pid = a
        .post(
            "/api/v1/groups/support/posts",
            Some(&ann),
            json!({"title": "Printer on fire", "body": "See the picture.", "media": [m["id"]]}),
        )
        .await
        .expect(201)["id"]
        .as_i64()
        .unwrap();
    let on_b = b
        .await_thread(Some(&bob), &support, "Printer on fire")
        .await;
    let img = &on_b["media"][0];
    assert_eq!(img["alt"], "The printer, smoking");
    assert_eq!(
        (img["width"].as_i64(), img["height"].as_i64()),
        (Some(60), Some(40))
    );
    assert_eq!(img["media_type"], "image/jpeg");
    assert!(img["blurhash"].is_string());
    // Linked: B's readers load it from A.
    let remote_url = img["url"].as_str().unwrap();
    assert!(remote_url.starts_with(&a.url), "{remote_url}");
    assert_eq!(fetch(&b.client, remote_url, None).await.0, 200);
    let tb = on_b["id"].as_i64().unwrap();

    // Bob's image comes to A with his comment ...
    let (_, bm) = upload(
        &b,
        &bob,
        png(14, 14),
        "q.png",
        "image/png",
        "Smoke from the left",
    )
    .await;
    b.post(
        &format!("/api/v1/posts/{tb}/comments"),
        Some(&bob),
        json!({"body": "Mine too.", "media": [bm["id"]]}),
    )
    .await
    .expect(201);
    let comment_on_a = |body: &'static str| {
        let a = &a;
        async move {
            let t = a
                .get(&format!("/api/v1/posts/{pid}"), None)
                .await
                .expect(200);
            t["comments"].as_array().and_then(|l| {
                l.iter()
                    .find(|c| c["body_html"].as_str().is_some_and(|h| h.contains(body)))
                    .cloned()
            })
        }
    };
    eventually("bob's first comment on A", || async {
        comment_on_a("Mine too.").await.is_some()
    })
    .await;
    let first = comment_on_a("Mine too.").await.unwrap();
    assert_eq!(first["media"][0]["alt"], "Smoke from the left");
    assert!(first["media"][0]["url"]
        .as_str()
        .unwrap()
        .starts_with(&b.url));

    // ... until A rejects B's media: the next comment comes without it.
    let root = a.admin("root").await;
    let policy = a
        .put(
            &format!("/api/v1/admin/domains/{bh}/media"),
            Some(&root),
            json!({"reject": true}),
        )
        .await
        .expect(200);
    assert_eq!(policy["reject_media"], true);
    let listed = a
        .get("/api/v1/admin/federation", Some(&root))
        .await
        .expect(200);
    assert!(listed["domains"]
        .as_array()
        .unwrap()
        .iter()
        .any(|d| d["domain"] == bh.as_str() && d["reject_media"] == true));
    a.put(
        &format!("/api/v1/admin/domains/{bh}/media"),
        Some(&ann),
        json!({"reject": true}),
    )
    .await
    .expect_error(403);
    let (_, bm2) = upload(&b, &bob, png(14, 14), "r.png", "image/png", "More smoke").await;
    b.post(
        &format!("/api/v1/posts/{tb}/comments"),
        Some(&bob),
        json!({"body": "Worse now.", "media": [bm2["id"]]}),
    )
    .await
    .expect(201);
    eventually("bob's second comment on A", || async {
        comment_on_a("Worse now.").await.is_some()
    })
    .await;
    let second = comment_on_a("Worse now.").await.unwrap();
    assert_eq!(second["media"], json!([]), "{second}");
    let gallery = a
        .get("/api/v1/groups/support/media", None)
        .await
        .expect(200);
    assert!(!gallery.to_string().contains("More smoke"));
}

// ---- images as other software sends them

mod received {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        super::mastodon_and_lemmy_images_are_understood(super::Backend::Sqlite).await
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        if super::common::postgres_url().is_none() {
            eprintln!("GUILDHALL_TEST_POSTGRES_URL is not set: PostgreSQL variant skipped");
            return;
        }
        super::mastodon_and_lemmy_images_are_understood(super::Backend::Postgres).await
    }
}

/// A (fake) Mastodon server's status with a media attachment, and a Lemmy
/// image post, both sent to a group here with real signatures.
async fn mastodon_and_lemmy_images_are_understood(backend: Backend) {
    use common::remote::{mention, Remote, PUBLIC};
    let a = common::start(backend).await;
    let ann = a.user("ann").await;
    a.group(&ann, "support", "group").await;
    let social = Remote::start().await;
    let kim = social.person("kim").await;
    let group: Value = a
        .client
        .get(format!("{}/g/support", a.url))
        .header("accept", "application/activity+json")
        .send()
        .await
        .expect("fetch the group")
        .json()
        .await
        .expect("group JSON");
    let group_ap = group["id"].as_str().expect("id").to_string();
    let inbox = group["endpoints"]["sharedInbox"]
        .as_str()
        .unwrap()
        .to_string();
    social
        .send(
            &kim,
            group["inbox"].as_str().unwrap(),
            &kim.follow(&group_ap),
        )
        .await
        .expect(202);
    social
        .wait_for("the Accept", |r| r.iter().any(|r| r.kind() == "Accept"))
        .await;

    // Mastodon: a Document with an image type, alt text in `name`.
    let mut status = kim.note("<p>@support The jammed tray</p>");
    status["cc"] = json!([kim.followers, group_ap]);
    status["tag"] = json!([mention(&group_ap, &format!("@support@{}", a.host()))]);
    status["attachment"] = json!([
        {"type": "Document", "mediaType": "image/jpeg", "url": format!("{}/system/media/tray.jpg", kim.base),
         "name": "A paper tray with a crumpled sheet", "blurhash": "UFGuXn00~qxu9Fof%MRj4nt7WBxuxuWBRjof",
         "focalPoint": [0.0, 0.0], "width": 1200, "height": 900},
        {"type": "Document", "mediaType": "video/mp4", "url": format!("{}/system/media/clip.mp4", kim.base),
         "name": "A video"}
    ]);
    social
        .send(&kim, &inbox, &kim.create(&status))
        .await
        .expect(202);
    let thread = a.await_thread(None, "support", "The jammed tray").await;
    let media = thread["media"].as_array().expect("media");
    assert_eq!(media.len(), 1, "{thread}");
    assert_eq!(media[0]["alt"], "A paper tray with a crumpled sheet");
    assert_eq!(
        media[0]["url"],
        format!("{}/system/media/tray.jpg", kim.base)
    );
    assert_eq!(
        (media[0]["width"].as_i64(), media[0]["height"].as_i64()),
        (Some(1200), Some(900))
    );
    assert_eq!(media[0]["media_type"], "image/jpeg");
    // The thread page shows it with its alt text, lazily.
    let html = a
        .client
        .get(format!("{}/post/{}", a.url, thread["id"]))
        .header("accept", "text/html")
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    assert!(
        html.contains(
            r#"alt="A paper tray with a crumpled sheet" loading="lazy" width="1200" height="900""#
        ),
        "{html}"
    );

    // Lemmy: a Page whose attachment is a Link to an image (no type said).
    let page = json!({
        "id": format!("{}/post/77", kim.base),
        "type": "Page",
        "attributedTo": kim.id,
        "to": [group_ap, PUBLIC],
        "audience": group_ap,
        "name": "Toner everywhere",
        "content": "<p>After the fix.</p>",
        "mediaType": "text/html",
        "attachment": [{"type": "Link", "href": format!("{}/pictrs/image/toner.png", kim.base)}],
        "image": {"type": "Image", "url": format!("{}/pictrs/image/toner.png", kim.base)},
        "sensitive": false,
        "published": "2026-01-02T03:04:05Z"
    });
    social
        .send(&kim, &inbox, &kim.create(&page))
        .await
        .expect(202);
    let thread = a.await_thread(None, "support", "Toner everywhere").await;
    assert_eq!(thread["media"][0]["media_type"], "image/png", "{thread}");
    assert_eq!(
        thread["media"][0]["url"],
        format!("{}/pictrs/image/toner.png", kim.base)
    );
    assert_eq!(thread["media"][0]["alt"], "");
    let gallery = a
        .get("/api/v1/groups/support/media", None)
        .await
        .expect(200);
    assert_eq!(gallery["items"].as_array().map(Vec::len), Some(2));
}

/// Articles take uploads as threads do (a draft's images stay with its
/// author until it is out); the reply forms under comments carry an image.
async fn articles_carry_images_and_replies_take_them(backend: Backend, files: Files) {
    let Some((s, _moto)) = server(backend, files).await else {
        return;
    };
    let ann = s.user("ann").await;
    s.group(&ann, "news", "group").await;
    let (_, cover) = upload(
        &s,
        &ann,
        jpeg(30, 20),
        "c.jpg",
        "image/jpeg",
        "The new shop",
    )
    .await;
    let draft = s
        .post(
            "/api/v1/groups/news/articles",
            Some(&ann),
            json!({"title": "We moved", "body": "To the corner.", "state": "draft",
                   "media": [cover["id"]]}),
        )
        .await
        .expect(201);
    assert_eq!(draft["media"][0]["alt"], "The new shop");
    let url = draft["media"][0]["url"].as_str().unwrap().to_string();
    // A draft's image: its author's only, and not in the gallery.
    assert_eq!(fetch(&s.client, &url, Some(&ann)).await.0, 200);
    assert_eq!(fetch(&s.client, &url, None).await.0, 404);
    let gallery = s.get("/api/v1/groups/news/media", None).await.expect(200);
    assert_eq!(gallery["items"].as_array().map(Vec::len), Some(0));
    // Out, it is everyone's, and the article page shows it.
    let id = draft["id"].as_i64().unwrap();
    s.patch(
        &format!("/api/v1/articles/{id}"),
        Some(&ann),
        json!({"state": "published"}),
    )
    .await
    .expect(200);
    assert_eq!(fetch(&s.client, &url, None).await.0, 200);
    let article = s
        .get(&format!("/api/v1/articles/{id}"), None)
        .await
        .expect(200);
    assert_eq!(article["media"][0]["alt"], "The new shop");
    let html = page(&s, &ann, &format!("/post/{id}")).await;
    assert!(html.contains(r#"alt="The new shop""#), "{html}");
    // Someone else's upload is refused.
    let bob = s.user("bob").await;
    let (_, bobs) = upload(&s, &bob, png(8, 8), "b.png", "image/png", "").await;
    s.post(
        "/api/v1/groups/news/articles",
        Some(&ann),
        json!({"title": "Not mine", "body": "No.", "media": [bobs["id"]]}),
    )
    .await
    .expect_error(422);

    // The reply form under a comment takes an image and its alt text.
    let comment = s
        .post(
            &format!("/api/v1/posts/{id}/comments"),
            Some(&ann),
            json!({"body": "Come by."}),
        )
        .await
        .expect(201);
    let cid = comment["id"].as_i64().unwrap();
    let html = page(&s, &ann, &format!("/post/{id}")).await;
    assert!(
        html.contains(&format!(
            r#"id="reply-image-{cid}" name="image" type="file""#
        )) && html.contains(&format!(r#"id="reply-alt-{cid}" name="alt""#)),
        "{html}"
    );
    let form = reqwest::multipart::Form::new()
        .text("csrf", CSRF)
        .text("parent_id", cid.to_string())
        .text("body", "Here is the door.")
        .text("alt", "A shop door")
        .part(
            "image",
            reqwest::multipart::Part::bytes(png(10, 10))
                .file_name("door.png")
                .mime_str("image/png")
                .unwrap(),
        );
    let res = post_form(&s, &ann, &format!("/post/{id}/comments"), form).await;
    assert_eq!(res.status().as_u16(), 303);
    let thread = s
        .get(&format!("/api/v1/posts/{id}"), None)
        .await
        .expect(200);
    let reply = &thread["comments"][0]["replies"][0];
    assert_eq!(reply["parent_id"], cid);
    assert_eq!(reply["media"][0]["alt"], "A shop door");
}
