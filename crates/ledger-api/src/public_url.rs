//! The server's public address: the only base the public page and the Atom feed build
//! absolute links with (`ledger serve --public-url`).
//!
//! It comes from the operator, or (in `ledger demo`) from the address the server listens
//! on; without one, the feed links relatively and the page shows a placeholder. This
//! module must never take an address from a request (`Host`, `X-Forwarded-*`,
//! `Forwarded`): a client could then make the page send auditors to its own server, and
//! a cache in front would keep that page for everybody.

use std::fmt;
use std::net::SocketAddr;
use std::str::FromStr;
use std::sync::OnceLock;

/// Longest public URL accepted, in bytes.
const MAX_LEN: usize = 200;

/// An absolute `http` or `https` URL without query or fragment, e.g.
/// `https://ledger.example.be` or `https://example.be/ledger` (no trailing `/`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublicUrl(String);

impl PublicUrl {
    /// The URL of a server listening on `addr` (`http://127.0.0.1:8080`).
    pub fn listening_on(addr: SocketAddr) -> PublicUrl {
        PublicUrl(format!("http://{addr}"))
    }

    /// The URL, without a trailing `/`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PublicUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for PublicUrl {
    type Err = String;

    /// Accepts `http://HOST[:PORT][/PATH]` and `https://...`; refuses anything that could
    /// break out of an HTML attribute or a shell command on the page (quotes, spaces,
    /// angle brackets, backslashes, control characters), a query or a fragment.
    fn from_str(text: &str) -> Result<PublicUrl, String> {
        let refuse = |why: &str| Err(format!("the public URL {text:?} {why}"));
        if text.len() > MAX_LEN {
            return refuse(&format!("is longer than {MAX_LEN} bytes"));
        }
        let Some(rest) = text
            .strip_prefix("https://")
            .or_else(|| text.strip_prefix("http://"))
        else {
            return refuse("must start with http:// or https://");
        };
        if let Some(bad) = text.chars().find(|c| {
            !c.is_ascii_graphic() || matches!(c, '"' | '\'' | '<' | '>' | '\\' | '`' | '{' | '}')
        }) {
            return refuse(&format!("may not hold {bad:?}"));
        }
        if text.contains(['?', '#']) {
            return refuse("may not have a query or a fragment");
        }
        let host = rest.split('/').next().unwrap_or_default();
        if host.is_empty() || host.contains('@') {
            return refuse("must name a host (and no user)");
        }
        Ok(PublicUrl(text.trim_end_matches('/').to_owned()))
    }
}

/// The public URL as every worker of one server sees it. `ledger demo` learns its
/// address only once the socket is bound, so it is set once, after the bind.
#[derive(Debug, Default)]
pub struct PublicBase(OnceLock<PublicUrl>);

impl PublicBase {
    /// A base that is `url` (or none).
    pub fn new(url: Option<PublicUrl>) -> PublicBase {
        let base = PublicBase::default();
        if let Some(url) = url {
            base.set_if_unset(url);
        }
        base
    }

    /// Sets the URL unless one is set already (the operator's wins).
    pub fn set_if_unset(&self, url: PublicUrl) {
        let _ = self.0.set(url);
    }

    /// The URL, if known.
    pub fn get(&self) -> Option<&PublicUrl> {
        self.0.get()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_and_https_urls_are_accepted_without_their_trailing_slash() {
        let url: PublicUrl = "https://ledger.example.be/".parse().unwrap();
        assert_eq!(url.as_str(), "https://ledger.example.be");
        let url: PublicUrl = "http://127.0.0.1:8080/ledger".parse().unwrap();
        assert_eq!(url.as_str(), "http://127.0.0.1:8080/ledger");
    }

    #[test]
    fn urls_that_could_carry_script_or_break_markup_are_refused() {
        for bad in [
            "javascript:alert(1)//",
            "ftp://example.be",
            "https://",
            "https://ex ample.be",
            "https://example.be/\"><script>",
            "https://example.be/?a=1",
            "https://example.be/#x",
            "https://user@evil.example",
            "https://example.be/\u{1b}",
        ] {
            assert!(bad.parse::<PublicUrl>().is_err(), "{bad} was accepted");
        }
        assert!(format!("https://{}", "a".repeat(300))
            .parse::<PublicUrl>()
            .is_err());
    }

    #[test]
    fn the_operators_url_wins_over_the_listening_address() {
        let base = PublicBase::new(Some("https://ledger.example.be".parse().unwrap()));
        base.set_if_unset(PublicUrl::listening_on(([127, 0, 0, 1], 8080).into()));
        assert_eq!(base.get().unwrap().as_str(), "https://ledger.example.be");
        let base = PublicBase::new(None);
        assert!(base.get().is_none());
        base.set_if_unset(PublicUrl::listening_on(([127, 0, 0, 1], 8080).into()));
        assert_eq!(base.get().unwrap().as_str(), "http://127.0.0.1:8080");
    }
}
