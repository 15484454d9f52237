use leptos::prelude::*;

/// The centred card of the sign-in and sign-up pages.
#[component]
pub fn AuthCard(title: &'static str, children: Children) -> impl IntoView {
    view! {
        <main class="auth-page">
            <div class="auth-card">
                <a class="brand" href="/">
                    <span class="brand-mark" aria-hidden="true">"TG"</span>
                    "Too Good CRM"
                </a>
                <h1>{title}</h1>
                {children()}
            </div>
        </main>
    }
}
