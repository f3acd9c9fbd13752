//! Hostile HTML never reaches a reader: every payload of our XSS corpus
//! (tests/fixtures/xss/corpus.txt: script tags, event handlers,
//! javascript:/vbscript:/data: URLs, nested encodings, SVG, MathML, ...)
//! goes through the Markdown renderer and the HTML sanitizer, through the
//! API as a local thread and comment, and through federation as a remote
//! reply, a remote thread and a remote profile; whatever is stored and
//! served must pass [`unsafe_html`].

use crate::common;

use crate::common::remote::{mention, Remote, RemoteActor, PUBLIC};
use crate::common::{Backend, TestServer};
use guildhall::community::markdown::{render, sanitize};
use guildhall::community::Body;
use guildhall::federation::objects::incoming::IncomingObject;
use serde_json::{json, Value};
use std::collections::HashMap;

on_both_backends!(
    local_threads_and_comments_are_sanitized,
    remote_posts_and_profiles_are_sanitized,
    a_nul_character_is_refused_not_a_server_error
);

// ---------------------------------------------------------------------------
// The corpus

/// The payloads of tests/fixtures/xss/corpus.txt, `\x{HH}` escapes decoded.
fn corpus() -> Vec<String> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/xss/corpus.txt");
    let text = std::fs::read_to_string(path).expect("read the XSS corpus");
    let payloads: Vec<String> = text
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(unescape_line)
        .collect();
    assert!(payloads.len() >= 40, "the corpus is too small");
    payloads
}

