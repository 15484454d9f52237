//! The organizations the user belongs to: the current one's details (edited by those with
//! `organization:edit`), switch, create.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::organizations::{my_organization, UpdateOrganization};
use crate::domain::organization::Organization;
use crate::ui::components::form::FormErrors;
use crate::ui::components::{use_url_error, ApiForm, ErrorBox, Field, FormAction};
use crate::ui::layout::{use_me, use_my_organizations};

#[component]
pub fn OrganizationsPage() -> impl IntoView {
    let orgs = use_my_organizations();
    // Switching and creating reload the whole app (every page shows the new organization),
    // so these are plain forms; a refused post comes back with the error in the URL.
    let create_error = use_url_error("/api/organizations/create");
    view! {
        <Title text="Organizations" />
        <div class="page-header"><h1>"Your organizations"</h1></div>
        <CurrentOrganization />
        <section class="card">
            <h2>"Switch"</h2>
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

/// The current organization's details: a form for those who may edit them, else read-only.
#[component]
fn CurrentOrganization() -> impl IntoView {
    let me = use_me();
    if me.organization.is_none() || me.is_portal() {
        return ().into_any();
    }
    let editable = me.can("organization", "edit");
    let org = Resource::new(|| (), |_| my_organization());
    view! {
        <section class="card">
            <h2>"Current organization"</h2>
            <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match org.await {
                        Ok(org) if editable => view! { <OrganizationForm org /> }.into_any(),
                        Ok(org) => view! { <OrganizationDetails org /> }.into_any(),
                        Err(err) => view! { <ErrorBox err /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
    .into_any()
}

fn text(v: &Option<String>) -> String {
    v.clone().unwrap_or_default()
}

#[component]
fn OrganizationForm(org: Organization) -> impl IntoView {
    let update = FormAction::<UpdateOrganization>::new();
    let error = update.error();
    view! {
        <ApiForm action=update>
            <FormErrors error />
            <div class="form-grid">
                <Field label="Name" name="name" id="org-name" value=org.name.clone() required=true error />
                <Field label="Industry" name="industry" value=text(&org.industry) error />
                <Field label="Website" name="website" kind="url" value=text(&org.website) error />
                <Field label="Email" name="email" kind="email" value=text(&org.email) error />
                <Field label="Phone" name="phone" kind="tel" value=text(&org.phone) error />
                <Field label="Address" name="address" value=text(&org.address) error />
                <Field label="Currency" name="currency" id="org-currency" value=org.currency.clone() error />
                <Field label="Time zone" name="time_zone" value=org.time_zone.clone() error />
            </div>
            <button type="submit" class="button primary">"Save organization"</button>
        </ApiForm>
    }
}

#[component]
fn OrganizationDetails(org: Organization) -> impl IntoView {
    let row =
        |label: &'static str, value: Option<String>| value.map(|value| view! { <dt>{label}</dt><dd>{value}</dd> });
    view! {
        <dl class="dl">
            {row("Name", Some(org.name))}
            {row("Industry", org.industry)}
            {row("Website", org.website)}
            {row("Email", org.email)}
            {row("Phone", org.phone)}
            {row("Address", org.address)}
            {row("Currency", Some(org.currency))}
            {row("Time zone", Some(org.time_zone))}
        </dl>
    }
}
