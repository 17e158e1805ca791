//! Never let the resizer trigger itself: decides whether an S3 trigger plus the place the function
//! writes to make a loop, a risk of one, or nothing, before anything is created. Pure, no I/O.
//!
//! The model (docs/loop-check.md): a trigger fires for (bucket, event types, key prefix, key suffix);
//! the function writes with PutObject (event `s3:ObjectCreated:Put`) to the output bucket, at the
//! output prefix followed by the input key minus the trigger prefix, keeping its ending unless an
//! output suffix replaces the extension. The verdict says whether the written key fires the trigger
//! again for every (loop), some (risk) or no (safe) input key; `analysis` decides it exactly.

mod analysis;
mod events;
mod existing;
mod explain;
mod input;
mod keys;
#[cfg(test)]
mod tests;

use crate::i18n::Text;
use analysis::{Amount, Need, Outcome};
use serde::{Deserialize, Serialize};

pub use events::{KNOWN_EVENTS, MULTIPART_EVENT, PUT_EVENT, is_known as is_known_event};
pub use existing::{ExistingRule, conflict_text, overlapping_rules};
pub use input::{Field, InputError};

/// A bucket notification rule that invokes the function.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trigger {
    pub bucket: String,
    pub events: Vec<String>,
    pub prefix: String,
    pub suffix: String,
}

/// Where the function writes its result.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FunctionOutput {
    pub bucket: String,
    pub prefix: String,
    /// The ending that replaces the input key's extension (e.g. `.webp`); `None` keeps the ending.
    pub suffix: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// No output can fire the trigger.
    Safe,
    /// Every output fires the trigger again.
    Loop,
    /// Some outputs fire the trigger again.
    Risk,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Safe => "safe",
            Verdict::Loop => "loop",
            Verdict::Risk => "risk",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Report {
    pub verdict: Verdict,
    pub reasons: Vec<Text>,
    /// For loop and risk: an input key whose output fires the trigger again (checked by simulation).
    pub example_key: Option<String>,
    /// For loop and risk: what to change.
    pub fix: Option<Text>,
    /// About the trigger itself, whatever the verdict.
    pub warnings: Vec<Text>,
}

/// Checks the trigger and the output location, then decides the verdict.
pub fn check(t: &Trigger, out: &FunctionOutput) -> Result<Report, InputError> {
    input::validate(t, out)?;
    let warnings = explain::warnings(t);
    let safe = |reasons: Vec<Text>, warnings: Vec<Text>| Report {
        verdict: Verdict::Safe,
        reasons,
        example_key: None,
        fix: None,
        warnings,
    };
    if out.bucket != t.bucket {
        return Ok(safe(vec![explain::other_bucket(t, out)], warnings));
    }
    if !events::listens(&t.events, PUT_EVENT) {
        let reasons = vec![explain::same_bucket(t), explain::events_miss_put(t)];
        return Ok(safe(reasons, warnings));
    }

    let both = analyse(t, out, Need::Both)?;
    let by_prefix = analyse(t, out, Need::Prefix)?.amount();
    let by_suffix = analyse(t, out, Need::Suffix)?.amount();
    let verdict = match both.amount() {
        Amount::None => Verdict::Safe,
        Amount::Some => Verdict::Risk,
        Amount::All => Verdict::Loop,
    };

    let mut reasons = vec![explain::same_bucket(t), explain::events_hit_put(t)];
    if verdict == Verdict::Safe {
        // Only the decisive facts: the part of the filter no output can match.
        match (by_prefix, by_suffix) {
            (Amount::None, _) => reasons.push(explain::prefix_reason(t, out, by_prefix)),
            (_, Amount::None) => reasons.push(explain::suffix_reason(t, out, by_suffix)),
            _ => reasons.extend(explain::summary(verdict, None)),
        }
        return Ok(safe(reasons, warnings));
    }
    reasons.push(explain::prefix_reason(t, out, by_prefix));
    reasons.push(explain::suffix_reason(t, out, by_suffix));
    let counter = match verdict {
        Verdict::Risk => example(t, out, &both, false),
        _ => None,
    };
    let counter_output = counter.as_deref().and_then(|k| output_key(t, out, k));
    reasons.extend(explain::summary(
        verdict,
        counter.as_deref().map(|k| (k, counter_output.as_deref())),
    ));
    Ok(Report {
        verdict,
        reasons,
        example_key: example(t, out, &both, true),
        fix: Some(explain::fix(t, out)),
        warnings,
    })
}

