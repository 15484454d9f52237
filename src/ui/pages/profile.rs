//! The signed-in user's profile and password.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::auth::{ChangePassword, UpdateProfile};
use crate::ui::components::form::FormErrors;
use crate::ui::components::{ApiForm, Field, FormAction};
use crate::ui::layout::use_me;

#[component]
pub fn ProfilePage() -> impl IntoView {
    let me = use_me();
    let update = FormAction::<UpdateProfile>::new();
    let update_error = update.error();
    let password = FormAction::<ChangePassword>::new();
    let password_error = password.error();
    let user = me.user;
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
