//! Actors as the federation library sees them: people and groups (local or
//! remote, read from the store or fetched and stored), and the local
//! signers of outgoing deliveries.

use super::objects::group::GroupObject;
use super::objects::person::{PersonKind, PersonObject};
use super::objects::reporter;
use super::objects::Endpoints;
use crate::community::markdown;
use crate::error::{Error, Result};
use crate::input;
use crate::store::groups::{self as group_rows, Group, GroupKind, JoinPolicy, NewGroup};
use crate::store::people::{self, NewPerson, Person};
use crate::store::{instances, now, write_tx};
use crate::App;
use activitypub_federation::config::Data;
use activitypub_federation::traits::{Actor, Object};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use url::Url;

/// A person or a group: whoever may sign an incoming activity.
pub type AnyActor = either::Either<ApPerson, ApGroup>;

#[derive(Debug, Clone)]
pub struct ApPerson(pub Person);

#[derive(Debug, Clone)]
pub struct ApGroup(pub Group);

/// `host[:port]` of an id: the origin a remote object belongs to.
pub fn authority(url: &Url) -> String {
    match (url.host_str(), url.port()) {
        (Some(h), Some(p)) => format!("{h}:{p}"),
        (Some(h), None) => h.to_string(),
        _ => String::new(),
    }
}

/// Whether two ids share host and port (the library's own check ignores
/// the port, which matters when several servers share a host).
pub fn same_origin(a: &Url, b: &Url) -> bool {
    a.scheme() == b.scheme()
        && a.host_str() == b.host_str()
        && a.port_or_known_default() == b.port_or_known_default()
}

pub fn check_origin(id: &Url, expected: &Url) -> Result<()> {
    if same_origin(id, expected) {
        Ok(())
    } else {
        Err(Error::forbidden(format!(
            "{id} does not belong to the origin of {expected}"
        )))
    }
}

/// An actor's shared inbox, kept only when it shares the actor's origin:
/// a group relays to shared inboxes, and a foreign one would have us sign
/// and send activities to a server the actor does not speak for.
fn own_shared_inbox(id: &Url, endpoints: Option<Endpoints>) -> Option<String> {
    let shared = endpoints?.shared_inbox?;
    let own = Url::parse(&shared).is_ok_and(|u| same_origin(&u, id));
    if !own {
        tracing::info!(actor = %id, shared_inbox = %shared, "a shared inbox on another origin is ignored");
    }
    own.then_some(shared)
}

fn parse_url(s: &str) -> Result<Url> {
    Url::parse(s).map_err(|e| Error::internal(format!("stored id {s:?} is not a URL"), e))
}

/// Remote HTML is sanitized before it is stored.
fn clean(html: Option<String>) -> Option<String> {
    html.map(|h| markdown::sanitize(&h).replace('\0', ""))
}

#[async_trait]
impl Object for ApPerson {
    type DataType = App;
    type Kind = PersonObject;
    type Error = Error;

    fn last_refreshed_at(&self) -> Option<DateTime<Utc>> {
        Some(self.0.updated_at.and_utc())
    }

    async fn read_from_id(id: Url, data: &Data<App>) -> Result<Option<Self>> {
        let id = id.to_string();
        let found = data
            .store
            .run(move |conn| people::by_ap_id(conn, &id))
            .await?;
        Ok(found.filter(|p| !p.deleted).map(ApPerson))
    }

    async fn into_json(self, _data: &Data<App>) -> Result<PersonObject> {
        Ok(PersonObject::from_row(&self.0))
    }

    async fn verify(json: &PersonObject, expected_domain: &Url, _data: &Data<App>) -> Result<()> {
        let id =
            Url::parse(&json.id).map_err(|_| Error::bad_request("the person's id is not a URL"))?;
        check_origin(&id, expected_domain)?;
        let inbox = Url::parse(&json.inbox)
            .map_err(|_| Error::bad_request("the person's inbox is not a URL"))?;
        check_origin(&inbox, &id)?;
        if json.public_key.owner != json.id {
            return Err(Error::bad_request(
                "the public key belongs to another actor",
            ));
        }
        Ok(())
    }

