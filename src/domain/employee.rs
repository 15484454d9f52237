//! Employees: the organization's staff. "Assigned to" on every record refers to one.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

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

/// A member of staff.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Employee {
    pub id: i64,
    pub user_id: Option<i64>,
    pub employee_code: Option<String>,
    pub first_name: String,
    pub last_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub job_title: Option<String>,
    pub department: Option<String>,
    pub employment_type: EmploymentType,
    pub status: EmployeeStatus,
    pub hire_date: Option<NaiveDate>,
}

impl Employee {
    pub fn full_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name).trim().to_owned()
    }
}

/// Create form for an employee.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct EmployeeInput {
    pub employee_code: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub job_title: Option<String>,
    pub department: Option<String>,
    pub employment_type: Option<String>,
    pub hire_date: Option<String>,
}

/// A validated new employee.
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

impl EmployeeInput {
    pub fn validate(&self) -> Result<NewEmployee, AppError> {
        let mut c = Check::new();
        let e = NewEmployee {
            employee_code: c.optional("employee_code", self.employee_code.as_deref(), 50),
            first_name: c.required("first_name", self.first_name.as_deref(), 100),
            last_name: c.optional("last_name", self.last_name.as_deref(), 100).unwrap_or_default(),
            email: c.email("email", self.email.as_deref()),
            phone: c.optional("phone", self.phone.as_deref(), 50),
            job_title: c.optional("job_title", self.job_title.as_deref(), 100),
            department: c.optional("department", self.department.as_deref(), 100),
            employment_type: c
                .one_of("employment_type", self.employment_type.as_deref())
                .unwrap_or(EmploymentType::FullTime),
            hire_date: c.date("hire_date", self.hire_date.as_deref()),
        };
        c.finish(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_employee_needs_a_first_name_and_a_known_employment_type() {
        let input = EmployeeInput { employment_type: Some("freelance".into()), ..Default::default() };
        let err = input.validate().unwrap_err();
        assert!(err.field_error("first_name").is_some());
        assert!(err.field_error("employment_type").unwrap().contains("full_time"));
    }
}
