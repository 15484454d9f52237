//! Roles and permissions: the matrix (permissions down, roles across, a checkbox where a role
//! grants a permission), custom roles, and which role each member holds.
//!
//! Each role's column is one form: its checkboxes sit in the table cells and belong to the
//! form in the column header through the `form` attribute, so the page works as plain HTML
//! before the WASM arrives and as one action per role after.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::invitations::{list_invitations, CreateInvitation, ResendInvitation, RevokeInvitation};
use crate::api::organizations::list_members;
use crate::api::roles::{list_roles, AssignMemberRole, CreateRole, DeleteRole, SetRolePermissions};
use crate::domain::permission::{CUSTOMER, OWNER};
use crate::domain::role::{permission_groups, Role};
use crate::error::AppError;
use crate::ui::components::form::FormErrors;
use crate::ui::components::{time, ApiForm, ErrorBox, Field, FormAction, SelectField};
use crate::ui::layout::use_me;

const HERE: &str = "/settings/roles";

#[component]
pub fn RolesPage() -> impl IntoView {
    let me = use_me();
    let can_edit = me.can("roles", "edit");
    let my_id = me.user.id;
    let save = FormAction::<SetRolePermissions>::new();
    let create = FormAction::<CreateRole>::new();
    let delete = FormAction::<DeleteRole>::new();
    let assign = FormAction::<AssignMemberRole>::new();
    let roles = Resource::new(|| (), |_| list_roles());
    let members = Resource::new(|| (), |_| list_members());
    let save_error = save.error();
    let create_error = create.error();
    let delete_error = delete.error();
    let assign_error = assign.error();

    view! {
        <Title text="Roles & permissions" />
        <div class="page-header">
            <div>
                <h1>"Roles & permissions"</h1>
                <p class="muted">"What each role may do. “View all” means every record, not only those assigned to the member."</p>
            </div>
        </div>
        <FormErrors error=save_error />
        <FormErrors error=delete_error />
        <section class="card matrix-card">
            <Transition fallback=|| view! { <p class="loading">"Loading roles…"</p> }>
                {move || Suspend::new(async move {
                    match roles.await {
                        Ok(roles) => view! { <Matrix roles can_edit save delete /> }.into_any(),
                        Err(err) => view! { <ErrorBox err /> }.into_any(),
                    }
                })}
            </Transition>
        </section>
        {can_edit.then(|| view! {
            <section class="card">
                <h2>"New role"</h2>
                <p class="muted">"It starts with no permissions: tick them in its column above."</p>
                <ApiForm action=create>
                    <input type="hidden" name="next" value=HERE />
                    <FormErrors error=create_error />
                    <div class="form-grid">
                        <Field label="Name" name="name" required=true error=create_error />
                        <Field label="Description" name="description" error=create_error />
                    </div>
                    <button type="submit" class="button primary">"Create role"</button>
                </ApiForm>
            </section>
        })}
        <section class="card">
            <h2>"Members"</h2>
            <FormErrors error=assign_error />
            <Transition fallback=|| view! { <p class="loading">"Loading members…"</p> }>
                {move || Suspend::new(async move {
                    match (members.await, roles.await) {
                        (Ok(members), Ok(roles)) => {
                            view! {
                                <table class="table">
                                    <thead><tr><th>"Member"</th><th>"Email"</th><th>"Role"</th></tr></thead>
                                    <tbody>
                                        {members.into_iter().map(|m| {
                                            let fixed = !can_edit || m.role == OWNER || m.user_id == my_id;
                                            let name = format!("{} {}", m.first_name, m.last_name);
                                            view! {
                                                <tr>
                                                    <td>{name.clone()}{(!m.is_active).then_some(" (inactive)")}</td>
                                                    <td>{m.email.clone()}</td>
                                                    <td>
                                                        {if fixed {
                                                            view! { <span>{m.role_name.clone()}</span> }.into_any()
                                                        } else {
                                                            view! { <MemberRole user_id=m.user_id name current=m.role.clone() roles=roles.clone() assign /> }.into_any()
                                                        }}
                                                    </td>
                                                </tr>
                                            }
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            }.into_any()
                        }
                        (Err(err), _) | (_, Err(err)) => view! { <ErrorBox err /> }.into_any(),
                    }
                })}
            </Transition>
        </section>
        {can_edit.then(|| view! { <Invitations roles /> })}
    }
}

/// Inviting someone by mail, and the invitations still pending (resend, revoke).
#[component]
fn Invitations(roles: Resource<Result<Vec<Role>, AppError>>) -> impl IntoView {
    let create = FormAction::<CreateInvitation>::new();
    let resend = FormAction::<ResendInvitation>::new();
    let revoke = FormAction::<RevokeInvitation>::new();
    let create_error = create.error();
    let resend_error = resend.error();
    let revoke_error = revoke.error();
    let pending = Resource::new(|| (), |_| list_invitations());
    view! {
        <section class="card">
            <h2>"Invite someone"</h2>
            <p class="muted">"They get a link by mail (valid 7 days) to choose a name and a password, or to accept with their account."</p>
            <ApiForm action=create>
                <input type="hidden" name="next" value=HERE />
                <FormErrors error=create_error />
                <div class="form-grid">
                    <Field label="Email" name="email" id="invite-email" kind="email" required=true error=create_error />
                    <Transition fallback=|| ()>
                        {move || Suspend::new(async move {
                            let options: Vec<(String, String)> = roles.await.unwrap_or_default().into_iter()
                                .filter(|r| r.slug != OWNER && r.slug != CUSTOMER)
                                .map(|r| (r.slug, r.name))
                                .collect();
                            view! { <SelectField label="Role" name="role" options value="sales_rep" error=create_error /> }
                        })}
                    </Transition>
                </div>
                <button type="submit" class="button primary">"Send the invitation"</button>
            </ApiForm>
            <FormErrors error=resend_error />
            <FormErrors error=revoke_error />
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    let list = pending.await.unwrap_or_default();
                    (!list.is_empty()).then(|| view! {
                        <h3>"Pending"</h3>
                        <ul class="plain-list">
                            {list.into_iter().map(|i| view! {
                                <li class="row-between">
                                    <span>
                                        <strong>{i.email.clone()}</strong>" · "{i.role_name.clone()}
                                        <span class="muted small">{format!(" · until {}", time::date(i.expires_at))}</span>
                                    </span>
                                    <span class="inline-form">
                                        <ApiForm action=resend>
                                            <input type="hidden" name="id" value=i.id />
                                            <input type="hidden" name="next" value=HERE />
                                            <button type="submit" class="button small">"Resend"</button>
                                        </ApiForm>
                                        <ApiForm action=revoke>
                                            <input type="hidden" name="id" value=i.id />
                                            <input type="hidden" name="next" value=HERE />
                                            <button type="submit" class="button small danger">"Revoke"</button>
                                        </ApiForm>
                                    </span>
                                </li>
                            }).collect_view()}
                        </ul>
                    })
                })}
            </Transition>
        </section>
    }
}

