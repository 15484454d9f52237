//! `/settings/outbox`: the mail the app sent, is sending, or keeps (without `SMTP_URL`), each
//! with its state, attempts and the server's last answer; open one to read it.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use crate::api::outbox::list_outbox;
use crate::domain::list::{ListParams, DEFAULT_PAGE_SIZE};
use crate::domain::mail::{JobState, OutboxMail};
use crate::ui::components::pagination::Pagination;
use crate::ui::components::timeline::mail_class;
use crate::ui::components::{time, ErrorBox, SelectFilter};

#[component]
pub fn OutboxPage() -> impl IntoView {
    let query = use_query_map();
    let filters = Memo::new(move |_| query.with(|q| (q.get("state"), q.get("page"))));
    let mail = Resource::new(move || filters.get(), |(state, page)| list_outbox(state, page, None));
    let (state, _) = filters.get_untracked();
    view! {
        <Title text="Outbox" />
        <div class="page-header">
            <h1>"Outbox"</h1>
            <p class="muted">
                "Every mail the app sends: reset links, invitations, reminders. Without a mail server (SMTP_URL) "
                "mail stays here, queued; the text of a password reset link is only in the server's log."
            </p>
        </div>
        <form class="filters" method="get" action="/settings/outbox" data-live="">
            <SelectFilter label="State" name="state" options=JobState::options(JobState::ALL) current=state />
            <noscript><button type="submit" class="button">"Apply"</button></noscript>
        </form>
        <Transition fallback=|| view! { <p class="loading">"Loading the outbox…"</p> }>
            {move || Suspend::new(async move {
                match mail.await {
                    Ok(page) if page.results.is_empty() => view! { <div class="card empty">"No mail."</div> }.into_any(),
                    Ok(page) => {
                        let current = filters.with_untracked(|(_, p)| p.as_deref().and_then(|p| p.parse().ok())).unwrap_or(1);
                        let params = ListParams { page: current, page_size: DEFAULT_PAGE_SIZE, order_by: "created_at", descending: true };
                        let page_count = params.page_count(page.count);
                        view! {
                            <div class="card">
                                <ul class="plain-list outbox-list">
                                    {page.results.into_iter().map(|m| view! { <OutboxEntry mail=m /> }).collect_view()}
                                </ul>
                            </div>
                            <Pagination page=current page_count count=page.count />
                        }.into_any()
                    }
                    Err(err) => view! { <ErrorBox err /> }.into_any(),
                }
            })}
        </Transition>
        <p><A href="/settings/roles">"Who may read the outbox: the roles page"</A></p>
    }
}

#[component]
fn OutboxEntry(mail: OutboxMail) -> impl IntoView {
    let when = match mail.state {
        JobState::Queued if mail.attempts > 0 => format!("next try {}", time::date_time(mail.run_at)),
        _ => format!("queued {}", time::date_time(mail.created_at)),
    };
    view! {
        <li class="outbox-mail">
            <details>
                <summary>
                    <span class=mail_class(mail.state)>{mail.state.label()}</span>" "
                    <strong>{mail.subject.clone()}</strong>" → "{mail.to.clone()}
                    <span class="muted small">
                        {format!(" · {when}")}
                        {(mail.attempts > 0).then(|| format!(" · {} attempt(s)", mail.attempts))}
                        {mail.finished_at.map(|at| format!(" · done {}", time::date_time(at)))}
                    </span>
                </summary>
                {mail.last_error.clone().map(|e| view! { <p class="field-error">"Last answer: "{e}</p> })}
                {match mail.text.clone() {
                    Some(text) => view! { <pre class="mail-text">{text}</pre> }.into_any(),
                    None => view! { <p class="muted">"This mail carries a secret link; its text is not shown here."</p> }.into_any(),
                }}
            </details>
        </li>
    }
}
