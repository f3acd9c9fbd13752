//! What other servers see of this one: WebFinger, NodeInfo, host-meta, and
//! local actors and objects served as ActivityPub JSON (or HTML to browsers).

use crate::common;

use crate::common::{Backend, TestServer};
use serde_json::{json, Value};

on_both_backends!(
    webfinger_nodeinfo_and_host_meta,
    actors_and_objects_by_accept_header
);

const AP: &str = "application/activity+json";

async fn fetch(s: &TestServer, url: &str, accept: &str) -> (u16, String, Value) {
    let res = s
        .client
        .get(url)
        .header("accept", accept)
        .send()
        .await
        .expect("fetch");
    let status = res.status().as_u16();
    let ctype = res
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let text = res.text().await.expect("body");
    let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
    (status, ctype, body)
}

async fn webfinger_nodeinfo_and_host_meta(backend: Backend) {
    let s = common::start(backend).await;
    let domain = s.url.trim_start_matches("http://").to_string();
    let ann = s.user("ann").await;
    s.group(&ann, "support", "group").await;

    for (name, kind) in [("ann", "Person"), ("support", "Group")] {
        let url = format!(
            "{}/.well-known/webfinger?resource=acct:{name}@{domain}",
            s.url
        );
        let (status, ctype, jrd) = fetch(&s, &url, "application/jrd+json").await;
        assert_eq!(status, 200, "{jrd}");
        assert!(ctype.starts_with("application/jrd+json"), "{ctype}");
        assert_eq!(jrd["subject"], format!("acct:{name}@{domain}"));
        let prefix = if kind == "Person" { "u" } else { "g" };
        let ap_id = format!("{}/{prefix}/{name}", s.url);
        assert_eq!(jrd["aliases"][0], ap_id);
        let links = jrd["links"].as_array().expect("links");
        let me = links
            .iter()
            .find(|l| l["rel"] == "self")
            .expect("self link");
        assert_eq!(me["type"], AP);
        assert_eq!(me["href"], ap_id);
        assert_eq!(
            me["properties"]["https://www.w3.org/ns/activitystreams#type"],
            kind
        );
        assert!(links
            .iter()
            .any(|l| l["rel"] == "http://webfinger.net/rel/profile-page"));
        // The round trip Mastodon checks: the actor's preferredUsername@host.
        let (_, _, actor) = fetch(&s, &ap_id, AP).await;
        assert_eq!(
            format!(
                "acct:{}@{domain}",
                actor["preferredUsername"].as_str().unwrap_or("")
            ),
            jrd["subject"]
        );
    }
    // By actor URL too; unknown names and other hosts are 404, no resource 400.
    let (status, _, jrd) = fetch(
        &s,
        &format!("{}/.well-known/webfinger?resource={}/u/ann", s.url, s.url),
        "*/*",
    )
    .await;
    assert_eq!(
        (status, jrd["subject"].clone()),
        (200, json!(format!("acct:ann@{domain}")))
    );
    for resource in [
        format!("acct:nobody@{domain}"),
        "acct:ann@elsewhere.example".to_string(),
    ] {
        let (status, _, body) = fetch(
            &s,
            &format!("{}/.well-known/webfinger?resource={resource}", s.url),
            "*/*",
        )
        .await;
        assert_eq!(status, 404, "{resource}");
        assert_eq!(body["error"], "not_found");
    }
    let (status, _, _) = fetch(&s, &format!("{}/.well-known/webfinger", s.url), "*/*").await;
    assert_eq!(status, 400);

    // NodeInfo: discovery document, then the 2.1 schema with live counts.
    let t = s.thread(&ann, "support", "hello").await;
    s.post(
        &format!("/api/v1/posts/{t}/comments"),
        Some(&ann),
        json!({"body": "first"}),
    )
    .await
    .expect(201);
    let (status, _, wk) = fetch(&s, &format!("{}/.well-known/nodeinfo", s.url), "*/*").await;
    assert_eq!(status, 200);
    assert_eq!(
        wk["links"][0]["rel"],
        "http://nodeinfo.diaspora.software/ns/schema/2.1"
    );
    let href = wk["links"][0]["href"].as_str().expect("href").to_string();
    let (status, ctype, ni) = fetch(&s, &href, "*/*").await;
    assert_eq!(status, 200);
    assert!(ctype.contains("schema/2.1"), "{ctype}");
    assert_eq!(ni["version"], "2.1");
    assert_eq!(ni["software"]["name"], "guildhall");
    assert_eq!(ni["protocols"], json!(["activitypub"]));
    assert_eq!(ni["openRegistrations"], true);
    assert_eq!(ni["usage"]["users"]["total"], 1);
    assert_eq!(ni["usage"]["users"]["activeMonth"], 1);
    assert_eq!(ni["usage"]["localPosts"], 1);
    assert_eq!(ni["usage"]["localComments"], 1);
    assert_eq!(ni["metadata"]["nodeName"], "Guildhall");

    let (status, ctype, xrd) = fetch(&s, &format!("{}/.well-known/host-meta", s.url), "*/*").await;
    assert_eq!(status, 200);
    assert!(ctype.starts_with("application/xrd+xml"), "{ctype}");
    let xrd = xrd.as_str().expect("xml").to_string();
    assert!(
        xrd.contains(&format!(
            "template=\"{}/.well-known/webfinger?resource={{uri}}\"",
            s.url
        )),
        "{xrd}"
    );
    s.stop().await;
}

