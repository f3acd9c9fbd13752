//! The site's branding: its name, logo, accent colour, introduction,
//! footer links and custom CSS. Admins change it (the pages and the API
//! call `save`); `check` is the same validation without saving, for the
//! admin page's preview. `Site` is the branding as pages show it (or the
//! configured name and defaults before any is saved), kept a few seconds
//! per process by `SiteCache` (`App::site`), so a page costs no query for
//! it; saving refreshes this process's copy at once.

use crate::community::{markdown, Actor};
use crate::error::{Error, Result};
use crate::moderation::log::{self, Entry, Target};
use crate::store::branding::{self, BrandingChange, BrandingRow};
use crate::store::write_tx;
use crate::App;
use serde::{Deserialize, Serialize};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

/// How long a process keeps the branding before reading it again (another
/// process may have changed it).
const KEEP: Duration = Duration::from_secs(5);

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct FooterLink {
    pub label: String,
    pub url: String,
}

#[derive(Debug, Clone)]
pub struct Site {
    pub name: String,
    pub logo_url: Option<String>,
    /// "#rrggbb", or none for the style sheet's own.
    pub accent: Option<String>,
    /// The introduction as Markdown, and rendered (sanitized).
    pub introduction: String,
    pub introduction_html: String,
    pub footer_links: Vec<FooterLink>,
    pub custom_css: String,
    /// Changes when the branding does: the style link's cache key.
    pub version: i64,
}

impl Site {
    pub fn from_row(config_name: &str, row: Option<BrandingRow>) -> Site {
        match row {
            None => Site {
                name: config_name.to_string(),
                logo_url: None,
                accent: None,
                introduction: String::new(),
                introduction_html: String::new(),
                footer_links: Vec::new(),
                custom_css: String::new(),
                version: 0,
            },
            Some(r) => Site {
                introduction_html: markdown::render(&r.introduction),
                footer_links: serde_json::from_str(&r.footer_links).unwrap_or_default(),
                name: r.site_name,
                logo_url: r.logo_url,
                accent: r.accent_colour,
                introduction: r.introduction,
                custom_css: r.custom_css,
                version: r.updated_at.and_utc().timestamp(),
            },
        }
    }

    /// The branding style sheet: the accent colour as CSS variables, then
    /// the admin's own CSS.
    pub fn stylesheet(&self) -> String {
        let mut css = String::new();
        if let Some(accent) = &self.accent {
            css.push_str(&format!(":root {{ --accent: {accent}; }}\n"));
        }
        css.push_str(&self.custom_css);
        css
    }
}

#[derive(Default)]
pub struct SiteCache {
    kept: RwLock<Option<(Instant, Arc<Site>)>>,
}

impl SiteCache {
    pub async fn get(&self, app: &App) -> Result<Arc<Site>> {
        if let Some(site) = self.fresh() {
            return Ok(site);
        }
        let row = app.store.run(branding::get).await?;
        let site = Arc::new(Site::from_row(&app.config.site_name, row));
        self.put(site.clone());
        Ok(site)
    }

    fn fresh(&self) -> Option<Arc<Site>> {
        let kept = self.kept.read().ok()?;
        kept.as_ref()
            .filter(|(at, _)| at.elapsed() < KEEP)
            .map(|(_, s)| s.clone())
    }

    /// The last site read, however old (error pages, drawn without a query).
    pub fn last(&self, config_name: &str) -> Arc<Site> {
        self.kept
            .read()
            .ok()
            .and_then(|k| k.as_ref().map(|(_, s)| s.clone()))
            .unwrap_or_else(|| Arc::new(Site::from_row(config_name, None)))
    }

    /// Remembers a site just saved or read.
    pub fn put(&self, site: Arc<Site>) {
        if let Ok(mut kept) = self.kept.write() {
            *kept = Some((Instant::now(), site));
        }
    }
}

/// The longest custom style sheet, in bytes.
pub const CSS_BYTES: usize = 20_000;
/// The longest introduction, in bytes (Markdown).
pub const INTRODUCTION_BYTES: usize = 20_000;
/// At most this many footer links.
pub const FOOTER_LINKS: usize = 10;

/// What an admin sends.
#[derive(Debug, Clone, Default)]
pub struct BrandingInput {
    pub site_name: String,
    pub logo_url: Option<String>,
    /// `#rrggbb`.
    pub accent_colour: Option<String>,
    /// Markdown.
    pub introduction: String,
    pub footer_links: Vec<FooterLink>,
    pub custom_css: String,
}

/// A branding that passed `check`: blanks made `None`, text trimmed.
#[derive(Debug, Clone)]
pub struct Checked(BrandingInput);

impl Checked {
    pub fn input(&self) -> &BrandingInput {
        &self.0
    }

    /// The site as pages would show it with this branding (for a preview).
    pub fn site(&self) -> Site {
        let i = &self.0;
        Site::from_row(
            &i.site_name,
            Some(BrandingRow {
                id: 1,
                site_name: i.site_name.clone(),
                logo_url: i.logo_url.clone(),
                accent_colour: i.accent_colour.clone(),
                introduction: i.introduction.clone(),
                footer_links: serde_json::to_string(&i.footer_links).unwrap_or_default(),
                custom_css: i.custom_css.clone(),
                updated_at: crate::store::now(),
            }),
        )
    }
}

fn blank_to_none(s: Option<String>) -> Option<String> {
    s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

fn is_http_url(s: &str) -> bool {
    url::Url::parse(s).is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.has_host())
}

/// A path on this site: `/...`, never `//host` or `/\host`.
fn is_local_path(s: &str) -> bool {
    s.starts_with('/')
        && !s.starts_with("//")
        && !s.starts_with("/\\")
        && !s.chars().any(|c| c.is_control() || c.is_whitespace())
}

