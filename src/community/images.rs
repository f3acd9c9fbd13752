//! Uploaded images: the format read from the content (never the name), the
//! dimensions read from the header before anything is decoded, then a
//! bounded decode, and a re-encode (which leaves EXIF, GPS and every other
//! metadata block behind), a thumbnail and a blurhash.

use crate::config::MediaConfig;
use crate::error::{Error, ErrorKind, Result};
use crate::store::media::MediaType;
use image::codecs::jpeg::JpegEncoder;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};
use std::io::Cursor;

/// An image ready to store.
pub struct Processed {
    pub media_type: MediaType,
    pub bytes: Vec<u8>,
    pub width: u32,
    pub height: u32,
    pub thumbnail: Vec<u8>,
    pub thumbnail_type: MediaType,
    pub blurhash: Option<String>,
}

/// The accepted formats, told by their first bytes.
pub fn sniff(data: &[u8]) -> Result<(ImageFormat, MediaType)> {
    let refused = || {
        Error::new(
            ErrorKind::UnsupportedMediaType,
            "only JPEG, PNG, WebP and GIF images are accepted",
        )
    };
    match image::guess_format(data).map_err(|_| refused())? {
        ImageFormat::Jpeg => Ok((ImageFormat::Jpeg, MediaType::Jpeg)),
        ImageFormat::Png => Ok((ImageFormat::Png, MediaType::Png)),
        ImageFormat::WebP => Ok((ImageFormat::WebP, MediaType::Webp)),
        ImageFormat::Gif => Ok((ImageFormat::Gif, MediaType::Gif)),
        _ => Err(refused()),
    }
}

fn unreadable(e: image::ImageError) -> Error {
    Error::unprocessable(format!("the image cannot be read: {e}"))
}

/// Checks, decodes and re-encodes an upload. CPU-bound: run it on a
/// blocking thread.
pub fn process(limits: &MediaConfig, data: &[u8]) -> Result<Processed> {
    let (format, media_type) = sniff(data)?;
    // The header's claim first: a small file may announce a huge image.
    let (w, h) = ImageReader::with_format(Cursor::new(data), format)
        .into_dimensions()
        .map_err(unreadable)?;
    let pixels = u64::from(w) * u64::from(h);
    if pixels > limits.max_pixels {
        return Err(Error::too_large(format!(
            "the image is {w}x{h} pixels ({pixels}); the limit is {} pixels",
            limits.max_pixels
        )));
    }
    let mut bounds = Limits::default();
    bounds.max_image_width = Some(w);
    bounds.max_image_height = Some(h);
    // Eight bytes a pixel holds a 16-bit RGBA decode; nothing needs more.
    bounds.max_alloc = Some(pixels.saturating_mul(8).max(1 << 20));
    let mut reader = ImageReader::with_format(Cursor::new(data), format);
    reader.limits(bounds);
    let mut decoder = reader.into_decoder().map_err(unreadable)?;
    let orientation = decoder.orientation().map_err(unreadable)?;
    let mut img = DynamicImage::from_decoder(decoder).map_err(unreadable)?;
    // EXIF goes, so its orientation is applied to the pixels first.
    img.apply_orientation(orientation);
    let max = limits.max_dimension;
    if img.width() > max || img.height() > max {
        img = img.resize(max, max, image::imageops::FilterType::Triangle);
    }
    // A GIF keeps its first frame, as a PNG (animations are not kept).
    let media_type = match media_type {
        MediaType::Gif => MediaType::Png,
        other => other,
    };
    let bytes = encode(&img, media_type)?;
    let t = limits.thumbnail_size;
    let thumb = if img.width() > t || img.height() > t {
        img.thumbnail(t, t)
    } else {
        img.clone()
    };
    let thumbnail_type = if thumb.color().has_alpha() {
        MediaType::Png
    } else {
        MediaType::Jpeg
    };
    let thumbnail = encode(&thumb, thumbnail_type)?;
    Ok(Processed {
        media_type,
        width: img.width(),
        height: img.height(),
        bytes,
        thumbnail,
        thumbnail_type,
        blurhash: blurhash_of(&thumb),
    })
}

fn encode(img: &DynamicImage, as_type: MediaType) -> Result<Vec<u8>> {
    let failed = |e: image::ImageError| Error::internal("cannot encode the image", e);
    let mut out = Cursor::new(Vec::new());
    match as_type {
        MediaType::Jpeg => {
            let rgb = img.to_rgb8();
            JpegEncoder::new_with_quality(&mut out, 85)
                .encode_image(&rgb)
                .map_err(failed)?;
        }
        MediaType::Webp => {
            // image's WebP encoder takes 8-bit RGB(A) only.
            DynamicImage::ImageRgba8(img.to_rgba8())
                .write_to(&mut out, ImageFormat::WebP)
                .map_err(failed)?;
        }
        MediaType::Png | MediaType::Gif => {
            img.write_to(&mut out, ImageFormat::Png).map_err(failed)?;
        }
    }
    Ok(out.into_inner())
}

/// A blurhash (4x3 components) of a small copy; None if it cannot be made.
fn blurhash_of(img: &DynamicImage) -> Option<String> {
    let small = img.thumbnail(32, 32).to_rgba8();
    blurhash::encode(4, 3, small.width(), small.height(), small.as_raw()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_not_an_image() {
        let e = sniff(b"hello, this is text").err().map(|e| e.kind);
        assert_eq!(e, Some(ErrorKind::UnsupportedMediaType));
    }
}
