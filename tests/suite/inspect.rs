//! `guildhall federation inspect` on our own fixtures (tests/fixtures/) in
//! the shapes Mastodon, Lemmy, Mbin, Pleroma and PeerTube send, and every
//! fixture activity through `InboxActivity::from_value`; and, on a real
//! server, fixtures delivered to the inbox do what inspect says of them.

use crate::common;

use crate::common::remote::Remote;
use crate::common::{Backend, TestServer};
use guildhall::federation::activities::InboxActivity;
use guildhall::federation::inspect::Outcome;
use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// The binary with nothing from the environment: a configuration file
/// that does not exist and a working directory of its own prove that
/// inspecting reads no configuration and creates no database.
fn guildhall(cwd: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_guildhall"));
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("GUILDHALL_CONFIG", cwd.join("no-such-guildhall.toml"))
        .current_dir(cwd);
    cmd
}

fn inspect(cwd: &Path, file: &str, stdin: Option<&str>) -> Output {
    let mut cmd = guildhall(cwd);
    cmd.args(["federation", "inspect", file])
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn guildhall");
    if let (Some(text), Some(mut pipe)) = (stdin, child.stdin.take()) {
        pipe.write_all(text.as_bytes()).expect("write stdin");
    }
    child.wait_with_output().expect("wait for guildhall")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).to_string()
}

struct Case {
    file: &'static str,
    exit: i32,
    /// Lines or parts of lines expected on stdout (exit 0) or stderr.
    expect: &'static [&'static str],
}

