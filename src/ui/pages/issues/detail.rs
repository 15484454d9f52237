//! One issue: summary, resolve (with notes) and reopen, edit form, delete, comments.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use super::form::{issue_choice_rights, issue_choices, IssueFieldset, IssueLinks};
use super::{priority_class, status_class};
use crate::api::issues::{
    get_issue, list_issue_comments, AddIssueComment, DeleteIssue, ReopenIssue, ResolveIssue, UpdateIssue,
};
use crate::domain::issue::{Issue, IssueComment, IssueStatus};
use crate::error::AppError;
use crate::ui::components::form::FormErrors;
use crate::ui::components::record::DeleteMenu;
use crate::ui::components::{time, ApiForm, EditInPlace, ErrorBox, FormAction, TextAreaField};
use crate::ui::layout::use_me;

/// The actions of the page, created once and shared by its parts.
#[derive(Clone, Copy)]
struct Actions {
    update: FormAction<UpdateIssue>,
    resolve: FormAction<ResolveIssue>,
    reopen: FormAction<ReopenIssue>,
    delete: FormAction<DeleteIssue>,
}

#[component]
pub fn IssueDetailPage() -> impl IntoView {
    let me = use_me();
    let can = issue_choice_rights();
    let can_edit = me.can("issues", "edit");
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0)));
    let actions = Actions {
        update: FormAction::new(),
        resolve: FormAction::new(),
        reopen: FormAction::new(),
        delete: FormAction::new(),
    };
    let add_comment = FormAction::<AddIssueComment>::new();
    let issue = Resource::new(move || id.get(), get_issue);
    let comments = Resource::new(move || id.get(), list_issue_comments);
    let choices = Resource::new(move || can, issue_choices);
    let update_error = actions.update.error();

    view! {
        <div class="record">
            <Transition fallback=|| view! { <p class="loading">"Loading issue…"</p> }>
                {move || Suspend::new(async move {
                    match issue.await {
                        Ok(i) => {
                            let edit = if can_edit {
                                let choices = choices.await;
                                let links = IssueLinks {
                                    vendor: i.vendor_name.clone(),
                                    order: i.order_number.clone(),
                                    customer: i.customer_name.clone(),
                                };
                                let update = actions.update;
                                let fields = i.fields.clone();
                                let (id, version) = (i.id, i.version);
                                view! {
                                    <EditInPlace error=update_error>
                                        <ApiForm action=update>
                                            <input type="hidden" name="id" value=id />
                                            <input type="hidden" name="version" value=version />
                                            <FormErrors error=update_error />
                                            <IssueFieldset fields links choices error=update_error />
                                            <div class="form-actions">
                                                <button type="submit" class="button primary">"Save changes"</button>
                                            </div>
                                        </ApiForm>
                                    </EditInPlace>
                                }
                                .into_any()
                            } else {
                                ().into_any()
                            };
                            view! {
                                <Title text=format!("{} · {}", i.number, i.fields.title) />
                                <div class="record-head">
                                    <Header i=i.clone() actions />
                                    <ActionErrors actions />
                                </div>
                                <div class="record-facts">
                                    <Summary i=i.clone() />
                                    {edit}
                                </div>
                            }
                            .into_any()
                        }
                        Err(err) => view! { <ErrorBox err /> }.into_any(),
                    }
                })}
            </Transition>
            <div class="record-main">
                <Comments issue_id=id add_comment comments />
            </div>
        </div>
    }
    .into_any()
}

/// The error of the last refused reopen or delete (a refused resolve shows at its form).
#[component]
fn ActionErrors(actions: Actions) -> impl IntoView {
    let errors = [actions.reopen.error(), actions.delete.error()];
    let error = Signal::derive(move || errors.iter().find_map(|e| e.get()));
    view! { <FormErrors error /> }
}

