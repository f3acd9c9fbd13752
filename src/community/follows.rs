//! Following people. Following is one-way; two people who follow each other
//! are friends.

use super::{find_person, Actor};
use crate::error::{Error, Result};
use crate::events::{self, Change, What};
use crate::store::follows::{self as rows, FollowState};
use crate::store::people as rows_people;
use crate::store::people::Person;
use crate::store::{write_tx, DbConn};
use crate::App;

#[derive(Debug, Clone, Copy)]
pub struct Relationship {
    pub following: bool,
    pub followed_by: bool,
    /// A follow of a remote person, waiting for their server's answer.
    pub requested: bool,
}

impl Relationship {
    pub fn friends(self) -> bool {
        self.following && self.followed_by
    }
}

/// A person's public profile with follow counts (and, for a signed-in
/// viewer, how they relate).
pub struct Profile {
    pub person: Person,
    pub followers: i64,
    pub following: i64,
    pub relationship: Option<Relationship>,
    /// This server's role of a local person.
    pub role: Option<String>,
    pub standing: crate::reputation::board::Standing,
}

fn relationship(conn: &mut DbConn, me: i64, other: i64) -> Result<Relationship> {
    let accepted =
        |f: &Option<rows::Follow>| f.as_ref().is_some_and(|f| f.state == FollowState::Accepted);
    let mine = rows::find(conn, me, other)?;
    Ok(Relationship {
        following: accepted(&mine),
        requested: mine
            .as_ref()
            .is_some_and(|f| f.state == FollowState::Pending),
        followed_by: accepted(&rows::find(conn, other, me)?),
    })
}

/// A follow change, with what other servers need to hear of it.
#[derive(Debug, Clone)]
pub struct FollowChange {
    pub follower: Person,
    pub followee: Person,
    /// The follow after the change; None once it is gone.
    pub follow: Option<rows::Follow>,
    /// The id of the Follow activity that carries it.
    pub follow_id: Option<String>,
    pub relationship: Relationship,
}

/// Follows a person. A local person is followed at once; a remote one once
/// their server accepts. `follow_id` is a remote follower's Follow id.
pub async fn follow(
    app: &App,
    actor: &Actor,
    handle: &str,
    follow_id: Option<String>,
) -> Result<FollowChange> {
    let (handle, me) = (handle.to_string(), actor.person.clone());
    let ids = app.ids.clone();
    app.store
        .run(move |conn| {
            write_tx(conn, |conn| {
                let other = find_person(conn, &handle)?;
                if me.banned {
                    return Err(Error::forbidden("you are banned from this server"));
                }
                if other.id == me.id {
                    return Err(Error::unprocessable("you cannot follow yourself"));
                }
                if crate::store::blocks::exists(conn, other.id, me.id)? {
                    // A remote person's Follow refused: the refusal is the
                    // change, answered with a Reject.
                    if let Some(follow_id) = follow_id {
                        events::record(
                            conn,
                            Change::by(
                                me.id,
                                What::FollowRefused {
                                    follower_id: me.id,
                                    followee_id: other.id,
                                    follow_id,
                                },
                            ),
                        )?;
                        return Ok(FollowChange {
                            relationship: relationship(conn, me.id, other.id)?,
                            follow_id: None,
                            follow: None,
                            follower: me,
                            followee: other,
                        });
                    }
                    return Err(Error::forbidden(format!(
                        "{} does not accept your follow",
                        super::handle(&other.name, other.local, &other.ap_id)
                    )));
                }
                let follow = match rows::find(conn, me.id, other.id)? {
                    Some(f) => f,
                    None => {
                        let state = if other.local {
                            FollowState::Accepted
                        } else {
                            FollowState::Pending
                        };
                        let ap_id = match (follow_id, other.local) {
                            (Some(theirs), _) => Some(theirs),
                            (None, false) => Some(ids.activity("follow")),
                            (None, true) => None,
                        };
                        rows::insert(conn, me.id, other.id, state, ap_id.as_deref())?
                    }
                };
                // A repeated follow is recorded too: its Follow or Accept
                // goes out again.
                events::record(
                    conn,
                    Change::by(
                        me.id,
                        What::Followed {
                            follower_id: me.id,
                            followee_id: other.id,
                            follow_id: follow.ap_id.clone(),
                        },
                    ),
                )?;
                Ok(FollowChange {
                    relationship: relationship(conn, me.id, other.id)?,
                    follow_id: follow.ap_id.clone(),
                    follow: Some(follow),
                    follower: me,
                    followee: other,
                })
            })
        })
        .await
}