/// `\x{HH}` (hex) is that character; any other backslash is literal.
fn unescape_line(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(at) = rest.find("\\x{") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 3..];
        let decoded = after.find('}').and_then(|end| {
            let c = u32::from_str_radix(&after[..end], 16)
                .ok()
                .and_then(char::from_u32)?;
            Some((c, end + 1))
        });
        match decoded {
            Some((c, used)) => {
                out.push(c);
                rest = &after[used..];
            }
            None => {
                out.push_str("\\x{");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

// ---------------------------------------------------------------------------
// The checks

/// Texts that must not occur anywhere in the output (case-insensitive).
const BANNED_TEXT: &[&str] = &[
    "<script", "<iframe", "<object", "<embed", "<svg", "<math", "<style", "<base", "<meta", "<form",
];

/// Elements that must not occur, as start or end tags.
const BANNED_TAGS: &[&str] = &[
    "script",
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "applet",
    "param",
    "svg",
    "math",
    "style",
    "link",
    "base",
    "meta",
    "form",
    "input",
    "button",
    "select",
    "option",
    "textarea",
    "isindex",
    "template",
    "noscript",
    "noembed",
    "xmp",
    "plaintext",
    "video",
    "audio",
    "source",
    "track",
    "bgsound",
    "marquee",
    "animate",
    "set",
    "foreignobject",
    "use",
    "image",
    "html",
    "head",
    "body",
    "title",
    "portal",
];

/// Attributes that hold a URL (or URLs) a browser may load or follow.
const URL_ATTRS: &[&str] = &[
    "href",
    "src",
    "action",
    "formaction",
    "xlink:href",
    "cite",
    "data",
    "poster",
    "background",
    "ping",
    "longdesc",
    "lowsrc",
    "dynsrc",
    "codebase",
    "classid",
    "archive",
    "manifest",
    "icon",
    "profile",
    "usemap",
    "srcset",
];

/// Attributes that must not occur (besides every `on*`).
const BANNED_ATTRS: &[&str] = &["style", "srcdoc", "xmlns", "xmlns:xlink", "http-equiv"];

const ALLOWED_SCHEMES: &[&str] = &["http", "https", "mailto"];

/// Why `html` is not safe to show, or None when it is.
fn unsafe_html(html: &str) -> Option<String> {
    let lower = html.to_lowercase();
    if let Some(t) = BANNED_TEXT.iter().find(|t| lower.contains(**t)) {
        return Some(format!("contains {t:?}"));
    }
    for tag in tags(html) {
        if BANNED_TAGS.contains(&tag.name.as_str()) {
            return Some(format!("has a <{}> tag", tag.name));
        }
        for (name, value) in &tag.attrs {
            if name.starts_with("on") {
                return Some(format!(
                    "<{}> has an event handler {name}={value:?}",
                    tag.name
                ));
            }
            if BANNED_ATTRS.contains(&name.as_str()) {
                return Some(format!("<{}> has {name}={value:?}", tag.name));
            }
            if !URL_ATTRS.contains(&name.as_str()) {
                continue;
            }
            let urls: Vec<&str> = if name == "srcset" {
                value
                    .split(',')
                    .filter_map(|c| c.split_whitespace().next())
                    .collect()
            } else {
                vec![value.as_str()]
            };
            for url in urls {
                if let Some(scheme) = scheme(url) {
                    if !ALLOWED_SCHEMES.contains(&scheme.as_str()) {
                        return Some(format!(
                            "<{}> has {name}={value:?}: scheme {scheme:?}",
                            tag.name
                        ));
                    }
                }
            }
        }
    }
    None
}

/// The scheme of a URL attribute's value, after decoding character
/// references, removing whitespace and control characters, lowercasing;
/// None for a relative URL.
fn scheme(raw: &str) -> Option<String> {
    let cleaned: String = decode_entities(raw)
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect::<String>()
        .to_lowercase();
    let (scheme, _) = cleaned.split_once(':')?;
    let mut chars = scheme.chars();
    let first = chars.next()?;
    let is_scheme = first.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    is_scheme.then(|| scheme.to_string())
}

/// Decodes character references once, as a browser does in an attribute
/// value: numeric ones (with or without `;`) and the named ones that
/// matter for URLs.
fn decode_entities(s: &str) -> String {
    const NAMED: &[(&str, char)] = &[
        ("amp;", '&'),
        ("lt;", '<'),
        ("gt;", '>'),
        ("quot;", '"'),
        ("apos;", '\''),
        ("colon;", ':'),
        ("Tab;", '\t'),
        ("NewLine;", '\n'),
        ("nbsp;", '\u{a0}'),
        ("sol;", '/'),
        ("lpar;", '('),
        ("rpar;", ')'),
        ("period;", '.'),
        ("amp", '&'),
        ("lt", '<'),
        ("gt", '>'),
        ("quot", '"'),
    ];
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let numeric = after.strip_prefix('#').and_then(|num| {
            let (digits, radix, skip) = match num.strip_prefix(['x', 'X']) {
                Some(hex) => (hex, 16, 2),
                None => (num, 10, 1),
            };
            let len = digits
                .find(|c: char| !c.is_digit(radix))
                .unwrap_or(digits.len());
            if len == 0 {
                return None;
            }
            let c = u32::from_str_radix(&digits[..len], radix)
                .ok()
                .and_then(char::from_u32)
                .filter(|c| *c != '\0')
                .unwrap_or('\u{fffd}');
            let semi = usize::from(digits[len..].starts_with(';'));
            Some((c, skip + len + semi))
        });
        let found = numeric.or_else(|| {
            NAMED
                .iter()
                .find(|(name, _)| after.starts_with(name))
                .map(|(name, c)| (*c, name.len()))
        });
        match found {
            Some((c, used)) => {
                out.push(c);
                rest = &after[used..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// A start or end tag, as a browser's tokenizer would roughly see it.
#[derive(Debug)]
struct Tag {
    name: String,
    /// (lowercased name, raw value)
    attrs: Vec<(String, String)>,
}

/// Every tag in `html`, skipping comments and `<!...>` / `<?...>`.
fn tags(html: &str) -> Vec<Tag> {
    let c: Vec<char> = html.chars().collect();
    let at = |i: usize, s: &str| s.chars().enumerate().all(|(k, x)| c.get(i + k) == Some(&x));
    let find = |from: usize, s: &str| (from..c.len()).find(|&i| at(i, s));
    let mut found = Vec::new();
    let mut i = 0;
    while i < c.len() {
        if c[i] != '<' {
            i += 1;
            continue;
        }
        match c.get(i + 1) {
            Some('!') if at(i, "<!--") => {
                i = find(i + 4, "-->").map_or(c.len(), |e| e + 3);
            }
            Some('!' | '?') => {
                i = find(i, ">").map_or(c.len(), |e| e + 1);
            }
            Some('/') if c.get(i + 2).is_some_and(char::is_ascii_alphabetic) => {
                let (tag, next) = tag_at(&c, i + 2);
                found.push(tag);
                i = next;
            }
            Some(x) if x.is_ascii_alphabetic() => {
                let (tag, next) = tag_at(&c, i + 1);
                found.push(tag);
                i = next;
            }
            _ => i += 1,
        }
    }
    found
}

/// The tag whose name starts at `i`; and where the text after it starts.
fn tag_at(c: &[char], mut i: usize) -> (Tag, usize) {
    let text = |from: usize, to: usize| c[from..to].iter().collect::<String>();
    let space = |i: usize| c.get(i).is_some_and(char::is_ascii_whitespace);
    let start = i;
    while i < c.len() && !space(i) && c[i] != '/' && c[i] != '>' {
        i += 1;
    }
    let name = text(start, i).to_lowercase();
    let mut attrs = Vec::new();
    loop {
        while i < c.len() && (space(i) || c[i] == '/') {
            i += 1;
        }
        if i >= c.len() {
            break;
        }
        if c[i] == '>' {
            i += 1;
            break;
        }
        // The first character of a name may be anything, even `=`.
        let start = i;
        i += 1;
        while i < c.len() && !space(i) && !matches!(c[i], '/' | '>' | '=') {
            i += 1;
        }
        let attr = text(start, i).to_lowercase();
        while space(i) {
            i += 1;
        }
        let mut value = String::new();
        if c.get(i) == Some(&'=') {
            i += 1;
            while space(i) {
                i += 1;
            }
            match c.get(i) {
                Some(&q) if q == '"' || q == '\'' => {
                    let start = i + 1;
                    i = start;
                    while i < c.len() && c[i] != q {
                        i += 1;
                    }
                    value = text(start, i);
                    i = (i + 1).min(c.len());
                }
                _ => {
                    let start = i;
                    while i < c.len() && !space(i) && c[i] != '>' {
                        i += 1;
                    }
                    value = text(start, i);
                }
            }
        }
        attrs.push((attr, value));
    }
    (Tag { name, attrs }, i)
}

/// Collects a failure when `html` (made from `payload` by `how`) is unsafe.
fn check(failures: &mut Vec<String>, how: &str, payload: &str, html: &str) {
    if let Some(why) = unsafe_html(html) {
        failures.push(format!(
            "{how}: {why}\n  payload: {payload:?}\n  output:  {html:?}"
        ));
    }
}

#[track_caller]
fn assert_no_failures(failures: &[String]) {
    assert!(
        failures.is_empty(),
        "{} unsafe outputs:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

// ---------------------------------------------------------------------------
// Unit tests: the renderer and the sanitizer

#[test]
fn the_checks_catch_what_they_should() {
    let unsafe_samples = [
        "<script>x</script>",
        "<ScRiPt src=x></ScRiPt>",
        "<img src=x onerror=alert(1)>",
        "<img src=x ONERROR = 'alert(1)'>",
        "<p/onclick=alert(1)>",
        "<a href=\"javascript:alert(1)\">x</a>",
        "<a href=\" JaVa\tScRiPt:alert(1)\">x</a>",
        "<a href=\"\u{1}java\nscript:alert(1)\">x</a>",
        "<a href=\"&#106;avascript:alert(1)\">x</a>",
        "<a href=\"&#x6A&#x61vascript:alert(1)\">x</a>",
        "<a href=\"java&Tab;script&colon;alert(1)\">x</a>",
        "<a href=vbscript:x>x</a>",
        "<img src=\"data:text/html,x\">",
        "<img srcset=\"https://a.example/1.png 1x, javascript:alert(1) 2x\">",
        "<blockquote cite=\"javascript:alert(1)\">q</blockquote>",
        "<p style=\"x:expression(alert(1))\">x</p>",
        "<iframe srcdoc=x></iframe>",
        "<x-y></SVG>",
        "<mAtH>",
        "<a title=\"x\"onclick=\"y\">z</a>",
    ];
    for s in unsafe_samples {
        assert!(unsafe_html(s).is_some(), "not caught: {s:?}");
    }
    let safe_samples = [
        "<p>hello <strong>world</strong></p>",
        "<a href=\"https://example.com/\" rel=\"noopener\">x</a>",
        "<a href=\"HTTP://example.com/\">x</a>",
        "<a href=\"mailto:a@example.com\">x</a>",
        "<a href=\"/relative/path?q=1:2\">x</a>",
        "<a href=\"#frag\">x</a>",
        "<a href=\"//example.com/x\">x</a>",
        "<a href=\"java%0ascript:alert(1)\">x</a>",
        "<a href=\"&amp;#106;avascript:alert(1)\">x</a>",
        "<img src=\"x\" alt=\"onerror=alert(1)\">",
        "<p title=\"&lt;script&gt;\">&lt;script&gt;alert(1)&lt;/script&gt;</p>",
        "<code>&lt;svg onload=alert(1)&gt;</code>",
    ];
    for s in safe_samples {
        assert_eq!(unsafe_html(s), None, "{s:?}");
    }
    assert_eq!(unescape_line(r"a\x{00}b\x{0a}c\u003c"), "a\0b\nc\\u003c");
}

/// The same sanitizer keeps what is harmless: the checks above must not
/// pass only because everything is thrown away.
#[test]
fn harmless_markup_survives() {
    let html = render("**bold** [x](https://example.com/a) ![i](https://example.com/i.png) <em>e</em> <mailto:a@example.com>");
    for kept in [
        "<strong>bold</strong>",
        "href=\"https://example.com/a\"",
        "src=\"https://example.com/i.png\"",
        "<em>e</em>",
        "href=\"mailto:a@example.com\"",
    ] {
        assert!(html.contains(kept), "{kept} lost in {html}");
    }
    let html = sanitize("<p><a href=\"https://example.com/\" onclick=\"x()\">Docs</a></p>");
    assert!(html.contains("href=\"https://example.com/\""), "{html}");
    assert!(html.contains(">Docs</a>"), "{html}");
}

#[test]
fn the_corpus_renders_and_sanitizes_safely() {
    let mut failures = Vec::new();
    for p in corpus() {
        check(&mut failures, "markdown::render", &p, &render(&p));
        check(&mut failures, "markdown::sanitize", &p, &sanitize(&p));
        let (_, html) = Body::Markdown(p.clone()).render();
        check(&mut failures, "Body::Markdown", &p, &html);
        let (_, html) = Body::Html {
            html: p.clone(),
            source: None,
        }
        .render();
        check(&mut failures, "Body::Html", &p, &html);
        // Sanitizing what was sanitized must not uncover anything either
        // (a parser round trip is where mutation XSS hides).
        check(
            &mut failures,
            "sanitize twice",
            &p,
            &sanitize(&sanitize(&p)),
        );
        check(
            &mut failures,
            "render then sanitize",
            &p,
            &sanitize(&render(&p)),
        );
    }
    assert_no_failures(&failures);
}

/// Remote objects as the inbox reads them: HTML, Markdown (with or without
/// a `source`), plain text, and a link attachment carrying the payload.
#[test]
fn remote_objects_store_only_sanitized_html() {
    let mut failures = Vec::new();
    for (n, p) in corpus().iter().enumerate() {
        let id = format!("https://remote.example/objects/{n}");
        let shapes = [
            (
                "HTML content",
                json!({"type": "Note", "id": id, "content": p}),
            ),
            (
                "Markdown content",
                json!({"type": "Page", "id": id, "name": p, "content": p, "mediaType": "text/markdown"}),
            ),
            (
                "HTML with a Markdown source",
                json!({"type": "Page", "id": id, "content": p,
                       "source": {"content": p, "mediaType": "text/markdown"}}),
            ),
            (
                "plain text",
                json!({"type": "Note", "id": id, "content": p, "mediaType": "text/plain"}),
            ),
            (
                "a link attachment",
                json!({"type": "Page", "id": id, "content": p,
                       "attachment": [{"type": "Link", "href": format!("https://remote.example/?q={}", urlencode(p))}]}),
            ),
        ];
        for (shape, object) in shapes {
            let object = IncomingObject::parse(&object).expect("a readable object");
            let (_, html) = Body::Html {
                html: object.html(),
                source: object.markdown_source(),
            }
            .render();
            check(&mut failures, shape, p, &html);
        }
    }
    assert_no_failures(&failures);
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

// ---------------------------------------------------------------------------
// Over HTTP

/// A title as the API takes it: the payload when it fits, or a stand-in.
/// On PostgreSQL, without its NUL bytes (see [`storable`]).
fn title_for(backend: Backend, n: usize, payload: &str) -> String {
    let t = payload.trim();
    if t.is_empty() || t.chars().count() > 200 {
        format!("Payload {n}")
    } else if storable(backend, t) {
        t.to_string()
    } else {
        t.replace('\0', "")
    }
}

/// Whether `text` is accepted as a title or a Markdown source: the API
/// refuses NUL characters there with 422 (PostgreSQL text cannot hold
/// them), on both stores; the refusal is checked in
/// `a_nul_character_is_refused_not_a_server_error`. NUL in remote text is
/// dropped; the renderer and sanitizer see every payload in the unit tests.
fn storable(_backend: Backend, text: &str) -> bool {
    !text.contains('\0')
}

/// Checks a thread's `body_html` and every comment's, replies included.
fn check_thread(failures: &mut Vec<String>, how: &str, payload: &str, thread: &Value) {
    check(
        failures,
        &format!("{how}: thread body_html"),
        payload,
        thread["body_html"].as_str().unwrap_or_default(),
    );
    fn comments(failures: &mut Vec<String>, how: &str, payload: &str, list: &Value) {
        for c in list.as_array().into_iter().flatten() {
            check(
                failures,
                &format!("{how}: comment body_html"),
                payload,
                c["body_html"].as_str().unwrap_or_default(),
            );
            comments(failures, how, payload, &c["replies"]);
        }
    }
    comments(failures, how, payload, &thread["comments"]);
}

/// Every thread of `group` (all pages, newest first).
async fn all_threads(s: &TestServer, group: &str) -> Vec<Value> {
    let mut all = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/groups/{group}/posts?sort=new&cursor={c}"),
            None => format!("/api/v1/groups/{group}/posts?sort=new"),
        };
        let page = s.get(&path, None).await.expect(200);
        all.extend(page["items"].as_array().cloned().unwrap_or_default());
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => return all,
        }
    }
}

/// A local user writes every payload as a thread (title and body) and as
/// a comment: what the API serves is safe, and titles come back as the
/// plain text they were.
async fn local_threads_and_comments_are_sanitized(backend: Backend) {
    let s = common::start(backend).await;
    let ann = s.user("ann").await;
    s.group(&ann, "lobby", "group").await;
    let mut failures = Vec::new();
    let mut titles = HashMap::new();
    for (n, p) in corpus().iter().enumerate() {
        if !storable(backend, p) {
            continue;
        }
        let title = title_for(backend, n, p);
        let created = s
            .post(
                "/api/v1/groups/lobby/posts",
                Some(&ann),
                json!({"title": title, "body": p}),
            )
            .await;
        assert_eq!(
            created.status.as_u16(),
            201,
            "thread refused; payload {p:?}: {}",
            created.body
        );
        let id = created.body["id"].as_i64().expect("post id");
        titles.insert(id, (p.clone(), title.clone()));
        check_thread(&mut failures, "created thread", p, &created.body);
        let comment = s
            .post(
                &format!("/api/v1/posts/{id}/comments"),
                Some(&ann),
                json!({"body": p}),
            )
            .await;
        assert_eq!(
            comment.status.as_u16(),
            201,
            "comment refused; payload {p:?}: {}",
            comment.body
        );
        check(
            &mut failures,
            "created comment",
            p,
            comment.body["body_html"].as_str().unwrap_or_default(),
        );
        let thread = s
            .get(&format!("/api/v1/posts/{id}"), None)
            .await
            .expect(200);
        assert_eq!(
            thread["comments"].as_array().map(Vec::len),
            Some(1),
            "{thread}"
        );
        check_thread(&mut failures, "GET /api/v1/posts/{id}", p, &thread);
        if thread["title"] != title.as_str() {
            failures.push(format!(
                "the title changed\n  sent:   {title:?}\n  served: {}",
                thread["title"]
            ));
        }
    }
    // The group's listing serves the same, safely.
    let listed = all_threads(&s, "lobby").await;
    assert_eq!(listed.len(), titles.len());
    for t in &listed {
        let (p, title) = &titles[&t["id"].as_i64().expect("id")];
        check_thread(&mut failures, "group feed", p, t);
        assert_eq!(t["title"], title.as_str(), "title in the feed");
    }
    assert_no_failures(&failures);
    s.stop().await;
}

// ---------------------------------------------------------------------------
// Over federation

/// A remote person whose actor document the test controls: served from
/// `/people/NAME` (not the fake's fixed `/users/NAME` document), signing
/// with a key of its own.
async fn controllable_person(remote: &Remote, name: &str) -> RemoteActor {
    let mut actor = remote.person(name).await;
    actor.id = format!("{}/people/{name}", remote.url);
    actor.inbox = format!("{}/inbox", actor.id);
    actor.outbox = format!("{}/outbox", actor.id);
    actor.followers = format!("{}/followers", actor.id);
    actor.signer.key_id = format!("{}#main-key", actor.id);
    actor
}

/// The profile document of `actor` with this bio (`summary`) and name.
fn profile(actor: &RemoteActor, summary: &str, name: &str) -> Value {
    let mut doc = actor.document();
    doc["summary"] = json!(summary);
    doc["name"] = json!(name);
    doc
}

/// A fake Mastodon user follows an open group and sends every payload as
/// the HTML of a reply and as a thread (content, `name` and `summary`) that
/// mentions the group; another changes its profile bio to every payload.
/// What the API serves is safe; titles and names stay the plain text sent.
async fn remote_posts_and_profiles_are_sanitized(backend: Backend) {
    let s = common::start(backend).await;
    let ann = s.user("ann").await;
    s.group(&ann, "support", "group").await;
    let tid = s.thread(&ann, "support", "Welcome").await;
    let thread_ap = s
        .get(&format!("/api/v1/posts/{tid}"), None)
        .await
        .expect(200)["ap_id"]
        .as_str()
        .expect("ap_id")
        .to_string();
    let group: Value = s
        .client
        .get(format!("{}/g/support", s.url))
        .header("accept", "application/activity+json")
        .send()
        .await
        .expect("fetch the group")
        .json()
        .await
        .expect("group JSON");
    let group_ap = group["id"].as_str().expect("id").to_string();
    let group_inbox = group["inbox"].as_str().expect("inbox").to_string();
    let shared_inbox = group["endpoints"]["sharedInbox"]
        .as_str()
        .expect("sharedInbox")
        .to_string();

    let social = Remote::start().await;
    let kim = social.person("kim").await;
    social
        .send(&kim, &group_inbox, &kim.follow(&group_ap))
        .await
        .expect(202);
    social
        .wait_for("the Accept of kim's Follow", |r| {
            r.iter().any(|r| r.kind() == "Accept")
        })
        .await;

    let payloads = corpus();
    let mut failures = Vec::new();

    // 1. Replies: the payload is the Note's HTML content and its summary
    // (a content warning).
    let mut reply_payloads = HashMap::new();
    for p in &payloads {
        let mut reply = kim.note(p);
        reply["summary"] = json!(p);
        reply["inReplyTo"] = json!(thread_ap);
        reply["cc"] = json!([PUBLIC, kim.followers]);
        let answer = social.send(&kim, &shared_inbox, &kim.create(&reply)).await;
        assert_eq!(
            answer.status.as_u16(),
            202,
            "reply refused; payload {p:?}: {}",
            answer.body
        );
        reply_payloads.insert(reply["id"].as_str().expect("id").to_string(), p.clone());
    }
    common::eventually("every reply stored", || async {
        let t = s
            .get(&format!("/api/v1/posts/{tid}"), None)
            .await
            .expect(200);
        t["comment_count"] == reply_payloads.len()
    })
    .await;
    let thread = s
        .get(&format!("/api/v1/posts/{tid}"), None)
        .await
        .expect(200);
    for c in thread["comments"].as_array().expect("comments") {
        let p = &reply_payloads[c["ap_id"].as_str().expect("ap_id")];
        check(
            &mut failures,
            "remote reply",
            p,
            c["body_html"].as_str().unwrap_or_default(),
        );
    }

    // 2. Threads started by mentioning the group: the payload is the
    // content, the summary and the name (the title).
    let mut thread_payloads = HashMap::new();
    for (n, p) in payloads.iter().enumerate() {
        let title = title_for(backend, n, p);
        let mut post = kim.note(p);
        post["name"] = json!(title);
        post["summary"] = json!(p);
        post["cc"] = json!([kim.followers, group_ap]);
        post["tag"] = json!([mention(&group_ap, &format!("@support@{}", s.host()))]);
        let answer = social.send(&kim, &shared_inbox, &kim.create(&post)).await;
        assert_eq!(
            answer.status.as_u16(),
            202,
            "thread refused; payload {p:?}: {}",
            answer.body
        );
        thread_payloads.insert(
            post["id"].as_str().expect("id").to_string(),
            (p.clone(), title),
        );
    }
    common::eventually("every remote thread stored", || async {
        // Kim's threads and ann's welcome.
        all_threads(&s, "support").await.len() == thread_payloads.len() + 1
    })
    .await;
    let listed = all_threads(&s, "support").await;
    for t in listed.iter().filter(|t| t["id"] != tid) {
        let (p, title) = &thread_payloads[t["ap_id"].as_str().expect("ap_id")];
        let id = t["id"].as_i64().expect("id");
        let full = s
            .get(&format!("/api/v1/posts/{id}"), None)
            .await
            .expect(200);
        check_thread(&mut failures, "remote thread", p, &full);
        check_thread(&mut failures, "remote thread in the feed", p, t);
        if full["title"] != title.as_str() {
            failures.push(format!(
                "a remote thread's title changed\n  sent:   {title:?}\n  served: {}",
                full["title"]
            ));
        }
    }

    // 3. A profile: found by URL, then changed (Update of the Person, which
    // makes the server fetch the profile again) to each payload in turn.
    let display_name = "<img src=x onerror=alert(1)> Mal";
    let mal = controllable_person(&social, "mal").await;
    social.serve(&mal.id, profile(&mal, &payloads[0], display_name));
    let resolved = s
        .get(&format!("/api/v1/resolve?q={}", mal.id), Some(&ann))
        .await
        .expect(200);
    assert_eq!(resolved["type"], "person", "{resolved}");
    assert_eq!(
        resolved["person"]["display_name"], display_name,
        "the display name is plain text, kept as sent"
    );
    check(
        &mut failures,
        "resolved profile bio_html",
        &payloads[0],
        resolved["person"]["bio_html"].as_str().unwrap_or_default(),
    );
    let handle = mal.handle();
    assert_eq!(resolved["person"]["name"], handle.as_str());
    for p in &payloads {
        let update = mal.activity("Update", profile(&mal, p, display_name));
        let answer = social.send(&mal, &shared_inbox, &update).await;
        assert_eq!(
            answer.status.as_u16(),
            202,
            "profile update refused; payload {p:?}: {}",
            answer.body
        );
        // The stored bio is the sanitizer's output for the payload.
        let expected = sanitize(p);
        let path = format!("/api/v1/people/{handle}");
        common::eventually(&format!("the bio for {p:?}"), || async {
            let person = s.get(&path, None).await.expect(200);
            person["bio_html"].as_str().unwrap_or_default() == expected
        })
        .await;
        let person = s.get(&path, None).await.expect(200);
        check(
            &mut failures,
            "remote profile bio_html",
            p,
            person["bio_html"].as_str().unwrap_or_default(),
        );
        assert_eq!(person["display_name"], display_name);
    }

    assert_no_failures(&failures);
    social.stop().await;
    s.stop().await;
}

async fn a_nul_character_is_refused_not_a_server_error(backend: Backend) {
    let s = common::start(backend).await;
    let ann = s.user("ann").await;
    s.group(&ann, "lobby", "group").await;
    s.post(
        "/api/v1/groups/lobby/posts",
        Some(&ann),
        json!({"title": "a\u{0}b", "body": "x"}),
    )
    .await
    .expect_error(422);
    s.post(
        "/api/v1/groups/lobby/posts",
        Some(&ann),
        json!({"title": "ok", "body": "x\u{0}y"}),
    )
    .await
    .expect_error(422);
    s.stop().await;
}
