//! Employees: the organization's staff. "Assigned to" on every record refers to one.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::domain::csv::Column;
use crate::domain::list::ListParams;
use crate::domain::validate::Check;
use crate::error::AppError;

crate::string_enum!(
    /// How someone is employed.
    EmploymentType {
        FullTime = "full_time" / "Full time",
        PartTime = "part_time" / "Part time",
        Contract = "contract" / "Contract",
        Intern = "intern" / "Intern",
    }
);

crate::string_enum!(
    /// Whether someone currently works here.
    EmployeeStatus {
        Active = "active" / "Active",
        OnLeave = "on_leave" / "On leave",
        Terminated = "terminated" / "Terminated",
    }
);

/// A member of staff as shown to clients. `salary` is `None` for callers who may not see
/// salaries (everyone but owners and admins), whatever is stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct Employee {
    pub id: i64,
    /// The user account linked to this employee, if any.
    pub user_id: Option<i64>,
    #[serde(flatten)]
    pub fields: EmployeeFields,
    pub status: EmployeeStatus,
    pub termination_date: Option<NaiveDate>,
    /// Full name of the manager, for display.
    pub manager_name: Option<String>,
    /// Currency of `salary` (the organization's when it was set).
    pub currency: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Incremented on every change (for optimistic concurrency).
    pub version: i64,
}

impl Employee {
    pub fn full_name(&self) -> String {
        self.fields.full_name()
    }

    /// Hides the salary (for callers who may not see it).
    pub fn without_salary(mut self) -> Employee {
        self.fields.salary = None;
        self
    }
}

/// The editable fields of an employee, validated. Status and termination date change through
/// `terminate` (and `status` between active and on leave through update).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct EmployeeFields {
    pub employee_code: Option<String>,
    pub first_name: String,
    pub last_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub job_title: Option<String>,
    pub department: Option<String>,
    pub employment_type: EmploymentType,
    pub hire_date: Option<NaiveDate>,
    /// Another employee of the same organization.
    pub manager_id: Option<i64>,
    /// Yearly salary; visible to owners and admins only.
    pub salary: Option<Decimal>,
}

impl Default for EmployeeFields {
    fn default() -> Self {
        EmployeeFields {
            employee_code: None,
            first_name: String::new(),
            last_name: String::new(),
            email: None,
            phone: None,
            job_title: None,
            department: None,
            employment_type: EmploymentType::FullTime,
            hire_date: None,
            manager_id: None,
            salary: None,
        }
    }
}

impl EmployeeFields {
    pub fn full_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name).trim().to_owned()
    }

    /// What search looks through: name, email, employee code and job title, lower-cased.
    pub fn search_text(&self) -> String {
        [
            Some(&self.first_name),
            Some(&self.last_name),
            self.email.as_ref(),
            self.employee_code.as_ref(),
            self.job_title.as_ref(),
        ]
        .into_iter()
        .flatten()
        .filter(|s| !s.is_empty())
        .map(|s| s.to_lowercase())
        .collect::<Vec<_>>()
        .join(" ")
    }
}

/// Create/update input as it arrives (text only). On update, a field that is not sent keeps
/// its value; a field sent empty is cleared. Defaults on create: `employment_type` full time,
/// `status` active.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
#[serde(default)]
pub struct EmployeeInput {
    pub employee_code: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub job_title: Option<String>,
    pub department: Option<String>,
    #[cfg_attr(feature = "ssr", schemars(schema_with = "crate::domain::choice_schema::<EmploymentType>"))]
    pub employment_type: Option<String>,
    /// `active` or `on_leave` (terminating is its own action).
    #[cfg_attr(feature = "ssr", schemars(schema_with = "crate::domain::choice_schema::<EmployeeStatus>"))]
    pub status: Option<String>,
    /// `YYYY-MM-DD`.
    pub hire_date: Option<String>,
    /// Id of another employee of the organization; empty clears it.
    pub manager_id: Option<String>,
    /// Decimal amount; only owners and admins may send it.
    pub salary: Option<String>,
}

