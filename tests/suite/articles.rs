//! Blogs and articles: a draft is seen by its author and the group's
//! moderators only, on every path (API, group threads, blogs, search,
//! ActivityPub); a scheduled article comes out when its time comes; a
//! published one reaches a member on another server as an `Article`, with
//! its summary, cover and tags.

use crate::common;

use crate::common::{eventually, Backend, TestServer};
use serde_json::{json, Value};

on_both_backends!(
    a_draft_is_seen_by_its_author_and_the_moderators_only,
    a_scheduled_article_comes_out_when_its_time_comes,
    an_article_reaches_a_member_on_another_server_as_an_article,
    bad_article_input_is_refused_clearly,
    articles_are_written_and_read_on_the_pages,
    a_webhook_hears_of_an_article_when_it_comes_out
);

const AP: &str = "application/activity+json";

fn titles(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["title"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// An unsigned ActivityPub GET: the status and the body.
async fn fetch_object(s: &TestServer, url: &str) -> (u16, Value) {
    let res = s
        .client
        .get(url)
        .header("accept", AP)
        .send()
        .await
        .expect("fetch");
    let status = res.status().as_u16();
    let text = res.text().await.unwrap_or_default();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

async fn search_titles(s: &TestServer, q: &str, token: Option<&str>) -> Vec<String> {
    let found = s
        .get(&format!("/api/v1/search?q={q}"), token)
        .await
        .expect(200);
    found["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| i["title"].as_str().unwrap_or_default().to_string())
        .collect()
}

async fn a_draft_is_seen_by_its_author_and_the_moderators_only(backend: Backend) {
    let s = common::start(backend).await;
    let owner = s.user("owner").await;
    let author = s.user("author").await;
    let reader = s.user("reader").await;
    s.group(&owner, "news", "group").await;
    s.post("/api/v1/groups/news/join", Some(&author), json!({}))
        .await
        .expect(200);

    let draft = s
        .post(
            "/api/v1/groups/news/articles",
            Some(&author),
            json!({"title": "Zeppelin launch plans", "body": "Secret **plans**.",
                   "summary": "What comes next", "tags": ["#Launch", "roadmap"],
                   "cover_url": "https://cdn.example/cover.png", "state": "draft"}),
        )
        .await
        .expect(201);
    assert_eq!(draft["state"], "draft");
    assert_eq!(draft["kind"], "article");
    assert_eq!(draft["tags"], json!(["launch", "roadmap"]));
    let id = draft["id"].as_i64().expect("id");
    let path = format!("/api/v1/articles/{id}");

    // Its author and the group's owner see it.
    assert_eq!(
        s.get(&path, Some(&author)).await.expect(200)["state"],
        "draft"
    );
    assert_eq!(
        s.get(&path, Some(&owner)).await.expect(200)["state"],
        "draft"
    );
    let blog = s
        .get("/api/v1/groups/news/articles", Some(&owner))
        .await
        .expect(200);
    assert_eq!(titles(&blog), vec!["Zeppelin launch plans"]);
    let own = s
        .get("/api/v1/people/author/articles", Some(&author))
        .await
        .expect(200);
    assert_eq!(titles(&own), vec!["Zeppelin launch plans"]);

    // Nobody else finds it, by any path.
    s.get(&path, Some(&reader)).await.expect_error(404);
    s.get(&path, None).await.expect_error(404);
    s.get(&format!("/api/v1/posts/{id}"), Some(&reader))
        .await
        .expect_error(404);
    s.post(
        &format!("/api/v1/posts/{id}/comments"),
        Some(&reader),
        json!({"body": "hi"}),
    )
    .await
    .expect_error(404);
    for token in [None, Some(reader.as_str())] {
        let blog = s
            .get("/api/v1/groups/news/articles", token)
            .await
            .expect(200);
        assert!(titles(&blog).is_empty(), "{blog}");
        let theirs = s
            .get("/api/v1/people/author/articles", token)
            .await
            .expect(200);
        assert!(titles(&theirs).is_empty(), "{theirs}");
        let feed = s
            .get("/api/v1/groups/news/posts?sort=new", token)
            .await
            .expect(200);
        assert!(titles(&feed).is_empty(), "{feed}");
    }
    let (status, _) = fetch_object(&s, &format!("{}/post/{id}", s.url)).await;
    assert_eq!(status, 404, "a draft is not served to other servers");

    // A marker thread, found by search: the draft is not.
    s.thread(&author, "news", "Zeppelin weather report").await;
    assert_eq!(
        search_titles(&s, "zeppelin", Some(&reader)).await,
        vec!["Zeppelin weather report"]
    );

    // Published, everyone reads it, and it leaves as an Article.
    let out = s
        .patch(&path, Some(&author), json!({"state": "published"}))
        .await
        .expect(200);
    assert_eq!(out["state"], "published");
    assert!(out["published_at"].is_string());
    let seen = s.get(&path, None).await.expect(200);
    assert_eq!(seen["summary"], "What comes next");
    assert_eq!(seen["cover_url"], "https://cdn.example/cover.png");
    let blog = s
        .get("/api/v1/groups/news/articles", Some(&reader))
        .await
        .expect(200);
    assert_eq!(titles(&blog), vec!["Zeppelin launch plans"]);
    let mut found = search_titles(&s, "zeppelin", Some(&reader)).await;
    found.sort();
    assert_eq!(
        found,
        vec!["Zeppelin launch plans", "Zeppelin weather report"]
    );
    let (status, object) = fetch_object(&s, &format!("{}/post/{id}", s.url)).await;
    assert_eq!(status, 200);
    assert_eq!(object["type"], "Article");
    assert_eq!(object["name"], "Zeppelin launch plans");
    assert_eq!(object["summary"], "What comes next");
    assert_eq!(object["image"]["url"], "https://cdn.example/cover.png");
    let tags: Vec<&str> = object["tag"]
        .as_array()
        .expect("tags")
        .iter()
        .filter(|t| t["type"] == "Hashtag")
        .filter_map(|t| t["name"].as_str())
        .collect();
    assert_eq!(tags, vec!["#launch", "#roadmap"]);

    // A published article stays published.
    s.patch(&path, Some(&author), json!({"state": "draft"}))
        .await
        .expect_error(409);
    s.stop().await;
}

async fn a_scheduled_article_comes_out_when_its_time_comes(backend: Backend) {
    let s = common::start_with(backend, |c| c.articles.schedule_check_secs = 1).await;
    let owner = s.user("owner").await;
    s.group(&owner, "news", "group").await;
    let at = chrono::Utc::now() + chrono::Duration::seconds(2);
    let scheduled = s
        .post(
            "/api/v1/groups/news/articles",
            Some(&owner),
            json!({"title": "Spring release", "body": "It is out.", "publish_at": at}),
        )
        .await
        .expect(201);
    assert_eq!(scheduled["state"], "scheduled");
    let id = scheduled["id"].as_i64().expect("id");
    let path = format!("/api/v1/articles/{id}");
    s.get(&path, None).await.expect_error(404);

    eventually("the scheduled article to come out", || async {
        s.get(&path, None).await.status == 200
    })
    .await;
    let out = s.get(&path, None).await.expect(200);
    assert_eq!(out["state"], "published");
    assert!(out["publish_at"].is_null());
    let feed = s
        .get("/api/v1/groups/news/posts?sort=new", None)
        .await
        .expect(200);
    assert_eq!(titles(&feed), vec!["Spring release"]);
    s.stop().await;
}

async fn an_article_reaches_a_member_on_another_server_as_an_article(backend: Backend) {
    let a = common::start(backend).await;
    let b = common::start(backend).await;
    let owner = a.user("owner").await;
    a.group(&owner, "news", "group").await;
    let reader = b.user("reader").await;
    let group = format!("news@{}", a.host());
    b.join_remote(&reader, &group).await;

    // A draft stays home; the published article after it is the marker.
    a.post(
        "/api/v1/groups/news/articles",
        Some(&owner),
        json!({"title": "Draft that stays", "body": "Not yet.", "state": "draft"}),
    )
    .await
    .expect(201);
    a.post(
        "/api/v1/groups/news/articles",
        Some(&owner),
        json!({"title": "We launched", "body": "The **launch** went well.",
               "summary": "A short report", "tags": ["launch"],
               "cover_url": "https://cdn.example/launch.jpg"}),
    )
    .await
    .expect(201);

    let blog = format!("/api/v1/groups/{group}/articles");
    eventually("the article on B", || async {
        let page = b.get(&blog, Some(&reader)).await.expect(200);
        !titles(&page).is_empty()
    })
    .await;
    let page = b.get(&blog, Some(&reader)).await.expect(200);
    assert_eq!(titles(&page), vec!["We launched"]);
    let article = &page["items"][0];
    assert_eq!(article["kind"], "article");
    assert_eq!(article["state"], "published");
    assert_eq!(article["summary"], "A short report");
    assert_eq!(article["tags"], json!(["launch"]));
    assert_eq!(article["cover_url"], "https://cdn.example/launch.jpg");
    assert!(article["body_html"]
        .as_str()
        .expect("html")
        .contains("<strong>launch</strong>"));
    let feed = b
        .get(
            &format!("/api/v1/groups/{group}/posts?sort=new"),
            Some(&reader),
        )
        .await
        .expect(200);
    assert_eq!(titles(&feed), vec!["We launched"]);
    a.stop().await;
    b.stop().await;
}

async fn bad_article_input_is_refused_clearly(backend: Backend) {
    let s = common::start(backend).await;
    let owner = s.user("owner").await;
    s.group(&owner, "news", "group").await;
    let post = |body: Value| {
        let s = &s;
        let owner = owner.clone();
        async move {
            s.post("/api/v1/groups/news/articles", Some(&owner), body)
                .await
        }
    };
    let past = chrono::Utc::now() - chrono::Duration::hours(1);
    for (body, status) in [
        (
            json!({"title": "T", "body": "b", "state": "scheduled"}),
            422,
        ),
        (json!({"title": "T", "body": "b", "publish_at": past}), 422),
        (json!({"title": "T", "body": "b", "state": "soon"}), 422),
        (
            json!({"title": "T", "body": "b", "cover_url": "javascript:alert(1)"}),
            422,
        ),
        (
            json!({"title": "T", "body": "b", "tags": ["no spaces allowed"]}),
            422,
        ),
        (
            json!({"title": "T", "body": "b", "summary": "x".repeat(501)}),
            413,
        ),
        (json!({"title": "", "body": "b"}), 422),
    ] {
        let e = post(body.clone()).await.expect_error(status);
        assert!(e["detail"].is_string(), "{body}: {e}");
    }
    // Another person's draft is not even found; their article not theirs
    // to edit.
    let id = post(json!({"title": "Mine", "body": "b", "state": "draft"}))
        .await
        .expect(201)["id"]
        .as_i64()
        .expect("id");
    let other = s.user("other").await;
    let path = format!("/api/v1/articles/{id}");
    s.patch(&path, Some(&other), json!({"title": "Theirs"}))
        .await
        .expect_error(404);
    s.patch(&path, Some(&owner), json!({"state": "published"}))
        .await
        .expect(200);
    s.patch(&path, Some(&other), json!({"title": "Theirs"}))
        .await
        .expect_error(403);
    // A plain thread is not an article.
    let thread = s.thread(&owner, "news", "Plain").await;
    s.get(&format!("/api/v1/articles/{thread}"), None)
        .await
        .expect_error(404);
    s.stop().await;
}

/// A page request as a signed-in browser makes it (the session cookie and
/// the CSRF token in the cookie and the form): the status and the HTML.
async fn browse(
    s: &TestServer,
    session: Option<&str>,
    path: &str,
    form: Option<&[(&str, &str)]>,
) -> (u16, String) {
    let csrf = "0123456789abcdef0123456789abcdef";
    let url = format!("{}{path}", s.url);
    // A form's answer is a redirect: seen as such, not followed.
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let mut req = match form {
        Some(fields) => {
            let mut fields = fields.to_vec();
            fields.push(("csrf", csrf));
            client.post(url).form(&fields)
        }
        None => client.get(url),
    };
    let mut cookie = format!("gh_csrf={csrf}");
    if let Some(t) = session {
        cookie.push_str(&format!("; gh_session={t}"));
    }
    req = req.header("cookie", cookie).header("accept", "text/html");
    let res = req.send().await.expect("page");
    let status = res.status().as_u16();
    (status, res.text().await.expect("html"))
}

async fn articles_are_written_and_read_on_the_pages(backend: Backend) {
    let s = common::start(backend).await;
    let owner = s.user("owner").await;
    s.group(&owner, "news", "group").await;

    let (status, html) = browse(&s, Some(&owner), "/g/news/articles/new", None).await;
    assert_eq!(status, 200);
    assert!(html.contains(r#"name="publish_at""#), "{html}");
    // A bad time is the form again, with the problem.
    let bad = [
        ("title", "Page article"),
        ("summary", "Written on the page"),
        ("body", "Some *text*."),
        ("cover_url", ""),
        ("tags", "pages, forms"),
        ("state", "scheduled"),
        ("publish_at", "tomorrow"),
    ];
    let (status, html) = browse(&s, Some(&owner), "/g/news/articles/new", Some(&bad)).await;
    assert_eq!(status, 422);
    assert!(html.contains("not a date and time"), "{html}");
    let mut draft = bad;
    draft[5] = ("state", "draft");
    draft[6] = ("publish_at", "");
    let (status, _) = browse(&s, Some(&owner), "/g/news/articles/new", Some(&draft)).await;
    assert_eq!(status, 303);

    // The author sees the draft in the blog, marked; a visitor does not.
    let (_, mine) = browse(&s, Some(&owner), "/g/news/blog", None).await;
    assert!(
        mine.contains("Page article") && mine.contains("Draft"),
        "{mine}"
    );
    let (_, theirs) = browse(&s, None, "/g/news/blog", None).await;
    assert!(!theirs.contains("Page article"), "{theirs}");
    assert!(theirs.contains("/g/news/blog.atom"), "feed links: {theirs}");
    let blog = s
        .get("/api/v1/groups/news/articles", Some(&owner))
        .await
        .expect(200);
    let id = blog["items"][0]["id"].as_i64().expect("id");
    let (status, _) = browse(&s, None, &format!("/post/{id}"), None).await;
    assert_eq!(status, 404);

    // Published from its edit form, everyone reads it with its summary.
    let mut publish = draft;
    publish[5] = ("state", "published");
    let (status, _) = browse(
        &s,
        Some(&owner),
        &format!("/post/{id}/article"),
        Some(&publish),
    )
    .await;
    assert_eq!(status, 303);
    let (status, page) = browse(&s, None, &format!("/post/{id}"), None).await;
    assert_eq!(status, 200);
    assert!(
        page.contains("Written on the page") && page.contains("#forms"),
        "{page}"
    );
    let (_, person) = browse(&s, None, "/u/owner/blog", None).await;
    assert!(person.contains("Page article"), "{person}");

    // The private feed token, made and shown once in the settings.
    let (status, made) = browse(&s, Some(&owner), "/settings/feeds/token", Some(&[])).await;
    assert_eq!(status, 200);
    assert!(made.contains("feed.rss?token="), "{made}");
    let (_, later) = browse(&s, Some(&owner), "/settings/feeds", None).await;
    assert!(!later.contains("feed.rss?token="), "{later}");
    s.stop().await;
}

type Got = std::sync::Arc<std::sync::Mutex<Vec<Value>>>;

async fn hook(body: String, got: actix_web::web::Data<Got>) -> actix_web::HttpResponse {
    got.lock()
        .expect("lock")
        .push(serde_json::from_str(&body).expect("a JSON message"));
    actix_web::HttpResponse::Ok().finish()
}

/// A webhook receiver on loopback: its URL and what it got.
fn receiver() -> (String, Got) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("address").port();
    let got: Got = Got::default();
    let data = actix_web::web::Data::new(got.clone());
    let server = actix_web::HttpServer::new(move || {
        actix_web::App::new()
            .app_data(data.clone())
            .default_service(actix_web::web::to(hook))
    })
    .workers(1)
    .disable_signals()
    .listen(listener)
    .expect("listen")
    .run();
    tokio::spawn(server);
    (format!("http://localhost:{port}/hook"), got)
}

async fn a_webhook_hears_of_an_article_when_it_comes_out(backend: Backend) {
    let s = common::start_with(backend, |c| c.articles.schedule_check_secs = 1).await;
    let admin = s.admin("root").await;
    let (url, got) = receiver();
    s.post(
        "/api/v1/admin/webhooks",
        Some(&admin),
        json!({"url": url, "kinds": ["article.published"], "description": "CRM", "enabled": true}),
    )
    .await
    .expect(201);
    s.group(&admin, "news", "group").await;
    s.post(
        "/api/v1/groups/news/articles",
        Some(&admin),
        json!({"title": "Never out", "body": "Draft.", "state": "draft"}),
    )
    .await
    .expect(201);
    let at = chrono::Utc::now() + chrono::Duration::seconds(1);
    s.post(
        "/api/v1/groups/news/articles",
        Some(&admin),
        json!({"title": "Out on time", "body": "Scheduled.", "publish_at": at}),
    )
    .await
    .expect(201);
    eventually("the article.published message", || async {
        !got.lock().expect("lock").is_empty()
    })
    .await;
    let messages = got.lock().expect("lock").clone();
    assert_eq!(messages.len(), 1, "{messages:?}");
    assert_eq!(messages[0]["type"], "article.published");
    assert_eq!(messages[0]["data"]["thread"]["title"], "Out on time");
    assert_eq!(messages[0]["data"]["thread"]["kind"], "article");
    assert_eq!(messages[0]["data"]["group"]["handle"], "news");
    s.stop().await;
}
