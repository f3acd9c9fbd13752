//! Blogs and articles as pages.

pub fn routes(_cfg: &mut actix_web::web::ServiceConfig) {}
