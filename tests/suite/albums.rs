//! Albums on real servers: a member makes an album in a group, fills it
//! with images posted there and uploads of their own, orders, edits and
//! deletes it (its images stay); outsiders and strangers are refused; a
//! club's albums are its members' only; images deleted with their
//! content leave the album. Then the same through the pages' forms.

use crate::common;

use crate::common::{Backend, TestServer};
use serde_json::{json, Value};
use std::io::Cursor;

on_both_backends!(albums_through_the_api, albums_through_the_pages);

fn png(width: u32, height: u32) -> Vec<u8> {
    let img = image::RgbaImage::from_fn(width, height, |x, y| {
        image::Rgba([200, x as u8, y as u8, 255])
    });
    let mut out = Cursor::new(Vec::new());
    image::DynamicImage::ImageRgba8(img)
        .write_to(&mut out, image::ImageFormat::Png)
        .expect("encode png");
    out.into_inner()
}

/// Uploads a PNG with its alt text: the media id.
async fn upload(s: &TestServer, token: &str, alt: &str) -> i64 {
    let part = reqwest::multipart::Part::bytes(png(12, 8))
        .file_name("i.png")
        .mime_str("image/png")
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
    assert_eq!(res.status().as_u16(), 201);
    let body: Value = res.json().await.expect("JSON");
    body["id"].as_i64().expect("media id")
}

/// A thread in `group` carrying one new image: (thread id, media id).
async fn thread_with_image(s: &TestServer, token: &str, group: &str, alt: &str) -> (i64, i64) {
    let m = upload(s, token, alt).await;
    let post = s
        .post(
            &format!("/api/v1/groups/{group}/posts"),
            Some(token),
            json!({"title": alt, "body": "A picture.", "media": [m]}),
        )
        .await
        .expect(201);
    (post["id"].as_i64().expect("post id"), m)
}

fn alts(album: &Value) -> Vec<String> {
    album["media"]
        .as_array()
        .expect("media")
        .iter()
        .map(|m| m["alt"].as_str().unwrap_or_default().to_string())
        .collect()
}

async fn status_of(s: &TestServer, url: &str, token: Option<&str>) -> u16 {
    let mut req = s.client.get(url);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    req.send().await.expect("get").status().as_u16()
}

