//! Images on the wire: the `attachment` of the Page or Note of a thread or
//! comment written here, and the images read from what peers send.

use crate::community::media::{url_of, RemoteImage, Variant};
use crate::federation::objects::incoming::value_url;
use crate::federation::protocol::media::{AttachmentIn, ImageAttachment};
use crate::store::media::{Media, MediaType};
use serde_json::Value;
use url::Url;

/// The `attachment` list of local content. `ap_id` is the content's own
/// id: local media are served from the same origin.
pub fn attachments(ap_id: &str, media: &[Media]) -> Vec<ImageAttachment> {
    let Ok(base) = Url::parse(ap_id) else {
        return Vec::new();
    };
    let base = base.origin().ascii_serialization();
    media
        .iter()
        .filter_map(|m| {
            Some(ImageAttachment {
                kind: "Image".into(),
                url: Url::parse(&url_of(&base, m, Variant::Full)).ok()?,
                media_type: m.media_type.as_str().into(),
                name: Some(m.alt.clone()).filter(|a| !a.is_empty()),
                blurhash: m.blurhash.clone(),
                width: Some(m.width).filter(|w| *w > 0),
                height: Some(m.height).filter(|h| *h > 0),
            })
        })
        .collect()
}

/// The media type of an image, from what was said or else its file name.
fn image_type(said: Option<&str>, url: &Url) -> Option<MediaType> {
    if let Some(t) = said {
        return MediaType::parse(&t.to_ascii_lowercase());
    }
    let path = url.path().to_ascii_lowercase();
    let ext = path.rsplit('.').next()?;
    match ext {
        "jpg" | "jpeg" => Some(MediaType::Jpeg),
        "png" => Some(MediaType::Png),
        "webp" => Some(MediaType::Webp),
        "gif" => Some(MediaType::Gif),
        _ => None,
    }
}

/// The images among a received object's attachments: Mastodon's
/// `Document`s, `Image`s, and Lemmy's `Link` to an image. Anything else
/// (links to pages, videos, other formats) is not an image here.
pub fn received(attachment: &[Value]) -> Vec<RemoteImage> {
    attachment
        .iter()
        .filter_map(AttachmentIn::deserialize_from)
        .filter_map(|a| {
            let url = match a.kind.as_deref() {
                Some("Image") | Some("Document") => {
                    let url = a.url.as_ref()?;
                    match url {
                        Value::Array(items) => items.iter().find_map(value_url),
                        one => value_url(one),
                    }
                }
                Some("Link") => a.href.clone(),
                _ => None,
            }?;
            if url.scheme() != "https" && url.scheme() != "http" {
                return None;
            }
            let media_type = image_type(a.media_type.as_deref(), &url)?;
            Some(RemoteImage {
                url,
                media_type,
                alt: a.name.unwrap_or_default(),
                width: a.width,
                height: a.height,
                blurhash: a.blurhash,
            })
        })
        .collect()
}

impl AttachmentIn {
    fn deserialize_from(v: &Value) -> Option<AttachmentIn> {
        serde_json::from_value(v.clone()).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn mastodon_and_lemmy_images_are_read() {
        let list = vec![
            json!({"type": "Document", "mediaType": "image/jpeg", "url": "https://m.example/a.jpg",
                   "name": "A cat", "blurhash": "UABC", "width": 10, "height": 20}),
            json!({"type": "Link", "href": "https://l.example/pictrs/image/b.png"}),
            json!({"type": "Link", "href": "https://l.example/article", "mediaType": "text/html"}),
            json!({"type": "Document", "mediaType": "video/mp4", "url": "https://m.example/v.mp4"}),
        ];
        let images = received(&list);
        assert_eq!(images.len(), 2);
        assert_eq!(images[0].alt, "A cat");
        assert_eq!(images[0].width, Some(10));
        assert_eq!(images[1].media_type, MediaType::Png);
    }
}
