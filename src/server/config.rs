//! Configuration from the command line and the environment.

/// Settings read once at start.
#[derive(Clone, Debug)]
pub struct Config {
    /// `DATABASE_URL`; defaults to a SQLite file in the working directory.
    pub database_url: String,
    /// `--seed-demo`: fill an empty database with the demo organization.
    pub seed_demo: bool,
    /// `COOKIE_SECURE=1` marks session cookies `Secure` even without an HTTPS proxy header.
    pub cookie_secure: bool,
    /// `TRUST_PROXY=1`: the client's address is the last one in `X-Forwarded-For` (the one the
    /// reverse proxy in front of the app added), not the address of the connection.
    pub trust_proxy: bool,
    /// `HSTS=1`: answer with `Strict-Transport-Security` (for a site served over HTTPS only).
    pub hsts: bool,
    /// Failed sign-ins per account before 429 (`LIMIT_LOGIN_ACCOUNT`, default 10 in 15 minutes).
    pub login_account_limit: Limit,
    /// Failed sign-ins per client address before 429 (`LIMIT_LOGIN_ADDRESS`, default 30 in 15 minutes).
    pub login_address_limit: Limit,
    /// Registrations per client address before 429 (`LIMIT_REGISTER_ADDRESS`, default 20 in 10 minutes).
    pub register_address_limit: Limit,
    /// `SMTP_URL`: where mail is sent (`smtp://user:pass@host:587?tls=required`,
    /// `smtps://user:pass@host:465`, `smtp://host:25`). Without it mail stays in the outbox.
    pub smtp_url: Option<String>,
    /// `MAIL_FROM`: the sender of every mail.
    pub mail_from: String,
    /// `PUBLIC_URL`: the address people open the app at, for the links in mail (default
    /// `http://<LEPTOS_SITE_ADDR>`).
    pub public_url: String,
    /// `WEBHOOK_ALLOW_ADDRESSES`: addresses webhooks may be delivered to although they are not
    /// public (loopback, private networks), comma-separated, e.g. `127.0.0.1,10.0.0.7`.
    pub webhook_allow: Vec<std::net::IpAddr>,
}

/// A rate limit: at most `max` attempts within `minutes`; written `max/minutes`, e.g. `10/15`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limit {
    pub max: i64,
    pub minutes: i64,
}

impl std::str::FromStr for Limit {
    type Err = String;

    fn from_str(s: &str) -> Result<Limit, String> {
        let parse = |n: &str| n.trim().parse::<i64>().ok().filter(|n| (1..=1_000_000).contains(n));
        match s.split_once('/').map(|(max, minutes)| (parse(max), parse(minutes))) {
            Some((Some(max), Some(minutes))) => Ok(Limit { max, minutes }),
            _ => Err(format!("{s:?} is not a limit such as 10/15 (attempts/minutes)")),
        }
    }
}

pub const DEFAULT_DATABASE_URL: &str = "sqlite://too-good-crm.db?mode=rwc";
pub const DEFAULT_MAIL_FROM: &str = "Too Good CRM <noreply@localhost>";

impl Config {
    /// The defaults, on `database_url`.
    pub fn new(database_url: String) -> Config {
        Config {
            database_url,
            seed_demo: false,
            cookie_secure: false,
            trust_proxy: false,
            hsts: false,
            login_account_limit: Limit { max: 10, minutes: 15 },
            login_address_limit: Limit { max: 30, minutes: 15 },
            register_address_limit: Limit { max: 20, minutes: 10 },
            smtp_url: None,
            mail_from: DEFAULT_MAIL_FROM.to_owned(),
            public_url: "http://127.0.0.1:3000".to_owned(),
            webhook_allow: Vec::new(),
        }
    }