pub async fn unfollow(app: &App, actor: &Actor, handle: &str) -> Result<FollowChange> {
    let (handle, me) = (handle.to_string(), actor.person.clone());
    app.store
        .run(move |conn| {
            write_tx(conn, |conn| {
                let other = find_person(conn, &handle)?;
                let old = rows::find(conn, me.id, other.id)?;
                if let Some(f) = &old {
                    rows::delete(conn, f.id)?;
                    events::record(
                        conn,
                        Change::by(
                            me.id,
                            What::Unfollowed {
                                follower_id: me.id,
                                followee_id: other.id,
                                follow_id: f.ap_id.clone(),
                            },
                        ),
                    )?;
                }
                Ok(FollowChange {
                    relationship: relationship(conn, me.id, other.id)?,
                    follow_id: old.and_then(|f| f.ap_id),
                    follow: None,
                    follower: me,
                    followee: other,
                })
            })
        })
        .await
}

/// A remote person's server answered our Follow.
pub async fn follow_answered(
    app: &App,
    followee_ap_id: &str,
    follow_id: &str,
    accepted: bool,
) -> Result<bool> {
    let (followee_ap_id, follow_id) = (followee_ap_id.to_string(), follow_id.to_string());
    app.store
        .run(move |conn| {
            write_tx(conn, |conn| {
                let Some(f) = rows::by_ap_id(conn, &follow_id)? else {
                    return Ok(false);
                };
                let followee = crate::store::people::by_id(conn, f.followee_id)?;
                if followee.ap_id != followee_ap_id {
                    return Err(Error::forbidden(
                        "only the followed person answers a Follow",
                    ));
                }
                if accepted {
                    rows::set_state(conn, f.id, FollowState::Accepted)?;
                    events::record(
                        conn,
                        Change::by(
                            followee.id,
                            What::FollowAccepted {
                                follower_id: f.follower_id,
                                followee_id: followee.id,
                            },
                        ),
                    )?;
                } else {
                    rows::delete(conn, f.id)?;
                }
                Ok(true)
            })
        })
        .await
}

pub async fn profile(app: &App, viewer: Option<&Actor>, handle: &str) -> Result<Profile> {
    let (handle, viewer, app2) = (handle.to_string(), viewer.map(Actor::id), app.clone());
    app.store
        .run(move |conn| {
            let person = find_person(conn, &handle)?;
            let role =
                rows_people::local_user_by_person(conn, person.id)?.map(|u| u.role.to_string());
            let standing = crate::reputation::board::standing(conn, &app2, &person)?;
            let relationship = match viewer {
                Some(me) if me != person.id => Some(relationship(conn, me, person.id)?),
                _ => None,
            };
            Ok(Profile {
                followers: rows::count_followers(conn, person.id)?,
                following: rows::count_following(conn, person.id)?,
                relationship,
                role,
                standing,
                person,
            })
        })
        .await
}

#[derive(Debug, Clone, Copy)]
pub enum Listing {
    Followers,
    Following,
    Friends,
}

/// The last page number a listing serves (20 million people at the
/// largest page size): any page past it is refused rather than computed,
/// so an offset can neither overflow nor turn negative.
pub const MAX_PAGE: i64 = 200_000;

/// Where page `page` (from 0) of `size` rows starts.
pub fn page_offset(page: i64, size: i64) -> Result<i64> {
    let bad = || Error::bad_request(format!("page must be a number from 0 to {MAX_PAGE}"));
    if !(0..=MAX_PAGE).contains(&page) {
        return Err(bad());
    }
    page.checked_mul(size).ok_or_else(bad)
}

pub async fn list(app: &App, handle: &str, listing: Listing, page: i64) -> Result<Vec<Person>> {
    let handle = handle.to_string();
    let limit = app.config.limits.page_size;
    let offset = page_offset(page, limit)?;
    app.store
        .run(move |conn| {
            let person = find_person(conn, &handle)?;
            match listing {
                Listing::Followers => rows::followers(conn, person.id, limit, offset),
                Listing::Following => rows::following(conn, person.id, limit, offset),
                Listing::Friends => {
                    let followers = rows::follower_ids(conn, person.id)?;
                    let mut friends: Vec<i64> = rows::following_ids(conn, person.id)?
                        .into_iter()
                        .filter(|id| followers.contains(id))
                        .collect();
                    friends.sort_unstable();
                    let ids: Vec<i64> = friends
                        .into_iter()
                        .skip(offset as usize)
                        .take(limit as usize)
                        .collect();
                    let mut people = crate::store::people::by_ids(conn, &ids)?;
                    people.sort_by_key(|p| p.id);
                    Ok(people)
                }
            }
        })
        .await
}