#[component]
fn Header(i: Issue, actions: Actions) -> impl IntoView {
    let me = use_me();
    let can_edit = me.can("issues", "edit");
    let here = format!("/issues/{}", i.id);
    let resolve_error = actions.resolve.error();
    let resolve = (can_edit && i.fields.status.can_resolve()).then(|| {
        let here = here.clone();
        view! {
            <details class="menu reason-menu" open=move || resolve_error.get().is_some()>
                <summary class="button won">"Resolve…"</summary>
                <div class="menu-panel">
                    <ApiForm action=actions.resolve>
                        <input type="hidden" name="id" value=i.id />
                        <input type="hidden" name="next" value=here />
                        <FormErrors error=resolve_error />
                        <TextAreaField label="Resolution notes" name="resolution_notes" rows=3 error=resolve_error />
                        <button type="submit" class="button won">"Mark resolved"</button>
                    </ApiForm>
                </div>
            </details>
        }
    });
    let reopen = (can_edit && i.fields.status.can_reopen()).then(|| {
        let here = here.clone();
        view! {
            <ApiForm action=actions.reopen>
                <input type="hidden" name="id" value=i.id />
                <input type="hidden" name="next" value=here />
                <button type="submit" class="button">"Reopen"</button>
            </ApiForm>
        }
    });
    let links = [
        i.fields
            .order_id
            .map(|o| (format!("/orders/{o}"), i.order_number.clone().unwrap_or_else(|| format!("Order #{o}")))),
        i.fields
            .vendor_id
            .map(|v| (format!("/vendors/{v}"), i.vendor_name.clone().unwrap_or_else(|| format!("Vendor #{v}")))),
        i.fields
            .customer_id
            .map(|c| (format!("/customers/{c}"), i.customer_name.clone().unwrap_or_else(|| format!("Customer #{c}")))),
    ];
    view! {
        <div class="page-header">
            <div>
                <A href="/issues">"← All issues"</A>
                <h1>
                    {i.fields.title.clone()} " " <span class=status_class(i.fields.status)>{i.fields.status.label()}</span>
                    " " <span class=priority_class(i.fields.priority)>{i.fields.priority.label()}</span>
                </h1>
                <p class="muted">
                    <span class="mono">{i.number.clone()}</span>
                    {links.into_iter().flatten().map(|(href, label)| view! { " · " <A href=href>{label}</A> }).collect_view()}
                </p>
            </div>
            <div class="actions">
                {resolve}
                {reopen}
                {me.can("issues", "delete").then(|| view! {
                    <DeleteMenu action=actions.delete id=i.id next="/issues" question="Delete this issue and its comments? This cannot be undone." />
                })}
            </div>
        </div>
    }
    .into_any()
}

#[component]
fn Summary(i: Issue) -> impl IntoView {
    let row = |label: &'static str, value: Option<String>| {
        view! { <div class="dl-row"><dt>{label}</dt><dd>{value.filter(|v| !v.is_empty()).unwrap_or_else(|| "—".into())}</dd></div> }
    };
    let resolved = matches!(i.fields.status, IssueStatus::Resolved | IssueStatus::Closed) || i.resolved_at.is_some();
    view! {
        <section class="card">
            <h2>"Details"</h2>
            <dl class="dl">
                {row("Number", Some(i.number.clone()))}
                {row("Category", Some(i.fields.category.label().to_owned()))}
                {row("Order", i.order_number.clone())}
                {row("Vendor", i.vendor_name.clone())}
                {row("Customer", i.customer_name.clone())}
                {row("Assigned to", i.assigned_to_name.clone())}
                {row("Raised by", i.created_by_name.clone())}
                {row("Description", i.fields.description.clone())}
                {resolved.then(|| view! {
                    {row("Resolved", i.resolved_at.map(time::date_time))}
                    {row("Resolved by", i.resolved_by_name.clone())}
                    <div class="dl-row"><dt>"Resolution"</dt><dd class="note-body">{i.resolution_notes.clone().filter(|n| !n.is_empty()).unwrap_or_else(|| "—".into())}</dd></div>
                })}
                {row("Created", Some(time::date_time(i.created_at)))}
                {row("Updated", Some(time::date_time(i.updated_at)))}
            </dl>
        </section>
    }
    .into_any()
}

#[component]
fn Comments(
    issue_id: Memo<i64>,
    add_comment: FormAction<AddIssueComment>,
    comments: Resource<Result<Vec<IssueComment>, AppError>>,
) -> impl IntoView {
    let me = use_me();
    let error = add_comment.error();
    let can_comment = me.can("issues", "create");
    view! {
        <section class="card notes" aria-labelledby="issue-comments-title">
            <h2 id="issue-comments-title">"Comments"</h2>
            {can_comment.then(|| view! {
                <ApiForm action=add_comment>
                    <input type="hidden" name="issue_id" value=move || issue_id.get() />
                    <input type="hidden" name="next" value=move || format!("/issues/{}", issue_id.get()) />
                    <FormErrors error />
                    <TextAreaField label="Add a comment" name="body" rows=3 required=true error />
                    <button type="submit" class="button primary">"Add comment"</button>
                </ApiForm>
            })}
            <Transition fallback=|| view! { <p class="loading">"Loading comments…"</p> }>
                {move || Suspend::new(async move {
                    match comments.await {
                        Ok(list) if list.is_empty() => view! { <p class="muted">"No comments yet."</p> }.into_any(),
                        Ok(list) => view! {
                            <ol class="timeline">
                                {list.into_iter().map(|c| view! {
                                    <li>
                                        <p class="timeline-meta">
                                            <strong>{c.author_name.unwrap_or_else(|| "Someone".into())}</strong>
                                            " · "
                                            <time datetime=c.created_at.to_rfc3339()>{time::date_time(c.created_at)}</time>
                                        </p>
                                        <p class="note-body">{c.body}</p>
                                    </li>
                                }).collect_view()}
                            </ol>
                        }.into_any(),
                        Err(_) => view! { <p class="muted">"Comments could not be loaded."</p> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
    .into_any()
}
