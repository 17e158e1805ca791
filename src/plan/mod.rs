//! Plans: parsing the TOML file (with line and column on errors) and the problems found in one.

pub mod files;
pub mod model;
pub mod validate;

pub use model::*;

use crate::i18n::Text;
use crate::tr;
use std::path::{Path, PathBuf};

/// One thing wrong with a plan: the field (`user[0].name`), the value, and the rule it breaks.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct PlanProblem {
    pub field: String,
    pub value: String,
    pub rule: Text,
}

impl PlanProblem {
    pub fn new(field: impl Into<String>, value: impl Into<String>, rule: Text) -> PlanProblem {
        PlanProblem {
            field: field.into(),
            value: value.into(),
            rule,
        }
    }

    /// `user[0].name = "a b": only letters, digits and +=,.@_- are allowed`
    pub fn text(&self) -> Text {
        let (f, v) = (&self.field, &self.value);
        let head = tr!(es: "{f} = \"{v}\": ", en: "{f} = \"{v}\": ");
        Text {
            es: format!("{}{}", head.es, self.rule.es).into(),
            en: format!("{}{}", head.en, self.rule.en).into(),
        }
    }
}

/// A plan read from disk, with the directory its relative paths (user data, zips) start from.
#[derive(Clone, Debug)]
pub struct LoadedPlan {
    pub plan: Plan,
    pub base_dir: PathBuf,
    /// `--allow-outside-paths`: the plan's files may be anywhere (absolute paths, `..`, symlinks
    /// out of its folder). Off for a plan file, whose author may not be the user.
    pub allow_outside: bool,
}

/// Reads and parses a plan file. Syntax errors and unknown fields come back with line and column.
pub fn load(path: &Path) -> Result<LoadedPlan, Vec<PlanProblem>> {
    let p = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| {
        let e = e.to_string();
        vec![PlanProblem::new(
            "plan",
            p.clone(),
            tr!(es: "no se puede leer el archivo: {e}", en: "cannot read the file: {e}"),
        )]
    })?;
    let text = String::from_utf8(bytes).map_err(|_| {
        vec![PlanProblem::new(
            "plan",
            p.clone(),
            tr!(es: "el archivo no es UTF-8", en: "the file is not UTF-8"),
        )]
    })?;
    let plan = parse(&text).map_err(|e| vec![e])?;
    let base_dir = path
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    Ok(LoadedPlan {
        plan,
        base_dir,
        allow_outside: false,
    })
}

/// Parses plan text. The error names the line and column the TOML parser stopped at.
pub fn parse(text: &str) -> Result<Plan, PlanProblem> {
    match toml::from_str::<Plan>(text) {
        Ok(plan) => Ok(plan),
        Err(e) => {
            let (line, col) = e.span().map(|s| line_col(text, s.start)).unwrap_or((0, 0));
            let msg = e.message().to_string();
            Err(PlanProblem::new(
                format!("plan:{line}:{col}"),
                text.lines()
                    .nth(line.saturating_sub(1))
                    .unwrap_or("")
                    .trim()
                    .to_string(),
                tr!(
                    es: "error de TOML en la línea {line}, columna {col}: {msg}",
                    en: "TOML error at line {line}, column {col}: {msg}"
                ),
            ))
        }
    }
}

/// Writes a plan back as TOML (the wizard's "save as plan").
pub fn to_toml(plan: &Plan) -> Result<String, Text> {
    toml::to_string_pretty(plan).map_err(|e| {
        let e = e.to_string();
        tr!(es: "no se pudo escribir el plan: {e}", en: "could not write the plan: {e}")
    })
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_fill_omitted_fields() {
        let p = parse("version = 1\n[[role]]\nname = \"r\"\n[[user]]\nname = \"u\"\n").unwrap();
        assert_eq!(p.roles[0].trusted_service, "ec2.amazonaws.com");
        assert_eq!(
            p.roles[0].policies,
            ["AmazonS3FullAccess", "AmazonDynamoDBFullAccess"]
        );
        assert!(p.users[0].console_access);
        assert_eq!(p.users[0].access_keys, 1);
    }

    #[test]
    fn unknown_fields_are_refused_with_line_and_column() {
        let e = parse("version = 1\n\n[[role]]\nname = \"r\"\npolicys = []\n").unwrap_err();
        assert!(e.field.starts_with("plan:5:"), "{e:?}");
        assert!(e.rule.en.contains("policys"), "{e:?}");
    }

    #[test]
    fn round_trips_through_toml() {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/assets/plans/walkthrough.toml"
        ))
        .unwrap();
        let p = parse(&text).unwrap();
        let again = parse(&to_toml(&p).unwrap()).unwrap();
        assert_eq!(p, again);
    }
}