/// `#rrggbb`, lower-cased.
fn colour(s: &str) -> Option<String> {
    let hex = s.strip_prefix('#')?;
    (hex.len() == 6 && hex.chars().all(|c| c.is_ascii_hexdigit()))
        .then(|| format!("#{}", hex.to_ascii_lowercase()))
}

/// Checks a branding: the name has 1 to 100 characters, the logo is an
/// http(s) URL, the colour `#rrggbb`, footer links go to http(s) URLs or
/// paths on this site, and the CSS is at most `CSS_BYTES` and cannot
/// close its `<style>`.
pub fn check(input: BrandingInput) -> Result<Checked> {
    let site_name = input.site_name.trim().to_string();
    let n = site_name.chars().count();
    if n == 0 || n > 100 {
        return Err(Error::unprocessable(
            "the site name has 1 to 100 characters",
        ));
    }
    let logo_url = blank_to_none(input.logo_url);
    if let Some(l) = &logo_url {
        if !is_http_url(l) {
            return Err(Error::unprocessable(
                "the logo is an http:// or https:// address",
            ));
        }
    }
    let accent_colour = match blank_to_none(input.accent_colour) {
        None => None,
        Some(c) => Some(colour(&c).ok_or_else(|| {
            Error::unprocessable(format!("the accent colour is written #rrggbb, not {c:?}"))
        })?),
    };
    super::check_size("introduction", &input.introduction, INTRODUCTION_BYTES)?;
    if input.footer_links.len() > FOOTER_LINKS {
        return Err(Error::unprocessable(format!(
            "at most {FOOTER_LINKS} footer links"
        )));
    }
    let mut footer_links = Vec::new();
    for link in input.footer_links {
        let (label, url) = (link.label.trim(), link.url.trim());
        let n = label.chars().count();
        if n == 0 || n > 100 {
            return Err(Error::unprocessable(
                "a footer link's label has 1 to 100 characters",
            ));
        }
        if !(is_http_url(url) || is_local_path(url)) {
            return Err(Error::unprocessable(format!(
                "a footer link goes to an http(s) address or a path on this site (/about), not {url:?}"
            )));
        }
        footer_links.push(FooterLink {
            label: label.to_string(),
            url: url.to_string(),
        });
    }
    super::check_size("custom_css", &input.custom_css, CSS_BYTES)?;
    if input.custom_css.to_ascii_lowercase().contains("</style") {
        return Err(Error::unprocessable("custom CSS cannot contain </style"));
    }
    Ok(Checked(BrandingInput {
        site_name,
        logo_url,
        accent_colour,
        introduction: input.introduction,
        footer_links,
        custom_css: input.custom_css,
    }))
}

/// The branding saved (none until an admin saves one): admins only.
pub async fn get(app: &App, actor: &Actor) -> Result<Arc<Site>> {
    require_admin(actor)?;
    app.site.get(app).await
}

fn require_admin(actor: &Actor) -> Result<()> {
    if actor.is_admin() && actor.person.local {
        Ok(())
    } else {
        Err(Error::forbidden(
            "only this server's admins change its branding",
        ))
    }
}

/// Saves the branding (admins only), writes it to the admins' audit log,
/// and shows it on this process's pages at once (others within seconds).
pub async fn save(app: &App, actor: &Actor, input: BrandingInput) -> Result<Arc<Site>> {
    require_admin(actor)?;
    let checked = check(input)?;
    let moderator = actor.id();
    let row = app
        .store
        .run(move |conn| {
            write_tx(conn, |conn| {
                let i = checked.input();
                let links = serde_json::to_string(&i.footer_links)
                    .map_err(|e| Error::internal("footer links did not serialize", e))?;
                let row = branding::put(
                    conn,
                    &BrandingChange {
                        site_name: &i.site_name,
                        logo_url: i.logo_url.as_deref(),
                        accent_colour: i.accent_colour.as_deref(),
                        introduction: &i.introduction,
                        footer_links: &links,
                        custom_css: &i.custom_css,
                    },
                )?;
                let entry = Entry {
                    reason: Some(format!("site name: {}", i.site_name)),
                    admin_only: true,
                    ..Entry::default()
                };
                log::record(conn, "branding", Some(moderator), Target::default(), entry)?;
                Ok(row)
            })
        })
        .await?;
    let site = Arc::new(Site::from_row(&app.config.site_name, Some(row)));
    app.site.put(site.clone());
    Ok(site)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> BrandingInput {
        BrandingInput {
            site_name: "Makers".into(),
            ..BrandingInput::default()
        }
    }

    #[test]
    fn checks_each_field() {
        assert!(check(input()).is_ok());
        assert!(check(BrandingInput {
            site_name: " ".into(),
            ..input()
        })
        .is_err());
        assert!(check(BrandingInput {
            logo_url: Some("javascript:alert(1)".into()),
            ..input()
        })
        .is_err());
        let c = check(BrandingInput {
            accent_colour: Some("#AA3300".into()),
            ..input()
        })
        .unwrap();
        assert_eq!(c.input().accent_colour.as_deref(), Some("#aa3300"));
        assert!(check(BrandingInput {
            accent_colour: Some("red".into()),
            ..input()
        })
        .is_err());
        for bad in ["//evil.example/", "javascript:x", "/\\evil"] {
            assert!(check(BrandingInput {
                footer_links: vec![FooterLink {
                    label: "x".into(),
                    url: bad.into()
                }],
                ..input()
            })
            .is_err());
        }
        assert!(check(BrandingInput {
            custom_css: "a{}</STYLE><script>".into(),
            ..input()
        })
        .is_err());
        assert!(check(BrandingInput {
            custom_css: "a".repeat(CSS_BYTES + 1),
            ..input()
        })
        .is_err());
    }
}