const CASES: &[Case] = &[
    Case {
        file: "mastodon/create_reply_note.json",
        exit: 0,
        expect: &[
            "activity: Create (https://social.example/users/kim/statuses/112233445566/activity)",
            "actor:    https://social.example/users/kim",
            "object:   Note https://social.example/users/kim/statuses/112233445566",
            "effect:   comment replying to https://brand.example/post/7",
        ],
    },
    Case {
        file: "mastodon/create_mention_note.json",
        exit: 0,
        expect: &[
            "title:    Printer won't pair with the new laptop",
            "groups:   https://social.example/users/kim/followers, https://brand.example/g/support",
            "effect:   new thread (discussion)",
        ],
    },
    Case {
        file: "mastodon/like.json",
        exit: 0,
        expect: &["effect:   +1 vote by https://social.example/users/kim on https://brand.example/post/7"],
    },
    Case {
        file: "mastodon/undo_like.json",
        exit: 0,
        expect: &[
            "object:   Like https://social.example/users/kim#likes/5521",
            "effect:   clears the vote of https://social.example/users/kim on https://brand.example/post/7",
        ],
    },
    Case {
        file: "mastodon/delete_tombstone.json",
        exit: 0,
        expect: &[
            "object:   Tombstone https://social.example/users/kim/statuses/112233445566",
            "effect:   deletes https://social.example/users/kim/statuses/112233445566 if stored here",
        ],
    },
    Case {
        file: "mastodon/follow.json",
        exit: 0,
        expect: &["effect:   if https://brand.example/g/support is a local group: joins it"],
    },
    Case {
        file: "mastodon/person.json",
        exit: 0,
        expect: &[
            "object:   Person (https://social.example/users/kim)",
            "name:     kim (Kim Lindqvist)",
            "inbox:    https://social.example/users/kim/inbox",
            "key:      https://social.example/users/kim#main-key",
            "effect:   a remote person",
        ],
    },
    Case {
        file: "mastodon/flag.json",
        exit: 0,
        expect: &[
            "activity: Flag (https://social.example/7d41c0e2-58b9-4a3f-9e16-2f0b8c6a9d53)",
            "actor:    https://social.example/actor",
            "object:   https://brand.example/comment/12, https://brand.example/post/7, https://brand.example/u/vendor",
            "reason:   Spam links in every reply; the account exists only for that.",
            "effect:   a report for the moderators: one per listed thread or comment stored here",
        ],
    },
    Case {
        file: "lemmy/flag_page.json",
        exit: 0,
        expect: &[
            "actor:    https://lemmy.example/u/bo",
            "object:   https://brand.example/post/7",
            "reason:   Off topic: an advert for a printer shop.",
            "effect:   a report for the moderators",
        ],
    },
    Case {
        file: "mbin/flag.json",
        exit: 0,
        expect: &[
            "actor:    https://mbin.example/u/lena",
            "object:   https://brand.example/comment/12, https://brand.example/u/vendor",
            "reason:   Insults another member in this comment.",
            "effect:   a report for the moderators",
        ],
    },
    Case {
        file: "lemmy/create_page.json",
        exit: 0,
        expect: &[
            "object:   Page https://lemmy.example/post/41",
            "title:    Tomatoes still ripening in October?",
            "groups:   https://lemmy.example/c/gardening",
            "effect:   new thread (discussion)",
        ],
    },
    Case {
        file: "lemmy/create_comment_note.json",
        exit: 0,
        expect: &["effect:   comment replying to https://lemmy.example/post/41"],
    },
    Case {
        file: "lemmy/announce_create_page.json",
        exit: 0,
        expect: &[
            "activity: Announce (",
            "actor:    https://lemmy.example/c/gardening",
            "effect:   https://lemmy.example/c/gardening relays the activity below",
            "  activity: Create (https://lemmy.example/activities/create/5a8e1f02-9b7c-4d63-a1e4-f0c2b7d39e58)",
            "  actor:    https://lemmy.example/u/ada",
            "  object:   Page https://lemmy.example/post/42",
            "  title:    Seed swap this Saturday",
            "  effect:   new thread (discussion) in the announcing group https://lemmy.example/c/gardening",
        ],
    },
    Case {
        file: "lemmy/dislike.json",
        exit: 0,
        expect: &["effect:   -1 vote by https://lemmy.example/u/bo on https://brand.example/post/7"],
    },
    Case {
        file: "lemmy/undo_follow.json",
        exit: 0,
        expect: &[
            "object:   Follow https://lemmy.example/activities/follow/",
            "effect:   https://lemmy.example/u/bo leaves https://brand.example/g/support if it is a local group",
        ],
    },
    Case {
        file: "lemmy/delete_page.json",
        exit: 0,
        expect: &[
            "object:   https://lemmy.example/post/41",
            "effect:   deletes https://lemmy.example/post/41 if stored here",
        ],
    },
    Case {
        file: "lemmy/group.json",
        exit: 0,
        expect: &[
            "object:   Group (https://lemmy.example/c/gardening)",
            "name:     gardening (Gardening)",
            "joining:  open",
            "effect:   a remote group",
        ],
    },
    Case {
        file: "lemmy/page.json",
        exit: 0,
        expect: &[
            "object:   Page (https://lemmy.example/post/43)",
            "title:    Which cover crop over winter?",
            "effect:   when it arrives in a Create or is fetched: new thread",
        ],
    },
    Case {
        file: "mbin/accept.json",
        exit: 0,
        expect: &[
            "actor:    https://mbin.example/m/woodwork",
            "effect:   our Follow https://brand.example/activities/follow/3b7e0c95-1d4a-4f62-8e39-c5a1f7d2b046 of https://mbin.example/m/woodwork is accepted",
        ],
    },
    Case {
        file: "mbin/create_page.json",
        exit: 0,
        expect: &[
            "object:   Page https://mbin.example/m/woodwork/t/311",
            "title:    Finishing oak with hardwax oil",
            "groups:   https://mbin.example/m/woodwork, https://mbin.example/u/lena/followers",
            "effect:   new thread (discussion)",
        ],
    },
    Case {
        file: "pleroma/create_note.json",
        exit: 0,
        expect: &[
            "object:   Note https://pleroma.example/objects/6a1d9e3c-0f84-4b27-b5c6-e2a9d7f14038",
            "effect:   comment replying to https://brand.example/post/7",
        ],
    },
    Case {
        file: "pleroma/person.json",
        exit: 0,
        expect: &[
            "object:   Person (https://pleroma.example/users/ravi)",
            "name:     ravi (Ravi :teapot:)",
            "effect:   a remote person",
        ],
    },
    Case {
        file: "peertube/announce_video.json",
        exit: 0,
        expect: &["skipped:  Announce of an object id (a boost)"],
    },
    Case {
        file: "peertube/video.json",
        exit: 0,
        expect: &[
            "object:   Video (https://tube.example/videos/watch/3f2c8a91-6d04-4b7e-9c15-a0e7d4b2f836)",
            "title:    Sharpening a chisel on a budget",
            "effect:   when it arrives in a Create or is fetched: new thread (discussion)",
        ],
    },
    Case {
        file: "misc/chat_message.json",
        exit: 0,
        expect: &["skipped:  Create of a ChatMessage: only Note, Page"],
    },
    Case {
        file: "misc/unknown_activity.json",
        exit: 0,
        expect: &[
            "activity: EmojiReact (",
            "skipped:  EmojiReact is not acted on here",
        ],
    },
    Case {
        file: "lemmy/lock_page.json",
        exit: 0,
        expect: &["effect:   locks the thread https://lemmy.example/post/41 if stored here and https://lemmy.example/u/mod_rae moderates its group"],
    },
    Case {
        file: "lemmy/undo_lock_page.json",
        exit: 0,
        expect: &[
            "object:   Lock https://lemmy.example/activities/lock/2b7e41d9-6c08-4f3a-9a15-e0c4d8b2f671",
            "effect:   unlocks the thread https://lemmy.example/post/41 if stored here and https://lemmy.example/u/mod_rae moderates its group",
        ],
    },
    Case {
        file: "lemmy/block_user.json",
        exit: 0,
        expect: &["effect:   bans https://social.example/users/troll from the group named in `target`"],
    },
    Case {
        file: "lemmy/undo_block_user.json",
        exit: 0,
        expect: &["effect:   lifts the ban of https://social.example/users/troll from the group named in `target`"],
    },
    Case {
        file: "lemmy/add_featured_post.json",
        exit: 0,
        expect: &["effect:   pins the thread https://lemmy.example/post/41 if the target is its group's featured collection"],
    },
    Case {
        file: "lemmy/remove_mod.json",
        exit: 0,
        expect: &["effect:   unpins the thread https://lemmy.example/u/sam if the target is its group's featured collection"],
    },
    Case {
        file: "lemmy/undo_remove_note.json",
        exit: 0,
        expect: &["effect:   restores https://lemmy.example/comment/88 if stored here, removed, and https://lemmy.example/u/mod_rae moderates its group"],
    },
    Case {
        file: "misc/undo_announce.json",
        exit: 0,
        expect: &["skipped:  Undo of Announce is not acted on here"],
    },
    Case {
        file: "misc/not_json.txt",
        exit: 1,
        expect: &["cannot understand this: not valid JSON"],
    },
    Case {
        file: "misc/no_type.json",
        exit: 1,
        expect: &["cannot understand this: it has no type"],
    },
    Case {
        file: "misc/bad_id.json",
        exit: 1,
        expect: &[
            "cannot understand this: its id \"statuses/112233445599/activity\" is not a URL",
        ],
    },
];

