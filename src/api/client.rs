//! The client's address, for the limits per address (logins, sign-ups):
//! the address the connection comes from or, behind a reverse proxy
//! (`limits.trusted_proxy_header` set), the last address in that header,
//! the one the proxy itself added. The header is believed only when
//! configured: without a proxy in front, anyone can send one.

use crate::error::Error;
use crate::App;
use actix_web::{web, FromRequest, HttpRequest};
use std::future::{ready, Ready};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

pub struct ClientAddress(pub IpAddr);

/// The client address of `req` with `trusted_header` ("" for none).
pub fn client_address(req: &HttpRequest, trusted_header: &str) -> IpAddr {
    let forwarded = if trusted_header.is_empty() {
        None
    } else {
        req.headers()
            .get_all(trusted_header)
            .last()
            .and_then(|v| v.to_str().ok())
            .and_then(last_hop)
    };
    // A request that reached us without the proxy's header (or with one we
    // cannot read) counts against the address it came from.
    forwarded
        .or_else(|| req.peer_addr().map(|a| a.ip()))
        .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED))
}

/// The User-Agent a client sent, if readable (kept with its sessions).
pub fn user_agent(req: &HttpRequest) -> Option<String> {
    req.headers()
        .get(actix_web::http::header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

/// The last address of a list like `client, proxy1, proxy2`, with or
/// without a port.
fn last_hop(value: &str) -> Option<IpAddr> {
    let last = value.rsplit(',').next()?.trim();
    last.parse::<IpAddr>()
        .ok()
        .or_else(|| last.parse::<SocketAddr>().ok().map(|a| a.ip()))
}

impl FromRequest for ClientAddress {
    type Error = Error;
    type Future = Ready<Result<Self, Error>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let header = req
            .app_data::<web::Data<App>>()
            .map(|app| app.config.limits.trusted_proxy_header.as_str())
            .unwrap_or("");
        ready(Ok(ClientAddress(client_address(req, header))))
    }
}

#[cfg(test)]
mod tests {
    use super::last_hop;

    #[test]
    fn the_last_hop_is_the_proxys() {
        assert_eq!(
            last_hop("198.51.100.9, 203.0.113.1").map(|a| a.to_string()),
            Some("203.0.113.1".into())
        );
        assert_eq!(
            last_hop("[2001:db8::1]:443").map(|a| a.to_string()),
            Some("2001:db8::1".into())
        );
        assert_eq!(last_hop("unknown"), None);
    }
}