    /// Reads `args` (without the program name) and the environment.
    pub fn from_env_and_args(args: impl IntoIterator<Item = String>) -> Result<Config, String> {
        let mut seed_demo = false;
        for arg in args {
            match arg.as_str() {
                "--seed-demo" => seed_demo = true,
                "-h" | "--help" => return Err(USAGE.to_owned()),
                other => return Err(format!("unknown argument {other}\n\n{USAGE}")),
            }
        }
        let env_flag = |name: &str| std::env::var(name).is_ok_and(|v| matches!(v.as_str(), "1" | "true" | "yes"));
        let limit = |name: &str, default: Limit| match std::env::var(name) {
            Ok(v) if !v.is_empty() => v.parse().map_err(|e| format!("{name}: {e}")),
            _ => Ok(default),
        };
        let database_url = std::env::var("DATABASE_URL")
            .ok()
            .filter(|u| !u.is_empty())
            .unwrap_or_else(|| DEFAULT_DATABASE_URL.to_owned());
        let env_text = |name: &str| std::env::var(name).ok().map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
        let defaults = Config::new(database_url);
        Ok(Config {
            seed_demo: seed_demo || env_flag("SEED_DEMO"),
            cookie_secure: env_flag("COOKIE_SECURE"),
            trust_proxy: env_flag("TRUST_PROXY"),
            hsts: env_flag("HSTS"),
            login_account_limit: limit("LIMIT_LOGIN_ACCOUNT", defaults.login_account_limit)?,
            login_address_limit: limit("LIMIT_LOGIN_ADDRESS", defaults.login_address_limit)?,
            register_address_limit: limit("LIMIT_REGISTER_ADDRESS", defaults.register_address_limit)?,
            smtp_url: env_text("SMTP_URL"),
            mail_from: env_text("MAIL_FROM").unwrap_or(defaults.mail_from),
            public_url: env_text("PUBLIC_URL")
                .or_else(|| env_text("LEPTOS_SITE_ADDR").map(|addr| format!("http://{addr}")))
                .unwrap_or(defaults.public_url)
                .trim_end_matches('/')
                .to_owned(),
            webhook_allow: match env_text("WEBHOOK_ALLOW_ADDRESSES") {
                Some(list) => list
                    .split(',')
                    .map(|a| {
                        a.trim().parse().map_err(|_| format!("WEBHOOK_ALLOW_ADDRESSES: {a:?} is not an IP address"))
                    })
                    .collect::<Result<_, _>>()?,
                None => Vec::new(),
            },
            ..defaults
        })
    }
}

pub const USAGE: &str = "usage: too-good-crm [--seed-demo]

environment:
  DATABASE_URL            sqlite://too-good-crm.db?mode=rwc (default) or postgres://user@host/db
  LEPTOS_SITE_ADDR        address to listen on (default 127.0.0.1:3000)
  LEPTOS_SITE_ROOT        folder with the built site assets (default target/site)
  RUST_LOG                log filter, e.g. info or too_good_crm=debug
  LOG_FORMAT              json for JSON log lines
  COOKIE_SECURE           1 to always mark session cookies Secure
  HSTS                    1 to send Strict-Transport-Security (serve over HTTPS only)
  TRUST_PROXY             1 to take the client address from X-Forwarded-For (behind a proxy only)
  LIMIT_LOGIN_ACCOUNT     failed sign-ins per account, attempts/minutes (default 10/15)
  LIMIT_LOGIN_ADDRESS     failed sign-ins per client address (default 30/15)
  LIMIT_REGISTER_ADDRESS  registrations per client address (default 20/10)
  SEED_DEMO               1 to behave as --seed-demo
  SMTP_URL                where mail goes: smtp://user:pass@host:587?tls=required, smtps://user:pass@host,
                          smtp://host:25 (no TLS, no auth); unset: mail stays in the outbox
  MAIL_FROM               sender of every mail (default Too Good CRM <noreply@localhost>)
  PUBLIC_URL              the address of the app in links in mail (default http://<LEPTOS_SITE_ADDR>)
  WEBHOOK_ALLOW_ADDRESSES addresses webhooks may reach although not public, e.g. 127.0.0.1 (default none)";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_read_as_attempts_per_minutes() {
        assert_eq!("5/60".parse(), Ok(Limit { max: 5, minutes: 60 }));
        assert_eq!(" 30 / 15 ".parse(), Ok(Limit { max: 30, minutes: 15 }));
        for bad in ["", "10", "0/15", "10/0", "-1/5", "a/b", "10/15/2"] {
            assert!(bad.parse::<Limit>().is_err(), "{bad}");
        }
    }
}
