//! JPEG marker walking: the EXIF orientation (tag 0x0112 of IFD0) and the ICC profile segments.
//!
//! Hand-written instead of an EXIF crate: we need one tag, and a full EXIF parser would cost start-up
//! and binary size for nothing. Every read is bounds-checked; malformed input yields "no orientation".

/// What the resizer needs from a JPEG's header segments.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct JpegMeta<'a> {
    /// EXIF orientation 1..=8 (1 when absent or invalid).
    pub orientation: u8,
    /// Complete APP2 `ICC_PROFILE` segments (marker and length included), in file order.
    pub icc_segments: Vec<&'a [u8]>,
    /// An Adobe APP14 segment is present: CMYK samples are then stored inverted.
    pub adobe: bool,
}

const EXIF_HEADER: &[u8] = b"Exif\0\0";
const ICC_HEADER: &[u8] = b"ICC_PROFILE\0";
const TAG_ORIENTATION: u16 = 0x0112;

/// Walks the marker segments up to the first scan (metadata always precedes SOS).
pub fn scan(data: &[u8]) -> JpegMeta<'_> {
    let mut meta = JpegMeta {
        orientation: 1,
        ..JpegMeta::default()
    };
    if !data.starts_with(&[0xFF, 0xD8]) {
        return meta;
    }
    let mut pos = 2;
    loop {
        // Markers may be preceded by any number of 0xFF fill bytes.
        while data.get(pos) == Some(&0xFF) && data.get(pos + 1) == Some(&0xFF) {
            pos += 1;
        }
        let (Some(&0xFF), Some(&marker)) = (data.get(pos), data.get(pos + 1)) else {
            return meta;
        };
        match marker {
            // Stand-alone markers carry no length.
            0x01 | 0xD0..=0xD7 => {
                pos += 2;
                continue;
            }
            // Start of scan / end of image: no metadata after this point.
            0xDA | 0xD9 => return meta,
            _ => {}
        }
        let Some(len) = read_u16(data, pos + 2, true) else {
            return meta;
        };
        let len = usize::from(len);
        let end = pos + 2 + len;
        let (Some(segment), Some(payload)) = (data.get(pos..end), data.get(pos + 4..end)) else {
            return meta;
        };
        match marker {
            0xE1 if payload.starts_with(EXIF_HEADER) && meta.orientation == 1 => {
                meta.orientation = tiff_orientation(&payload[EXIF_HEADER.len()..]).unwrap_or(1);
            }
            0xE2 if payload.starts_with(ICC_HEADER) => meta.icc_segments.push(segment),
            0xEE if payload.starts_with(b"Adobe") => meta.adobe = true,
            _ => {}
        }
        pos = end;
    }
}

/// Reads tag 0x0112 from IFD0 of a TIFF structure, in either byte order.
pub fn tiff_orientation(tiff: &[u8]) -> Option<u8> {
    let little = match tiff.get(0..2)? {
        b"II" => true,
        b"MM" => false,
        _ => return None,
    };
    if read_u16(tiff, 2, !little)? != 42 {
        return None;
    }
    let ifd = usize::try_from(read_u32(tiff, 4, !little)?).ok()?;
    let count = usize::from(read_u16(tiff, ifd, !little)?);
    (0..count).find_map(|i| {
        let entry = ifd + 2 + i * 12;
        if read_u16(tiff, entry, !little)? != TAG_ORIENTATION {
            return None;
        }
        // Type 3 = SHORT; the value sits left-aligned in the 4-byte value field.
        let value = match read_u16(tiff, entry + 2, !little)? {
            3 => read_u16(tiff, entry + 8, !little)?,
            4 => u16::try_from(read_u32(tiff, entry + 8, !little)?).ok()?,
            _ => return None,
        };
        u8::try_from(value).ok().filter(|v| (1..=8).contains(v))
    })
}

fn read_u16(data: &[u8], at: usize, big_endian: bool) -> Option<u16> {
    let bytes: [u8; 2] = data.get(at..at.checked_add(2)?)?.try_into().ok()?;
    Some(if big_endian {
        u16::from_be_bytes(bytes)
    } else {
        u16::from_le_bytes(bytes)
    })
}

fn read_u32(data: &[u8], at: usize, big_endian: bool) -> Option<u32> {
    let bytes: [u8; 4] = data.get(at..at.checked_add(4)?)?.try_into().ok()?;
    Some(if big_endian {
        u32::from_be_bytes(bytes)
    } else {
        u32::from_le_bytes(bytes)
    })
}