fn analyse(t: &Trigger, out: &FunctionOutput, need: Need) -> Result<Outcome, InputError> {
    analysis::analyse(
        &t.prefix,
        &t.suffix,
        &out.prefix,
        out.suffix.as_deref(),
        need,
    )
    .map_err(|analysis::TooComplex| {
        let (field, value) = if t.suffix.len() >= t.prefix.len() {
            (Field::Suffix, &t.suffix)
        } else {
            (Field::Prefix, &t.prefix)
        };
        InputError {
            field,
            value: value.clone(),
            rule: crate::tr!(
                es: "es demasiado largo para comprobar los bucles; usa filtros más cortos",
                en: "is too long to check for loops; use shorter filters"
            ),
        }
    })
}

/// A key that fires the trigger but whose output does not fire it again; `None` when there is no such
/// key (a loop). Together with `example_key` it proves a risk is only a risk; the wizard can show it.
pub fn counter_example(t: &Trigger, out: &FunctionOutput) -> Result<Option<String>, InputError> {
    input::validate(t, out)?;
    let outcome = analyse(t, out, Need::Both)?;
    Ok(example(t, out, &outcome, false))
}

/// Whether the function's write for `key` fires the trigger again (same bucket, PUT listened to).
fn refires(t: &Trigger, out: &FunctionOutput, key: &str) -> bool {
    output_key(t, out, key).is_some_and(|o| triggers(t, &out.bucket, PUT_EVENT, &o))
}

/// A triggering input key whose output fires the trigger again (`refire`) or does not. A realistic
/// key when one fits, else the analysis's shortest witness; either is simulated before it is shown.
fn example(t: &Trigger, out: &FunctionOutput, o: &Outcome, refire: bool) -> Option<String> {
    let below = t
        .prefix
        .strip_prefix(out.prefix.as_str())
        .filter(|d| !d.is_empty())
        .unwrap_or("");
    let leads = if refire { [below, ""] } else { ["", below] };
    let fits =
        |k: &String| keys::matches_filter(&t.prefix, &t.suffix, k) && refires(t, out, k) == refire;
    let natural = leads
        .iter()
        .flat_map(|lead| keys::natural_rests(lead, &t.suffix))
        .map(|rest| format!("{}{rest}", t.prefix))
        .find(fits);
    // The analysis assumed the writes reach the trigger; when they cannot (another bucket, no PUT),
    // its `hit` is a key that triggers without refiring, so it is tried for `!refire` too.
    let witnesses = if refire {
        [&o.hit, &None]
    } else {
        [&o.miss, &o.hit]
    };
    natural.or_else(|| {
        witnesses
            .into_iter()
            .flatten()
            .map(|rest| format!("{}{rest}", t.prefix))
            .find(fits)
    })
}

/// The key the function writes for `input_key`; `None` when the key does not match the trigger's
/// filter (or the result would be the empty key, which S3 cannot hold).
pub fn output_key(t: &Trigger, out: &FunctionOutput, input_key: &str) -> Option<String> {
    if !keys::matches_filter(&t.prefix, &t.suffix, input_key) {
        return None;
    }
    let rest = input_key.get(t.prefix.len()..)?;
    keys::transform(&out.prefix, out.suffix.as_deref(), rest)
}

/// Whether creating `key` in `bucket` with `event` invokes the function through this trigger.
pub fn triggers(t: &Trigger, bucket: &str, event: &str, key: &str) -> bool {
    bucket == t.bucket
        && events::listens(&t.events, event)
        && keys::matches_filter(&t.prefix, &t.suffix, key)
}