/// Every expected part must start a line of `output` (after any indent
/// that the expectation itself spells out).
fn missing<'a>(output: &str, expect: &[&'a str]) -> Vec<&'a str> {
    expect
        .iter()
        .filter(|e| !output.lines().any(|l| l.starts_with(**e)))
        .copied()
        .collect()
}

#[test]
fn every_fixture_is_inspected_as_expected() {
    let cwd = tempfile::tempdir().expect("temp dir");
    let mut failures = Vec::new();
    for case in CASES {
        let path = fixtures().join(case.file);
        let out = inspect(cwd.path(), path.to_str().expect("UTF-8 path"), None);
        let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
        let code = out.status.code();
        if code != Some(case.exit) {
            failures.push(format!(
                "{}: exit {code:?}, expected {}\nstdout:\n{stdout}stderr:\n{stderr}",
                case.file, case.exit
            ));
            continue;
        }
        let (checked, other) = if case.exit == 0 {
            (&stdout, &stderr)
        } else {
            (&stderr, &stdout)
        };
        let gone = missing(checked, case.expect);
        if !gone.is_empty() {
            failures.push(format!("{}: missing {gone:?} in\n{checked}", case.file));
        }
        if !other.is_empty() {
            failures.push(format!("{}: unexpected output:\n{other}", case.file));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    let left: Vec<_> = std::fs::read_dir(cwd.path())
        .expect("read temp dir")
        .collect();
    assert!(left.is_empty(), "inspect wrote files: {left:?}");
}

#[test]
fn every_fixture_has_a_case() {
    let mut on_disk = BTreeSet::new();
    for dir in std::fs::read_dir(fixtures()).expect("fixtures dir") {
        let dir = dir.expect("dir entry").path();
        // The XSS corpus is not an activity (see tests/xss.rs).
        if !dir.is_dir() || dir.ends_with("xss") {
            continue;
        }
        for file in std::fs::read_dir(&dir).expect("fixture dir") {
            let file = file.expect("file entry").path();
            let rel = file.strip_prefix(fixtures()).expect("under fixtures");
            on_disk.insert(rel.to_string_lossy().replace('\\', "/"));
        }
    }
    let cased: BTreeSet<String> = CASES.iter().map(|c| c.file.to_string()).collect();
    assert_eq!(on_disk, cased, "fixtures and cases differ");
}

#[test]
fn reads_standard_input() {
    let cwd = tempfile::tempdir().expect("temp dir");
    let reply = std::fs::read_to_string(fixtures().join("mastodon/create_reply_note.json"))
        .expect("read fixture");
    let out = inspect(cwd.path(), "-", Some(&reply));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("effect:   comment replying to https://brand.example/post/7"),
        "{stdout}"
    );

    let out = inspect(cwd.path(), "-", Some("{\"type\": \"Note\"}"));
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(text(&out.stderr), "cannot understand this: it has no id\n");
    assert!(out.stdout.is_empty());
}

#[test]
fn a_missing_file_is_an_error() {
    let cwd = tempfile::tempdir().expect("temp dir");
    let out = inspect(cwd.path(), "no-such-file.json", None);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.starts_with("guildhall: cannot read no-such-file.json:"),
        "{stderr}"
    );
}

