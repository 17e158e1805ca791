//! Local mode: `bootstrap resize IN OUT [options]` and `bootstrap --help`.
//!
//! Argument parsing is hand-written on purpose: clap would add ~300 KB and measurable start-up time
//! to a binary whose whole job on Lambda is to start fast.

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use crate::resize::{ResizeParams, resize};

const USAGE: &str = "\
bootstrap — resizes photos (JPEG, PNG, WebP, GIF) to fit a box, keeping their format.

As an AWS Lambda function (provided.al2023) it handles S3 ObjectCreated events; see docs/resizer.md.
Outside Lambda (no AWS_LAMBDA_RUNTIME_API) it resizes a local file:

Usage:
  bootstrap resize IN OUT [--max-width W] [--max-height H] [--quality Q]
  bootstrap --help | --version

Options:
  --max-width W    largest output width in pixels (default 1024)
  --max-height H   largest output height in pixels (default 1024)
  --quality Q      JPEG quality 1-100 (default 85)

The format is detected from the content and kept. Images are never upscaled.
Exit status: 0 done, 1 the image could not be read/decoded/written, 2 bad arguments.";

/// What the command line asks for.
#[derive(Debug, PartialEq, Eq)]
pub enum Command {
    Help,
    Version,
    Resize {
        input: PathBuf,
        output: PathBuf,
        params: ResizeParams,
    },
}

/// Parses the arguments (without the program name).
pub fn parse(args: &[OsString]) -> Result<Command, String> {
    let mut it = args.iter();
    let first = it.next().ok_or("missing command")?;
    match first.to_str() {
        Some("-h" | "--help" | "help") => return Ok(Command::Help),
        Some("-V" | "--version") => return Ok(Command::Version),
        Some("resize") => {}
        _ => return Err(format!("unknown command {first:?}")),
    }
    let mut params = ResizeParams::default();
    let mut paths = Vec::new();
    while let Some(arg) = it.next() {
        let text = arg.to_string_lossy();
        if matches!(text.as_ref(), "-h" | "--help") {
            return Ok(Command::Help);
        }
        if !text.starts_with("--") || text == "--" {
            paths.push(PathBuf::from(arg));
            continue;
        }
        // Both `--opt V` and `--opt=V`.
        let (name, inline) = match text.split_once('=') {
            Some((n, v)) => (n.to_string(), Some(v.to_string())),
            None => (text.to_string(), None),
        };
        let value = match inline {
            Some(v) => v,
            None => it
                .next()
                .map(|v| v.to_string_lossy().into_owned())
                .ok_or_else(|| format!("{name} needs a value"))?,
        };
        match name.as_str() {
            "--max-width" => params.max_width = number(&name, &value, 65_535)?,
            "--max-height" => params.max_height = number(&name, &value, 65_535)?,
            "--quality" => {
                let q = number(&name, &value, 100)?;
                params.jpeg_quality = u8::try_from(q).map_err(|_| format!("bad {name}"))?;
            }
            _ => return Err(format!("unknown option {name}")),
        }
    }
    match <[PathBuf; 2]>::try_from(paths) {
        Ok([input, output]) => Ok(Command::Resize {
            input,
            output,
            params,
        }),
        Err(p) => Err(format!(
            "resize needs exactly two paths, IN and OUT (got {})",
            p.len()
        )),
    }
}

fn number(name: &str, value: &str, max: u32) -> Result<u32, String> {
    match value.parse::<u32>() {
        Ok(n) if (1..=max).contains(&n) => Ok(n),
        _ => Err(format!(
            "{name} must be a whole number in 1..={max}, not {value:?}"
        )),
    }
}

/// Runs the local command; returns the process exit status.
pub fn main(args: Vec<OsString>) -> ExitCode {
    match parse(&args) {
        Ok(Command::Help) => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        Ok(Command::Version) => {
            println!("bootstrap (lambda-resizer) {}", env!("CARGO_PKG_VERSION"));
            ExitCode::SUCCESS
        }
        Ok(Command::Resize {
            input,
            output,
            params,
        }) => run_resize(&input, &output, &params),
        Err(e) => {
            eprintln!("error: {e}\n\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn run_resize(input: &PathBuf, output: &PathBuf, params: &ResizeParams) -> ExitCode {
    let started = Instant::now();
    let data = match std::fs::read(input) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("error: cannot read {}: {e}", input.display());
            return ExitCode::FAILURE;
        }
    };
    let in_bytes = data.len();
    // Handed over: the resizer frees the encoded photo once decoded (a lower peak RSS).
    let resized = match resize(data, params) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {}: {e}", input.display());
            return ExitCode::FAILURE;
        }
    };
    if let Err(e) = std::fs::write(output, &resized.bytes) {
        eprintln!("error: cannot write {}: {e}", output.display());
        return ExitCode::FAILURE;
    }
    println!(
        "{} ({} {}, {} bytes) -> {} ({}, {} bytes) in {} ms",
        input.display(),
        resized.format.name(),
        resized.original,
        in_bytes,
        output.display(),
        resized.resized,
        resized.bytes.len(),
        started.elapsed().as_millis()
    );
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<OsString> {
        list.iter().map(OsString::from).collect()
    }

    #[test]
    fn parses_resize_with_options() {
        let cmd = parse(&args(&[
            "resize",
            "a.jpg",
            "--max-width",
            "800",
            "b.jpg",
            "--quality=70",
        ]))
        .unwrap();
        assert_eq!(
            cmd,
            Command::Resize {
                input: "a.jpg".into(),
                output: "b.jpg".into(),
                params: ResizeParams {
                    max_width: 800,
                    max_height: 1024,
                    jpeg_quality: 70
                }
            }
        );
        assert_eq!(parse(&args(&["--help"])).unwrap(), Command::Help);
    }

    #[test]
    fn rejects_bad_arguments() {
        for bad in [
            &[][..],
            &["shrink", "a", "b"],
            &["resize", "a"],
            &["resize", "a", "b", "c"],
            &["resize", "a", "b", "--quality", "0"],
            &["resize", "a", "b", "--quality", "101"],
            &["resize", "a", "b", "--max-width"],
            &["resize", "a", "b", "--max-height", "-5"],
            &["resize", "a", "b", "--colour", "red"],
        ] {
            assert!(parse(&args(bad)).is_err(), "{bad:?} should be rejected");
        }
    }
}
