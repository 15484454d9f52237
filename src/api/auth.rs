//! `/api/auth/*` and `/api/users/*`: sign-up, sign-in, sign-out, the current user, passwords.

use leptos::prelude::*;
use leptos::server_fn::codec::{GetUrl, Json, PostUrl};

use crate::domain::auth::{LoginResponse, Me, ProfileInput, RegisterInput, SessionsEnded, User};
use crate::error::AppError;

/// How long a browser session lasts without signing in again.
pub const SESSION_DAYS: i64 = 30;

/// Creates a user and their organization (the caller becomes its owner) and signs them in.
/// `next`: where a browser form should land afterwards. Every attempt counts against the
/// client address's registration limit (429 beyond it).
#[server(prefix = "/api", endpoint = "auth/register", input = PostUrl, output = Json)]
pub async fn register(
    #[server(flatten)] input: RegisterInput,
    #[server(default)] next: Option<String>,
) -> Result<LoginResponse, AppError> {
    use crate::server::auth::password;
    use crate::server::repo::{self, attempts};
    let state = ctx::state()?;
    if let Some(address) = ctx::client_address() {
        let mut tx = state.db.write().await?;
        ctx::check_limit(&mut tx, attempts::REGISTER_ADDRESS, &address, state.config.register_address_limit).await?;
        attempts::record(&mut tx, attempts::REGISTER_ADDRESS, &address).await?;
        tx.commit().await?;
    }
    let new = input.validate()?;
    let hash = password::hash(new.password.clone()).await?;
    let mut tx = state.db.write().await?;
    let user_id = repo::users::create(&mut tx, &new.email, &hash, &new.first_name, &new.last_name).await?;
    let org_id = repo::organizations::create(&mut tx, &new.organization_name, user_id).await?;
    let response = start_session(&mut tx, user_id, Some(org_id)).await?;
    tx.commit().await?;
    tracing::info!(user_id, org_id, "registered");
    ctx::redirect_to(next.as_deref());
    Ok(response)
}

/// Signs in with email and password: answers `{token, user}` and sets the session cookie.
/// Too many failures for one account, or from one client address, answer 429 until they age
/// out (limits in the configuration).
#[server(prefix = "/api", endpoint = "auth/login", input = PostUrl, output = Json)]
pub async fn login(
    #[server(default)] email: String,
    #[server(default)] password: String,
    #[server(default)] next: Option<String>,
) -> Result<LoginResponse, AppError> {
    use crate::server::auth::password as pw;
    use crate::server::repo::{self, attempts};
    let state = ctx::state()?;
    let mut c = crate::domain::validate::Check::new();
    let email = c.required("email", Some(&email), 254).to_lowercase();
    if password.is_empty() {
        c.add("password", "is required");
    }
    c.finish(())?;
    // What a failure counts against: the account, and the client's address when known.
    let address = ctx::client_address();
    let limits = [
        Some((attempts::LOGIN_ACCOUNT, email.as_str(), state.config.login_account_limit)),
        address.as_deref().map(|a| (attempts::LOGIN_ADDRESS, a, state.config.login_address_limit)),
    ];
    let mut conn = state.db.read().await?;
    for (kind, subject, limit) in limits.iter().flatten() {
        ctx::check_limit(&mut conn, kind, subject, *limit).await?;
    }
    let found = repo::users::find_by_email(&mut conn, &email).await?;
    drop(conn);
    let (stored, user) = match found {
        Some((user, hash)) => (hash, Some(user)),
        None => (pw::DUMMY_HASH.to_owned(), None),
    };
    let valid = pw::verify(password, stored).await?;
    let mut tx = state.db.write().await?;
    let user = match user {
        Some(user) if valid && user.is_active => user,
        _ => {
            for (kind, subject, _) in limits.iter().flatten() {
                attempts::record(&mut tx, kind, subject).await?;
            }
            tx.commit().await?;
            return Err(AppError::Unauthorized("invalid email or password".into()));
        }
    };
    attempts::clear(&mut tx, attempts::LOGIN_ACCOUNT, &email).await?;
    repo::users::set_last_login(&mut tx, user.id).await?;
    let org_id = repo::organizations::first_for_user(&mut tx, user.id).await?;
    let response = start_session(&mut tx, user.id, org_id).await?;
    tx.commit().await?;
    ctx::redirect_to(next.as_deref());
    Ok(response)
}