    async fn from_json(mut json: PersonObject, data: &Data<App>) -> Result<Self> {
        // No NUL reaches the store; the summary is HTML, which the
        // sanitizer reads as a browser would (NULs included).
        let summary = json.summary.take();
        let mut json = input::without_nul("the person", json)?;
        json.summary = summary;
        let id =
            Url::parse(&json.id).map_err(|_| Error::bad_request("the person's id is not a URL"))?;
        let domain = authority(&id);
        let at = now();
        let new = NewPerson {
            ap_id: json.id.clone(),
            name: json.preferred_username.chars().take(100).collect(),
            display_name: json.name.map(|n| n.chars().take(100).collect()),
            local: false,
            instance_id: 0,
            inbox_url: json.inbox.clone(),
            shared_inbox_url: own_shared_inbox(&id, json.endpoints),
            public_key: json.public_key.public_key_pem.clone(),
            private_key: None,
            created_at: json.published.map_or(at, |p| p.naive_utc()),
            updated_at: at,
        };
        let bio_html = clean(json.summary);
        let bio_source = json.source.map(|s| s.content);
        let bot = json.kind != PersonKind::Person;
        let person = data
            .store
            .run(move |conn| {
                write_tx(conn, |conn| {
                    let instance = instances::ensure_remote(conn, &domain)?;
                    if instance.local {
                        return Err(Error::bad_request("a remote actor claims a local id"));
                    }
                    let new = NewPerson {
                        instance_id: instance.id,
                        ..new
                    };
                    people::upsert_remote(conn, &new, bio_html, bio_source, bot)
                })
            })
            .await?;
        Ok(ApPerson(person))
    }
}

impl Actor for ApPerson {
    fn id(&self) -> Url {
        Url::parse(&self.0.ap_id)
            .unwrap_or_else(|_| Url::parse("invalid:person").expect("static url"))
    }
    fn public_key_pem(&self) -> &str {
        &self.0.public_key
    }
    fn private_key_pem(&self) -> Option<String> {
        self.0.private_key.clone()
    }
    fn inbox(&self) -> Url {
        Url::parse(&self.0.inbox_url).unwrap_or_else(|_| self.id())
    }
    fn shared_inbox(&self) -> Option<Url> {
        self.0
            .shared_inbox_url
            .as_deref()
            .and_then(|u| Url::parse(u).ok())
    }
}

#[async_trait]
impl Object for ApGroup {
    type DataType = App;
    type Kind = GroupObject;
    type Error = Error;

    fn last_refreshed_at(&self) -> Option<DateTime<Utc>> {
        Some(self.0.updated_at.and_utc())
    }

    async fn read_from_id(id: Url, data: &Data<App>) -> Result<Option<Self>> {
        let id = id.to_string();
        let found = data
            .store
            .run(move |conn| group_rows::by_ap_id(conn, &id))
            .await?;
        Ok(found.filter(|g| !g.deleted).map(ApGroup))
    }

    async fn into_json(self, _data: &Data<App>) -> Result<GroupObject> {
        Ok(GroupObject::from_row(&self.0))
    }

    async fn verify(json: &GroupObject, expected_domain: &Url, _data: &Data<App>) -> Result<()> {
        let id =
            Url::parse(&json.id).map_err(|_| Error::bad_request("the group's id is not a URL"))?;
        check_origin(&id, expected_domain)?;
        for url in [Some(&json.inbox), json.followers.as_ref()]
            .into_iter()
            .flatten()
        {
            let u = Url::parse(url).map_err(|_| Error::bad_request("a group URL is not a URL"))?;
            check_origin(&u, &id)?;
        }
        if json.public_key.owner != json.id {
            return Err(Error::bad_request(
                "the public key belongs to another actor",
            ));
        }
        Ok(())
    }

    async fn from_json(mut json: GroupObject, data: &Data<App>) -> Result<Self> {
        // No NUL reaches the store; the summary is HTML, which the
        // sanitizer reads as a browser would (NULs included).
        let summary = json.summary.take();
        let mut json = input::without_nul("the group", json)?;
        json.summary = summary;
        let id =
            Url::parse(&json.id).map_err(|_| Error::bad_request("the group's id is not a URL"))?;
        let domain = authority(&id);
        let at = now();
        let gated = json.manually_approves_followers;
        let new = NewGroup {
            ap_id: json.id.clone(),
            name: json.preferred_username.chars().take(100).collect(),
            title: json
                .name
                .clone()
                .unwrap_or_else(|| json.preferred_username.clone())
                .chars()
                .take(200)
                .collect(),
            description_source: json.source.map(|s| s.content),
            description_html: clean(json.summary),
            // Over federation a club is a group that approves its followers.
            kind: if gated {
                GroupKind::Club
            } else {
                GroupKind::Group
            },
            join_policy: if gated {
                JoinPolicy::Approval
            } else {
                JoinPolicy::Open
            },
            posting_restricted_to_mods: json.posting_restricted_to_mods,
            local: false,
            instance_id: 0,
            inbox_url: json.inbox.clone(),
            shared_inbox_url: own_shared_inbox(&id, json.endpoints),
            followers_url: json
                .followers
                .unwrap_or_else(|| format!("{}/followers", json.id)),
            moderators_url: json.moderators.or(json.attributed_to),
            featured_url: json.featured,
            outbox_url: json.outbox,
            public_key: json.public_key.public_key_pem.clone(),
            private_key: None,
            created_at: json.published.map_or(at, |p| p.naive_utc()),
            updated_at: at,
            // Rules are not carried over federation.
            rules_source: None,
            rules_html: None,
        };
        let group = data
            .store
            .run(move |conn| {
                write_tx(conn, |conn| {
                    let instance = instances::ensure_remote(conn, &domain)?;
                    if instance.local {
                        return Err(Error::bad_request("a remote actor claims a local id"));
                    }
                    group_rows::upsert_remote(
                        conn,
                        &NewGroup {
                            instance_id: instance.id,
                            ..new
                        },
                    )
                })
            })
            .await?;
        Ok(ApGroup(group))
    }
}