impl EmployeeInput {
    /// Applies this input on top of `base` (defaults when creating) and `status` (the current
    /// one), validating every field sent. Setting the status to `terminated` is refused:
    /// that is what `employees/terminate` is for.
    pub fn apply_to(
        &self,
        mut base: EmployeeFields,
        mut status: EmployeeStatus,
    ) -> Result<(EmployeeFields, EmployeeStatus), AppError> {
        let mut c = Check::new();
        if let Some(v) = self.first_name.as_deref() {
            base.first_name = c.required("first_name", Some(v), 100);
        } else if base.first_name.is_empty() {
            c.add("first_name", "is required");
        }
        if let Some(v) = self.last_name.as_deref() {
            base.last_name = c.optional("last_name", Some(v), 100).unwrap_or_default();
        }
        if let Some(v) = self.email.as_deref() {
            base.email = c.email("email", Some(v));
        }
        crate::patch_text!(c, self, base, employee_code, 50);
        crate::patch_text!(c, self, base, phone, 50);
        crate::patch_text!(c, self, base, job_title, 100);
        crate::patch_text!(c, self, base, department, 100);
        if let Some(t) = c.one_of("employment_type", self.employment_type.as_deref()) {
            base.employment_type = t;
        }
        if let Some(s) = c.one_of::<EmployeeStatus>("status", self.status.as_deref()) {
            if s == EmployeeStatus::Terminated && status != EmployeeStatus::Terminated {
                c.add("status", "use employees/terminate to terminate an employee");
            } else {
                status = s;
            }
        }
        if let Some(v) = self.hire_date.as_deref() {
            base.hire_date = c.date("hire_date", Some(v));
        }
        if let Some(v) = self.manager_id.as_deref() {
            base.manager_id = c.id("manager_id", Some(v));
        }
        if let Some(v) = self.salary.as_deref() {
            base.salary = c.money("salary", Some(v));
        }
        c.finish((base, status))
    }
}

/// The columns of an employees export (`salary` stays empty for callers who may not see it).
pub const CSV_COLUMNS: &[Column<Employee>] = &[
    crate::col!("id", |c| c.id),
    crate::col!("employee_code", |c| c.fields.employee_code),
    crate::col!("first_name", |c| c.fields.first_name),
    crate::col!("last_name", |c| c.fields.last_name),
    crate::col!("email", |c| c.fields.email),
    crate::col!("phone", |c| c.fields.phone),
    crate::col!("job_title", |c| c.fields.job_title),
    crate::col!("department", |c| c.fields.department),
    crate::col!("employment_type", |c| c.fields.employment_type.as_str()),
    crate::col!("status", |c| c.status.as_str()),
    crate::col!("hire_date", |c| c.fields.hire_date),
    crate::col!("termination_date", |c| c.termination_date),
    crate::col!("manager_id", |c| c.fields.manager_id),
    crate::col!("manager_name", |c| c.manager_name),
    crate::col!("salary", |c| c.fields.salary),
    crate::col!("currency", |c| c.currency),
    crate::col!("created_at", |c| c.created_at),
    crate::col!("updated_at", |c| c.updated_at),
];

/// Fields an employee list can be ordered by; the first is the default (by name, A–Z).
pub const SORTABLE: &[&str] = &[
    "name",
    "first_name",
    "employee_code",
    "job_title",
    "department",
    "employment_type",
    "status",
    "hire_date",
    "created_at",
];

/// List query as it arrives (query string): text only.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
#[serde(default)]
pub struct EmployeeQuery {
    /// Name, email, employee code or job title contains.
    pub search: Option<String>,
    /// Exact department name.
    pub department: Option<String>,
    #[cfg_attr(feature = "ssr", schemars(schema_with = "crate::domain::choice_schema::<EmployeeStatus>"))]
    pub status: Option<String>,
    #[cfg_attr(feature = "ssr", schemars(schema_with = "crate::domain::choice_schema::<EmploymentType>"))]
    pub employment_type: Option<String>,
    /// Direct reports of this employee.
    pub manager_id: Option<String>,
    pub ordering: Option<String>,
    pub page: Option<String>,
    pub page_size: Option<String>,
}

/// Validated employee list filters.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EmployeeFilter {
    pub search: Option<String>,
    pub department: Option<String>,
    pub status: Option<EmployeeStatus>,
    pub employment_type: Option<EmploymentType>,
    pub manager_id: Option<i64>,
}

impl EmployeeQuery {
    pub fn validate(&self) -> Result<(EmployeeFilter, ListParams), AppError> {
        let mut c = Check::new();
        let filter = EmployeeFilter {
            search: c.optional("search", self.search.as_deref(), 200),
            department: c.optional("department", self.department.as_deref(), 100),
            status: c.one_of("status", self.status.as_deref()),
            employment_type: c.one_of("employment_type", self.employment_type.as_deref()),
            manager_id: c.id("manager_id", self.manager_id.as_deref()),
        };
        let params = ListParams::parse(
            &mut c,
            self.page.as_deref(),
            self.page_size.as_deref(),
            self.ordering.as_deref(),
            SORTABLE,
            false,
        );
        c.finish((filter, params))
    }
}

/// A department with how many employees are in it (`employees/departments`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct DepartmentCount {
    pub department: String,
    /// Employees in it, whatever their status.
    pub count: i64,
    /// Of those, the ones not terminated.
    pub current: i64,
}

/// An employee as offered by "assigned to" selects and filters (`employees/choices`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct EmployeeChoice {
    pub id: i64,
    pub first_name: String,
    pub last_name: String,
    pub status: EmployeeStatus,
}

impl EmployeeChoice {
    pub fn full_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name).trim().to_owned()
    }

    /// The name, marked when the employee has left (records may still be assigned to them).
    pub fn label(&self) -> String {
        match self.status {
            EmployeeStatus::Terminated => format!("{} (former)", self.full_name()),
            _ => self.full_name(),
        }
    }
}

