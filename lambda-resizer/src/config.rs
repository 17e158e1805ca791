//! Function configuration from the environment, the loop-safety rule, and which keys are processed
//! and where their output goes.

use crate::limits::Budget;
use crate::resize::ResizeParams;

/// Environment-driven configuration of the Lambda function.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    pub input_prefix: String,
    pub output_prefix: String,
    /// `None`: write into the bucket the event came from.
    pub output_bucket: Option<String>,
    pub params: ResizeParams,
    /// Memory one image may use, from the function's configured memory.
    pub budget: Budget,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            input_prefix: "input/".into(),
            output_prefix: "output/".into(),
            output_bucket: None,
            params: ResizeParams::default(),
            budget: Budget::UNLIMITED,
        }
    }
}

/// What to do with one object of an event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Route {
    Process { bucket: String, key: String },
    Skip(String),
}

impl Config {
    /// Reads INPUT_PREFIX, OUTPUT_PREFIX, OUTPUT_BUCKET, MAX_WIDTH, MAX_HEIGHT, JPEG_QUALITY and
    /// Lambda's own AWS_LAMBDA_FUNCTION_MEMORY_SIZE.
    pub fn from_env() -> Result<Self, String> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Same as [`Config::from_env`] with an injectable lookup (tests).
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self, String> {
        let d = Self::default();
        let number = |name: &str, default: u32, max: u32| -> Result<u32, String> {
            match get(name).filter(|v| !v.trim().is_empty()) {
                None => Ok(default),
                Some(v) => match v.trim().parse::<u32>() {
                    Ok(n) if (1..=max).contains(&n) => Ok(n),
                    _ => Err(format!("{name}={v:?} is not a whole number in 1..={max}")),
                },
            }
        };
        let quality = number("JPEG_QUALITY", u32::from(d.params.jpeg_quality), 100)?;
        let budget = Budget::from_lookup(&get)?;
        Ok(Self {
            // An explicitly empty prefix is meaningful ("whole bucket"), so only unset means default.
            input_prefix: get("INPUT_PREFIX").unwrap_or(d.input_prefix),
            output_prefix: get("OUTPUT_PREFIX").unwrap_or(d.output_prefix),
            output_bucket: get("OUTPUT_BUCKET").filter(|b| !b.trim().is_empty()),
            params: ResizeParams {
                max_width: number("MAX_WIDTH", d.params.max_width, 65_535)?,
                max_height: number("MAX_HEIGHT", d.params.max_height, 65_535)?,
                jpeg_quality: u8::try_from(quality).unwrap_or(d.params.jpeg_quality),
            },
            budget,
        })
    }

    pub fn output_bucket<'a>(&'a self, event_bucket: &'a str) -> &'a str {
        self.output_bucket.as_deref().unwrap_or(event_bucket)
    }

    /// Refuses a configuration that would make the function trigger itself.
    ///
    /// Writing into the bucket that triggers us is only safe when the two prefixes are disjoint: if
    /// the output prefix starts with the input prefix (an empty input prefix included) every output
    /// is a new input, and if the input prefix starts with the output prefix every input would be
    /// skipped as "our own output". AWS's recursion detection does not cover Rust functions.
    pub fn check_loop(&self, event_bucket: &str) -> Result<(), String> {
        if self.output_bucket(event_bucket) != event_bucket {
            return Ok(());
        }
        let (inp, out) = (&self.input_prefix, &self.output_prefix);
        if out.starts_with(inp.as_str()) {
            return Err(format!(
                "refusing to run: output s3://{event_bucket}/{out} lies inside the input prefix \
                 {inp:?} of the same bucket, each output would trigger the function again \
                 (set OUTPUT_PREFIX outside INPUT_PREFIX, a non-empty INPUT_PREFIX, or OUTPUT_BUCKET)"
            ));
        }
        if inp.starts_with(out.as_str()) {
            return Err(format!(
                "refusing to run: input prefix {inp:?} lies inside the output prefix {out:?} of the \
                 same bucket s3://{event_bucket} (use disjoint prefixes or OUTPUT_BUCKET)"
            ));
        }
        Ok(())
    }

