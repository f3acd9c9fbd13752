//! Following people. Following is one-way; two people who follow each other
//! are friends.

use super::{find_person, Actor};
use crate::error::{Error, Result};
use crate::store::follows as rows;
use crate::store::people::Person;
use crate::store::{write_tx, DbConn};
use crate::App;

#[derive(Debug, Clone, Copy)]
pub struct Relationship {
    pub following: bool,
    pub followed_by: bool,
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
}

fn relationship(conn: &mut DbConn, me: i64, other: i64) -> Result<Relationship> {
    let accepted = |f: Option<rows::Follow>| f.is_some_and(|f| f.state == "accepted");
    Ok(Relationship {
        following: accepted(rows::find(conn, me, other)?),
        followed_by: accepted(rows::find(conn, other, me)?),
    })
}

pub async fn follow(app: &App, actor: &Actor, handle: &str) -> Result<Relationship> {
    let (handle, me) = (handle.to_string(), actor.id());
    app.store
        .run(move |conn| {
            write_tx(conn, |conn| {
                let other = find_person(conn, &handle)?;
                if other.id == me {
                    return Err(Error::unprocessable("you cannot follow yourself"));
                }
                if rows::find(conn, me, other.id)?.is_none() {
                    rows::insert(conn, me, other.id, "accepted")?;
                }
                relationship(conn, me, other.id)
            })
        })
        .await
}

pub async fn unfollow(app: &App, actor: &Actor, handle: &str) -> Result<Relationship> {
    let (handle, me) = (handle.to_string(), actor.id());
    app.store
        .run(move |conn| {
            write_tx(conn, |conn| {
                let other = find_person(conn, &handle)?;
                if let Some(f) = rows::find(conn, me, other.id)? {
                    rows::delete(conn, f.id)?;
                }
                relationship(conn, me, other.id)
            })
        })
        .await
}

pub async fn profile(app: &App, viewer: Option<&Actor>, handle: &str) -> Result<Profile> {
    let (handle, viewer) = (handle.to_string(), viewer.map(Actor::id));
    app.store
        .run(move |conn| {
            let person = find_person(conn, &handle)?;
            let relationship = match viewer {
                Some(me) if me != person.id => Some(relationship(conn, me, person.id)?),
                _ => None,
            };
            Ok(Profile {
                followers: rows::count_followers(conn, person.id)?,
                following: rows::count_following(conn, person.id)?,
                relationship,
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

pub async fn list(app: &App, handle: &str, listing: Listing, page: i64) -> Result<Vec<Person>> {
    let handle = handle.to_string();
    let limit = app.config.limits.page_size;
    let offset = page.max(0) * limit;
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
