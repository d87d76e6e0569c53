//! The actor gazetteer (`data/actors.toml`, DESIGN.md §3): deserializing and validating it.
//!
//! It owns the file format and its errors only; how names are matched in text belongs to the
//! tagger, which compiles a `Gazetteer` once.

use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// What sort of actor an entry names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Person,
    Org,
    Country,
    Group,
    Place,
}

/// One `[[actor]]` entry.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Actor {
    pub key: String,
    pub kind: Kind,
    pub name_en: String,
    pub name_ar: String,
    #[serde(default)]
    pub aliases_ar: Vec<String>,
    #[serde(default)]
    pub aliases_en: Vec<String>,
    /// ISO 3166 alpha-2, lowercase in the shipped file.
    #[serde(default)]
    pub country: Option<String>,
    /// Words (or short phrases) one of which must appear near a one-word alias, or in the title,
    /// before that alias counts.
    #[serde(default)]
    pub context: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    actor: Vec<Actor>,
}

/// Errors from loading a gazetteer.
#[derive(Debug, thiserror::Error)]
pub enum TagError {
    /// The file is not valid TOML or does not fit the format; the message carries toml's
    /// line and column.
    #[error("actors.toml: {0}")]
    Toml(#[from] toml::de::Error),
    /// The file parsed but entries are unusable; every problem is listed.
    #[error("actors.toml: {}", .0.join("; "))]
    Invalid(Vec<String>),
}

/// All known actors, in file order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Gazetteer {
    pub actors: Vec<Actor>,
}

impl Gazetteer {
    /// Parses and validates an actors file.
    pub fn from_toml(src: &str) -> Result<Gazetteer, TagError> {
        let raw: RawFile = toml::from_str(src)?;
        let mut problems = Vec::new();
        let mut seen = HashSet::new();
        for a in &raw.actor {
            let key_ok = !a.key.is_empty()
                && a.key
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
            if !key_ok {
                problems.push(format!(
                    "actor key '{}' must be lowercase ASCII letters, digits and '-'",
                    a.key
                ));
            }
            if !seen.insert(a.key.as_str()) {
                problems.push(format!("actor key '{}' is defined twice", a.key));
            }
            if a.name_ar.trim().is_empty() {
                problems.push(format!("actor '{}' has an empty name_ar", a.key));
            }
        }
        if problems.is_empty() {
            Ok(Gazetteer { actors: raw.actor })
        } else {
            Err(TagError::Invalid(problems))
        }
    }

    /// The gazetteer compiled into the binary.
    pub fn builtin() -> Gazetteer {
        // The shipped file is parsed by a unit test, so a failure here is a build defect.
        #[allow(clippy::expect_used)]
        Gazetteer::from_toml(include_str!("../../data/actors.toml"))
            .expect("data/actors.toml is valid (checked by tests)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_parses() {
        assert!(Gazetteer::builtin().actors.len() > 10);
    }

    #[test]
    fn toml_errors_keep_line_and_column() {
        let err = Gazetteer::from_toml("[[actor]]\nkey = \"x\"\nkind = \"person\nname_en = 1\n")
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("line 3"), "{err}");
    }

    #[test]
    fn unknown_fields_and_bad_kinds_are_rejected() {
        let unknown = "[[actor]]\nkey='a'\nkind='person'\nname_en='A'\nname_ar='أ'\nnick='x'\n";
        assert!(Gazetteer::from_toml(unknown).is_err());
        let kind = "[[actor]]\nkey='a'\nkind='city'\nname_en='A'\nname_ar='أ'\n";
        assert!(Gazetteer::from_toml(kind).is_err());
    }

    #[test]
    fn all_problems_are_reported() {
        let src = "[[actor]]\nkey='A'\nkind='person'\nname_en='A'\nname_ar=''\n\
                   [[actor]]\nkey='A'\nkind='person'\nname_en='A'\nname_ar='ب'\n";
        let err = Gazetteer::from_toml(src)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("lowercase") && err.contains("twice") && err.contains("empty"));
    }
}
