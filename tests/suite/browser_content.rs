//! The pages members read and write in, walked in a real browser: the
//! home page, creating a club, asking to join it, posting a thread with
//! Markdown (and its preview), replies, votes, an accepted answer, the
//! live notification count, reports, hostile text shown as text, and a
//! club's thread kept from outsiders. The form steps run again with
//! JavaScript off.

use crate::common;

use crate::common::browser::{Browser, Script};
use crate::common::{Backend, TestServer};
use serde_json::{json, Value};
use std::time::Duration;

const XSS: &str = "<script>alert(1)</script><img src=x onerror=alert(2)>";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn members_walk_through_a_club_with_script() {
    walk(Script::On).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn members_walk_through_a_club_without_script() {
    walk(Script::Off).await;
}

async fn sign_in(b: &Browser, name: &str) {
    b.open("/login").await;
    b.fill("Username", name).await;
    b.fill("Password", &format!("password-{name}")).await;
    b.press("Sign in").await;
    b.wait_for_text("Sign out").await;
}

async fn sign_out(b: &Browser) {
    b.open("/").await;
    b.press("Sign out").await;
    b.wait_for_text("Sign in").await;
}

/// Chooses the option `value` of the select `id`.
async fn choose(b: &Browser, id: &str, value: &str) {
    b.find(&format!("#{id} option[value='{value}']"))
        .await
        .click()
        .await
        .expect("choose an option");
}

/// Clicks the element `css` and waits for the page it leads to.
async fn click(b: &Browser, css: &str) {
    b.find(css).await.click().await.expect("click");
    b.settle().await;
}

/// The thread id of the thread page the browser is going to (10 s).
async fn thread_id(b: &Browser) -> i64 {
    let mut path = String::new();
    for _ in 0..200 {
        path = b.path().await;
        if let Some(id) = path
            .strip_prefix("/post/")
            .and_then(|p| p.split(['?', '#', '/']).next())
            .and_then(|s| s.parse().ok())
        {
            b.settle().await;
            return id;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("not a thread page: {path}")
}

async fn comments(server: &TestServer, token: &str, thread: i64) -> Vec<Value> {
    let t = server
        .get(&format!("/api/v1/posts/{thread}"), Some(token))
        .await
        .expect(200);
    t["comments"].as_array().cloned().unwrap_or_default()
}

/// The id of the comment saying `text`, anywhere in the tree.
async fn comment_id(server: &TestServer, token: &str, thread: i64, text: &str) -> i64 {
    fn find(list: &[Value], text: &str) -> Option<i64> {
        list.iter().find_map(|c| {
            if c["body"].as_str().is_some_and(|b| b.contains(text)) {
                return c["id"].as_i64();
            }
            find(c["replies"].as_array().map_or(&[][..], |r| r), text)
        })
    }
    find(&comments(server, token, thread).await, text)
        .unwrap_or_else(|| panic!("no comment saying {text:?}"))
}

/// Waits until the element `css` holds the text `needle` (10 s); hidden
/// elements too (the unread count is hidden at zero).
async fn wait_in(b: &Browser, css: &str, needle: &str) {
    let mut last = Value::Null;
    for _ in 0..200 {
        if let Ok(v) = b
            .client
            .execute(
                "const e = document.querySelector(arguments[0]); return e ? e.textContent : null;",
                vec![json!(css)],
            )
            .await
        {
            if v.as_str().is_some_and(|t| t.contains(needle)) {
                return;
            }
            last = v;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{css} never showed {needle:?}; it shows {last}");
}

/// No hostile markup ran or became an element.
async fn no_script_ran(b: &Browser, what: &str) {
    assert!(
        b.client.get_alert_text().await.is_err(),
        "an alert opened on {what}"
    );
    let found = b
        .client
        .execute(
            "return Array.from(document.querySelectorAll('script')).some(s => s.textContent.includes('alert(')) \
             || document.querySelectorAll('[onerror]').length > 0",
            vec![],
        )
        .await
        .expect("look for scripts");
    assert_eq!(
        found,
        Value::Bool(false),
        "hostile markup became an element on {what}"
    );
}

async fn walk(script: Script) {
    let server = common::start(Backend::Sqlite).await;
    let ada_token = server.user("ada").await;
    let bea_token = server.user("bea").await;
    server.user("cat").await;
    let Some(b) = Browser::start(&server.url, script).await else {
        return;
    };
    let tag = if script == Script::On { "js" } else { "nojs" };
    let shot = |name: &str| format!("{name}-{tag}");
    // axe-core runs as a script: the accessibility check and screenshots
    // are taken on the walk with script on.
    let check = |name: String| {
        let b = &b;
        async move {
            if script == Script::On {
                b.check_page(&name).await;
            }
        }
    };

    // Ada signs in and creates a club, its description hostile.
    sign_in(&b, "ada").await;
    check(shot("home-member")).await;
    b.open("/groups").await;
    check(shot("groups")).await;
    b.follow("Create a group").await;
    check(shot("group-new")).await;
    b.fill("Name", "makers").await;
    b.fill("Title", "Makers").await;
    b.fill("Description (Markdown)", "We **make** things.")
        .await;
    b.fill("Rules (Markdown)", "1. Be *kind*").await;
    choose(&b, "group-kind", "club").await;
    choose(&b, "group-policy", "approval").await;
    b.press("Create group").await;
    b.wait_for_text("We make things.").await;
    assert_eq!(b.path().await, "/g/makers");
    assert_eq!(b.find("h1").await.text().await.unwrap(), "Makers");
    b.wait_for_text("Rules").await;
    b.find(".panel ol em").await;
    // The rules are in the API's group view too.
    let group = server.get("/api/v1/groups/makers", None).await.expect(200);
    assert_eq!(group["rules"], "1. Be *kind*");
    assert!(group["rules_html"]
        .as_str()
        .is_some_and(|h| h.contains("<em>kind</em>")));
    check(shot("group-club")).await;
    sign_out(&b).await;

    // Bea asks to join; the request shows as waiting.
    sign_in(&b, "bea").await;
    b.open("/g/makers").await;
    b.wait_for_text("for its members only").await;
    b.press("Ask to join").await;
    b.wait_for_text("waiting for a moderator's approval").await;
    check(shot("group-requested")).await;
    sign_out(&b).await;
    // The pending-members page is the moderators' area: approved through the API.
    server
        .post(
            "/api/v1/groups/makers/members/bea/approve",
            Some(&ada_token),
            json!({}),
        )
        .await
        .expect(200);

    // Ada posts a question with Markdown, previewed first.
    sign_in(&b, "ada").await;
    b.open("/g/makers").await;
    b.follow("New thread").await;
    b.fill("Title", "How do I solder?").await;
    choose(&b, "thread-kind", "question").await;
    b.fill(
        "Text (Markdown)",
        "Use **flux** and read [the guide](https://example.org/guide).",
    )
    .await;
    b.press("Preview").await;
    assert_eq!(
        b.find(".preview strong").await.text().await.unwrap(),
        "flux"
    );
    check(shot("thread-new-preview")).await;
    b.press("Post").await;
    let thread = thread_id(&b).await;
    assert_eq!(
        b.find(".thread .content strong")
            .await
            .text()
            .await
            .unwrap(),
        "flux"
    );
    let link = b.find(".thread .content a").await;
    assert_eq!(
        link.attr("href").await.unwrap().as_deref(),
        Some("https://example.org/guide")
    );
    check(shot("thread")).await;

    // Bea answers; with script on, Ada's unread count rises while she reads.
    if script == Script::On {
        wait_in(&b, "#unread-count", "0").await;
    }
    server
        .post(
            &format!("/api/v1/posts/{thread}/comments"),
            Some(&bea_token),
            json!({"body": "Tin the tip first."}),
        )
        .await
        .expect(201);
    if script == Script::On {
        wait_in(&b, "#unread-count", "1").await;
    }
    let answer = comment_id(&server, &ada_token, thread, "Tin the tip").await;

    // Ada replies to the answer, then to her reply.
    b.open(&format!("/post/{thread}")).await;
    b.wait_for_text("Tin the tip first.").await;
    click(&b, &format!("#reply-toggle-{answer}")).await;
    b.fill("Your reply to bea", "Which tip size?").await;
    click(&b, &format!("#c{answer} .reply button")).await;
    b.wait_for_text("Which tip size?").await;
    let reply = comment_id(&server, &ada_token, thread, "Which tip size?").await;
    if script == Script::Off {
        b.open(&format!("/post/{thread}")).await;
    }
    click(&b, &format!("#reply-toggle-{reply}")).await;
    b.fill("Your reply to ada", "A chisel tip, I think.").await;
    click(&b, &format!("#c{reply} .reply button")).await;
    b.wait_for_text("A chisel tip, I think.").await;
    let nested = comment_id(&server, &ada_token, thread, "A chisel tip").await;
    b.open(&format!("/post/{thread}")).await;
    // The replies nest: the reply to the reply is inside the reply.
    b.find(&format!("#c{answer} #c{reply} #c{nested}")).await;

    // Ada upvotes Bea's answer; with script on, without a reload.
    b.client
        .execute("window.notReloaded = true; return true", vec![])
        .await
        .ok();
    wait_in(&b, &format!("#vote-comment-{answer}"), "Score: 0").await;
    click(&b, &format!("#vote-comment-{answer} button[value='1']")).await;
    wait_in(&b, &format!("#vote-comment-{answer}"), "Score: 1").await;
    if script == Script::On {
        let same = b
            .client
            .execute("return window.notReloaded === true", vec![])
            .await
            .expect("read marker");
        assert_eq!(same, Value::Bool(true), "the vote reloaded the page");
    }
    let pressed = b
        .find(&format!("#vote-comment-{answer} button[value='0']"))
        .await;
    assert_eq!(
        pressed.attr("aria-pressed").await.unwrap().as_deref(),
        Some("true")
    );

    // Ada accepts Bea's answer: marked, and shown first.
    click(&b, &format!("#c{answer} form[action$='/accept'] button")).await;
    b.wait_for_text("Withdraw the accepted answer").await;
    let text = b.text().await;
    let panel = text.find("Accepted answer").expect("the accepted answer");
    let heading = text.find("3 comments").expect("the comments heading");
    assert!(panel < heading, "the accepted answer comes first:\n{text}");
    assert!(b
        .find(".accepted-answer")
        .await
        .text()
        .await
        .unwrap()
        .contains("Tin the tip first."));
    b.find(&format!("#c{answer}.accepted")).await;
    check(shot("thread-answered")).await;

    // Ada reports a comment: a small form, then the thread again.
    server
        .post(
            &format!("/api/v1/posts/{thread}/comments"),
            Some(&bea_token),
            json!({"body": format!("Buy my irons! {XSS}")}),
        )
        .await
        .expect(201);
    let spam = comment_id(&server, &ada_token, thread, "Buy my irons!").await;
    b.open(&format!("/post/{thread}")).await;
    b.wait_for_text("Buy my irons!").await;
    no_script_ran(&b, "the thread with a hostile comment").await;
    click(&b, &format!("#c{spam} a[href='/comment/{spam}/report']")).await;
    check(shot("report")).await;
    b.fill("Why are you reporting this?", "Advertising").await;
    b.press("Send report").await;
    b.wait_for_text("your report was sent").await;
    let mine = server
        .get("/api/v1/reports/mine", Some(&ada_token))
        .await
        .expect(200);
    assert!(
        mine["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["comment_id"] == spam && r["reason"] == "Advertising"),
        "{mine}"
    );

    // The permalink leads into the thread.
    b.open(&format!("/comment/{reply}")).await;
    assert_eq!(
        b.path().await,
        format!("/post/{thread}"),
        "the permalink leads to the thread"
    );

    // Editing pages.
    b.open(&format!("/post/{thread}/edit")).await;
    check(shot("thread-edit")).await;
    b.open(&format!("/comment/{reply}/edit")).await;
    check(shot("comment-edit")).await;

    // Hostile title and body show as text.
    b.open("/g/makers/new").await;
    b.fill("Title", &format!("Title {XSS}")).await;
    b.fill("Text (Markdown)", &format!("Body {XSS}")).await;
    b.press("Post").await;
    b.wait_for_text(&format!("Title {XSS}")).await;
    no_script_ran(&b, "a thread with a hostile title").await;
    b.open("/g/makers").await;
    b.wait_for_text(&format!("Title {XSS}")).await;
    no_script_ran(&b, "a group listing a hostile title").await;
    // A hostile description shows as text (checked after the accessibility
    // check: the corpus's bare <img> has no text alternative).
    server
        .patch(
            "/api/v1/groups/makers",
            Some(&ada_token),
            json!({"description": format!("We **make** things. {XSS}")}),
        )
        .await
        .expect(200);
    b.open("/g/makers").await;
    b.wait_for_text("We make things.").await;
    no_script_ran(&b, "the group page").await;
    b.open("/").await;
    b.wait_for_text("How do I solder?").await;
    no_script_ran(&b, "the home page").await;
    sign_out(&b).await;

    // Outsiders: a visitor and a signed-in non-member get the 404 page.
    b.open(&format!("/post/{thread}")).await;
    b.wait_for_text("Nothing here").await;
    assert!(!b.text().await.contains("How do I solder?"));
    sign_in(&b, "cat").await;
    b.open(&format!("/post/{thread}")).await;
    b.wait_for_text("Nothing here").await;
    check(shot("thread-club-404")).await;
    b.open("/g/makers").await;
    b.wait_for_text("for its members only").await;
    assert!(!b.text().await.contains("How do I solder?"));
    b.open("/").await;
    b.wait_for_text("Latest threads").await;
    assert!(!b.text().await.contains("How do I solder?"));
    b.close().await;
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn open_groups_list_their_threads_to_visitors_and_find_groups_by_name() {
    let server = common::start(Backend::Sqlite).await;
    let ann = server.user("ann").await;
    server.group(&ann, "gardening", "group").await;
    server.group(&ann, "cooking", "group").await;
    let t = server.thread(&ann, "gardening", "Tomatoes in pots").await;
    server
        .post(
            &format!("/api/v1/posts/{t}/comments"),
            Some(&ann),
            json!({"body": "Water daily."}),
        )
        .await
        .expect(201);
    let Some(b) = Browser::start(&server.url, Script::On).await else {
        return;
    };
    b.open("/").await;
    b.wait_for_text("Featured groups").await;
    b.wait_for_text("Tomatoes in pots").await;
    b.check_page("home-visitor-content").await;
    b.open("/groups?q=GARDEN").await;
    b.wait_for_text("The gardening group").await;
    assert!(!b.text().await.contains("The cooking group"));
    b.follow("The gardening group").await;
    b.wait_for_text("Tomatoes in pots").await;
    b.wait_for_text("Sign in to join").await;
    b.check_page("group-visitor").await;
    b.follow("Tomatoes in pots").await;
    b.wait_for_text("Water daily.").await;
    b.wait_for_text("Sign in to comment").await;
    b.check_page("thread-visitor").await;
    // A deleted thread is gone (410).
    server
        .delete(&format!("/api/v1/posts/{t}"), Some(&ann))
        .await
        .expect(204);
    b.open(&format!("/post/{t}")).await;
    b.wait_for_text("This was deleted").await;
    b.close().await;
    server.stop().await;
}
