//! Progressive JPEG scan pruning: before a strongly reduced decode, drop the scans that only refine
//! the precision of AC coefficients, which a thumbnail cannot show.
//!
//! Why: on a progressive photo nearly all the time goes to libjpeg-turbo's progressive Huffman
//! decoder (no SIMD), the same code Pillow runs, and the successive-approximation refinement passes
//! (`Ah > 0` for AC bands) are the most expensive part of it: each revisits every non-zero
//! coefficient of the image. Measured on real photos (docs/benchmarks-resizer.md):
//!
//! * at 1/2 scale, dropping the luma's last bit (`Ah=1 → Al=0`, the largest scan of all) moves the
//!   output by 0.00–0.20 dB PSNR; the chroma's last bits would add up to 0.11 dB for little time, and
//!   every refinement up to 0.92 dB, so only the luma's last bit goes;
//! * at 1/4 and 1/8, every AC refinement (for libjpeg's standard script: the luma's last two bits,
//!   the chroma's last bit) moves it by 0.01–0.17 dB, and skipping them halves the decode.
//!
//! Dropping refinement scans leaves a valid JPEG as long as no kept scan refines what a dropped one
//! did: the final refinement (`Al=0`) is never refined further, and at 1/4 every AC refinement goes.
//! libjpeg treats the coefficients as known to the bits it got (its block smoothing even estimates the
//! missing low frequencies). DC scans are always kept. Anything unexpected in the marker structure
//! makes the pruner give up and the original bytes are decoded unchanged.

use std::borrow::Cow;
use std::ops::Range;

/// Which AC refinement scans to drop.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Prune {
    /// Keep every scan.
    Nothing,
    /// The final refinement (`Al=0`) of the first (luma) component.
    LumaLastBit,
    /// Every AC refinement scan (`Ah > 0`) of every component.
    AllRefinements,
}

/// How much to prune for a DCT reduction of `num`/8 (see the module documentation).
pub fn policy(num: u32) -> Prune {
    match num {
        0..=2 => Prune::AllRefinements,
        3..=4 => Prune::LumaLastBit,
        _ => Prune::Nothing,
    }
}

