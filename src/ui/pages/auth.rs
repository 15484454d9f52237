//! Sign in, sign up, forgot password (a reset link by mail) and the page that link opens, and
//! the page of an invitation link.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use crate::api::auth::{ForgotPassword, Login, Register, ResetPassword};
use crate::api::invitations::{preview_invitation, AcceptInvitation};
use crate::ui::components::form::FormErrors;
use crate::ui::components::{ApiForm, Field, FormAction};
use crate::ui::layout::{AuthCard, SignedIn};

#[component]
pub fn LoginPage() -> impl IntoView {
    let login = FormAction::<Login>::new();
    let error = login.error();
    view! {
        <Title text="Sign in" />
        <AuthCard title="Sign in">
            {query_flag("reset").then(|| view! {
                <div class="callout callout-info" role="status">"Your password was changed: sign in with the new one."</div>
            })}
            <ApiForm action=login>
                <input type="hidden" name="next" value="/" />
                <FormErrors error />
                <Field label="Email" name="email" kind="email" required=true autocomplete="username" error />
                <Field label="Password" name="password" kind="password" required=true autocomplete="current-password" error />
                <button type="submit" class="button primary wide">"Sign in"</button>
            </ApiForm>
            <p class="auth-links">
                <A href="/forgot-password">"Forgot your password?"</A>
                " · "
                <A href="/signup">"Create an account"</A>
            </p>
        </AuthCard>
    }
}

#[component]
pub fn SignupPage() -> impl IntoView {
    let register = FormAction::<Register>::new();
    let error = register.error();
    view! {
        <Title text="Sign up" />
        <AuthCard title="Create your account">
            <ApiForm action=register>
                <input type="hidden" name="next" value="/" />
                <FormErrors error />
                <div class="field-row">
                    <Field label="First name" name="first_name" required=true autocomplete="given-name" error />
                    <Field label="Last name" name="last_name" autocomplete="family-name" error />
                </div>
                <Field label="Email" name="email" kind="email" required=true autocomplete="email" error />
                <Field label="Password (8+ characters)" name="password" kind="password" required=true autocomplete="new-password" error />
                <Field label="Organization name" name="organization_name" required=true autocomplete="organization" error />
                <button type="submit" class="button primary wide">
                    "Create account"
                </button>
            </ApiForm>
            <p class="auth-links">"Already have an account? " <A href="/login">"Sign in"</A></p>
        </AuthCard>
    }
}

/// The value of `?<name>` in the page's address.
fn query_value(name: &'static str) -> Option<String> {
    use_query_map().with_untracked(|q| q.get(name))
}

/// `?<name>` of the address is present (a flag such as `?sent=1`).
fn query_flag(name: &'static str) -> bool {
    query_value(name).is_some()
}

#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let forgot = FormAction::<ForgotPassword>::new();
    let error = forgot.error();
    view! {
        <Title text="Forgot password" />
        <AuthCard title="Forgot your password?">
            {query_flag("sent").then(|| view! {
                <div class="callout callout-info" role="status">
                    "If an account has that address, a link to choose a new password is on its way. It works once, within an hour."
                </div>
            })}
            <p>"Type the email address you sign in with: we send you a link to choose a new password."</p>
            <ApiForm action=forgot>
                <input type="hidden" name="next" value="/forgot-password?sent=1" />
                <FormErrors error />
                <Field label="Email" name="email" kind="email" required=true autocomplete="username" error />
                <button type="submit" class="button primary wide">"Send me a link"</button>
            </ApiForm>
            <p class="auth-links"><A href="/login">"Back to sign in"</A></p>
        </AuthCard>
    }
}

/// `/reset-password?token=…`: the page the reset mail links to.
#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let reset = FormAction::<ResetPassword>::new();
    let error = reset.error();
    let token = query_value("token").unwrap_or_default();
    view! {
        <Title text="Choose a new password" />
        <AuthCard title="Choose a new password">
            <ApiForm action=reset>
                <input type="hidden" name="next" value="/login?reset=1" />
                <input type="hidden" name="token" value=token />
                <FormErrors error />
                <p class="field-error">{move || error.with(|e| e.as_ref().and_then(|e| e.field_error("token")))}</p>
                <Field label="New password (8+ characters)" name="new_password" kind="password" required=true autocomplete="new-password" error />
                <button type="submit" class="button primary wide">"Set the new password"</button>
            </ApiForm>
            <p class="auth-links"><A href="/forgot-password">"Ask for a new link"</A>" · "<A href="/login">"Sign in"</A></p>
        </AuthCard>
    }
}

/// `/invite?token=…`: the page an invitation mail links to. A new address chooses a name and a
/// password; an address with an account accepts with one click once signed in as it.
#[component]
pub fn InvitePage() -> impl IntoView {
    let accept = FormAction::<AcceptInvitation>::new();
    let error = accept.error();
    let token = query_value("token").unwrap_or_default();
    let signed_in_as = use_context::<SignedIn>().and_then(|SignedIn(me)| me.ok()).map(|me| me.user.email);
    let preview = Resource::new_blocking(
        {
            let token = token.clone();
            move || token.clone()
        },
        preview_invitation,
    );
    view! {
        <Title text="Invitation" />
        <AuthCard title="Join an organization">
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || {
                    let signed_in_as = signed_in_as.clone();
                    let token = token.clone();
                    Suspend::new(async move {
                        match preview.await {
                            Err(err) => view! {
                                <div class="callout callout-error" role="alert">
                                    {err.field_error("token").unwrap_or_else(|| err.to_string())}
                                </div>
                                <p>"Ask whoever invited you to send the invitation again."</p>
                            }.into_any(),
                            Ok(invite) => {
                                let intro = format!("You are invited to {} as {}.", invite.organization_name, invite.role_name);
                                let form = if !invite.has_account {
                                    view! {
                                        <ApiForm action=accept>
                                            <input type="hidden" name="token" value=token />
                                            <input type="hidden" name="next" value="/" />
                                            <FormErrors error />
                                            <p>"Your account: " <strong>{invite.email.clone()}</strong></p>
                                            <div class="field-row">
                                                <Field label="First name" name="first_name" required=true autocomplete="given-name" error />
                                                <Field label="Last name" name="last_name" autocomplete="family-name" error />
                                            </div>
                                            <Field label="Password (8+ characters)" name="password" kind="password" required=true autocomplete="new-password" error />
                                            <button type="submit" class="button primary wide">"Join"</button>
                                        </ApiForm>
                                    }.into_any()
                                } else if signed_in_as.as_deref() == Some(invite.email.as_str()) {
                                    view! {
                                        <ApiForm action=accept>
                                            <input type="hidden" name="token" value=token />
                                            <input type="hidden" name="next" value="/" />
                                            <FormErrors error />
                                            <button type="submit" class="button primary wide">"Accept and join"</button>
                                        </ApiForm>
                                    }.into_any()
                                } else {
                                    view! {
                                        <p>
                                            {format!("{} already has an account: sign in as it, then open the link in the mail again.", invite.email)}
                                        </p>
                                        <p class="auth-links"><A href="/login">"Sign in"</A></p>
                                    }.into_any()
                                };
                                view! { <p>{intro}</p> {form} }.into_any()
                            }
                        }
                    })
                }}
            </Suspense>
        </AuthCard>
    }
}