#[component]
fn Matrix(
    roles: Vec<Role>,
    can_edit: bool,
    save: FormAction<SetRolePermissions>,
    delete: FormAction<DeleteRole>,
) -> impl IntoView {
    let form_id = |role: &Role| format!("role-{}", role.id);
    let editable = move |role: &Role| can_edit && !role.is_locked;
    let header = roles
        .iter()
        .map(|role| {
            let id = role.id;
            view! {
                <th scope="col" class="matrix-role">
                    <span class="matrix-role-name" title=role.description.clone()>{role.name.clone()}</span>
                    <span class="muted small">{format!("{} member(s)", role.member_count)}</span>
                    {if editable(role) {
                        view! {
                            <ApiForm action=save attr:id=form_id(role)>
                                <input type="hidden" name="role_id" value=id />
                                <input type="hidden" name="next" value=HERE />
                                <button type="submit" class="button small">"Save"</button>
                            </ApiForm>
                        }.into_any()
                    } else {
                        view! { <span class="badge" title="These permissions cannot be changed">"Fixed"</span> }.into_any()
                    }}
                    {(can_edit && !role.is_system && role.member_count == 0).then(|| view! {
                        <ApiForm action=delete>
                            <input type="hidden" name="id" value=id />
                            <input type="hidden" name="next" value=HERE />
                            <button type="submit" class="link-button danger">"Delete"</button>
                        </ApiForm>
                    })}
                </th>
            }
        })
        .collect_view();
    let mut index = 0usize;
    let body = permission_groups()
        .into_iter()
        .map(|group| {
            let rows = group
                .permissions
                .into_iter()
                .map(|p| {
                    index += 1;
                    let cells = roles
                        .iter()
                        .map(|role| {
                            let label = format!("{}: {} {}", role.name, group.label, p.label.to_lowercase());
                            view! {
                                <td class="matrix-cell">
                                    <input
                                        type="checkbox"
                                        form=form_id(role)
                                        name=format!("permissions[{index}]")
                                        value=p.permission.clone()
                                        checked=role.permissions.contains(&p.permission)
                                        disabled=!editable(role)
                                        aria-label=label
                                    />
                                </td>
                            }
                        })
                        .collect_view();
                    view! { <tr><th scope="row" class="matrix-permission">{p.label}</th>{cells}</tr> }
                })
                .collect_view();
            view! {
                <tbody>
                    <tr class="matrix-group"><th scope="rowgroup" colspan=roles.len() + 1>{group.label}</th></tr>
                    {rows}
                </tbody>
            }
        })
        .collect_view();
    view! {
        <div class="table-scroll">
            <table class="table matrix">
                <thead><tr><th scope="col">"Permission"</th>{header}</tr></thead>
                {body}
            </table>
        </div>
    }
}

#[component]
fn MemberRole(
    user_id: i64,
    name: String,
    current: String,
    roles: Vec<Role>,
    assign: FormAction<AssignMemberRole>,
) -> impl IntoView {
    let options = roles
        .into_iter()
        .filter(|r| r.slug != OWNER)
        .map(|r| {
            let selected = r.slug == current;
            view! { <option value=r.id selected=selected>{r.name}</option> }
        })
        .collect_view();
    view! {
        <ApiForm action=assign>
            <input type="hidden" name="user_id" value=user_id />
            <input type="hidden" name="next" value=HERE />
            <span class="inline-form">
                <select name="role_id" aria-label=format!("Role of {name}")>{options}</select>
                <button type="submit" class="button small">"Change"</button>
            </span>
        </ApiForm>
    }
}
