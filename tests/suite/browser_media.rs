//! Images on the pages, in a real browser: a thread posted with an image
//! and its alt text, a comment with an image (sent in the background by the
//! page's script, or as a plain form without it), the images shown with
//! their alt text and size, the group's media page, and an album made
//! there and filled from its images; every page checked by axe-core.

use crate::common;

use crate::common::browser::{Browser, Script};
use crate::common::Backend;
use std::io::Cursor;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn images_in_threads_and_comments_with_script() {
    walk(Script::On).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn images_in_threads_and_comments_without_script() {
    walk(Script::Off).await;
}

/// A small JPEG written to a file the browser can pick.
fn picture(dir: &std::path::Path, name: &str, width: u32, height: u32) -> String {
    let img = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x * 3) as u8, 90, (y * 3) as u8])
    });
    let mut out = Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut out, image::ImageFormat::Jpeg)
        .expect("encode");
    let path = dir.join(name);
    std::fs::write(&path, out.into_inner()).expect("write picture");
    path.to_string_lossy().into_owned()
}

/// axe-core needs scripts: the pages are checked in the scripted walk.
async fn check(b: &Browser, script: Script, name: &str) {
    if script == Script::On {
        b.check_page(name).await;
    }
}

async fn walk(script: Script) {
    let server = common::start(Backend::Sqlite).await;
    let Some(b) = Browser::start(&server.url, script).await else {
        return;
    };
    let files = tempfile::tempdir().expect("temp dir");
    let ann = server.user("ann").await;
    server.group(&ann, "garden", "group").await;

    b.open("/login").await;
    b.fill("Username", "ann").await;
    b.fill("Password", "password-ann").await;
    b.press("Sign in").await;
    b.wait_for_text("Sign out").await;

    // A thread with an image and its alt text.
    b.open("/g/garden/new").await;
    check(&b, script, "media-new-thread").await;
    b.fill("Title", "Tulips").await;
    b.fill("Text (Markdown)", "They are out.").await;
    b.labelled("Image (optional)")
        .await
        .send_keys(&picture(files.path(), "tulips.jpg", 90, 60))
        .await
        .expect("choose a file");
    b.fill("Describe the image (alt text)", "Red tulips in a row")
        .await;
    b.press("Post").await;
    b.wait_for_text("They are out.").await;
    let html = b.source().await;
    assert!(
        html.contains(r#"alt="Red tulips in a row""#)
            && html.contains(r#"width="90" height="60""#)
            && html.contains(r#"loading="lazy""#),
        "{html}"
    );

    // A comment with an image.
    b.fill("Add a comment", "And a yellow one.").await;
    b.labelled("Image (optional)")
        .await
        .send_keys(&picture(files.path(), "yellow.jpg", 30, 40))
        .await
        .expect("choose a file");
    b.fill("Describe the image (alt text)", "One yellow tulip")
        .await;
    b.press("Post comment").await;
    b.wait_for_text("And a yellow one.").await;
    for _ in 0..100 {
        if b.source().await.contains(r#"alt="One yellow tulip""#) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(b.source().await.contains(r#"alt="One yellow tulip""#));
    check(&b, script, "media-thread").await;

    // The group's media page.
    b.open("/g/garden").await;
    b.follow("Media posted here").await;
    b.wait_for_text("Media").await;
    let html = b.source().await;
    assert!(
        html.contains(r#"alt="One yellow tulip""#) && html.contains(r#"alt="Red tulips in a row""#),
        "{html}"
    );
    check(&b, script, "media-gallery").await;

    // An album made on the media page and filled from the group's images.
    b.fill("Title", "Spring").await;
    b.press("Make the album").await;
    b.wait_for_text("This album has no images yet.").await;
    for _ in 0..2 {
        b.find("input[name=media_id]")
            .await
            .click()
            .await
            .expect("pick an image");
        b.press("Add to the album").await;
        b.wait_for_text("Take out of the album").await;
    }
    b.wait_for_text("Move earlier").await;
    let html = b.source().await;
    assert!(
        html.contains(r#"alt="One yellow tulip""#) && html.contains(r#"alt="Red tulips in a row""#),
        "{html}"
    );
    check(&b, script, "media-album").await;
    b.close().await;
}