async fn actors_and_objects_by_accept_header(backend: Backend) {
    let s = common::start(backend).await;
    let ann = s.user("ann").await;
    let bob = s.user("bob").await;
    s.patch(
        "/api/v1/me",
        Some(&ann),
        json!({"display_name": "Ann", "bio": "I *fix* things"}),
    )
    .await
    .expect(200);
    s.group(&ann, "support", "group").await;
    s.group(&ann, "makers", "club").await;

    // A person, as ActivityPub and as a page.
    let ann_id = format!("{}/u/ann", s.url);
    let (status, ctype, person) = fetch(&s, &ann_id, AP).await;
    assert_eq!(status, 200);
    assert!(ctype.starts_with(AP), "{ctype}");
    assert_eq!(
        person["@context"][0],
        "https://www.w3.org/ns/activitystreams"
    );
    assert_eq!(person["@context"][1], "https://w3id.org/security/v1");
    assert_eq!(person["type"], "Person");
    assert_eq!(person["id"], ann_id);
    assert_eq!(person["preferredUsername"], "ann");
    assert_eq!(person["name"], "Ann");
    assert_eq!(person["source"]["content"], "I *fix* things");
    assert!(person["summary"]
        .as_str()
        .unwrap_or("")
        .contains("<em>fix</em>"));
    assert_eq!(person["inbox"], format!("{ann_id}/inbox"));
    assert_eq!(
        person["endpoints"]["sharedInbox"],
        format!("{}/inbox", s.url)
    );
    assert_eq!(person["publicKey"]["id"], format!("{ann_id}#main-key"));
    assert_eq!(person["publicKey"]["owner"], ann_id);
    assert!(person["publicKey"]["publicKeyPem"]
        .as_str()
        .unwrap_or("")
        .starts_with("-----BEGIN PUBLIC KEY-----"));
    let (_, _, other) = fetch(
        &s,
        &ann_id,
        "application/ld+json; profile=\"https://www.w3.org/ns/activitystreams\"",
    )
    .await;
    assert_eq!(other["id"], ann_id);
    let (status, ctype, page) = fetch(&s, &ann_id, "text/html").await;
    assert_eq!(status, 200);
    assert!(ctype.starts_with("text/html"), "{ctype}");
    assert!(page.as_str().unwrap_or("").contains("<em>fix</em>"));
    let (status, _, _) = fetch(&s, &format!("{}/u/nobody", s.url), AP).await;
    assert_eq!(status, 404);
    s.post("/api/v1/people/ann/follow", Some(&bob), json!({}))
        .await
        .expect(200);
    let (_, _, followers) = fetch(&s, &format!("{ann_id}/followers"), AP).await;
    assert_eq!(
        (followers["type"].as_str(), followers["totalItems"].as_i64()),
        (Some("Collection"), Some(1))
    );

    // Groups: an open group, and a club that approves its followers.
    let (_, _, group) = fetch(&s, &format!("{}/g/support", s.url), AP).await;
    assert_eq!(group["type"], "Group");
    assert_eq!(group["manuallyApprovesFollowers"], false);
    assert_eq!(
        group["attributedTo"],
        format!("{}/g/support/moderators", s.url)
    );
    assert_eq!(group["featured"], format!("{}/g/support/featured", s.url));
    let (_, _, club) = fetch(&s, &format!("{}/g/makers", s.url), AP).await;
    assert_eq!(club["manuallyApprovesFollowers"], true);
    let (_, _, mods) = fetch(&s, &format!("{}/g/support/moderators", s.url), AP).await;
    assert_eq!(mods["orderedItems"], json!([ann_id]));
    let (_, _, gf) = fetch(&s, &format!("{}/g/support/followers", s.url), AP).await;
    assert_eq!(gf["totalItems"], 1);
    assert!(
        gf.get("orderedItems").is_none(),
        "members are not listed: {gf}"
    );

    // A thread and its comments.
    let t = s.thread(&ann, "support", "Printer jams").await;
    let c = s
        .post(
            &format!("/api/v1/posts/{t}/comments"),
            Some(&bob),
            json!({"body": "Same here"}),
        )
        .await
        .expect(201);
    let cid = c["id"].as_i64().expect("id");
    let r = s
        .post(
            &format!("/api/v1/posts/{t}/comments"),
            Some(&ann),
            json!({"body": "Fixed", "parent_id": cid}),
        )
        .await
        .expect(201);
    let post_id = format!("{}/post/{t}", s.url);
    let (status, _, page) = fetch(&s, &post_id, AP).await;
    assert_eq!(status, 200);
    assert_eq!(page["type"], "Page");
    assert_eq!(page["id"], post_id);
    assert_eq!(page["name"], "Printer jams");
    assert_eq!(page["attributedTo"], ann_id);
    assert_eq!(page["audience"], format!("{}/g/support", s.url));
    assert_eq!(
        page["to"],
        json!([
            format!("{}/g/support", s.url),
            "https://www.w3.org/ns/activitystreams#Public"
        ])
    );
    assert_eq!(page["source"]["mediaType"], "text/markdown");
    assert_eq!(page["commentsEnabled"], true);
    let (_, _, note) = fetch(&s, &format!("{}/comment/{cid}", s.url), AP).await;
    assert_eq!(note["type"], "Note");
    assert_eq!(note["inReplyTo"], post_id);
    assert_eq!(note["attributedTo"], format!("{}/u/bob", s.url));
    assert_eq!(note["tag"][0]["href"], ann_id);
    let rid = r["id"].as_i64().expect("id");
    let (_, _, reply) = fetch(&s, &format!("{}/comment/{rid}", s.url), AP).await;
    assert_eq!(reply["inReplyTo"], format!("{}/comment/{cid}", s.url));
    assert_eq!(reply["tag"][0]["href"], format!("{}/u/bob", s.url));

    // A club's thread is not served to an unsigned fetch.
    let ct = s.thread(&ann, "makers", "members only").await;
    let (status, _, body) = fetch(&s, &format!("{}/post/{ct}", s.url), AP).await;
    assert_eq!(status, 403, "{body}");
    assert_eq!(body["error"], "forbidden");

    // Deleted: a Tombstone with 410.
    s.delete(&format!("/api/v1/comments/{rid}"), Some(&ann))
        .await
        .expect(204);
    let (status, _, tomb) = fetch(&s, &format!("{}/comment/{rid}", s.url), AP).await;
    assert_eq!(status, 410);
    assert_eq!(tomb["type"], "Tombstone");
    assert_eq!(tomb["formerType"], "Note");
    s.delete(&format!("/api/v1/posts/{t}"), Some(&ann))
        .await
        .expect(204);
    let (status, _, tomb) = fetch(&s, &post_id, AP).await;
    assert_eq!(
        (status, tomb["type"].as_str(), tomb["id"].as_str()),
        (410, Some("Tombstone"), Some(post_id.as_str()))
    );

    // The instance actor.
    let (status, _, actor) = fetch(&s, &format!("{}/actor", s.url), AP).await;
    assert_eq!(status, 200);
    assert_eq!(actor["type"], "Application");
    assert_eq!(actor["id"], format!("{}/actor", s.url));
    assert!(actor["publicKey"]["publicKeyPem"]
        .as_str()
        .unwrap_or("")
        .contains("PUBLIC KEY"));
    s.stop().await;
}
