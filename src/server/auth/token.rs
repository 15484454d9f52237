//! Opaque bearer secrets: 32 random bytes, hex-encoded, stored only as a SHA-256 hash.

use rand::RngCore;
use sha2::{Digest, Sha256};

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "tgc_session";
/// Prefix of every token, so leaked ones are easy to recognise.
const TOKEN_PREFIX: &str = "tgc_";

/// A new random token.
pub fn generate() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    format!("{TOKEN_PREFIX}{}", hex::encode(bytes))
}

/// The stored form of a token.
pub fn hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// The first characters of a token, shown in token lists.
pub fn display_prefix(token: &str) -> String {
    token.chars().take(TOKEN_PREFIX.len() + 6).collect()
}

/// The token sent with a request: `Authorization: Bearer <token>` first, else the session cookie.
/// Returns the token and whether it came from the cookie.
pub fn from_headers(headers: &http::HeaderMap) -> Option<(String, bool)> {
    if let Some(auth) = headers.get(http::header::AUTHORIZATION).and_then(|v| v.to_str().ok()) {
        let (scheme, token) = auth.trim().split_once(' ')?;
        return scheme.eq_ignore_ascii_case("bearer").then(|| (token.trim().to_owned(), false));
    }
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| (value.to_owned(), true))
}

/// `Set-Cookie` value that stores a session.
pub fn session_cookie(token: &str, secure: bool, max_age_secs: i64) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{secure}")
}

/// `Set-Cookie` value that removes the session cookie.
pub fn clear_cookie() -> String {
    format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_hashes_are_stable() {
        let (a, b) = (generate(), generate());
        assert_ne!(a, b);
        assert_eq!(a.len(), 4 + 64);
        assert_eq!(hash(&a), hash(&a));
        assert_ne!(hash(&a), hash(&b));
    }

    #[test]
    fn the_bearer_header_wins_over_the_cookie() {
        let mut h = http::HeaderMap::new();
        h.insert(http::header::COOKIE, "x=1; tgc_session=fromcookie".parse().unwrap());
        assert_eq!(from_headers(&h), Some(("fromcookie".into(), true)));
        h.insert(http::header::AUTHORIZATION, "Bearer fromheader".parse().unwrap());
        assert_eq!(from_headers(&h), Some(("fromheader".into(), false)));
    }

    #[test]
    fn session_cookies_are_http_only_and_same_site() {
        let c = session_cookie("t", true, 60);
        assert!(c.contains("HttpOnly") && c.contains("SameSite=Lax") && c.ends_with("Secure"));
    }
}
