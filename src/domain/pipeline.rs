//! Pipelines and their stages: the road a deal travels from first contact to won or lost.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::validate::Check;
use crate::error::AppError;

crate::string_enum!(
    /// What reaching a stage means for a deal.
    StageKind {
        Open = "open" / "Open",
        Won = "won" / "Won",
        Lost = "lost" / "Lost",
    }
);

/// A pipeline with its stages in order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct Pipeline {
    pub id: i64,
    pub name: String,
    pub description: Option<String>,
    pub is_default: bool,
    pub is_active: bool,
    /// Ordered by `position` (0, 1, 2, … with no gaps).
    pub stages: Vec<Stage>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Pipeline {
    pub fn stage(&self, id: i64) -> Option<&Stage> {
        self.stages.iter().find(|s| s.id == id)
    }

    /// Where new deals start: the first open stage (else the first stage).
    pub fn first_stage(&self) -> Option<&Stage> {
        self.stages.iter().find(|s| s.kind == StageKind::Open).or_else(|| self.stages.first())
    }
}

/// A stage of a pipeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct Stage {
    pub id: i64,
    pub pipeline_id: i64,
    pub name: String,
    pub position: i64,
    /// Win probability 0–100 that deals take when they enter the stage.
    pub probability: i64,
    pub kind: StageKind,
    /// `#rrggbb`.
    pub color: String,
}

/// The colour a stage gets when none is chosen.
pub const DEFAULT_STAGE_COLOR: &str = "#64748b";

impl Stage {
    /// The stage's colour for a CSS value (`style`): only ever a `#rrggbb`. Input is validated
    /// as one; a row written some other way (by hand, an old import) falls back to the default
    /// instead of carrying its text into the page's styles.
    pub fn css_color(&self) -> &str {
        if is_hex_color(&self.color) {
            &self.color
        } else {
            DEFAULT_STAGE_COLOR
        }
    }
}

/// Pipeline create/update input (text as it arrives). On update, fields not sent stay.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
#[serde(default)]
pub struct PipelineInput {
    pub name: Option<String>,
    pub description: Option<String>,
    /// `true`/`false` (also `on` from a checkbox).
    pub is_active: Option<String>,
}

/// Validated pipeline fields.
#[derive(Debug, Clone, PartialEq)]
pub struct PipelineFields {
    pub name: String,
    pub description: Option<String>,
    pub is_active: bool,
}

impl PipelineInput {
    pub fn apply_to(&self, mut base: PipelineFields) -> Result<PipelineFields, AppError> {
        let mut c = Check::new();
        if let Some(v) = self.name.as_deref() {
            base.name = c.required("name", Some(v), 100);
        } else if base.name.is_empty() {
            c.add("name", "is required");
        }
        if let Some(v) = self.description.as_deref() {
            base.description = c.optional("description", Some(v), 2000);
        }
        if let Some(v) = self.is_active.as_deref() {
            if let Some(b) = parse_bool(&mut c, "is_active", v) {
                base.is_active = b;
            }
        }
        c.finish(base)
    }
}

/// Stage create/update input (text as it arrives). On update, fields not sent stay.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
#[serde(default)]
pub struct StageInput {
    pub name: Option<String>,
    pub probability: Option<String>,
    #[cfg_attr(feature = "ssr", schemars(schema_with = "crate::domain::choice_schema::<StageKind>"))]
    pub kind: Option<String>,
    pub color: Option<String>,
}

/// Validated stage fields.
#[derive(Debug, Clone, PartialEq)]
pub struct StageFields {
    pub name: String,
    pub probability: i64,
    pub kind: StageKind,
    pub color: String,
}

impl Default for StageFields {
    fn default() -> Self {
        StageFields { name: String::new(), probability: 0, kind: StageKind::Open, color: DEFAULT_STAGE_COLOR.into() }
    }
}

impl StageInput {
    pub fn apply_to(&self, mut base: StageFields) -> Result<StageFields, AppError> {
        let mut c = Check::new();
        if let Some(v) = self.name.as_deref() {
            base.name = c.required("name", Some(v), 100);
        } else if base.name.is_empty() {
            c.add("name", "is required");
        }
        if let Some(p) = c.int("probability", self.probability.as_deref(), 0, 100) {
            base.probability = p;
        }
        if let Some(k) = c.one_of("kind", self.kind.as_deref()) {
            base.kind = k;
        }
        if let Some(v) = self.color.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
            if is_hex_color(v) {
                base.color = v.to_lowercase();
            } else {
                c.add("color", "must be a colour as #rrggbb");
            }
        }
        c.finish(base)
    }
}

/// `#rrggbb`.
pub fn is_hex_color(v: &str) -> bool {
    v.len() == 7 && v.starts_with('#') && v[1..].chars().all(|c| c.is_ascii_hexdigit())
}

/// `true`/`false`, `1`/`0`, `on`/`off`, `yes`/`no`.
pub fn parse_bool(c: &mut Check, field: &str, v: &str) -> Option<bool> {
    match v.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "on" | "yes" => Some(true),
        "false" | "0" | "off" | "no" | "" => Some(false),
        _ => {
            c.add(field, "must be true or false");
            None
        }
    }
}

/// A full ordering of a pipeline's stages: comma-separated stage ids, each exactly once.
pub fn parse_stage_order(raw: &str, existing: &[i64]) -> Result<Vec<i64>, AppError> {
    let mut order = Vec::new();
    for part in raw.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        match part.parse::<i64>() {
            Ok(id) if !order.contains(&id) => order.push(id),
            Ok(_) => return Err(AppError::field("stage_ids", "lists a stage twice")),
            Err(_) => return Err(AppError::field("stage_ids", "must be stage ids separated by commas")),
        }
    }
    let mut sorted = order.clone();
    sorted.sort_unstable();
    let mut want = existing.to_vec();
    want.sort_unstable();
    if sorted != want {
        return Err(AppError::field("stage_ids", "must list every stage of the pipeline exactly once"));
    }
    Ok(order)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stages_need_a_name_a_probability_in_range_and_a_hex_colour() {
        let bad = StageInput {
            name: Some(" ".into()),
            probability: Some("101".into()),
            kind: Some("maybe".into()),
            color: Some("red".into()),
        };
        let err = bad.apply_to(StageFields::default()).unwrap_err();
        for field in ["name", "probability", "kind", "color"] {
            assert!(err.field_error(field).is_some(), "{field} should be reported");
        }
        let ok = StageInput { name: Some("Demo".into()), color: Some("#AABBCC".into()), ..Default::default() }
            .apply_to(StageFields::default())
            .unwrap();
        assert_eq!((ok.name.as_str(), ok.color.as_str(), ok.kind), ("Demo", "#aabbcc", StageKind::Open));
    }

    #[test]
    fn a_stage_order_must_name_every_stage_once() {
        assert_eq!(parse_stage_order("3, 1,2", &[1, 2, 3]).unwrap(), vec![3, 1, 2]);
        for bad in ["1,2", "1,2,3,4", "1,1,2,3", "1,x,3", ""] {
            assert!(parse_stage_order(bad, &[1, 2, 3]).is_err(), "{bad:?} should be refused");
        }
    }
}