/// Ends the current session (or revokes the bearer token used) and clears the cookie.
#[server(prefix = "/api", endpoint = "auth/logout", input = PostUrl, output = Json)]
pub async fn logout(#[server(default)] next: Option<String>) -> Result<(), AppError> {
    use crate::server::{auth::token, repo};
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let mut tx = state.db.write().await?;
    repo::tokens::delete(&mut tx, caller.token_id).await?;
    tx.commit().await?;
    ctx::set_cookie(&token::clear_cookie());
    ctx::redirect_to(next.as_deref());
    Ok(())
}

/// Signs out everywhere: ends every browser session of the caller, the one used for this
/// request included, and clears the cookie. API tokens stay until they are revoked
/// (`/api/tokens/revoke`): they are made on purpose, one per script, and listed.
#[server(prefix = "/api", endpoint = "auth/logout_all", input = PostUrl, output = Json)]
pub async fn logout_all(#[server(default)] next: Option<String>) -> Result<SessionsEnded, AppError> {
    use crate::server::{auth::token, repo};
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let mut tx = state.db.write().await?;
    let ended = repo::tokens::delete_sessions(&mut tx, caller.user_id, None).await?;
    tx.commit().await?;
    tracing::info!(user_id = caller.user_id, ended, "signed out everywhere");
    ctx::set_cookie(&token::clear_cookie());
    ctx::redirect_to(next.as_deref());
    Ok(SessionsEnded { ended })
}

/// The signed-in user, their current organization, role and permissions.
#[server(prefix = "/api", endpoint = "auth/me", input = GetUrl, output = Json)]
pub async fn current_user() -> Result<Me, AppError> {
    let state = ctx::state()?;
    ctx::caller().await?.me(&state.db).await
}

/// Changes the caller's password (the current one is required) and ends their other sessions;
/// the current one, if it is a session, is renewed (a full lifetime from now).
#[server(prefix = "/api", endpoint = "auth/change_password", input = PostUrl, output = Json)]
pub async fn change_password(
    #[server(default)] current_password: String,
    #[server(default)] new_password: String,
) -> Result<(), AppError> {
    use crate::server::{auth::password, repo};
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let mut c = crate::domain::validate::Check::new();
    let new_password = c.password("new_password", Some(&new_password));
    c.finish(())?;
    let mut conn = state.db.read().await?;
    let stored = repo::users::password_hash(&mut conn, caller.user_id).await?;
    drop(conn);
    if !password::verify(current_password, stored).await? {
        return Err(AppError::field("current_password", "is not your current password"));
    }
    let hash = password::hash(new_password).await?;
    let mut tx = state.db.write().await?;
    repo::users::set_password(&mut tx, caller.user_id, &hash).await?;
    repo::tokens::delete_sessions(&mut tx, caller.user_id, Some(caller.token_id)).await?;
    let renewed = repo::tokens::renew_session(&mut tx, caller.token_id, session_expiry()).await?;
    tx.commit().await?;
    if renewed && caller.via_cookie {
        ctx::renew_session_cookie();
    }
    Ok(())
}

/// Asks for a password reset link by email: a single-use link valid one hour. The answer is
/// the same whether or not an account has this address; requests are rate-limited per address
/// asked about and per client (the sign-in limits), beyond them 429.
#[server(prefix = "/api", endpoint = "auth/forgot_password", input = PostUrl, output = Json)]
pub async fn forgot_password(
    #[server(default)] email: String,
    #[server(default)] next: Option<String>,
) -> Result<(), AppError> {
    use crate::domain::mail::Mail;
    use crate::server::repo::{self, attempts};
    use crate::server::{auth::token, jobs};
    let state = ctx::state()?;
    let mut c = crate::domain::validate::Check::new();
    let email = c.email("email", Some(&email)).unwrap_or_default();
    if email.is_empty() {
        c.add("email", "is required");
    }
    c.finish(())?;
    let address = ctx::client_address();
    let limits = [
        Some((attempts::RESET_ACCOUNT, email.as_str(), state.config.login_account_limit)),
        address.as_deref().map(|a| (attempts::RESET_ADDRESS, a, state.config.login_address_limit)),
    ];
    let mut tx = state.db.write().await?;
    for (kind, subject, limit) in limits.iter().flatten() {
        ctx::check_limit(&mut tx, kind, subject, *limit).await?;
        attempts::record(&mut tx, kind, subject).await?;
    }
    if let Some((user, _)) = repo::users::find_by_email(&mut tx, &email).await?.filter(|(u, _)| u.is_active) {
        let raw = token::generate();
        let expires = repo::now() + chrono::Duration::hours(1);
        repo::password_resets::create(&mut tx, user.id, &token::hash(&raw), expires).await?;
        let link = format!("{}/reset-password?token={raw}", state.config.public_url);
        let mut mail = Mail::new(
            &user.email,
            Some(&user.full_name()),
            "Reset your Too Good CRM password",
            &[
                &format!("Hello {},", user.first_name),
                &format!("Someone (we hope you) asked to reset the password of {}. The link below sets a new one; it works once, within an hour.", user.email),
                "If it was not you, ignore this mail: your password stays as it is.",
            ],
            Some(("Choose a new password", &link)),
        );
        mail.secret = true;
        let org_id = repo::organizations::first_for_user(&mut tx, user.id).await?;
        jobs::queue_mail(&mut tx, &state.config, org_id, mail).await?;
    }
    tx.commit().await?;
    ctx::redirect_to(next.as_deref());
    Ok(())
}

