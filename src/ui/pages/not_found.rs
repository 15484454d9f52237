use leptos::prelude::*;
use leptos_meta::Title;

/// Any URL without a page; answers 404 during server rendering.
#[component]
pub fn NotFoundPage() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text="Not found" />
        <main class="auth-page">
            <div class="auth-card">
                <h1>"Page not found"</h1>
                <p>"There is nothing at this address."</p>
                <a href="/" class="button">"Go to the dashboard"</a>
            </div>
        </main>
    }
}
