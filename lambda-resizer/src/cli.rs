//! Local mode: `bootstrap resize IN OUT [options]`, `bootstrap preview` (a small RGB copy for the
//! wizard's terminal view) and `bootstrap --help`.
//!
//! Argument parsing is hand-written on purpose: clap would add ~300 KB and measurable start-up time
//! to a binary whose whole job on Lambda is to start fast.

use std::ffi::OsString;
use std::io::{Read, Write};
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
  bootstrap preview --cols C --rows R IN
  bootstrap --help | --version

Options:
  --max-width W    largest output width in pixels (default 1024)
  --max-height H   largest output height in pixels (default 1024)
  --quality Q      JPEG quality 1-100 (default 85)

The format is detected from the content and kept. Images are never upscaled.
`preview` writes the image, oriented and shrunk to fit C × 2R pixels (a terminal cell holds two
pixels), to stdout as a binary PPM whose `# WxH` comment gives the original size; IN `-` is stdin.
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
    Preview {
        input: PathBuf,
        cols: u32,
        rows: u32,
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
        Some("preview") => return parse_preview(it),
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

fn parse_preview<'a>(mut it: impl Iterator<Item = &'a OsString>) -> Result<Command, String> {
    let (mut cols, mut rows, mut input) = (None, None, None);
    while let Some(arg) = it.next() {
        let text = arg.to_string_lossy();
        match text.as_ref() {
            "--cols" | "--rows" => {
                let v = it.next().ok_or_else(|| format!("{text} needs a value"))?;
                let n = number(&text, &v.to_string_lossy(), 1000)?;
                if text == "--cols" {
                    cols = Some(n)
                } else {
                    rows = Some(n)
                }
            }
            _ if input.is_none() && (text == "-" || !text.starts_with("--")) => {
                input = Some(PathBuf::from(arg))
            }
            _ => return Err(format!("unexpected argument {text:?}")),
        }
    }
    match (cols, rows, input) {
        (Some(cols), Some(rows), Some(input)) => Ok(Command::Preview { input, cols, rows }),
        _ => Err("preview needs --cols C --rows R and IN".into()),
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
        Ok(Command::Preview { input, cols, rows }) => run_preview(&input, cols, rows),
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

/// The resizer's own pipeline (orientation included) to a small JPEG, then plain RGB as PPM.
fn run_preview(input: &PathBuf, cols: u32, rows: u32) -> ExitCode {
    let mut data = Vec::new();
    let read = if input.as_os_str() == "-" {
        std::io::stdin().read_to_end(&mut data).map(|_| ())
    } else {
        std::fs::read(input).map(|d| data = d)
    };
    if let Err(e) = read {
        eprintln!("error: cannot read {}: {e}", input.display());
        return ExitCode::FAILURE;
    }
    let params = ResizeParams {
        max_width: cols,
        max_height: rows * 2,
        jpeg_quality: 95,
    };
    let rgb = resize(&data, &params).and_then(|r| {
        let decode = |e: String| crate::ResizeError::Decode(e);
        // pitch is width × 3: turbojpeg::decompress allocates the rows packed.
        let (w, h, raw) = if r.format == crate::Format::Jpeg {
            let i = turbojpeg::decompress(&r.bytes, turbojpeg::PixelFormat::RGB)
                .map_err(|e| decode(e.to_string()))?;
            (i.width as u32, i.height as u32, i.pixels)
        } else {
            let i = image::load_from_memory(&r.bytes)
                .map_err(|e| decode(e.to_string()))?
                .to_rgb8();
            (i.width(), i.height(), i.into_raw())
        };
        Ok((r.original, w, h, raw))
    });
    let (original, w, h, raw) = match rgb {
        Ok(x) => x,
        Err(e) => {
            eprintln!("error: {}: {e}", input.display());
            return ExitCode::FAILURE;
        }
    };
    let mut out = format!(
        "P6\n# {}x{}\n{} {}\n255\n",
        original.width, original.height, w, h
    )
    .into_bytes();
    out.extend_from_slice(&raw);
    match std::io::stdout().lock().write_all(&out) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: cannot write the preview: {e}");
            ExitCode::FAILURE
        }
    }
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
    fn parses_preview() {
        assert_eq!(
            parse(&args(&["preview", "--cols", "64", "--rows", "24", "-"])).unwrap(),
            Command::Preview {
                input: "-".into(),
                cols: 64,
                rows: 24
            }
        );
        assert!(parse(&args(&["preview", "--cols", "64", "a.jpg"])).is_err());
        assert!(parse(&args(&["preview", "--cols", "0", "--rows", "2", "a.jpg"])).is_err());
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