/// Sets a new password with the token of a reset link, which is then used up, and ends every
/// session of that user (they sign in again with the new password). An expired, used or
/// unknown token is a 422 on `token`.
#[server(prefix = "/api", endpoint = "auth/reset_password", input = PostUrl, output = Json)]
pub async fn reset_password(
    #[server(default)] token: String,
    #[server(default)] new_password: String,
    #[server(default)] next: Option<String>,
) -> Result<(), AppError> {
    use crate::server::{auth::password, auth::token as tokens, repo};
    let state = ctx::state()?;
    let mut c = crate::domain::validate::Check::new();
    let new_password = c.password("new_password", Some(&new_password));
    if token.trim().is_empty() {
        c.add("token", "is required: open the link from the mail");
    }
    c.finish(())?;
    let hash = password::hash(new_password).await?;
    let mut tx = state.db.write().await?;
    let Some(user_id) = repo::password_resets::take(&mut tx, &tokens::hash(token.trim())).await? else {
        return Err(AppError::field("token", "this link has expired or was already used: ask for a new one"));
    };
    repo::users::set_password(&mut tx, user_id, &hash).await?;
    let ended = repo::tokens::delete_sessions(&mut tx, user_id, None).await?;
    tx.commit().await?;
    tracing::info!(user_id, ended, "password reset by email link");
    ctx::redirect_to(next.as_deref());
    Ok(())
}

/// Edits the caller's own profile; fields not sent stay as they are.
#[server(prefix = "/api", endpoint = "users/update_profile", input = PostUrl, output = Json)]
pub async fn update_profile(#[server(flatten)] input: ProfileInput) -> Result<User, AppError> {
    use crate::server::repo;
    let state = ctx::state()?;
    let caller = ctx::caller().await?;
    let patch = input.validate()?;
    crate::server::clock::Zone::check(patch.time_zone.as_deref())?;
    let mut tx = state.db.write().await?;
    let user = repo::users::update_profile(&mut tx, caller.user_id, patch).await?;
    tx.commit().await?;
    Ok(user)
}

#[cfg(feature = "ssr")]
use crate::api::ctx;

/// When a session started (or renewed) now ends.
#[cfg(feature = "ssr")]
fn session_expiry() -> chrono::DateTime<chrono::Utc> {
    crate::server::repo::now() + chrono::Duration::days(SESSION_DAYS)
}

/// Creates a browser session for a user (always a new token: sign-in never reuses one)
/// and sets its cookie. Returns the token for bearer use.
#[cfg(feature = "ssr")]
pub(crate) async fn start_session(
    tx: &mut crate::server::db::Conn,
    user_id: i64,
    org_id: Option<i64>,
) -> Result<LoginResponse, AppError> {
    use crate::server::{auth::token, repo};
    let raw = token::generate();
    repo::tokens::create(
        tx,
        user_id,
        org_id,
        repo::tokens::KIND_SESSION,
        "browser session",
        &token::hash(&raw),
        &token::display_prefix(&raw),
        Some(session_expiry()),
    )
    .await?;
    let user = repo::users::get(tx, user_id).await?;
    ctx::set_cookie(&ctx::session_cookie(&raw));
    Ok(LoginResponse { token: raw, user })
}

#[cfg(feature = "ssr")]
include!(concat!(env!("OUT_DIR"), "/openapi/auth.rs"));