    /// Decides whether the (decoded) `key` of `event_bucket` is processed, and its output location.
    pub fn route(&self, event_bucket: &str, key: &str) -> Route {
        let out_bucket = self.output_bucket(event_bucket);
        let Some(rest) = key.strip_prefix(self.input_prefix.as_str()) else {
            return Route::Skip(format!("outside INPUT_PREFIX {:?}", self.input_prefix));
        };
        // Defence in depth: even with a valid configuration, never reprocess our own output (a
        // second trigger wired by hand on the output prefix would otherwise loop).
        if out_bucket == event_bucket && key.starts_with(self.output_prefix.as_str()) {
            return Route::Skip(format!(
                "inside OUTPUT_PREFIX {:?} (our own output)",
                self.output_prefix
            ));
        }
        if rest.is_empty() || key.ends_with('/') {
            return Route::Skip("folder placeholder, not a file".into());
        }
        Route::Process {
            bucket: out_bucket.to_string(),
            key: format!("{}{rest}", self.output_prefix),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config(pairs: &[(&str, &str)]) -> Result<Config, String> {
        let env: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(|k| env.get(k).cloned())
    }

    #[test]
    fn defaults_and_overrides() {
        let c = config(&[]).unwrap();
        assert_eq!(c, Config::default());
        let c = config(&[
            ("MAX_WIDTH", "800"),
            ("MAX_HEIGHT", "600"),
            ("JPEG_QUALITY", "70"),
            ("OUTPUT_BUCKET", "thumbs"),
            ("INPUT_PREFIX", "uploads/"),
        ])
        .unwrap();
        assert_eq!((c.params.max_width, c.params.max_height), (800, 600));
        assert_eq!(c.params.jpeg_quality, 70);
        assert_eq!(c.output_bucket("photos"), "thumbs");
        assert_eq!(c.input_prefix, "uploads/");
        assert!(config(&[("JPEG_QUALITY", "101")]).is_err());
        assert!(config(&[("MAX_WIDTH", "wide")]).is_err());
        assert!(config(&[("MAX_HEIGHT", "0")]).is_err());
        let c = config(&[("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "512")]).unwrap();
        assert_eq!(c.budget, Budget::for_memory_mb(512));
        assert!(config(&[("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "big")]).is_err());
    }

    #[test]
    fn routes_input_keys_to_output_prefix() {
        let c = Config::default();
        assert_eq!(
            c.route("photos", "input/2024/a b.jpg"),
            Route::Process {
                bucket: "photos".into(),
                key: "output/2024/a b.jpg".into()
            }
        );
    }

    #[test]
    fn skips_outside_input_and_inside_output() {
        let c = Config::default();
        assert!(matches!(c.route("photos", "other/a.jpg"), Route::Skip(_)));
        assert!(matches!(c.route("photos", "output/a.jpg"), Route::Skip(_)));
        assert!(matches!(c.route("photos", "input/"), Route::Skip(_)));
        assert!(matches!(c.route("photos", "input/dir/"), Route::Skip(_)));
        // A hand-made config where output sits inside input: the output key is still skipped.
        let nested = Config {
            output_prefix: "input/small/".into(),
            ..Config::default()
        };
        assert!(matches!(
            nested.route("photos", "input/small/a.jpg"),
            Route::Skip(_)
        ));
    }

    #[test]
    fn refuses_looping_configurations() {
        let c = Config::default();
        assert!(c.check_loop("photos").is_ok());
        let empty_input = Config {
            input_prefix: String::new(),
            ..Config::default()
        };
        assert!(empty_input.check_loop("photos").is_err());
        let nested = Config {
            output_prefix: "input/small/".into(),
            ..Config::default()
        };
        assert!(nested.check_loop("photos").is_err());
        let inverted = Config {
            output_prefix: String::new(),
            ..Config::default()
        };
        assert!(inverted.check_loop("photos").is_err());
        // Another bucket cannot loop, whatever the prefixes.
        let other_bucket = Config {
            input_prefix: String::new(),
            output_bucket: Some("thumbs".into()),
            ..Config::default()
        };
        assert!(other_bucket.check_loop("photos").is_ok());
        // OUTPUT_BUCKET naming the event's own bucket is the same bucket.
        let same = Config {
            input_prefix: String::new(),
            output_bucket: Some("photos".into()),
            ..Config::default()
        };
        assert!(same.check_loop("photos").is_err());
    }
}