fn variant(a: &InboxActivity) -> &'static str {
    match a {
        InboxActivity::Follow(_) => "Follow",
        InboxActivity::Accept(_) => "Accept",
        InboxActivity::Reject(_) => "Reject",
        InboxActivity::Undo(_) => "Undo",
        InboxActivity::Create(_) => "Create",
        InboxActivity::Update(_) => "Update",
        InboxActivity::Delete(_) => "Delete",
        InboxActivity::Like(_) => "Like",
        InboxActivity::Dislike(_) => "Dislike",
        InboxActivity::Announce(_) => "Announce",
        InboxActivity::Flag(_) => "Flag",
        InboxActivity::Lock(_) => "Lock",
        InboxActivity::Add(_) => "Add",
        InboxActivity::Remove(_) => "Remove",
        InboxActivity::Block(_) => "Block",
        InboxActivity::Unsupported { .. } => "Unsupported",
    }
}

fn parse(file: &str) -> Result<InboxActivity, String> {
    let raw = std::fs::read_to_string(fixtures().join(file)).expect("read fixture");
    let value: serde_json::Value = serde_json::from_str(&raw).expect("fixture is JSON");
    InboxActivity::from_value(value)
}

#[test]
fn fixture_activities_parse_to_their_variant() {
    let expected = [
        ("mastodon/create_reply_note.json", "Create"),
        ("mastodon/create_mention_note.json", "Create"),
        ("mastodon/like.json", "Like"),
        ("mastodon/undo_like.json", "Undo"),
        ("mastodon/delete_tombstone.json", "Delete"),
        ("mastodon/follow.json", "Follow"),
        ("lemmy/create_page.json", "Create"),
        ("lemmy/create_comment_note.json", "Create"),
        ("lemmy/announce_create_page.json", "Announce"),
        ("lemmy/dislike.json", "Dislike"),
        ("lemmy/undo_follow.json", "Undo"),
        ("lemmy/delete_page.json", "Delete"),
        ("mbin/accept.json", "Accept"),
        ("mbin/create_page.json", "Create"),
        ("pleroma/create_note.json", "Create"),
        ("peertube/announce_video.json", "Announce"),
        ("misc/chat_message.json", "Create"),
        ("misc/unknown_activity.json", "Unsupported"),
        ("mastodon/flag.json", "Flag"),
        ("lemmy/flag_page.json", "Flag"),
        ("mbin/flag.json", "Flag"),
        ("lemmy/lock_page.json", "Lock"),
        ("lemmy/undo_lock_page.json", "Undo"),
        ("lemmy/block_user.json", "Block"),
        ("lemmy/undo_block_user.json", "Undo"),
        ("lemmy/add_featured_post.json", "Add"),
        ("lemmy/remove_mod.json", "Remove"),
        ("lemmy/undo_remove_note.json", "Undo"),
        ("misc/undo_announce.json", "Undo"),
    ];
    for (file, want) in expected {
        let activity = parse(file).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(variant(&activity), want, "{file}");
        assert!(activity.verify_shape().is_ok(), "{file}: fails its checks");
    }
    match parse("misc/unknown_activity.json") {
        Ok(InboxActivity::Unsupported { kind, .. }) => assert_eq!(kind, "EmojiReact"),
        other => panic!("EmojiReact: {other:?}"),
    }
}