/// Builds an APP1 Exif segment holding only an orientation tag (tests and benchmarks use it).
pub fn exif_segment(orientation: u16, big_endian: bool) -> Vec<u8> {
    let mut tiff = Vec::new();
    let u16b = |v: u16| {
        if big_endian {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        }
    };
    let u32b = |v: u32| {
        if big_endian {
            v.to_be_bytes()
        } else {
            v.to_le_bytes()
        }
    };
    tiff.extend_from_slice(if big_endian { b"MM" } else { b"II" });
    tiff.extend_from_slice(&u16b(42));
    tiff.extend_from_slice(&u32b(8));
    tiff.extend_from_slice(&u16b(1));
    tiff.extend_from_slice(&u16b(TAG_ORIENTATION));
    tiff.extend_from_slice(&u16b(3));
    tiff.extend_from_slice(&u32b(1));
    tiff.extend_from_slice(&u16b(orientation));
    tiff.extend_from_slice(&[0, 0]);
    tiff.extend_from_slice(&u32b(0));
    let len = u16::try_from(2 + EXIF_HEADER.len() + tiff.len()).unwrap_or(u16::MAX);
    let mut seg = vec![0xFF, 0xE1];
    seg.extend_from_slice(&len.to_be_bytes());
    seg.extend_from_slice(EXIF_HEADER);
    seg.extend_from_slice(&tiff);
    seg
}

/// Inserts `segments` right after the SOI marker and the JFIF APP0 segment (if any) of `jpeg`.
pub fn insert_segments(jpeg: Vec<u8>, segments: &[&[u8]]) -> Vec<u8> {
    if segments.is_empty() || !jpeg.starts_with(&[0xFF, 0xD8]) {
        return jpeg;
    }
    let mut at = 2;
    if jpeg.get(2..4) == Some(&[0xFF, 0xE0])
        && let Some(len) = read_u16(&jpeg, 4, true)
    {
        at = (4 + usize::from(len)).min(jpeg.len());
    }
    let extra: usize = segments.iter().map(|s| s.len()).sum();
    let mut out = Vec::with_capacity(jpeg.len() + extra);
    out.extend_from_slice(&jpeg[..at]);
    for s in segments {
        out.extend_from_slice(s);
    }
    out.extend_from_slice(&jpeg[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jpeg_with(segments: &[Vec<u8>]) -> Vec<u8> {
        let mut v = vec![0xFF, 0xD8];
        for s in segments {
            v.extend_from_slice(s);
        }
        v.extend_from_slice(&[0xFF, 0xDA, 0x00, 0x02, 0xFF, 0xD9]);
        v
    }

    #[test]
    fn reads_orientation_in_both_byte_orders() {
        for o in 1..=8u16 {
            assert_eq!(
                scan(&jpeg_with(&[exif_segment(o, true)])).orientation,
                o as u8
            );
            assert_eq!(
                scan(&jpeg_with(&[exif_segment(o, false)])).orientation,
                o as u8
            );
        }
    }

    #[test]
    fn invalid_or_missing_orientation_is_one() {
        assert_eq!(scan(&jpeg_with(&[exif_segment(9, false)])).orientation, 1);
        assert_eq!(scan(&jpeg_with(&[])).orientation, 1);
        assert_eq!(scan(b"not a jpeg").orientation, 1);
        // Truncated in the middle of the EXIF segment: no panic, no orientation.
        let mut cut = jpeg_with(&[exif_segment(6, true)]);
        cut.truncate(20);
        assert_eq!(scan(&cut).orientation, 1);
        assert_eq!(tiff_orientation(b"II*\0\xff\xff\xff\xff"), None);
    }

    #[test]
    fn collects_icc_segments_and_reinserts_them() {
        let mut icc = vec![0xFF, 0xE2, 0x00, 0x10];
        icc.extend_from_slice(ICC_HEADER);
        icc.extend_from_slice(&[1, 1]);
        let data = jpeg_with(&[exif_segment(3, true), icc.clone()]);
        let meta = scan(&data);
        assert_eq!(meta.orientation, 3);
        assert_eq!(meta.icc_segments, vec![icc.as_slice()]);

        let jfif = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x04, 0xAA, 0xBB, 0xFF, 0xD9];
        let out = insert_segments(jfif, &meta.icc_segments);
        assert_eq!(&out[..8], &[0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x04, 0xAA, 0xBB]);
        assert_eq!(&out[8..8 + icc.len()], icc.as_slice());
        assert_eq!(scan(&out).icc_segments.len(), 1);
    }
}
