//! Ideas on the web pages: the status panel of an idea's thread page (the
//! status, the response, the history, and the form staff and the group's
//! moderators set it with), and a group's idea board at `/g/{name}/ideas`,
//! sorted by votes or newest first and filtered by status.

use super::forms::shown_on_form;
use super::forms::Posted;
use super::page::Page;
use super::session::Viewer;
use super::threads::{origin, when, ThreadRow};
use super::{ok, render, see_other};
use crate::community::ideas::{self, IdeaState, StatusInput};
use crate::community::posts::PostInfo;
use crate::community::{handle, Actor};
use crate::error::{ErrorKind, Result};
use crate::store::ideas::IdeaStatus;
use crate::store::posts::FeedSort;
use crate::App;
use actix_web::{web, HttpResponse};
use askama::Template;
use serde::Deserialize;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/post/{id}/status", web::post().to(set_status))
        .route("/g/{name}/ideas", web::get().to(board));
}

/// The catalogue key of a status's name.
pub fn label_key(status: IdeaStatus) -> String {
    format!("ideas.status_{}", status.as_str())
}

/// One status as a choice of the form or a filter of the board.
pub struct Choice {
    pub value: &'static str,
    pub label_key: String,
    pub selected: bool,
}

fn choices(current: Option<IdeaStatus>) -> Vec<Choice> {
    IdeaStatus::ALL
        .iter()
        .map(|s| Choice {
            value: s.as_str(),
            label_key: label_key(*s),
            selected: Some(*s) == current,
        })
        .collect()
}

/// One change in an idea's history, as the page shows it.
pub struct HistoryRow {
    pub label_key: String,
    pub response: Option<String>,
    pub duplicate_of: Option<(i64, String)>,
    pub by: Option<String>,
    pub at: String,
    pub at_iso: String,
}

/// What an idea's thread page shows of its status.
pub struct IdeaPanel {
    pub status: &'static str,
    pub label_key: String,
    pub response: Option<String>,
    /// (id, title) of the idea this one duplicates.
    pub duplicate_of: Option<(i64, String)>,
    pub history: Vec<HistoryRow>,
    /// The viewer may set the status here (staff or a moderator, in a
    /// group of this server).
    pub may_set: bool,
    pub choices: Vec<Choice>,
    /// Why the form was refused, to fix and send again.
    pub problem: Option<String>,
}

/// The status panel of a thread, when it is an idea.
pub async fn panel(
    app: &App,
    actor: Option<&Actor>,
    info: &PostInfo,
    moderator: bool,
) -> Result<Option<IdeaPanel>> {
    let Some(state) = &info.idea else {
        return Ok(None);
    };
    let post_id = info.post.id;
    let history = app
        .store
        .run(move |conn| ideas::history_of(conn, post_id))
        .await?;
    let may_set = info.group.local
        && !info.post.removed
        && (moderator || actor.is_some_and(crate::community::solutions::is_staff));
    Ok(Some(IdeaPanel {
        status: state.status.as_str(),
        label_key: label_key(state.status),
        response: state.response.clone(),
        duplicate_of: duplicate(state),
        history: history
            .iter()
            .rev()
            .map(|h| {
                let (at, at_iso) = when(h.changed_at);
                HistoryRow {
                    label_key: label_key(h.status),
                    response: h.response.clone(),
                    duplicate_of: h.duplicate_of.as_ref().map(|o| (o.id, o.title.clone())),
                    by: h
                        .changed_by
                        .as_ref()
                        .map(|p| handle(&p.name, p.local, &p.ap_id)),
                    at,
                    at_iso,
                }
            })
            .collect(),
        may_set,
        choices: choices(Some(state.status)),
        problem: None,
    }))
}

fn duplicate(state: &IdeaState) -> Option<(i64, String)> {
    state.duplicate_of.as_ref().map(|o| (o.id, o.title.clone()))
}

#[derive(Deserialize)]
struct StatusForm {
    status: String,
    response: Option<String>,
    /// The id of the idea this one duplicates; empty when not a duplicate.
    duplicate_of: Option<String>,
}