async fn albums_through_the_api(backend: Backend) {
    let s = common::start(backend).await;
    let ann = s.user("ann").await;
    let bob = s.user("bob").await;
    let cat = s.user("cat").await;
    s.group(&ann, "photos", "group").await;
    s.group(&ann, "other", "group").await;
    s.post("/api/v1/groups/photos/join", Some(&bob), json!({}))
        .await
        .expect(200);
    let (door_thread, door) = thread_with_image(&s, &ann, "photos", "A red door").await;
    let (_, gate) = thread_with_image(&s, &ann, "photos", "A green gate").await;
    let (_, elsewhere) = thread_with_image(&s, &ann, "other", "Somewhere else").await;
    let window = upload(&s, &bob, "A blue window").await;
    let anns_upload = upload(&s, &ann, "Not bob's").await;

    // Only members make albums; the title is required.
    s.post(
        "/api/v1/groups/photos/albums",
        Some(&cat),
        json!({"title": "Mine"}),
    )
    .await
    .expect_error(403);
    s.post(
        "/api/v1/groups/photos/albums",
        Some(&bob),
        json!({"title": "  "}),
    )
    .await
    .expect_error(422);
    let album = s
        .post(
            "/api/v1/groups/photos/albums",
            Some(&bob),
            json!({"title": "Doors and windows", "description": "Ways in."}),
        )
        .await
        .expect(201);
    let id = album["id"].as_i64().expect("album id");
    assert_eq!(album["group"], "photos");
    assert_eq!(album["owner"], "bob");
    assert_eq!(album["editable"], true);
    assert_eq!(alts(&album), Vec::<String>::new());

    // Images posted in the group, and the owner's own upload.
    let path = |m: i64| format!("/api/v1/albums/{id}/media/{m}");
    s.post(&path(door), Some(&bob), json!({})).await.expect(200);
    s.post(&path(gate), Some(&bob), json!({})).await.expect(200);
    let album = s
        .post(&path(window), Some(&bob), json!({}))
        .await
        .expect(200);
    assert_eq!(
        alts(&album),
        ["A red door", "A green gate", "A blue window"]
    );
    // Adding one twice changes nothing.
    let album = s.post(&path(door), Some(&bob), json!({})).await.expect(200);
    assert_eq!(alts(&album).len(), 3);
    // The upload now belongs to the group: on its media page, seen by all.
    let gallery = s.get("/api/v1/groups/photos/media", None).await.expect(200);
    assert!(gallery["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|m| m["alt"] == "A blue window"));
    let window_url = album["media"][2]["url"].as_str().unwrap().to_string();
    assert_eq!(status_of(&s, &window_url, None).await, 200);

    // Not someone else's upload, not another group's image, not a
    // stranger's change.
    s.post(&path(anns_upload), Some(&bob), json!({}))
        .await
        .expect_error(422);
    s.post(&path(elsewhere), Some(&bob), json!({}))
        .await
        .expect_error(422);
    s.post(&path(9_999_999), Some(&bob), json!({}))
        .await
        .expect_error(422);
    s.post(&path(gate), Some(&cat), json!({}))
        .await
        .expect_error(403);
    s.put(
        &format!("/api/v1/albums/{id}"),
        Some(&cat),
        json!({"title": "Taken"}),
    )
    .await
    .expect_error(403);
    s.delete(&format!("/api/v1/albums/{id}"), Some(&cat))
        .await
        .expect_error(403);

    // The order: those named first, the others after in their order.
    let album = s
        .put(
            &format!("/api/v1/albums/{id}"),
            Some(&bob),
            json!({"order": [window]}),
        )
        .await
        .expect(200);
    assert_eq!(
        alts(&album),
        ["A blue window", "A red door", "A green gate"]
    );
    s.put(
        &format!("/api/v1/albums/{id}"),
        Some(&bob),
        json!({"order": [window, window]}),
    )
    .await
    .expect_error(422);
    s.put(
        &format!("/api/v1/albums/{id}"),
        Some(&bob),
        json!({"order": [elsewhere]}),
    )
    .await
    .expect_error(422);

    // The group's moderators edit it too; readers see it, not as editors.
    let album = s
        .put(
            &format!("/api/v1/albums/{id}"),
            Some(&ann),
            json!({"title": "Ways in"}),
        )
        .await
        .expect(200);
    assert_eq!(album["title"], "Ways in");
    assert_eq!(album["description"], "Ways in.");
    let seen = s
        .get(&format!("/api/v1/albums/{id}"), Some(&cat))
        .await
        .expect(200);
    assert_eq!(seen["editable"], false);
    assert_eq!(alts(&seen).len(), 3);
    let list = s
        .get("/api/v1/groups/photos/albums", None)
        .await
        .expect(200);
    assert_eq!(list["items"][0]["title"], "Ways in");
    assert_eq!(list["items"].as_array().map(Vec::len), Some(1));

    // Taking an image out leaves it where it was posted.
    let album = s.delete(&path(gate), Some(&bob)).await.expect(200);
    assert_eq!(alts(&album), ["A blue window", "A red door"]);
    s.delete(&path(gate), Some(&bob)).await.expect_error(404);
    s.get(&format!("/api/v1/posts/{door_thread}"), None)
        .await
        .expect(200);

    // A deleted thread's image leaves the album.
    s.delete(&format!("/api/v1/posts/{door_thread}"), Some(&ann))
        .await
        .expect(204);
    let album = s
        .get(&format!("/api/v1/albums/{id}"), None)
        .await
        .expect(200);
    assert_eq!(alts(&album), ["A blue window"]);

    // Deleting the album keeps its images.
    s.delete(&format!("/api/v1/albums/{id}"), Some(&bob))
        .await
        .expect(204);
    s.get(&format!("/api/v1/albums/{id}"), None)
        .await
        .expect_error(404);
    assert_eq!(status_of(&s, &window_url, None).await, 200);
    let list = s
        .get("/api/v1/groups/photos/albums", None)
        .await
        .expect(200);
    assert_eq!(list["items"].as_array().map(Vec::len), Some(0));

    // A club's albums are its members' only.
    s.group(&ann, "inner", "club").await;
    let secret = s
        .post(
            "/api/v1/groups/inner/albums",
            Some(&ann),
            json!({"title": "Members only"}),
        )
        .await
        .expect(201);
    let sid = secret["id"].as_i64().unwrap();
    s.post(
        "/api/v1/groups/inner/albums",
        Some(&bob),
        json!({"title": "Let me in"}),
    )
    .await
    .expect_error(403);
    for who in [Some(bob.as_str()), None] {
        s.get(&format!("/api/v1/albums/{sid}"), who)
            .await
            .expect_error(403);
        s.get("/api/v1/groups/inner/albums", who)
            .await
            .expect_error(403);
    }
    s.get(&format!("/api/v1/albums/{sid}"), Some(&ann))
        .await
        .expect(200);
}

/// A browser's form: the session cookie, the CSRF cookie and field.
const CSRF: &str = "abcdefghijklmnopqrstuvwxyz0123456789ABCD";

fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

async fn form(
    s: &TestServer,
    token: &str,
    path: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    no_redirects()
        .post(format!("{}{path}", s.url))
        .header("cookie", format!("gh_session={token}; gh_csrf={CSRF}"))
        .header("accept", "text/html")
        .form(fields)
        .send()
        .await
        .expect("post form")
}

async fn page(s: &TestServer, token: Option<&str>, path: &str) -> (u16, String) {
    let mut req = s
        .client
        .get(format!("{}{path}", s.url))
        .header("accept", "text/html");
    if let Some(t) = token {
        req = req.header("cookie", format!("gh_session={t}; gh_csrf={CSRF}"));
    }
    let res = req.send().await.expect("page");
    let status = res.status().as_u16();
    (status, res.text().await.expect("html"))
}

fn location(res: &reqwest::Response) -> String {
    res.headers()["location"]
        .to_str()
        .expect("location")
        .to_string()
}

async fn albums_through_the_pages(backend: Backend) {
    let s = common::start(backend).await;
    let ann = s.user("ann").await;
    let bob = s.user("bob").await;
    s.group(&ann, "garden", "group").await;
    let (_, tulips) = thread_with_image(&s, &ann, "garden", "Red tulips").await;
    let (_, roses) = thread_with_image(&s, &ann, "garden", "White roses").await;

    // The media page lists albums and has the form making one.
    let (_, html) = page(&s, Some(&ann), "/g/garden/media").await;
    assert!(html.contains(r#"action="/g/garden/albums""#), "{html}");
    let res = form(
        &s,
        &ann,
        "/g/garden/albums",
        &[("csrf", CSRF), ("title", ""), ("description", "")],
    )
    .await;
    assert_eq!(res.status().as_u16(), 422);
    assert!(res.text().await.unwrap().contains("the title is empty"));
    let res = form(
        &s,
        &ann,
        "/g/garden/albums",
        &[
            ("csrf", CSRF),
            ("title", "Spring"),
            ("description", "What came up."),
        ],
    )
    .await;
    assert_eq!(res.status().as_u16(), 303);
    let album = location(&res);
    assert!(album.starts_with("/albums/"), "{album}");
    let (_, html) = page(&s, Some(&ann), "/g/garden/media").await;
    assert!(html.contains(&format!(r#"href="{album}""#)) && html.contains("Spring"));

    // Without the CSRF token nothing changes.
    let res = form(
        &s,
        &ann,
        &format!("{album}/edit"),
        &[("csrf", "wrong"), ("title", "Forged")],
    )
    .await;
    assert_eq!(res.status().as_u16(), 403);

    // Images of the group are offered, and added.
    let (_, html) = page(&s, Some(&ann), &album).await;
    assert!(
        html.contains(&format!(r#"name="media_id" value="{tulips}""#)),
        "{html}"
    );
    for m in [tulips, roses] {
        let res = form(
            &s,
            &ann,
            &format!("{album}/add"),
            &[("csrf", CSRF), ("media_id", &m.to_string())],
        )
        .await;
        assert_eq!(res.status().as_u16(), 303);
    }
    // An upload straight into the album.
    let upload_form = reqwest::multipart::Form::new()
        .text("csrf", CSRF)
        .text("alt", "A yellow daffodil")
        .part(
            "image",
            reqwest::multipart::Part::bytes(png(20, 10))
                .file_name("d.png")
                .mime_str("image/png")
                .unwrap(),
        );
    let res = no_redirects()
        .post(format!("{}{album}/upload", s.url))
        .header("cookie", format!("gh_session={ann}; gh_csrf={CSRF}"))
        .header("accept", "text/html")
        .multipart(upload_form)
        .send()
        .await
        .expect("upload form");
    assert_eq!(res.status().as_u16(), 303);
    let (_, html) = page(&s, None, &album).await;
    let at = |alt: &str| {
        html.find(&format!(r#"alt="{alt}""#))
            .unwrap_or_else(|| panic!("{alt} in {html}"))
    };
    assert!(at("Red tulips") < at("White roses") && at("White roses") < at("A yellow daffodil"));
    // Readers get no forms.
    assert!(!html.contains("/earlier") && !html.contains(r#"action="/albums"#));

    // Moving the last one earlier, then taking the roses out.
    let id: i64 = album.trim_start_matches("/albums/").parse().unwrap();
    let api = s
        .get(&format!("/api/v1/albums/{id}"), None)
        .await
        .expect(200);
    let daffodil = api["media"][2]["id"].as_i64().unwrap();
    let res = form(
        &s,
        &ann,
        &format!("{album}/media/{daffodil}/earlier"),
        &[("csrf", CSRF)],
    )
    .await;
    assert_eq!(res.status().as_u16(), 303);
    let res = form(
        &s,
        &ann,
        &format!("{album}/media/{roses}/remove"),
        &[("csrf", CSRF)],
    )
    .await;
    assert_eq!(res.status().as_u16(), 303);
    let api = s
        .get(&format!("/api/v1/albums/{id}"), None)
        .await
        .expect(200);
    assert_eq!(alts(&api), ["Red tulips", "A yellow daffodil"]);

    // Someone else may not edit it: the page says why.
    let res = form(
        &s,
        &bob,
        &format!("{album}/edit"),
        &[("csrf", CSRF), ("title", "Mine now")],
    )
    .await;
    assert_eq!(res.status().as_u16(), 422);
    assert!(res.text().await.unwrap().contains("owner"));

    // Renamed, then deleted: back to the media page, the images stay.
    let res = form(
        &s,
        &ann,
        &format!("{album}/edit"),
        &[
            ("csrf", CSRF),
            ("title", "Early spring"),
            ("description", ""),
        ],
    )
    .await;
    assert_eq!(res.status().as_u16(), 303);
    let (_, html) = page(&s, None, &album).await;
    assert!(html.contains("Early spring"));
    let res = form(&s, &ann, &format!("{album}/delete"), &[("csrf", CSRF)]).await;
    assert_eq!(res.status().as_u16(), 303);
    assert_eq!(location(&res), "/g/garden/media");
    assert_eq!(page(&s, None, &album).await.0, 404);
    let (_, html) = page(&s, None, "/g/garden/media").await;
    assert!(html.contains(r#"alt="A yellow daffodil""#) && html.contains(r#"alt="White roses""#));

    // A club's album is "not found" to outsiders.
    s.group(&ann, "inner", "club").await;
    let res = form(
        &s,
        &ann,
        "/g/inner/albums",
        &[("csrf", CSRF), ("title", "Hush")],
    )
    .await;
    let secret = location(&res);
    assert_eq!(page(&s, Some(&bob), &secret).await.0, 404);
    assert_eq!(page(&s, None, &secret).await.0, 404);
    assert_eq!(page(&s, Some(&ann), &secret).await.0, 200);
}
