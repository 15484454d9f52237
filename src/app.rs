//! The HTML shell and the route table. Nothing else lives here.

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, HashedStylesheet, MetaTags, Title};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::{path, SsrMode};

use crate::ui::components::raw_text::page_title;
use crate::ui::layout::AppLayout;
use crate::ui::pages::activities::{ActivityDetailPage, ActivityListPage, ActivityNewPage};
use crate::ui::pages::analytics::AnalyticsPage;
use crate::ui::pages::auth::{ForgotPasswordPage, InvitePage, LoginPage, ResetPasswordPage, SignupPage};
use crate::ui::pages::customers::{CustomerDetailPage, CustomerImportPage, CustomerListPage, CustomerNewPage};
use crate::ui::pages::dashboard::DashboardPage;
use crate::ui::pages::deals::{DealBoardPage, DealDetailPage, DealListPage, DealNewPage};
use crate::ui::pages::employees::{EmployeeDetailPage, EmployeeListPage, EmployeeNewPage};
use crate::ui::pages::issues::{IssueDetailPage, IssueListPage, IssueNewPage};
use crate::ui::pages::leads::{LeadDetailPage, LeadImportPage, LeadListPage, LeadNewPage};
use crate::ui::pages::not_found::NotFoundPage;
use crate::ui::pages::orders::{OrderDetailPage, OrderListPage, OrderNewPage};
use crate::ui::pages::organizations::OrganizationsPage;
use crate::ui::pages::outbox::OutboxPage;
use crate::ui::pages::payments::{PaymentDetailPage, PaymentListPage, PaymentNewPage};
use crate::ui::pages::pipelines::{PipelineDetailPage, PipelineListPage};
use crate::ui::pages::profile::ProfilePage;
use crate::ui::pages::roles::RolesPage;
use crate::ui::pages::search::SearchPage;
use crate::ui::pages::templates::{TemplateDetailPage, TemplateListPage};
use crate::ui::pages::vendors::{VendorDetailPage, VendorListPage, VendorNewPage};
use crate::ui::pages::webhooks::{WebhookDetailPage, WebhookListPage};
use crate::version::app_version;

/// The document around the app, rendered on the server only. `offline.js` registers the
/// service worker and shows the offline banner and the outbox of changes made offline.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let version = app_version(&options);
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light" />
                <meta name="app-version" content=version />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <HashedStylesheet options=options.clone() id="leptos" />
                <script src="/offline.js" defer nonce=use_nonce()></script>
                <script src="/nav.js" defer nonce=use_nonce()></script>
                <AutoReload options=options.clone() />
                <HydrationScripts options islands=true />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The route table. Pages behind [`AppLayout`] need a signed-in user; they render with
/// `SsrMode::Async` so that a redirect to the sign-in page is a real HTTP redirect.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Title formatter=page_title />
        <Router>
            <Routes fallback=NotFoundPage>
                <Route path=path!("/login") view=LoginPage />
                <Route path=path!("/signup") view=SignupPage />
                <Route path=path!("/forgot-password") view=ForgotPasswordPage />
                <Route path=path!("/reset-password") view=ResetPasswordPage />
                <Route path=path!("/invite") view=InvitePage ssr=SsrMode::Async />
                <ParentRoute path=path!("") view=AppLayout ssr=SsrMode::Async>
                    <Route path=path!("") view=DashboardPage />
                    <Route path=path!("analytics") view=AnalyticsPage />
                    <Route path=path!("customers") view=CustomerListPage />
                    <Route path=path!("customers/new") view=CustomerNewPage />
                    <Route path=path!("customers/import") view=CustomerImportPage />
                    <Route path=path!("customers/:id") view=CustomerDetailPage />
                    <Route path=path!("leads") view=LeadListPage />
                    <Route path=path!("leads/new") view=LeadNewPage />
                    <Route path=path!("leads/import") view=LeadImportPage />
                    <Route path=path!("leads/:id") view=LeadDetailPage />
                    <Route path=path!("deals") view=DealListPage />
                    <Route path=path!("deals/new") view=DealNewPage />
                    <Route path=path!("deals/board") view=DealBoardPage />
                    <Route path=path!("deals/:id") view=DealDetailPage />
                    <Route path=path!("activities") view=ActivityListPage />
                    <Route path=path!("activities/new") view=ActivityNewPage />
                    <Route path=path!("activities/:id") view=ActivityDetailPage />
                    <Route path=path!("pipelines") view=PipelineListPage />
                    <Route path=path!("pipelines/:id") view=PipelineDetailPage />
                    <Route path=path!("profile") view=ProfilePage />
                    <Route path=path!("organizations") view=OrganizationsPage />
                    <Route path=path!("settings/roles") view=RolesPage />
                    <Route path=path!("settings/outbox") view=OutboxPage />
                    <Route path=path!("search") view=SearchPage />
                    <Route path=path!("settings/templates") view=TemplateListPage />
                    <Route path=path!("settings/templates/:id") view=TemplateDetailPage />
                    <Route path=path!("settings/webhooks") view=WebhookListPage />
                    <Route path=path!("settings/webhooks/:id") view=WebhookDetailPage />
                    <Route path=path!("vendors") view=VendorListPage />
                    <Route path=path!("vendors/new") view=VendorNewPage />
                    <Route path=path!("vendors/:id") view=VendorDetailPage />
                    <Route path=path!("orders") view=OrderListPage />
                    <Route path=path!("orders/new") view=OrderNewPage />
                    <Route path=path!("orders/:id") view=OrderDetailPage />
                    <Route path=path!("payments") view=PaymentListPage />
                    <Route path=path!("payments/new") view=PaymentNewPage />
                    <Route path=path!("payments/:id") view=PaymentDetailPage />
                    <Route path=path!("issues") view=IssueListPage />
                    <Route path=path!("issues/new") view=IssueNewPage />
                    <Route path=path!("issues/:id") view=IssueDetailPage />
                    <Route path=path!("employees") view=EmployeeListPage />
                    <Route path=path!("employees/new") view=EmployeeNewPage />
                    <Route path=path!("employees/:id") view=EmployeeDetailPage />
                </ParentRoute>
            </Routes>
        </Router>
    }
}
