//! What every page shows around its content: the site (name, logo,
//! colours, footer), who is signed in and their unread count, the CSRF
//! token for its forms, and the strings of the catalogue.
//!
//! Templates get a `page: Page` field and write `page.t` with a key for
//! every string a person reads; the strings are in `locales/en.toml`, so a
//! translation is one file.

use super::session::Viewer;
use crate::community::branding::Site;
use crate::error::Result;
use crate::notifications::reading;
use crate::store::people::InstanceRole;
use crate::App;
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

/// The signed-in person, as the header shows them.
pub struct Me {
    pub name: String,
    pub display_name: String,
    pub role: InstanceRole,
}

impl Me {
    pub fn is_admin(&self) -> bool {
        self.role == InstanceRole::Admin
    }
    /// Admins and instance moderators: the admin area's moderation pages.
    pub fn moderates_instance(&self) -> bool {
        matches!(self.role, InstanceRole::Admin | InstanceRole::Moderator)
    }
}

pub struct Page {
    pub title: String,
    pub site: Arc<Site>,
    pub me: Option<Me>,
    pub unread: i64,
    pub csrf: String,
    /// This page's path and query (the sign-in link comes back to it).
    pub here: String,
    /// Extra `<link>`s for the head (feeds), as (rel, type, title, href).
    pub head_links: Vec<(String, String, String, String)>,
}

impl Page {
    /// The frame of a page titled `title` for `viewer`.
    pub async fn new(app: &App, viewer: &Viewer, title: impl Into<String>) -> Result<Page> {
        let site = app.site.get(app).await?;
        let (me, unread) = match &viewer.account {
            None => (None, 0),
            Some(account) => {
                let actor = account.actor();
                let unread = reading::unread_count(app, &actor).await?;
                let me = Me {
                    name: account.person.name.clone(),
                    display_name: account
                        .person
                        .display_name
                        .clone()
                        .filter(|d| !d.trim().is_empty())
                        .unwrap_or_else(|| account.person.name.clone()),
                    role: account.user.role,
                };
                (Some(me), unread)
            }
        };
        Ok(Page {
            title: title.into(),
            site,
            me,
            unread,
            csrf: viewer.csrf.clone(),
            here: viewer.here.clone(),
            head_links: Vec::new(),
        })
    }

    /// A page without a viewer (error pages drawn by the middleware).
    pub fn bare(site: Arc<Site>, title: impl Into<String>) -> Page {
        Page {
            title: title.into(),
            site,
            me: None,
            unread: 0,
            csrf: String::new(),
            here: "/".to_string(),
            head_links: Vec::new(),
        }
    }

    /// The catalogue's string for `key` (the key itself if missing, which
    /// the catalogue test catches).
    pub fn t<'a>(&self, key: &'a str) -> &'a str {
        t(key)
    }

    /// The catalogue's string for `key` with `{}` replaced by `value`.
    pub fn tf(&self, key: &str, value: impl std::fmt::Display) -> String {
        t(key).replacen("{}", &value.to_string(), 1)
    }

    /// The address of an embedded asset, with its content hash.
    pub fn asset(&self, name: &str) -> &'static str {
        super::assets::url(name)
    }

    pub fn signed_in(&self) -> bool {
        self.me.is_some()
    }
}

/// The catalogue: `locales/en.toml`, sections joined to keys with a dot.
pub fn catalogue() -> &'static HashMap<String, String> {
    static STRINGS: OnceLock<HashMap<String, String>> = OnceLock::new();
    STRINGS.get_or_init(|| {
        let mut map = HashMap::new();
        match include_str!("../../locales/en.toml").parse::<toml::Table>() {
            Ok(table) => flatten("", &table, &mut map),
            Err(e) => tracing::error!(error = %e, "locales/en.toml does not parse"),
        }
        map
    })
}

fn flatten(prefix: &str, table: &toml::Table, out: &mut HashMap<String, String>) {
    for (k, v) in table {
        let key = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        match v {
            toml::Value::String(s) => {
                out.insert(key, s.clone());
            }
            toml::Value::Table(t) => flatten(&key, t, out),
            _ => {}
        }
    }
}

/// The string for `key`.
pub fn t(key: &str) -> &str {
    match catalogue().get(key) {
        Some(s) => s.as_str(),
        None => key,
    }
}

#[cfg(test)]
mod tests {
    use super::catalogue;

    /// Every key of `t` and `tf` used in a template or a web module is in
    /// the catalogue.
    #[test]
    fn every_key_used_is_in_the_catalogue() {
        let mut missing = Vec::new();
        let mut files = Vec::new();
        for dir in ["templates", "src/web"] {
            collect(
                std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join(dir)
                    .as_path(),
                &mut files,
            );
        }
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap();
            for pat in ["t(\"", "tf(\""] {
                for (i, _) in text.match_indices(pat) {
                    // `asset("app.css")` is not a key: only a call of `t`
                    // or `tf` itself counts.
                    let before = text[..i].chars().next_back();
                    if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                        continue;
                    }
                    let rest = &text[i + pat.len()..];
                    let key = &rest[..rest.find('"').unwrap()];
                    if key.contains('.') && !catalogue().contains_key(key) {
                        missing.push(format!("{}: {key}", file.display()));
                    }
                }
            }
        }
        assert!(missing.is_empty(), "not in locales/en.toml: {missing:#?}");
    }

    fn collect(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                collect(&path, out);
            } else {
                out.push(path);
            }
        }
    }
}
