//! Portal access on a customer's page: invite one of their contacts to the client portal.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::portal::InvitePortalUser;
use crate::domain::permission;
use crate::ui::components::form::FormErrors;
use crate::ui::components::{ApiForm, Field, FormAction};
use crate::ui::layout::use_me;

/// Shown to those who may grant the portal (the Customer role's permissions and
/// `customers:edit`).
#[component]
pub fn PortalAccess(#[prop(into)] customer_id: Signal<i64>) -> impl IntoView {
    let me = use_me();
    let portal_role = permission::system_role_permissions(permission::CUSTOMER);
    let allowed = me.can("customers", "edit") && permission::beyond(&me.permissions, &portal_role).is_empty();
    let invite = FormAction::<InvitePortalUser>::new();
    let error = invite.error();
    // Set by the redirect after an invitation (`next` below).
    let invited = use_query_map().with_untracked(|q| q.get("invited"));
    allowed.then(|| {
        view! {
            <section class="card">
                <h2>"Client portal"</h2>
                <p class="muted">
                    "Give a contact of this customer a sign-in: they will see only this customer's orders, payments and issues, and can raise issues. "
                    "Someone new gets a mail with a link to choose their name and password; someone with an account joins at once."
                </p>
                <ApiForm action=invite>
                    <input type="hidden" name="customer_id" value=move || customer_id.get() />
                    <input type="hidden" name="next" value=move || format!("/customers/{}?invited={{email}}", customer_id.get()) />
                    <FormErrors error />
                    <div class="form-grid">
                        <Field label="Email" name="email" id="portal-email" kind="email" required=true error />
                    </div>
                    <div class="form-actions">
                        <button type="submit" class="button">"Invite to the portal"</button>
                        {invited.map(|email| view! { <span class="saved" role="status">{format!("Invited {email}: a new contact joins with the link in the mail.")}</span> })}
                    </div>
                </ApiForm>
            </section>
        }
    })
}
