//! The organizations the user belongs to: switch, create.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::ui::components::form::FormErrors;
use crate::ui::components::{use_url_error, ErrorBox, Field};
use crate::ui::layout::use_my_organizations;

#[component]
pub fn OrganizationsPage() -> impl IntoView {
    let orgs = use_my_organizations();
    // Switching and creating reload the whole app (every page shows the new organization),
    // so these are plain forms; a refused post comes back with the error in the URL.
    let create_error = use_url_error("/api/organizations/create");
    view! {
        <Title text="Organizations" />
        <div class="page-header"><h1>"Your organizations"</h1></div>
        <section class="card">
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match orgs.await {
                        Ok(list) => view! {
                            <ul class="plain-list">
                                {list.into_iter().map(|org| view! {
                                    <li class="row-between">
                                        <span><strong>{org.name}</strong>" · "<span class="muted">{org.role}</span></span>
                                        {if org.is_current {
                                            view! { <span class="badge">"Current"</span> }.into_any()
                                        } else {
                                            view! {
                                                <form method="post" action="/api/organizations/switch">
                                                    <input type="hidden" name="organization_id" value=org.id />
                                                    <input type="hidden" name="next" value="/" />
                                                    <button type="submit" class="button">"Switch"</button>
                                                </form>
                                            }.into_any()
                                        }}
                                    </li>
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(err) => view! { <ErrorBox err /> }.into_any(),
                    }
                })}
            </Transition>
        </section>
        <section class="card">
            <h2>"Create an organization"</h2>
            <p class="muted">"You will be its owner, and it becomes your current organization."</p>
            <form method="post" action="/api/organizations/create">
                <input type="hidden" name="next" value="/" />
                <FormErrors error=create_error />
                <div class="form-grid">
                    <Field label="Name" name="name" required=true error=create_error />
                    <Field label="Currency" name="currency" value="USD" error=create_error />
                </div>
                <button type="submit" class="button primary">"Create organization"</button>
            </form>
        </section>
    }
}
