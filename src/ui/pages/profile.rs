//! The signed-in user's profile and password.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::auth::{ChangePassword, UpdateProfile};
use crate::api::tokens::{list_tokens, RevokeToken};
use crate::domain::auth::REMINDER_CHOICES;
use crate::ui::components::form::FormErrors;
use crate::ui::components::{time, ApiForm, ErrorBox, Field, FormAction, SelectField};
use crate::ui::layout::use_me;

#[component]
pub fn ProfilePage() -> impl IntoView {
    let me = use_me();
    let update = FormAction::<UpdateProfile>::new();
    let update_error = update.error();
    let password = FormAction::<ChangePassword>::new();
    let password_error = password.error();
    let user = me.user;
    let mut minutes: Vec<i64> = REMINDER_CHOICES.iter().copied().chain(user.reminder_minutes).collect();
    minutes.sort_unstable();
    minutes.dedup();
    let reminder_options = std::iter::once(("off".to_owned(), "Off".to_owned()))
        .chain(minutes.into_iter().map(|m| (m.to_string(), reminder_label(m))))
        .collect::<Vec<_>>();
    let reminder = user.reminder_minutes.map_or_else(|| "off".to_owned(), |m| m.to_string());
    view! {
        <Title text="Profile" />
        <div class="page-header"><h1>"Your profile"</h1><p class="muted">{user.email.clone()}</p></div>
        <section class="card">
            <h2>"Details"</h2>
            <ApiForm action=update>
                <FormErrors error=update_error />
                <div class="form-grid">
                    <Field label="First name" name="first_name" value=user.first_name.clone() required=true error=update_error />
                    <Field label="Last name" name="last_name" value=user.last_name.clone() error=update_error />
                    <Field label="Phone" name="phone" kind="tel" value=user.phone.clone().unwrap_or_default() error=update_error />
                    <Field label="Time zone" name="time_zone" value=user.time_zone.clone() error=update_error />
                    <Field label="Avatar URL" name="avatar_url" kind="url" value=user.avatar_url.clone().unwrap_or_default() error=update_error />
                    <SelectField label="Email reminders of my calls and meetings (tasks: at 8:00 on the day)"
                        name="reminder_minutes" options=reminder_options value=reminder error=update_error />
                </div>
                <button type="submit" class="button primary">"Save profile"</button>
            </ApiForm>
        </section>
        <section class="card">
            <h2>"Change password"</h2>
            <ApiForm action=password>
                <FormErrors error=password_error />
                <div class="form-grid">
                    <Field label="Current password" name="current_password" kind="password" required=true autocomplete="current-password" error=password_error />
                    <Field label="New password (8+ characters)" name="new_password" kind="password" required=true autocomplete="new-password" error=password_error />
                </div>
                <button type="submit" class="button primary">"Change password"</button>
            </ApiForm>
        </section>
        <ApiTokens />
        <section class="card">
            <h2>"Sessions"</h2>
            <p>"Signs you out in every browser and app, this one included. API tokens keep working until they are revoked."</p>
            <form method="post" action="/api/auth/logout_all">
                <input type="hidden" name="next" value="/login" />
                <button type="submit" class="button danger">"Sign out everywhere"</button>
            </form>
        </section>
    }
}

/// "15 minutes before", "1 hour before", "at the start".
fn reminder_label(minutes: i64) -> String {
    match minutes {
        0 => "When it starts".to_owned(),
        m if m % 60 == 0 && m >= 60 => match m / 60 {
            1 => "1 hour before".to_owned(),
            24 => "1 day before".to_owned(),
            h => format!("{h} hours before"),
        },
        1 => "1 minute before".to_owned(),
        m => format!("{m} minutes before"),
    }
}

/// The user's API tokens (made with `POST /api/tokens/create`), each with its revoke button.
#[component]
fn ApiTokens() -> impl IntoView {
    let tokens = Resource::new(|| (), |_| list_tokens());
    let revoke = FormAction::<RevokeToken>::new();
    let error = revoke.error();
    view! {
        <section class="card">
            <h2>"API tokens"</h2>
            <p class="muted">"For scripts and apps: " <code>"POST /api/tokens/create"</code> " makes one (see the API in the README)."</p>
            <FormErrors error />
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match tokens.await {
                        Ok(list) if list.is_empty() => view! { <p class="muted">"No API tokens."</p> }.into_any(),
                        Ok(list) => view! {
                            <ul class="plain-list">
                                {list.into_iter().map(|t| view! {
                                    <li class="row-between">
                                        <span>
                                            <strong>{t.name}</strong>" · "<code>{format!("{}…", t.prefix)}</code>
                                            <span class="muted">
                                                {format!(" · made {}", time::date(t.created_at))}
                                                {t.last_used_at.map(|at| format!(" · last used {}", time::date_time(at)))}
                                                {t.expires_at.map(|at| format!(" · expires {}", time::date(at)))}
                                            </span>
                                        </span>
                                        <ApiForm action=revoke>
                                            <input type="hidden" name="id" value=t.id />
                                            <button type="submit" class="button danger">"Revoke"</button>
                                        </ApiForm>
                                    </li>
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(err) => view! { <ErrorBox err /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}