#[test]
fn embedded_activities_parse_too() {
    let Ok(InboxActivity::Announce(announce)) = parse("lemmy/announce_create_page.json") else {
        panic!("not an Announce");
    };
    let inner = InboxActivity::from_value(announce.object.clone()).expect("inner activity");
    assert_eq!(variant(&inner), "Create");
    for (file, undone) in [
        ("mastodon/undo_like.json", "Like"),
        ("lemmy/undo_follow.json", "Follow"),
    ] {
        let Ok(InboxActivity::Undo(undo)) = parse(file) else {
            panic!("{file}: not an Undo");
        };
        assert_eq!(undo.inner().kind.as_deref(), Some(undone), "{file}");
        let inner = InboxActivity::from_value(undo.object.clone()).expect("undone activity");
        assert_eq!(variant(&inner), undone, "{file}");
    }
}

#[test]
fn unreadable_fixtures_do_not_parse() {
    assert_eq!(
        parse("misc/no_type.json").err().as_deref(),
        Some("the activity has no type")
    );
    let bad = parse("misc/bad_id.json").err().unwrap_or_default();
    assert!(bad.starts_with("malformed Create"), "{bad}");
}

on_both_backends!(the_inbox_does_what_inspect_says);

async fn score(s: &TestServer, t: i64) -> i64 {
    s.get(&format!("/api/v1/posts/{t}"), None).await.expect(200)["score"]
        .as_i64()
        .expect("score")
}

async fn member_names(s: &TestServer) -> Vec<String> {
    let members = s
        .get("/api/v1/groups/support/members", None)
        .await
        .expect(200);
    members["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|m| m["person"]["name"].as_str().map(str::to_string))
        .collect()
}

async fn reports(s: &TestServer, admin: &str) -> usize {
    s.get("/api/v1/admin/reports", Some(admin))
        .await
        .expect(200)["items"]
        .as_array()
        .expect("items")
        .len()
}

/// Fixtures with their hosts made the fake remote server's and this
/// server's, signed and delivered: inspect's verdict (acted on or skipped)
/// is what the inbox did, seen through the API. Skipped ones go first; the
/// effects of those after them are the marker that they were handled.
async fn the_inbox_does_what_inspect_says(backend: Backend) {
    let s = common::start(backend).await;
    let root = s.admin("root").await;
    let ann = s.user("ann").await;
    let vic = s.user("vic").await;
    let g = s.group(&ann, "support", "group").await;
    let group_ap = g["ap_id"].as_str().expect("ap_id").to_string();
    let t = s.thread(&vic, "support", "Printer tips").await;
    let post = s.get(&format!("/api/v1/posts/{t}"), None).await.expect(200);
    let post_ap = post["ap_id"].as_str().expect("ap_id").to_string();
    let vic_ap = format!("{}/u/vic", s.url);
    let remote = Remote::start().await;
    let kim = remote.person("kim").await;
    let ravi = remote.actor_sharing_key("ravi", "Person", &kim);
    let bot = remote.actor_sharing_key("actor", "Application", &kim);
    let inbox = format!("{}/inbox", s.url);
    let localize = |file: &str| -> String {
        let text = std::fs::read_to_string(fixtures().join(file)).expect("fixture");
        text.replace("https://social.example/actor", &bot.id)
            .replace("https://social.example", &remote.url)
            .replace("https://pleroma.example", &remote.url)
            .replace("https://brand.example/post/7", &post_ap)
            .replace("https://brand.example/g/support", &group_ap)
            .replace("https://brand.example/u/vendor", &vic_ap)
    };
    let cases = [
        ("misc/unknown_activity.json", &ravi),
        ("misc/undo_announce.json", &kim),
        ("mastodon/follow.json", &kim),
        ("mastodon/like.json", &kim),
        ("mastodon/undo_like.json", &kim),
        ("mastodon/flag.json", &bot),
    ];
    let mut acted = Vec::new();
    for (file, actor) in cases {
        let text = localize(file);
        let verdict = guildhall::federation::inspect::inspect(&text)
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        let activity: serde_json::Value = serde_json::from_str(&text).expect("JSON");
        let (members, votes, reported) = (
            member_names(&s).await,
            score(&s, t).await,
            reports(&s, &root).await,
        );
        remote.send(actor, &inbox, &activity).await.expect(202);
        let changed = member_names(&s).await != members
            || score(&s, t).await != votes
            || reports(&s, &root).await != reported;
        acted.push((file, matches!(verdict.outcome, Outcome::Acts(_)), changed));
    }
    // The inbox answers once it has acted, so each change shows at once;
    // the skipped ones came first and changed nothing before the rest did.
    for (file, says_acts, changed) in &acted {
        assert_eq!(
            says_acts, changed,
            "{file}: inspect and the inbox disagree: {acted:?}"
        );
    }
    assert!(member_names(&s).await.contains(&kim.handle()));
    remote.stop().await;
    s.stop().await;
}
