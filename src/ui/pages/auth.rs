//! Sign in, sign up, forgot password.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use crate::api::auth::{Login, Register};
use crate::ui::components::form::FormErrors;
use crate::ui::components::{ApiForm, Field, FormAction};
use crate::ui::layout::AuthCard;

#[component]
pub fn LoginPage() -> impl IntoView {
    let login = FormAction::<Login>::new();
    let error = login.error();
    view! {
        <Title text="Sign in" />
        <AuthCard title="Sign in">
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

#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    view! {
        <Title text="Forgot password" />
        <AuthCard title="Forgot your password?">
            <p>
                "Password reset by email is not available yet. Ask an owner or admin of your organization to help, "
                "or sign in and change your password from your profile."
            </p>
            <p class="auth-links"><A href="/login">"Back to sign in"</A></p>
        </AuthCard>
    }
}
