//! The OpenAPI document served at `/api/v1/openapi.json`.

use super::albums;
use super::analytics;
use super::api_tokens;
use super::ideas;
use super::media;
use super::{
    accounts, articles, blocks, branding, domains, email, escalation, groups, influence,
    moderation, notifications, people, posts, reports, reputation, review, search, terms, webhooks,
};
use actix_web::HttpResponse;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        if let Some(components) = openapi.components.as_mut() {
            components.add_security_scheme(
                "bearer",
                SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
            );
        }
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Guildhall API", description = "REST API of a Guildhall community server. Errors are JSON {\"error\", \"detail\"}."),
    modifiers(&BearerAuth),
    paths(
        super::healthz,
        accounts::register, accounts::login, accounts::logout, accounts::me, accounts::update_me,
        accounts::pending, accounts::approve, accounts::reject,
        email::get_settings, email::update_settings, email::resend, email::verify, email::resend_to,
        email::request_reset, email::confirm_reset,
        groups::create, groups::list, groups::get, groups::update, groups::join, groups::leave,
        groups::members, groups::approve, groups::reject, groups::invite, groups::set_role,
        groups::feed, groups::create_post,
        posts::get, posts::edit, posts::delete, posts::comment, posts::edit_comment,
        posts::delete_comment, posts::vote_post, posts::vote_comment,
        people::profile, people::follow, people::unfollow, people::followers, people::following,
        people::friends, people::home, people::resolve,
        blocks::block, blocks::unblock, blocks::list,
        notifications::list, notifications::unread_count, notifications::read_one,
        notifications::read_up_to, notifications::preferences, notifications::set_preferences,
        notifications::stream,
        reports::create, reports::mine, reports::group_queue, reports::admin_queue,
        reports::resolve, reports::dismiss, reports::forward,
        moderation::on_thread, moderation::on_comment, moderation::ban, moderation::unban,
        moderation::warn, moderation::instance_ban, moderation::instance_unban,
        moderation::modlog, moderation::audit_log,
        domains::overview, domains::set_mode, domains::set_policy,
        review::group_queue, review::admin_queue, review::decide_post, review::decide_comment,
        review::group_words, review::add_group_word, review::instance_words,
        review::add_instance_word, review::remove_word,
        terms::current, terms::accept, terms::publish,
        branding::get_branding, branding::set_branding,
        reputation::history, reputation::badges, reputation::instance_board,
        reputation::group_board, reputation::accept, reputation::unaccept,
        reputation::kudos_post, reputation::kudos_comment, reputation::set_role,
        reputation::set_vote_weight, reputation::recompute, reputation::serial_votes,
        search::find,
        webhooks::list, webhooks::create, webhooks::get, webhooks::update, webhooks::delete,
        webhooks::deliveries, webhooks::redeliver, webhooks::set_external_id,
        ideas::status, ideas::set_status, ideas::board,
        articles::create, articles::group_blog, articles::person_blog, articles::get,
        articles::edit, articles::token_status, articles::new_token, articles::revoke_token,
        media::upload, media::gallery, media::reject_media,
        escalation::queue, escalation::targets, escalation::set_targets, escalation::response,
        influence::get, influence::recompute,
        webhooks::get_external_id, webhooks::accounts_by_external_id,
        api_tokens::list, api_tokens::create, api_tokens::revoke,
        analytics::instance, analytics::instance_csv, analytics::group, analytics::group_csv,
        analytics::recompute,
        albums::create, albums::list, albums::get, albums::edit, albums::delete, albums::add,
        albums::remove,
    ),
    components(schemas(crate::error::ErrorBody))
)]
pub struct ApiDoc;

pub async fn serve() -> HttpResponse {
    HttpResponse::Ok().json(ApiDoc::openapi())
}
