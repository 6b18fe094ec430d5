//! Who the client is, by address: the peer of the TCP connection, or — only when that peer is
//! a configured trusted proxy — the address the proxy forwarded in `X-Forwarded-For`. Without
//! trusted proxies the header is ignored, so a client cannot pose as another address (and
//! dodge the login throttle or fake the audit trail) by sending it.
//!
//! In `X-Forwarded-For: client, proxy1, proxy2` each proxy appends the address it received the
//! request from; only the entries added by proxies we trust can be believed. So the list is
//! read from the right, skipping trusted proxies: the first address that is not one is the
//! client. An entry that is not an address ends the walk at the last trusted hop.

use std::net::IpAddr;
use std::sync::Arc;

/// Trusted proxies: addresses or CIDR ranges (`10.0.0.0/8`, `::1`). Cheap to clone.
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(Arc<[(IpAddr, u8)]>);

/// An IPv4-mapped IPv6 address (`::ffff:10.0.0.1`) as the IPv4 address it is.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        IpAddr::V4(_) => ip,
    }
}

impl TrustedProxies {
    /// Parses `ADDR` or `ADDR/PREFIX` entries.
    ///
    /// # Errors
    /// The first entry that is neither, with the reason.
    pub fn parse<S: AsRef<str>>(entries: &[S]) -> Result<Self, String> {
        let mut ranges = Vec::with_capacity(entries.len());
        for entry in entries {
            let entry = entry.as_ref().trim();
            if entry.is_empty() {
                continue;
            }
            let (address, prefix) = match entry.split_once('/') {
                Some((address, prefix)) => (address, Some(prefix)),
                None => (entry, None),
            };
            let ip: IpAddr = address
                .parse()
                .map_err(|_| format!("`{entry}` is not an IP address or a CIDR range"))?;
            let ip = canonical(ip);
            let bits = if ip.is_ipv4() { 32 } else { 128 };
            let prefix = match prefix {
                None => bits,
                Some(p) => p
                    .parse::<u8>()
                    .ok()
                    .filter(|p| *p <= bits)
                    .ok_or_else(|| format!("`{entry}`: the prefix must be 0 to {bits}"))?,
            };
            ranges.push((ip, prefix));
        }
        Ok(Self(ranges.into()))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether `ip` is one of the trusted proxies.
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        self.0.iter().any(|&(net, prefix)| match (net, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX.checked_shl(32 - u32::from(prefix)).unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX.checked_shl(128 - u32::from(prefix)).unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        })
    }
}

/// One `X-Forwarded-For` entry: an address, maybe with a port (`1.2.3.4:5678`, `[::1]:80`).
fn entry_address(entry: &str) -> Option<IpAddr> {
    let entry = entry.trim();
    if let Ok(ip) = entry.parse::<IpAddr>() {
        return Some(canonical(ip));
    }
    if let Ok(socket) = entry.parse::<std::net::SocketAddr>() {
        return Some(canonical(socket.ip()));
    }
    None
}

/// The client's address: `peer`, unless `peer` is a trusted proxy and `forwarded_for` (every
/// `X-Forwarded-For` header's value, in order) names the client.
pub fn client_address(peer: IpAddr, forwarded_for: &[&str], trusted: &TrustedProxies) -> IpAddr {
    let mut client = canonical(peer);
    if trusted.is_empty() || !trusted.contains(client) {
        return client;
    }
    let entries: Vec<&str> = forwarded_for
        .iter()
        .flat_map(|value| value.split(','))
        .collect();
    for entry in entries.iter().rev() {
        let Some(ip) = entry_address(entry) else {
            break;
        };
        client = ip;
        if !trusted.contains(ip) {
            break;
        }
    }
    client
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn trusted(list: &[&str]) -> TrustedProxies {
        TrustedProxies::parse(list).unwrap()
    }

    #[test]
    fn without_trusted_proxies_the_header_is_ignored() {
        let none = TrustedProxies::default();
        assert_eq!(
            client_address(ip("10.0.0.9"), &["203.0.113.7"], &none),
            ip("10.0.0.9")
        );
        // A peer that is not trusted cannot forward either.
        assert_eq!(
            client_address(
                ip("198.51.100.1"),
                &["203.0.113.7"],
                &trusted(&["10.0.0.0/8"])
            ),
            ip("198.51.100.1")
        );
    }

    #[test]
    fn the_rightmost_address_that_is_not_a_trusted_proxy_is_the_client() {
        let t = trusted(&["10.0.0.0/8", "192.0.2.1"]);
        // The client sent a forged first entry; the proxies appended the real hops.
        assert_eq!(
            client_address(ip("10.1.2.3"), &["1.1.1.1, 203.0.113.7, 192.0.2.1"], &t),
            ip("203.0.113.7")
        );
        // Several headers count as one list, in order.
        assert_eq!(
            client_address(ip("10.1.2.3"), &["1.1.1.1", "203.0.113.8"], &t),
            ip("203.0.113.8")
        );
        // Every entry trusted: the leftmost is the client.
        assert_eq!(
            client_address(ip("10.1.2.3"), &["10.9.9.9, 192.0.2.1"], &t),
            ip("10.9.9.9")
        );
        // No header: the proxy itself.
        assert_eq!(client_address(ip("10.1.2.3"), &[], &t), ip("10.1.2.3"));
    }

    #[test]
    fn garbage_stops_at_the_last_trusted_hop_and_ports_and_ipv6_are_understood() {
        let t = trusted(&["127.0.0.1", "::1", "fd00::/8"]);
        assert_eq!(
            client_address(ip("127.0.0.1"), &["203.0.113.7, not-an-address"], &t),
            ip("127.0.0.1")
        );
        assert_eq!(
            client_address(ip("::1"), &["[2001:db8::7]:4711"], &t),
            ip("2001:db8::7")
        );
        assert_eq!(
            client_address(ip("fd12::1"), &["203.0.113.7:5555"], &t),
            ip("203.0.113.7")
        );
        // An IPv4-mapped peer matches an IPv4 entry.
        assert_eq!(
            client_address(ip("::ffff:127.0.0.1"), &["203.0.113.9"], &t),
            ip("203.0.113.9")
        );
    }

    #[test]
    fn ranges_parse_and_match() {
        let t = trusted(&["10.0.0.0/8", "2001:db8::/32", " 192.0.2.1 ", "0.0.0.0/0"]);
        assert!(t.contains(ip("10.255.0.1")));
        assert!(t.contains(ip("2001:db8:1::1")));
        assert!(!t.contains(ip("2001:db9::1")));
        assert!(
            t.contains(ip("8.8.8.8")),
            "0.0.0.0/0 trusts every IPv4 address"
        );
        let narrow = trusted(&["10.0.0.0/8"]);
        assert!(!narrow.contains(ip("11.0.0.1")));
        assert!(TrustedProxies::parse(&["10.0.0.0/33"]).is_err());
        assert!(TrustedProxies::parse(&["proxy.example"]).is_err());
        assert!(TrustedProxies::parse(&["::1/129"]).is_err());
    }
}