impl Actor for ApGroup {
    fn id(&self) -> Url {
        Url::parse(&self.0.ap_id)
            .unwrap_or_else(|_| Url::parse("invalid:group").expect("static url"))
    }
    fn public_key_pem(&self) -> &str {
        &self.0.public_key
    }
    fn private_key_pem(&self) -> Option<String> {
        self.0.private_key.clone()
    }
    fn inbox(&self) -> Url {
        Url::parse(&self.0.inbox_url).unwrap_or_else(|_| self.id())
    }
    fn shared_inbox(&self) -> Option<Url> {
        self.0
            .shared_inbox_url
            .as_deref()
            .and_then(|u| Url::parse(u).ok())
    }
}

/// A local actor that signs what this server sends: a person, a group or
/// the instance actor. Only ever read from the store, never fetched.
#[derive(Debug, Clone)]
pub struct Signer {
    pub id: Url,
    pub inbox: Url,
    pub public_key: String,
    pub private_key: String,
}

impl Signer {
    /// The local actor with this id, if any.
    pub async fn load(app: &App, ap_id: &str) -> Result<Option<Signer>> {
        let base = app.config.base_url();
        // The reporting actor speaks for the server too, with its key.
        if ap_id == format!("{base}/actor") || ap_id == reporter::actor_id(&base) {
            return Ok(Some(Signer {
                id: parse_url(ap_id)?,
                inbox: parse_url(&format!("{base}/inbox"))?,
                public_key: app.instance.public_key.clone().unwrap_or_default(),
                private_key: app.instance.private_key.clone().unwrap_or_default(),
            }));
        }
        let id = ap_id.to_string();
        let keys = app
            .store
            .run(move |conn| {
                if let Some(p) = people::by_ap_id(conn, &id)? {
                    return Ok(p.private_key.map(|k| (p.inbox_url, p.public_key, k)));
                }
                Ok(group_rows::by_ap_id(conn, &id)?
                    .and_then(|g| g.private_key.map(|k| (g.inbox_url, g.public_key, k))))
            })
            .await?;
        keys.map(|(inbox, public_key, private_key)| {
            Ok(Signer {
                id: parse_url(ap_id)?,
                inbox: parse_url(&inbox)?,
                public_key,
                private_key,
            })
        })
        .transpose()
    }
}

#[async_trait]
impl Object for Signer {
    type DataType = App;
    type Kind = PersonObject;
    type Error = Error;

    async fn read_from_id(id: Url, data: &Data<App>) -> Result<Option<Self>> {
        Signer::load(data.app_data(), id.as_str()).await
    }

    async fn into_json(self, _data: &Data<App>) -> Result<PersonObject> {
        Err(Error::bad_request("a signer is not served as an object"))
    }

    async fn verify(_json: &PersonObject, _expected: &Url, _data: &Data<App>) -> Result<()> {
        Err(Error::bad_request("signers are local only"))
    }

    async fn from_json(_json: PersonObject, _data: &Data<App>) -> Result<Self> {
        Err(Error::bad_request("signers are local only"))
    }
}

impl Actor for Signer {
    fn id(&self) -> Url {
        self.id.clone()
    }
    fn public_key_pem(&self) -> &str {
        &self.public_key
    }
    fn private_key_pem(&self) -> Option<String> {
        Some(self.private_key.clone())
    }
    fn inbox(&self) -> Url {
        self.inbox.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shared_inbox_is_kept_only_on_the_actors_origin() {
        let id = Url::parse("https://a.example/g/cats").expect("url");
        let shared = |s: &str| {
            Some(Endpoints {
                shared_inbox: Some(s.to_string()),
            })
        };
        assert_eq!(
            own_shared_inbox(&id, shared("https://a.example/inbox")).as_deref(),
            Some("https://a.example/inbox")
        );
        for foreign in [
            "https://b.example/inbox",
            "https://a.example:8443/inbox",
            "http://a.example/inbox",
            "not a url",
        ] {
            assert_eq!(own_shared_inbox(&id, shared(foreign)), None, "{foreign}");
        }
        assert_eq!(own_shared_inbox(&id, None), None);
    }
}
