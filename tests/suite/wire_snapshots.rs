//! Snapshots (insta) of every activity this server sends, captured from a
//! real server by a fake remote server that follows its group, and of
//! `/api/v1/openapi.json`. A change to what goes on the wire shows as a
//! snapshot diff to review. Hosts, activity ids and dates are redacted;
//! both stores compare against the same snapshots.

use crate::common;

use crate::common::remote::{Received, Remote};
use crate::common::{Backend, TestServer};
use serde_json::{json, Value};

on_both_backends!(every_activity_we_send, the_openapi_document);

fn settings(s: &TestServer, remote: Option<&Remote>) -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.add_filter(&regex_escape(&s.url), "https://here.example");
    if let Some(r) = remote {
        settings.add_filter(&regex_escape(&r.url), "https://remote.example");
    }
    // A mention names the host without a scheme.
    settings.add_filter(r"@localhost:\d+", "@here.example");
    settings.add_filter(
        r"/activities/(\w+)/[0-9A-Za-z_-]{16,}",
        "/activities/$1/[random]",
    );
    settings.add_filter(r"/follows/\d+", "/follows/[n]");
    settings
}

fn regex_escape(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_string()
            } else {
                format!("\\{c}")
            }
        })
        .collect()
}

/// The activity the remote received after the first `seen`, that `pred`
/// picks, waiting for it.
async fn next(
    remote: &Remote,
    seen: &mut usize,
    what: &str,
    pred: impl Fn(&Value) -> bool,
) -> Value {
    let start = *seen;
    let got = remote
        .wait_for(what, |r: &[Received]| {
            r[start.min(r.len())..].iter().any(|r| pred(&r.body))
        })
        .await;
    *seen = got.len();
    got[start..]
        .iter()
        .find(|r| pred(&r.body))
        .map(|r| r.body.clone())
        .expect("found")
}

fn announced(kind: &'static str) -> impl Fn(&Value) -> bool {
    move |v| v["type"] == "Announce" && v["object"]["type"] == kind
}

fn announced_undo(kind: &'static str) -> impl Fn(&Value) -> bool {
    move |v| {
        v["type"] == "Announce"
            && v["object"]["type"] == "Undo"
            && v["object"]["object"]["type"] == kind
    }
}

macro_rules! snap {
    ($settings:expr, $name:expr, $value:expr) => {
        $settings.bind(|| {
            insta::assert_json_snapshot!($name, $value, {
                ".**.published" => "[date]",
                ".**.updated" => "[date]",
                ".object.object.ideaStatusChanged" => "[date]",
                ".**.publicKeyPem" => "[key]",
            })
        })
    };
}