/// `data` without the prunable scans (borrowed back unchanged when none is found).
pub fn prune(data: Cow<'_, [u8]>, what: Prune) -> Cow<'_, [u8]> {
    let Some(drop) = droppable_scans(&data, what).filter(|d| !d.is_empty()) else {
        return data;
    };
    match data {
        Cow::Borrowed(bytes) => Cow::Owned(without(bytes, &drop)),
        Cow::Owned(mut bytes) => {
            compact(&mut bytes, &drop);
            Cow::Owned(bytes)
        }
    }
}

/// The byte ranges (SOS marker through the end of its entropy-coded data) of the scans to drop, in
/// file order; `None` when the file is not a Huffman progressive JPEG or its markers do not parse.
pub fn droppable_scans(data: &[u8], what: Prune) -> Option<Vec<Range<usize>>> {
    if what == Prune::Nothing || !data.starts_with(&[0xFF, 0xD8]) {
        return None;
    }
    let mut luma = None;
    let mut components = 0;
    let mut drop = Vec::new();
    let mut pos = 2;
    loop {
        // Markers may be preceded by fill bytes.
        while data.get(pos) == Some(&0xFF) && data.get(pos + 1) == Some(&0xFF) {
            pos += 1;
        }
        let (Some(&0xFF), Some(&marker)) = (data.get(pos), data.get(pos + 1)) else {
            return None;
        };
        match marker {
            0xD9 => return Some(drop),
            0x01 | 0xD0..=0xD7 => {
                pos += 2;
                continue;
            }
            _ => {}
        }
        let len = usize::from(u16::from_be_bytes([
            *data.get(pos + 2)?,
            *data.get(pos + 3)?,
        ]));
        let body = data.get(pos + 4..pos + 2 + len)?;
        match marker {
            // Progressive Huffman is the only frame type handled; any other frame: leave it alone.
            0xC2 => {
                components = *body.get(5)?;
                luma = Some(*body.get(6)?);
            }
            0xC0 | 0xC1 | 0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF => return None,
            0xDA => {
                let end = entropy_end(data, pos + 2 + len)?;
                // Only JFIF-like gray or YCbCr frames: for CMYK/YCCK "luma" means nothing.
                if matches!(components, 1 | 3) && is_droppable(body, luma?, what)? {
                    drop.push(pos..end);
                }
                pos = end;
                continue;
            }
            _ => {}
        }
        pos += 2 + len;
    }
}

/// Parses an SOS header: is it an AC refinement scan that `what` drops?
fn is_droppable(sos: &[u8], luma: u8, what: Prune) -> Option<bool> {
    let n = usize::from(*sos.first()?);
    let spectral_start = *sos.get(1 + 2 * n)?;
    let approx = *sos.get(3 + 2 * n)?;
    let (ah, al) = (approx >> 4, approx & 0x0F);
    let mut ids = sos.get(1..1 + 2 * n)?.iter().step_by(2);
    let ac_refinement = spectral_start > 0 && ah > 0;
    Some(match what {
        Prune::Nothing => false,
        Prune::LumaLastBit => ac_refinement && al == 0 && n == 1 && ids.all(|&id| id == luma),
        Prune::AllRefinements => ac_refinement,
    })
}

/// Where the entropy-coded data starting at `from` ends: the first marker that is neither a stuffed
/// 0xFF00 nor a restart marker.
fn entropy_end(data: &[u8], from: usize) -> Option<usize> {
    let mut at = from;
    loop {
        at += memchr::memchr(0xFF, data.get(at..)?)?;
        match data.get(at + 1)? {
            0x00 | 0xD0..=0xD7 | 0xFF => at += 1,
            _ => return Some(at),
        }
    }
}

fn without(data: &[u8], drop: &[Range<usize>]) -> Vec<u8> {
    let removed: usize = drop.iter().map(|r| r.len()).sum();
    let mut out = Vec::with_capacity(data.len() - removed);
    let mut last = 0;
    for r in drop {
        out.extend_from_slice(&data[last..r.start]);
        last = r.end;
    }
    out.extend_from_slice(&data[last..]);
    out
}

/// Same as [`without`] in place: kept ranges only ever move towards the start.
fn compact(data: &mut Vec<u8>, drop: &[Range<usize>]) {
    let mut write = 0;
    let mut last = 0;
    for r in drop
        .iter()
        .chain(std::iter::once(&(data.len()..data.len())))
    {
        data.copy_within(last..r.start, write);
        write += r.start - last;
        last = r.end;
    }
    data.truncate(write);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A progressive JPEG as libjpeg's default script writes it (10 scans, the last three AC ones
    /// being final refinements of Cr, Cb and Y).
    fn progressive(w: usize, h: usize) -> Vec<u8> {
        let pixels: Vec<u8> = (0..w * h * 3).map(|i| ((i * 7919) % 251) as u8).collect();
        let mut c = turbojpeg::Compressor::new().unwrap();
        c.set_quality(90).unwrap();
        c.set_progressive(true).unwrap();
        c.compress_to_vec(turbojpeg::Image {
            pixels: pixels.as_slice(),
            width: w,
            pitch: w * 3,
            height: h,
            format: turbojpeg::PixelFormat::RGB,
        })
        .unwrap()
    }

    fn scan_count(data: &[u8]) -> usize {
        data.windows(2).filter(|w| w == &[0xFF, 0xDA]).count()
    }

    #[test]
    fn drops_the_refinements_and_stays_decodable() {
        let data = progressive(64, 48);
        assert_eq!(scan_count(&data), 10);
        // libjpeg's script: DC (Al=1); Y 1-5 (Al=2); Cr, Cb 1-63 (Al=1); Y 6-63 (Al=2);
        // Y 1-63 (Ah=2, Al=1); DC refinement; Cr, Cb, Y 1-63 (Ah=1, Al=0).
        let luma = prune(Cow::Borrowed(&data), Prune::LumaLastBit);
        assert_eq!(scan_count(&luma), 9);
        let all = prune(Cow::Owned(data.clone()), Prune::AllRefinements);
        assert_eq!(
            scan_count(&all),
            6,
            "the 5 first scans and the DC refinement remain"
        );
        assert_eq!(
            all.as_ref(),
            without(
                &data,
                &droppable_scans(&data, Prune::AllRefinements).unwrap()
            )
        );
        for pruned in [luma.as_ref(), all.as_ref()] {
            let img = turbojpeg::decompress(pruned, turbojpeg::PixelFormat::RGB).unwrap();
            assert_eq!((img.width, img.height), (64, 48));
        }
    }

    #[test]
    fn leaves_other_files_alone() {
        let data = progressive(64, 48);
        assert!(matches!(
            prune(Cow::Borrowed(&data), Prune::Nothing),
            Cow::Borrowed(_)
        ));
        let mut c = turbojpeg::Compressor::new().unwrap();
        c.set_quality(90).unwrap();
        let baseline = c
            .compress_to_vec(turbojpeg::Image {
                pixels: &[128u8; 16 * 16 * 3][..],
                width: 16,
                pitch: 48,
                height: 16,
                format: turbojpeg::PixelFormat::RGB,
            })
            .unwrap();
        assert_eq!(droppable_scans(&baseline, Prune::AllRefinements), None);
        // Truncated or garbled input: no pruning, and no panic.
        for cut in [3, 20, data.len() / 2, data.len() - 1] {
            let _ = droppable_scans(&data[..cut], Prune::AllRefinements);
        }
        assert_eq!(
            droppable_scans(b"\xFF\xD8\xFF", Prune::AllRefinements),
            None
        );
    }

    #[test]
    fn compaction_matches_copy() {
        let data: Vec<u8> = (0..100u8).collect();
        let drop = [3..10, 10..12, 50..60, 95..100];
        let mut owned = data.clone();
        compact(&mut owned, &drop);
        assert_eq!(owned, without(&data, &drop));
        assert_eq!(owned.len(), 100 - 7 - 2 - 10 - 5);
    }
}
