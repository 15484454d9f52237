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
}

pub const DEFAULT_DATABASE_URL: &str = "sqlite://too-good-crm.db?mode=rwc";

impl Config {
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
        Ok(Config {
            database_url: std::env::var("DATABASE_URL")
                .ok()
                .filter(|u| !u.is_empty())
                .unwrap_or_else(|| DEFAULT_DATABASE_URL.to_owned()),
            seed_demo: seed_demo || env_flag("SEED_DEMO"),
            cookie_secure: env_flag("COOKIE_SECURE"),
        })
    }
}

pub const USAGE: &str = "usage: too-good-crm [--seed-demo]

environment:
  DATABASE_URL       sqlite://too-good-crm.db?mode=rwc (default) or postgres://user@host/db
  LEPTOS_SITE_ADDR   address to listen on (default 127.0.0.1:3000)
  LEPTOS_SITE_ROOT   folder with the built site assets (default target/site)
  RUST_LOG           log filter, e.g. info or too_good_crm=debug
  LOG_FORMAT         json for JSON log lines
  COOKIE_SECURE      1 to always mark session cookies Secure
  SEED_DEMO          1 to behave as --seed-demo";
