//! The style sheet, script and icons, embedded in the binary from
//! `assets/`. Each is served under a name holding its content hash
//! (`app.3f2a9c1d.css`), cached for a year: a new release changes the name.

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use rust_embed::Embed;
use std::collections::HashMap;
use std::sync::OnceLock;

#[derive(Embed)]
#[folder = "assets/"]
struct Assets;

/// name → hashed name, and hashed name → name.
struct Names {
    hashed: HashMap<String, &'static str>,
    by_hashed: HashMap<&'static str, String>,
}

fn names() -> &'static Names {
    static NAMES: OnceLock<Names> = OnceLock::new();
    NAMES.get_or_init(|| {
        let mut hashed = HashMap::new();
        let mut by_hashed = HashMap::new();
        for name in Assets::iter() {
            let Some(file) = Assets::get(&name) else {
                continue;
            };
            let hash = hex::encode(&file.metadata.sha256_hash()[..5]);
            let with_hash: &'static str = Box::leak(
                match name.rsplit_once('.') {
                    Some((stem, ext)) => format!("/static/{stem}.{hash}.{ext}"),
                    None => format!("/static/{name}.{hash}"),
                }
                .into_boxed_str(),
            );
            by_hashed.insert(&with_hash["/static/".len()..], name.to_string());
            hashed.insert(name.to_string(), with_hash);
        }
        Names { hashed, by_hashed }
    })
}

/// The address of asset `name` (for instance "app.css").
pub fn url(name: &str) -> &'static str {
    names()
        .hashed
        .get(name)
        .copied()
        .unwrap_or("/static/missing")
}

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/static/{file}", web::get().to(serve));
}

async fn serve(file: web::Path<String>) -> HttpResponse {
    let Some(name) = names().by_hashed.get(file.as_str()) else {
        return HttpResponse::NotFound()
            .content_type("text/plain; charset=utf-8")
            .body("no such file");
    };
    let Some(content) = Assets::get(name) else {
        return HttpResponse::NotFound().finish();
    };
    HttpResponse::Ok()
        .content_type(content.metadata.mimetype())
        .insert_header((header::CACHE_CONTROL, "public, max-age=31536000, immutable"))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .body(content.data.into_owned())
}

#[cfg(test)]
mod tests {
    /// The pages' budget is 100 KB of HTML, CSS and script together: the
    /// assets take at most 60 KB of it, script at most 60 KB of all.
    #[test]
    fn assets_are_small_and_named_by_content() {
        let mut total = 0;
        for name in super::Assets::iter() {
            let file = super::Assets::get(&name).unwrap();
            if name.ends_with(".css") || name.ends_with(".js") {
                total += file.data.len();
            }
        }
        assert!(total < 60 * 1024, "{total} bytes of CSS and script");
        assert!(super::url("app.css").starts_with("/static/app."));
        assert_ne!(super::url("app.css"), "/static/missing");
    }
}
