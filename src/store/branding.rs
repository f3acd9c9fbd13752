//! The site's branding row (one, id 1; absent until an admin saves it).

use super::schema::branding;
use super::{now, DbConn};
use crate::error::Result;
use diesel::prelude::*;

#[derive(Debug, Clone, Queryable)]
pub struct BrandingRow {
    pub id: i64,
    pub site_name: String,
    pub logo_url: Option<String>,
    pub accent_colour: Option<String>,
    pub introduction: String,
    /// JSON: `[{"label", "url"}]`.
    pub footer_links: String,
    pub custom_css: String,
    pub updated_at: chrono::NaiveDateTime,
}

/// What an admin saves (already checked by the rule).
pub struct BrandingChange<'a> {
    pub site_name: &'a str,
    pub logo_url: Option<&'a str>,
    pub accent_colour: Option<&'a str>,
    pub introduction: &'a str,
    pub footer_links: &'a str,
    pub custom_css: &'a str,
}

pub fn get(conn: &mut DbConn) -> Result<Option<BrandingRow>> {
    Ok(branding::table.find(1_i64).first(conn).optional()?)
}

pub fn put(conn: &mut DbConn, c: &BrandingChange) -> Result<BrandingRow> {
    let at = now();
    let values = (
        branding::site_name.eq(c.site_name),
        branding::logo_url.eq(c.logo_url),
        branding::accent_colour.eq(c.accent_colour),
        branding::introduction.eq(c.introduction),
        branding::footer_links.eq(c.footer_links),
        branding::custom_css.eq(c.custom_css),
        branding::updated_at.eq(at),
    );
    let updated = diesel::update(branding::table.find(1_i64))
        .set(values)
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(branding::table)
            .values((branding::id.eq(1_i64), values))
            .execute(conn)?;
    }
    Ok(branding::table.find(1_i64).first(conn)?)
}
