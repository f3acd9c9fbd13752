//! Finding a remote person or group by handle (`@name@host`, through
//! WebFinger) or by URL, fetching it with a signed request and storing it.

use super::actors::{authority, AnyActor};
use crate::community::names::split_handle;
use crate::error::{Error, ErrorKind, Result};
use crate::App;
use activitypub_federation::config::Data;
use activitypub_federation::fetch::object_id::ObjectId;
use activitypub_federation::fetch::webfinger::webfinger_resolve_actor;
use either::Either;

/// What a query resolved to: a handle that the rest of the API accepts
/// (`name` here, `name@host` elsewhere), and whether it is a group.
pub struct Resolved {
    pub handle: String,
    pub is_group: bool,
}

pub async fn resolve(data: &Data<App>, query: &str) -> Result<Resolved> {
    let query = query.trim();
    let domain = data.config.domain();
    let actor: AnyActor = if query.starts_with("https://") || query.starts_with("http://") {
        let url = url::Url::parse(query).map_err(|_| Error::bad_request("not a URL"))?;
        ObjectId::<AnyActor>::from(url).dereference(data).await?
    } else {
        let (name, host) = split_handle(query);
        let Some(host) = host else {
            return Err(Error::bad_request("use @name@host or a URL"));
        };
        if host.eq_ignore_ascii_case(&domain) {
            return local(data.app_data(), name).await;
        }
        webfinger_resolve_actor::<App, AnyActor>(&format!("{name}@{host}"), data)
            .await
            .map_err(|err: Error| {
                // A server that answers WebFinger with an error page (rather
                // than an empty 404) still means: nobody by that name there.
                if err.kind == ErrorKind::BadRequest {
                    Error::not_found(format!("no one named {name:?} at {host}"))
                } else {
                    err
                }
            })?
    };
    let (name, local, ap_id, is_group) = match &actor {
        Either::Left(p) => (p.0.name.clone(), p.0.local, p.0.ap_id.clone(), false),
        Either::Right(g) => (g.0.name.clone(), g.0.local, g.0.ap_id.clone(), true),
    };
    let handle = if local {
        name
    } else {
        let url = url::Url::parse(&ap_id).map_err(|e| Error::internal("stored id", e))?;
        format!("{name}@{}", authority(&url))
    };
    Ok(Resolved { handle, is_group })
}

async fn local(app: &App, name: &str) -> Result<Resolved> {
    match crate::community::public::local_actor(app, name).await? {
        Some(crate::community::public::LocalActor::Person(p)) => Ok(Resolved {
            handle: p.name,
            is_group: false,
        }),
        Some(crate::community::public::LocalActor::Group(g)) => Ok(Resolved {
            handle: g.name,
            is_group: true,
        }),
        None => Err(Error::not_found(format!("no one named {name:?} here"))),
    }
}
