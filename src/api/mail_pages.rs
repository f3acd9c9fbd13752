//! The small HTML pages the links in mails open: confirming an address,
//! choosing a new password, and unsubscribing (a page with a button for
//! people; a POST to the same address is RFC 8058's one-click).

use crate::community::unsubscribe::{self, Stops};
use crate::community::{email, password_reset};
use crate::error::{Error, ErrorKind};
use crate::input::{self, Source};
use crate::App;
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/email/verify/{token}", web::get().to(verify))
        .service(
            web::resource("/password_reset/{token}")
                .app_data(
                    web::FormConfig::default()
                        .limit(16 * 1024)
                        .error_handler(form_error),
                )
                .route(web::get().to(reset_form))
                .route(web::post().to(reset)),
        )
        .service(
            web::resource("/unsubscribe/{token}")
                .route(web::get().to(unsubscribe_form))
                .route(web::post().to(unsubscribe)),
        );
}

fn form_error(err: actix_web::error::UrlencodedError, _req: &HttpRequest) -> actix_web::Error {
    Error::bad_request(format!("cannot read the form: {err}")).into()
}

/// Text made safe inside an HTML element or a quoted attribute.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A page: no caching, no referrer (the address holds a token), nothing
/// loaded from elsewhere.
fn page(status: StatusCode, title: &str, body: &str) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((header::REFERRER_POLICY, "no-referrer"))
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
        ))
        .body(format!(
            "<!doctype html>\n<html><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">\
             <title>{t}</title><style>body{{font-family:sans-serif;max-width:30em;margin:3em auto;padding:0 1em}}</style></head>\
             <body><h1>{t}</h1>\n{body}\n</body></html>\n",
            t = escape(title)
        ))
}

/// A rule's refusal as a page, with its status.
fn refusal(e: Error) -> HttpResponse {
    if matches!(e.kind, ErrorKind::Internal | ErrorKind::Unavailable) {
        tracing::error!(error = ?e, "a mail link page failed");
    }
    let title = match e.kind {
        ErrorKind::Gone => "This link no longer works",
        ErrorKind::NotFound => "Unknown link",
        _ => "That did not work",
    };
    page(
        e.kind.status(),
        title,
        &format!("<p>{}</p>", escape(&e.detail)),
    )
}

async fn verify(app: web::Data<App>, token: web::Path<String>) -> HttpResponse {
    match email::verify(&app, &token).await {
        Ok(address) => page(
            StatusCode::OK,
            "Address confirmed",
            &format!(
                "<p>{} is confirmed. You can sign in now.</p>",
                escape(&address)
            ),
        ),
        Err(e) => refusal(e),
    }
}

async fn reset_form(app: web::Data<App>, token: web::Path<String>) -> HttpResponse {
    match password_reset::check(&app, &token).await {
        Ok(name) => page(
            StatusCode::OK,
            "Choose a new password",
            &format!(
                "<p>For the account <b>{}</b>. Every session of the account ends.</p>\
                 <form method=\"post\"><label>New password (at least 8 characters)<br>\
                 <input type=\"password\" name=\"password\" minlength=\"8\" autocomplete=\"new-password\" required></label>\
                 <p><button type=\"submit\">Set the password</button></p></form>",
                escape(&name)
            ),
        ),
        Err(e) => refusal(e),
    }
}

#[derive(Deserialize)]
struct ResetForm {
    password: String,
}

async fn reset(
    app: web::Data<App>,
    token: web::Path<String>,
    form: web::Form<ResetForm>,
) -> HttpResponse {
    let form = form.into_inner();
    let done = match input::check("the password", &form.password, Source::Line) {
        Ok(()) => password_reset::complete(&app, &token, form.password).await,
        Err(e) => Err(e),
    };
    match done {
        Ok(()) => page(
            StatusCode::OK,
            "Password changed",
            "<p>Your password is changed and every session ended. Sign in with the new one.</p>",
        ),
        Err(e) => refusal(e),
    }
}

fn stops_text(s: &Stops) -> String {
    match s {
        Stops::Kind(kind) => format!(
            "mail about \u{201c}{}\u{201d} notifications (they stay in the app)",
            escape(&kind.replace('_', " "))
        ),
        Stops::All => "all notification mail".to_string(),
    }
}

async fn unsubscribe_form(app: web::Data<App>, token: web::Path<String>) -> HttpResponse {
    match unsubscribe::what(&app, &token).await {
        Ok(stops) => page(
            StatusCode::OK,
            "Unsubscribe",
            &format!(
                "<p>Stop {}?</p><form method=\"post\"><button type=\"submit\" name=\"List-Unsubscribe\" value=\"One-Click\">Unsubscribe</button></form>",
                stops_text(&stops)
            ),
        ),
        Err(e) => refusal(e),
    }
}

/// The button's POST, and RFC 8058's one-click POST from a mail program
/// (its body, `List-Unsubscribe=One-Click`, says nothing more).
async fn unsubscribe(app: web::Data<App>, token: web::Path<String>) -> HttpResponse {
    match unsubscribe::unsubscribe(&app, &token).await {
        Ok(stops) => page(
            StatusCode::OK,
            "Unsubscribed",
            &format!("<p>You will get no more {}.</p>", stops_text(&stops)),
        ),
        Err(e) => refusal(e),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_markup() {
        assert_eq!(
            super::escape("a <b> & \"c\" 'd'"),
            "a &lt;b&gt; &amp; &quot;c&quot; &#39;d&#39;"
        );
    }
}
