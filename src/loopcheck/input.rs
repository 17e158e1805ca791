//! Validation of a trigger and an output location before they are analysed: the error names the
//! field, the value and the broken rule, in both languages.

use super::events;
use super::{FunctionOutput, Trigger};
use crate::i18n::Text;
use crate::{names, tr};
use std::fmt;

/// The field of a trigger or output location an [`InputError`] is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Bucket,
    Events,
    Prefix,
    Suffix,
    OutputBucket,
    OutputPrefix,
    OutputSuffix,
}

impl Field {
    /// The `pasos check-trigger` flag that sets this field.
    pub fn flag(self) -> &'static str {
        match self {
            Field::Bucket => "--bucket",
            Field::Events => "--events",
            Field::Prefix => "--prefix",
            Field::Suffix => "--suffix",
            Field::OutputBucket => "--output-bucket",
            Field::OutputPrefix => "--output-prefix",
            Field::OutputSuffix => "--output-suffix",
        }
    }

    /// What the field is, in words (for the wizard, which has no flags).
    pub fn label(self) -> Text {
        match self {
            Field::Bucket => tr!(es: "bucket del disparador", en: "trigger bucket"),
            Field::Events => tr!(es: "tipos de evento", en: "event types"),
            Field::Prefix => tr!(es: "prefijo del disparador", en: "trigger prefix"),
            Field::Suffix => tr!(es: "sufijo del disparador", en: "trigger suffix"),
            Field::OutputBucket => tr!(es: "bucket de salida", en: "output bucket"),
            Field::OutputPrefix => tr!(es: "prefijo de salida", en: "output prefix"),
            Field::OutputSuffix => tr!(es: "sufijo de salida", en: "output suffix"),
        }
    }
}

/// A trigger or output location pasos refuses to analyse (and AWS would refuse to create).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputError {
    pub field: Field,
    pub value: String,
    pub rule: Text,
}

impl InputError {
    /// `trigger bucket `My_Photos`: may only contain …` — for the wizard and plan validation.
    pub fn text(&self) -> Text {
        self.text_with(&self.field.label())
    }

    /// `--bucket `My_Photos`: may only contain …` — for `pasos check-trigger`, whose user typed flags.
    pub fn flag_text(&self) -> Text {
        self.text_with(&Text::same(self.field.flag()))
    }

    /// The message naming the field with `name`.
    pub fn text_with(&self, name: &Text) -> Text {
        let (es_name, en_name, v) = (&name.es, &name.en, &self.value);
        let (es_rule, en_rule) = (&self.rule.es, &self.rule.en);
        tr!(es: "{es_name} `{v}`: {es_rule}", en: "{en_name} `{v}`: {en_rule}")
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text().en)
    }
}

impl std::error::Error for InputError {}

fn err(field: Field, value: &str, rule: Text) -> InputError {
    InputError {
        field,
        value: value.to_string(),
        rule,
    }
}

/// Checks every field, in the order a user reads them.
pub fn validate(t: &Trigger, out: &FunctionOutput) -> Result<(), InputError> {
    names::bucket_name(&t.bucket).map_err(|r| err(Field::Bucket, &t.bucket, r))?;
    if t.events.is_empty() {
        return Err(err(
            Field::Events,
            "",
            tr!(
                es: "hace falta al menos un tipo de evento, p. ej. s3:ObjectCreated:*",
                en: "needs at least one event type, e.g. s3:ObjectCreated:*"
            ),
        ));
    }
    for e in &t.events {
        if !events::is_known(e) {
            let rule = match events::suggestion(e) {
                Some(s) => tr!(
                    es: "no es un tipo de evento de S3 (¿querías decir `{s}`? S3 distingue mayúsculas)",
                    en: "is not an S3 event type (did you mean `{s}`? S3 is case-sensitive)"
                ),
                None => tr!(
                    es: "no es un tipo de evento de S3 (p. ej. s3:ObjectCreated:Put, s3:ObjectCreated:*, s3:ObjectRemoved:*)",
                    en: "is not an S3 event type (e.g. s3:ObjectCreated:Put, s3:ObjectCreated:*, s3:ObjectRemoved:*)"
                ),
            };
            return Err(err(Field::Events, e, rule));
        }
    }
    names::s3_prefix(&t.prefix).map_err(|r| err(Field::Prefix, &t.prefix, r))?;
    names::s3_prefix(&t.suffix).map_err(|r| err(Field::Suffix, &t.suffix, r))?;
    names::bucket_name(&out.bucket).map_err(|r| err(Field::OutputBucket, &out.bucket, r))?;
    names::s3_prefix(&out.prefix).map_err(|r| err(Field::OutputPrefix, &out.prefix, r))?;
    if let Some(x) = &out.suffix {
        if x.is_empty() {
            return Err(err(
                Field::OutputSuffix,
                x,
                tr!(
                    es: "no puede estar vacío; si la función conserva la terminación de la clave, omítelo",
                    en: "must not be empty; leave it out when the function keeps the key's ending"
                ),
            ));
        }
        names::s3_prefix(x).map_err(|r| err(Field::OutputSuffix, x, r))?;
    }
    Ok(())
}