async fn set_status(
    app: web::Data<App>,
    viewer: Viewer,
    id: web::Path<i64>,
    form: Posted<StatusForm>,
) -> Result<HttpResponse> {
    let actor = viewer.require()?;
    let form = form.into_inner();
    let duplicate_of = match form.duplicate_of.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(s) => match parse_idea_ref(s) {
            Some(id) => Some(id),
            None => {
                return refused(
                    &app,
                    &viewer,
                    &actor,
                    *id,
                    super::page::t("ideas.bad_duplicate").to_string(),
                    ErrorKind::Unprocessable,
                )
                .await
            }
        },
    };
    let input = StatusInput {
        status: form.status,
        response: form.response,
        duplicate_of,
    };
    match ideas::set_status(&app, &actor, *id, input).await {
        Ok(_) => Ok(see_other(&format!("/post/{id}#idea-status"))),
        // Something the person can change: the thread again, with why.
        Err(e) if shown_on_form(&e) => refused(&app, &viewer, &actor, *id, e.detail, e.kind).await,
        Err(e) => Err(e),
    }
}

/// An idea named by its number or its address here (`/post/12`).
fn parse_idea_ref(s: &str) -> Option<i64> {
    let tail = s.trim_end_matches('/').rsplit('/').next().unwrap_or(s);
    tail.trim_start_matches('#').parse().ok()
}

async fn refused(
    app: &App,
    viewer: &Viewer,
    actor: &Actor,
    id: i64,
    problem: String,
    kind: ErrorKind,
) -> Result<HttpResponse> {
    let thread = super::threads::readable_thread(app, Some(actor), id).await?;
    let mut p = super::threads::thread_page(app, viewer, thread).await?;
    match p.idea.as_mut() {
        Some(panel) => panel.problem = Some(problem),
        None => p.problem = Some(problem),
    }
    render(p, kind.status())
}

#[derive(Template)]
#[template(path = "ideas/board.html")]
struct BoardPage {
    page: Page,
    handle: String,
    title: String,
    origin: Option<String>,
    sort: &'static str,
    /// The status filter, when one is chosen.
    status: Option<&'static str>,
    filters: Vec<Choice>,
    ideas: Vec<ThreadRow>,
    next: Option<String>,
}

#[derive(Deserialize)]
struct BoardQuery {
    sort: Option<String>,
    status: Option<String>,
    cursor: Option<String>,
}

async fn board(
    app: web::Data<App>,
    viewer: Viewer,
    name: web::Path<String>,
    q: web::Query<BoardQuery>,
) -> Result<HttpResponse> {
    let sort = ideas::parse_board_sort(q.sort.as_deref())?;
    let status = match q.status.as_deref() {
        None | Some("") => None,
        Some(s) => Some(ideas::parse_status(s)?),
    };
    let actor = viewer.actor();
    let (group, found) = ideas::board(
        &app,
        actor.as_ref(),
        &name,
        status,
        sort,
        q.cursor.as_deref(),
    )
    .await?;
    let handle = handle(&group.name, group.local, &group.ap_id);
    let sort_name = match sort {
        FeedSort::New => "new",
        FeedSort::Top | FeedSort::Hot => "top",
    };
    let next = found.next_cursor.map(|c| {
        format!(
            "/g/{handle}/ideas?sort={sort_name}&status={}&cursor={}",
            status.map_or("", IdeaStatus::as_str),
            super::errors::urlencode(&c)
        )
    });
    let title = super::page::t("ideas.board_title").replacen("{}", &group.title, 1);
    let page = Page::new(&app, &viewer, title.clone()).await?;
    ok(BoardPage {
        page,
        handle,
        title,
        origin: origin(group.local, &group.ap_id),
        sort: sort_name,
        status: status.map(IdeaStatus::as_str),
        filters: choices(status),
        ideas: ThreadRow::all(&found.items),
        next,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_has_a_name() {
        for s in IdeaStatus::ALL {
            let key = label_key(*s);
            assert!(
                super::super::page::catalogue().contains_key(&key),
                "{key} missing from locales/en.toml"
            );
        }
    }

    #[test]
    fn an_idea_is_named_by_number_or_address() {
        assert_eq!(parse_idea_ref("12"), Some(12));
        assert_eq!(parse_idea_ref("https://brand.example/post/12"), Some(12));
        assert_eq!(parse_idea_ref("/post/12/"), Some(12));
        assert_eq!(parse_idea_ref("the other one"), None);
    }
}