/// A validated new employee (what seeding and new memberships create).
#[derive(Debug, Clone)]
pub struct NewEmployee {
    pub employee_code: Option<String>,
    pub first_name: String,
    pub last_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub job_title: Option<String>,
    pub department: Option<String>,
    pub employment_type: EmploymentType,
    pub hire_date: Option<NaiveDate>,
}

impl From<&NewEmployee> for EmployeeFields {
    fn from(e: &NewEmployee) -> Self {
        EmployeeFields {
            employee_code: e.employee_code.clone(),
            first_name: e.first_name.clone(),
            last_name: e.last_name.clone(),
            email: e.email.clone(),
            phone: e.phone.clone(),
            job_title: e.job_title.clone(),
            department: e.department.clone(),
            employment_type: e.employment_type,
            hire_date: e.hire_date,
            manager_id: None,
            salary: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(first: &str) -> EmployeeInput {
        EmployeeInput { first_name: Some(first.into()), ..Default::default() }
    }

    #[test]
    fn an_employee_needs_a_first_name_and_a_known_employment_type() {
        let input = EmployeeInput { employment_type: Some("freelance".into()), ..Default::default() };
        let err = input.apply_to(EmployeeFields::default(), EmployeeStatus::Active).unwrap_err();
        assert!(err.field_error("first_name").is_some());
        assert!(err.field_error("employment_type").unwrap().contains("full_time"));
    }

    #[test]
    fn bad_fields_are_reported_by_name() {
        let bad = EmployeeInput {
            email: Some("nope".into()),
            status: Some("retired".into()),
            hire_date: Some("yesterday".into()),
            manager_id: Some("x".into()),
            salary: Some("-1".into()),
            ..input("Ann")
        };
        let err = bad.apply_to(EmployeeFields::default(), EmployeeStatus::Active).unwrap_err();
        for field in ["email", "status", "hire_date", "manager_id", "salary"] {
            assert!(err.field_error(field).is_some(), "{field} should be reported");
        }
    }

    #[test]
    fn terminating_is_not_an_update() {
        let i = EmployeeInput { status: Some("terminated".into()), ..input("Ann") };
        let err = i.apply_to(EmployeeFields::default(), EmployeeStatus::Active).unwrap_err();
        assert!(err.field_error("status").unwrap().contains("terminate"));
        let (_, status) = i.apply_to(EmployeeFields::default(), EmployeeStatus::Terminated).unwrap();
        assert_eq!(status, EmployeeStatus::Terminated, "unchanged is fine");
        let i = EmployeeInput { status: Some("on_leave".into()), ..input("Ann") };
        assert_eq!(i.apply_to(EmployeeFields::default(), EmployeeStatus::Active).unwrap().1, EmployeeStatus::OnLeave);
    }

    #[test]
    fn an_update_keeps_fields_not_sent_and_clears_fields_sent_empty() {
        let (base, _) =
            EmployeeInput { salary: Some("5000.50".into()), department: Some("Sales".into()), ..input("Ann") }
                .apply_to(EmployeeFields::default(), EmployeeStatus::Active)
                .unwrap();
        let (after, _) = EmployeeInput { department: Some(String::new()), ..Default::default() }
            .apply_to(base, EmployeeStatus::Active)
            .unwrap();
        assert_eq!(after.first_name, "Ann");
        assert_eq!(after.salary, Some(Decimal::new(500050, 2)));
        assert_eq!(after.department, None);
    }

    #[test]
    fn search_text_covers_name_email_code_and_title() {
        let f = EmployeeFields {
            first_name: "Ann".into(),
            last_name: "Lee".into(),
            email: Some("ann@x.example".into()),
            employee_code: Some("EMP-7".into()),
            job_title: Some("Buyer".into()),
            ..Default::default()
        };
        assert_eq!(f.search_text(), "ann lee ann@x.example emp-7 buyer");
    }

    #[test]
    fn list_queries_validate_filters() {
        let q = EmployeeQuery { status: Some("on_leave".into()), manager_id: Some("3".into()), ..Default::default() };
        let (f, p) = q.validate().unwrap();
        assert_eq!(
            (f.status, f.manager_id, p.order_by, p.descending),
            (Some(EmployeeStatus::OnLeave), Some(3), "name", false)
        );
        let q =
            EmployeeQuery { employment_type: Some("x".into()), ordering: Some("salary".into()), ..Default::default() };
        let err = q.validate().unwrap_err();
        assert!(err.field_error("employment_type").is_some() && err.field_error("ordering").is_some());
    }

    #[test]
    fn former_employees_are_marked_in_choices() {
        let c = EmployeeChoice {
            id: 1,
            first_name: "Ann".into(),
            last_name: "Lee".into(),
            status: EmployeeStatus::Terminated,
        };
        assert_eq!(c.label(), "Ann Lee (former)");
    }
}