async fn every_activity_we_send(backend: Backend) {
    let s = common::start(backend).await;
    let remote = Remote::start().await;
    let settings = settings(&s, Some(&remote));
    let ann = s.user("ann").await;
    let vic = s.user("vic").await;
    let g = s.group(&ann, "support", "group").await;
    let group_ap = g["ap_id"].as_str().expect("ap_id").to_string();
    let bo = remote.person("bo").await;
    let inbox = format!("{}/inbox", s.url);
    let mut seen = 0;

    remote
        .send(&bo, &inbox, &bo.follow(&group_ap))
        .await
        .expect(202);
    let accept = next(&remote, &mut seen, "Accept", |v| v["type"] == "Accept").await;
    snap!(settings, "accept_follow", &accept);

    let t = s.thread(&vic, "support", "Printer tips").await;
    let create = next(&remote, &mut seen, "Announce(Create)", announced("Create")).await;
    snap!(settings, "announce_create_page", &create);

    let c = s
        .post(
            &format!("/api/v1/posts/{t}/comments"),
            Some(&ann),
            json!({"body": "Try *turning it off*."}),
        )
        .await
        .expect(201)["id"]
        .as_i64()
        .expect("comment id");
    let note = next(&remote, &mut seen, "Announce(Create(Note))", |v| {
        announced("Create")(v) && v["object"]["object"]["type"] == "Note"
    })
    .await;
    snap!(settings, "announce_create_note", &note);

    s.patch(
        &format!("/api/v1/posts/{t}"),
        Some(&vic),
        json!({"body": "Edited: works now."}),
    )
    .await
    .expect(200);
    let update = next(&remote, &mut seen, "Announce(Update)", announced("Update")).await;
    snap!(settings, "announce_update_page", &update);

    s.post(
        &format!("/api/v1/posts/{t}/vote"),
        Some(&ann),
        json!({"value": 1}),
    )
    .await
    .expect(200);
    let like = next(&remote, &mut seen, "Announce(Like)", announced("Like")).await;
    snap!(settings, "announce_like", &like);
    s.post(
        &format!("/api/v1/posts/{t}/vote"),
        Some(&ann),
        json!({"value": 0}),
    )
    .await
    .expect(200);
    let unlike = next(
        &remote,
        &mut seen,
        "Announce(Undo(Like))",
        announced_undo("Like"),
    )
    .await;
    snap!(settings, "announce_undo_like", &unlike);

    let moderate = |action: &'static str| {
        let path = format!("/api/v1/posts/{t}/{action}");
        let (s, ann) = (&s, &ann);
        async move {
            s.post(&path, Some(ann), json!({"reason": "tidying up"}))
                .await
                .expect(200);
        }
    };
    moderate("lock").await;
    let lock = next(&remote, &mut seen, "Announce(Lock)", announced("Lock")).await;
    snap!(settings, "announce_lock", &lock);
    moderate("unlock").await;
    let unlock = next(
        &remote,
        &mut seen,
        "Announce(Undo(Lock))",
        announced_undo("Lock"),
    )
    .await;
    snap!(settings, "announce_undo_lock", &unlock);
    moderate("pin").await;
    let pin = next(&remote, &mut seen, "Announce(Add)", announced("Add")).await;
    snap!(settings, "announce_add_featured", &pin);
    moderate("unpin").await;
    let unpin = next(&remote, &mut seen, "Announce(Remove)", announced("Remove")).await;
    snap!(settings, "announce_remove_featured", &unpin);

    s.post(
        &format!("/api/v1/comments/{c}/remove"),
        Some(&ann),
        json!({"reason": "off topic"}),
    )
    .await
    .expect(200);
    let removal = next(
        &remote,
        &mut seen,
        "Announce(Delete) by a moderator",
        announced("Delete"),
    )
    .await;
    snap!(settings, "announce_delete_by_moderator", &removal);
    s.post(
        &format!("/api/v1/comments/{c}/restore"),
        Some(&ann),
        json!({}),
    )
    .await
    .expect(200);
    let restore = next(
        &remote,
        &mut seen,
        "Announce(Undo(Delete))",
        announced_undo("Delete"),
    )
    .await;
    snap!(settings, "announce_undo_delete", &restore);

    s.delete(&format!("/api/v1/posts/{t}"), Some(&vic))
        .await
        .expect(204);
    let delete = next(&remote, &mut seen, "Announce(Delete)", |v| {
        announced("Delete")(v) && v["object"].get("summary").is_none()
    })
    .await;
    snap!(settings, "announce_delete_by_author", &delete);

    // Profiles: the group's, a local person's (followed by bo), and the
    // group's moderators.
    s.patch(
        "/api/v1/groups/support",
        Some(&ann),
        json!({"title": "Support desk", "description": "Ask anything here."}),
    )
    .await
    .expect(200);
    let group_update = next(&remote, &mut seen, "Update(Group)", |v| {
        v["type"] == "Update" && v["object"]["type"] == "Group"
    })
    .await;
    snap!(settings, "update_group", &group_update);

    let vic_ap = s.get("/api/v1/me", Some(&vic)).await.expect(200)["ap_id"]
        .as_str()
        .expect("ap_id")
        .to_string();
    remote
        .send(&bo, &inbox, &bo.follow(&vic_ap))
        .await
        .expect(202);
    next(&remote, &mut seen, "Accept of a person's follower", |v| {
        v["type"] == "Accept"
    })
    .await;
    s.patch(
        "/api/v1/me",
        Some(&vic),
        json!({"display_name": "Vic", "bio": "I fix printers."}),
    )
    .await
    .expect(200);
    let person_update = next(&remote, &mut seen, "Update(Person)", |v| {
        v["type"] == "Update" && v["object"]["type"] == "Person"
    })
    .await;
    snap!(settings, "update_person", &person_update);

    let role = |role: &'static str| {
        let path = format!("/api/v1/groups/support/members/{}/role", bo.handle());
        let (s, ann) = (&s, &ann);
        async move {
            s.put(&path, Some(ann), json!({ "role": role }))
                .await
                .expect(200);
        }
    };
    role("moderator").await;
    let added = next(&remote, &mut seen, "Announce(Add) of a moderator", |v| {
        announced("Add")(v)
            && v["object"]["target"]
                .as_str()
                .is_some_and(|t| t.ends_with("/moderators"))
    })
    .await;
    snap!(settings, "announce_add_moderator", &added);
    role("member").await;
    let removed = next(&remote, &mut seen, "Announce(Remove) of a moderator", |v| {
        announced("Remove")(v)
            && v["object"]["target"]
                .as_str()
                .is_some_and(|t| t.ends_with("/moderators"))
    })
    .await;
    snap!(settings, "announce_remove_moderator", &removed);

    // An idea's status: an Update of its Page by the moderator who set it.
    let idea = s
        .post(
            "/api/v1/groups/support/posts",
            Some(&vic),
            json!({"title": "Dark mode", "body": "Please.", "kind": "idea"}),
        )
        .await
        .expect(201)["id"]
        .as_i64()
        .expect("id");
    next(&remote, &mut seen, "Announce(Create) of the idea", |v| {
        announced("Create")(v) && v["object"]["object"]["name"] == "Dark mode"
    })
    .await;
    s.post(
        &format!("/api/v1/posts/{idea}/status"),
        Some(&ann),
        json!({"status": "planned", "response": "Coming in 2.0."}),
    )
    .await
    .expect(200);
    let status = next(
        &remote,
        &mut seen,
        "Announce(Update) of an idea's status",
        |v| announced("Update")(v) && v["object"]["object"]["ideaStatus"] == "planned",
    )
    .await;
    snap!(settings, "announce_update_idea_status", &status);

    // Last: a banned person's server no longer follows the group.
    let bo_handle = bo.handle();
    s.post(
        "/api/v1/groups/support/bans",
        Some(&ann),
        json!({"person": bo_handle, "reason": "rudeness", "expires_at": "2099-01-01T00:00:00Z", "remove_content": true}),
    )
    .await
    .expect(200);
    let ban = next(&remote, &mut seen, "Block", |v| v["type"] == "Block").await;
    snap!(settings, "block", &ban);
    s.delete(
        &format!("/api/v1/groups/support/bans/{bo_handle}"),
        Some(&ann),
    )
    .await
    .expect(204);
    let unban = next(&remote, &mut seen, "Undo(Block)", |v| {
        v["type"] == "Undo" && v["object"]["type"] == "Block"
    })
    .await;
    snap!(settings, "undo_block", &unban);

    remote.stop().await;
    s.stop().await;
}

async fn the_openapi_document(backend: Backend) {
    let s = common::start(backend).await;
    let doc = s.get("/api/v1/openapi.json", None).await.expect(200);
    settings(&s, None).bind(|| insta::assert_json_snapshot!("openapi", doc));
    s.stop().await;
}
