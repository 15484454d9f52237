use leptos::either::EitherOf3;
use leptos::prelude::*;
use leptos_router::components::{Outlet, Redirect, A};
use leptos_router::hooks::use_location;

use crate::api::auth::current_user;
use crate::api::organizations::list_organizations;
use crate::domain::auth::Me;
use crate::domain::organization::OrgSummary;
use crate::error::AppError;
use crate::ui::components::ErrorBox;

/// The signed-in user, provided by [`AppLayout`] to every page inside it.
pub fn use_me() -> Me {
    expect_context::<Me>()
}

/// The caller's organizations, loaded once by the layout (its switcher lists them) and shared
/// with the pages that show them.
#[derive(Clone, Copy)]
pub struct MyOrganizations(pub Resource<Result<Vec<OrgSummary>, AppError>>);

pub fn use_my_organizations() -> Resource<Result<Vec<OrgSummary>, AppError>> {
    expect_context::<MyOrganizations>().0
}

/// Sections of the app, in navigation order: (path, label, resource whose `view` permission shows it).
const SECTIONS: &[(&str, &str, &str)] = &[
    ("/", "Dashboard", ""),
    ("/analytics", "Analytics", "analytics"),
    ("/customers", "Customers", "customers"),
    ("/leads", "Leads", "leads"),
    ("/deals", "Deals", "deals"),
    ("/activities", "Activities", "activities"),
    ("/pipelines", "Pipelines", "pipelines"),
    ("/vendors", "Vendors", "vendors"),
    ("/orders", "Orders", "orders"),
    ("/payments", "Payments", "payments"),
    ("/issues", "Issues", "issues"),
    ("/employees", "Employees", "employees"),
    ("/settings/roles", "Roles", "roles"),
    ("/settings/templates", "Templates", "templates"),
    ("/settings/outbox", "Outbox", "outbox"),
    ("/settings/webhooks", "Webhooks", "webhooks"),
];

/// The pages of the client portal (a customer's contact sees nothing else).
const PORTAL_PAGES: &[&str] = &["/", "/orders", "/payments", "/issues", "/profile", "/organizations"];

fn portal_page(page: &str, path: &str) -> bool {
    if page == "/" {
        path == "/"
    } else {
        path == page || path.starts_with(&format!("{page}/"))
    }
}

/// Who is signed in, as the server resolved it before rendering a page (`server/http.rs`).
#[derive(Clone)]
pub struct SignedIn(pub Result<Me, AppError>);

/// The frame of signed-in pages; signed-out visitors are redirected to the sign-in page.
#[component]
pub fn AppLayout() -> impl IntoView {
    let signed_in = |result: Result<Me, AppError>| match result {
        Ok(me) => {
            provide_context(me.clone());
            EitherOf3::A(view! { <Frame me /> })
        }
        Err(AppError::Unauthorized(_)) => EitherOf3::B(view! { <Redirect path="/login" /> }),
        Err(err) => EitherOf3::C(view! { <main class="content"><ErrorBox err /></main> }),
    };
    if let Some(SignedIn(known)) = use_context::<SignedIn>() {
        return signed_in(known).into_any();
    }
    let me = Resource::new_blocking(|| (), |_| current_user());
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move { signed_in(me.await) })}
        </Suspense>
    }
    .into_any()
}

#[component]
fn Frame(me: Me) -> impl IntoView {
    let location = use_location();
    let nav = SECTIONS
        .iter()
        .filter(|(_, _, resource)| resource.is_empty() || me.can(resource, "view"))
        .map(|(href, label, _)| {
            let href = *href;
            let current = move || {
                let path = location.pathname.get();
                let active = if href == "/" { path == "/" } else { path.starts_with(href) };
                active.then_some("page")
            };
            view! { <li><A href=href attr:aria-current=current>{*label}</A></li> }
        })
        .collect_view();
    let orgs = Resource::new(|| (), |_| list_organizations());
    provide_context(MyOrganizations(orgs));
    let portal = me.is_portal();
    let org_name = me.organization.as_ref().map(|o| o.name.clone()).unwrap_or_else(|| "No organization".into());
    let user_name = me.user.full_name();
    let user_title = user_name.clone();
    view! {
        <div class="app">
            <a class="skip-link" href="#main">"Skip to content"</a>
            <header class="topbar">
                <a class="brand" href="/">
                    <span class="brand-mark" aria-hidden="true">"TG"</span>
                    <span class="brand-name">"Too Good CRM"</span>
                </a>
                <OrgSwitcher current=org_name orgs />
                {(!portal).then(|| view! {
                    <form class="global-search" method="get" action="/search" role="search">
                        <input id="global-search" type="search" name="q" aria-label="Search everything"
                            placeholder="Search everything ( / )" aria-keyshortcuts="/ Control+K" />
                    </form>
                })}
                <details class="menu user-menu">
                    <summary title=user_title>{user_name}</summary>
                    <div class="menu-panel">
                        <A href="/profile">"Profile & password"</A>
                        <form method="post" action="/api/auth/logout">
                            <input type="hidden" name="next" value="/login" />
                            <button type="submit" class="link-button">"Sign out"</button>
                        </form>
                    </div>
                </details>
            </header>
            <nav class="sidebar" aria-label="Main">
                <ul>{nav}</ul>
            </nav>
            <main class="content" id="main">
                {move || if portal && !PORTAL_PAGES.iter().any(|p| portal_page(p, &location.pathname.get())) {
                    view! {
                        <div class="card">
                            <h1>"Not available in the portal"</h1>
                            <p>"This page is for our staff. Your orders, payments and issues are in the menu."</p>
                        </div>
                    }.into_any()
                } else {
                    view! { <Outlet /> }.into_any()
                }}
            </main>
        </div>
    }
}

/// The current organization, and plain forms to switch to another (a full reload follows,
/// so every page shows the new organization's data).
#[component]
fn OrgSwitcher(current: String, orgs: Resource<Result<Vec<OrgSummary>, AppError>>) -> impl IntoView {
    let title = current.clone();
    view! {
        <details class="menu org-switcher">
            <summary title=title>
                <span class="sr-only">"Organization: "</span>
                {current}
            </summary>
            <div class="menu-panel">
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        orgs.await
                            .unwrap_or_default()
                            .into_iter()
                            .map(|org| {
                                view! {
                                    <form method="post" action="/api/organizations/switch">
                                        <input type="hidden" name="organization_id" value=org.id />
                                        <input type="hidden" name="next" value="/" />
                                        <button type="submit" class="link-button" disabled=org.is_current>
                                            {org.name}
                                            {org.is_current.then_some(" ✓")}
                                        </button>
                                    </form>
                                }
                            })
                            .collect_view()
                    })}
                </Suspense>
                <A href="/organizations">"Manage organizations…"</A>
            </div>
        </details>
    }
}
