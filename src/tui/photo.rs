//! The photos of Try it, drawn in the terminal: each cell is a `▀` whose foreground is the upper
//! pixel and background the lower one. Decoding is the resizer's own (`bootstrap preview`, so EXIF
//! orientation is applied exactly as the Lambda applies it), run as a child process: pasos itself
//! links no image library, which keeps its first build short.

use crate::cloud::Cloud;
use crate::i18n::Text;
use crate::tr;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Color;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The box the photos are decoded to (cells; two pixels per cell vertically). Drawing scales down
/// from it, so a resized terminal needs no new decode.
pub const COLS: u16 = 64;
pub const ROWS: u16 = 24;

/// A small RGB image.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pixels {
    pub width: u32,
    pub height: u32,
    pub rgb: Vec<u8>,
    /// The photo's own size (as displayed, orientation applied), when the decoder said it.
    pub original: Option<(u32, u32)>,
}

/// What to preview after Try it: the local sample and the resized copy in S3.
#[derive(Clone, Debug, PartialEq)]
pub struct Job {
    pub photo: PathBuf,
    pub bucket: String,
    pub key: String,
}

/// Reads `bootstrap preview`'s answer: a binary PPM (`P6`), with an optional `# WxH` comment
/// giving the original size.
pub fn parse_ppm(data: &[u8]) -> Option<Pixels> {
    let mut fields: Vec<&[u8]> = Vec::new();
    let mut original = None;
    let mut i = 0;
    while fields.len() < 4 {
        while data.get(i)?.is_ascii_whitespace() {
            i += 1;
        }
        if data[i] == b'#' {
            let end = i + data[i..].iter().position(|b| *b == b'\n')?;
            let c = std::str::from_utf8(&data[i + 1..end]).ok()?.trim();
            if let Some((w, h)) = c.split_once('x') {
                original = w.parse().ok().zip(h.parse().ok());
            }
            i = end;
            continue;
        }
        let start = i;
        while !data.get(i)?.is_ascii_whitespace() {
            i += 1;
        }
        fields.push(&data[start..i]);
    }
    let num = |b: &[u8]| std::str::from_utf8(b).ok()?.parse::<u32>().ok();
    let (width, height) = (num(fields[1])?, num(fields[2])?);
    if fields[0] != b"P6" || num(fields[3])? != 255 || width == 0 || height == 0 {
        return None;
    }
    let rgb = data.get(i + 1..)?;
    let n = (width as usize)
        .checked_mul(height as usize)?
        .checked_mul(3)?;
    (rgb.len() >= n).then(|| Pixels {
        width,
        height,
        rgb: rgb[..n].to_vec(),
        original,
    })
}

/// Runs `bootstrap preview` on `data` (sent on stdin).
fn decode(bootstrap: &Path, data: &[u8]) -> Result<Pixels, Text> {
    let (c, r) = (COLS.to_string(), ROWS.to_string());
    let mut child = Command::new(bootstrap)
        .args(["preview", "--cols", &c, "--rows", &r, "-"])
        .env_remove("AWS_LAMBDA_RUNTIME_API")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| Text::same(e.to_string()))?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(data)
            .map_err(|e| Text::same(e.to_string()))?;
    }
    let out = child
        .wait_with_output()
        .map_err(|e| Text::same(e.to_string()))?;
    if !out.status.success() {
        return Err(Text::same(
            String::from_utf8_lossy(&out.stderr).trim().to_string(),
        ));
    }
    parse_ppm(&out.stdout).ok_or_else(
        || tr!(es: "la vista previa no es una imagen PPM", en: "the preview is not a PPM image"),
    )
}

/// Decodes both photos; a photo that cannot be shown is `None` (the sizes are still shown).
pub async fn run(cloud: &Cloud, job: Job, sandbox: bool) -> (Option<Pixels>, Option<Pixels>) {
    let Some(bootstrap) = crate::resizer_pkg::local_bootstrap(sandbox) else {
        return (None, None);
    };
    let resized = match cloud
        .s3
        .get_object()
        .bucket(&job.bucket)
        .key(&job.key)
        .send()
        .await
    {
        Ok(o) => o.body.collect().await.ok().map(|b| b.into_bytes().to_vec()),
        Err(e) => {
            tracing::warn!("preview: GetObject {}: {e}", job.key);
            None
        }
    };
    let original = std::fs::read(&job.photo).ok();
    let both = tokio::task::spawn_blocking(move || {
        let show = |d: Option<Vec<u8>>| {
            d.and_then(|d| {
                decode(&bootstrap, &d)
                    .map_err(|e| tracing::warn!("preview: {}", e.en))
                    .ok()
            })
        };
        (show(original), show(resized))
    })
    .await;
    both.unwrap_or((None, None))
}

/// Draws `p` into `area`, scaled down (nearest pixel) to fit, centred, aspect kept.
pub fn render(buf: &mut Buffer, area: Rect, p: &Pixels) {
    if area.width == 0 || area.height == 0 {
        return;
    }
    let (pw, ph) = (p.width as f64, p.height as f64);
    // Cells are 1 pixel wide and 2 tall: fit the image into width × 2·height pixels.
    let scale = (area.width as f64 / pw)
        .min(area.height as f64 * 2.0 / ph)
        .min(1.0);
    let w = ((pw * scale).floor() as u16).clamp(1, area.width);
    let h_px = ((ph * scale).floor() as u16).max(2);
    let h = (h_px / 2).clamp(1, area.height);
    let x0 = area.x + (area.width - w) / 2;
    let y0 = area.y + (area.height - h) / 2;
    let at = |x: u16, y: u16| -> Color {
        let sx = ((x as f64 + 0.5) / w as f64 * pw) as u32;
        let sy = ((y as f64 + 0.5) / (h as f64 * 2.0) * ph) as u32;
        let i = ((sy.min(p.height - 1) * p.width + sx.min(p.width - 1)) * 3) as usize;
        match p.rgb.get(i..i + 3) {
            Some(c) => Color::Rgb(c[0], c[1], c[2]),
            None => Color::Reset,
        }
    };
    for cy in 0..h {
        for cx in 0..w {
            let cell = &mut buf[(x0 + cx, y0 + cy)];
            cell.set_symbol("▀");
            cell.set_fg(at(cx, cy * 2));
            cell.set_bg(at(cx, cy * 2 + 1));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_preview_header_and_pixels() {
        let mut data = b"P6\n# 4000x3000\n2 1\n255\n".to_vec();
        data.extend([255, 0, 0, 0, 0, 255]);
        let p = parse_ppm(&data).expect("ppm");
        assert_eq!((p.width, p.height, p.original), (2, 1, Some((4000, 3000))));
        assert_eq!(p.rgb, vec![255, 0, 0, 0, 0, 255]);
        assert!(
            parse_ppm(b"P6\n2 1\n255\n\x00").is_none(),
            "short pixel data"
        );
        assert!(parse_ppm(b"P5\n1 1\n255\n\x00").is_none(), "not RGB");
    }

    #[test]
    fn half_blocks_carry_two_pixels_per_cell() {
        // 1×2: red above blue fits one cell exactly.
        let p = Pixels {
            width: 1,
            height: 2,
            rgb: vec![255, 0, 0, 0, 0, 255],
            original: None,
        };
        let mut buf = Buffer::empty(Rect::new(0, 0, 3, 3));
        render(&mut buf, Rect::new(0, 0, 3, 3), &p);
        let c = &buf[(1, 1)];
        assert_eq!(c.symbol(), "▀");
        assert_eq!((c.fg, c.bg), (Color::Rgb(255, 0, 0), Color::Rgb(0, 0, 255)));
    }
}
