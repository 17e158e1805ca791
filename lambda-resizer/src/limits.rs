//! Resource limits: how much memory one image may take, derived from the function's configured
//! memory, and the estimates that refuse an object before it is downloaded or decoded.
//!
//! The rule (docs/resizer.md, "Limits"): with `M` MB configured (`AWS_LAMBDA_FUNCTION_MEMORY_SIZE`),
//! one image gets `(M − 48) MiB`, and must fit in it as
//!
//! ```text
//! encoded bytes + pixels × bytes-per-pixel of its decode path  ≤  (M − 48) MiB
//! ```
//!
//! where the bytes per pixel are those of the buffers the decoder really allocates (a reduced JPEG
//! decode needs little; a progressive JPEG keeps every DCT coefficient, 2 bytes each; a PNG is
//! decoded whole). The encoded object itself may be at most a quarter of the budget, checked from the
//! event's size before GetObject. Independently of memory, nothing above [`MAX_PIXELS`] is decoded.

use crate::error::ResizeError;
use crate::geometry::Size;

/// Absolute decompression-bomb guard, whatever the memory: 120 MP covers every camera on the market
/// (the largest phone sensors are 200 MP but store 12–50 MP images).
pub const MAX_PIXELS: u64 = 120_000_000;

/// What the process needs besides the image: the binary, the tokio runtime, the S3 client with its
/// TLS state, and allocator slack. Measured idle RSS of the function is ~15 MB; the rest is margin
/// for the Lambda sandbox's own processes, which count against the same memory.
pub const RESERVED_MIB: u64 = 48;

/// The encoded object may take at most 1/`OBJECT_SHARE` of the budget: a camera JPEG holds ≤ 1 byte
/// per pixel while decoding takes 3–8, so a larger object could not be decoded anyway.
pub const OBJECT_SHARE: u64 = 4;

const MIB: u64 = 1024 * 1024;

/// The memory available to one image.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Budget {
    /// Configured function memory in MB; `None` outside Lambda (the local command): only
    /// [`MAX_PIXELS`] applies then.
    pub memory_mb: Option<u64>,
}

impl Budget {
    /// No memory limit (the local command).
    pub const UNLIMITED: Self = Self { memory_mb: None };

    pub const fn for_memory_mb(memory_mb: u64) -> Self {
        Self {
            memory_mb: Some(memory_mb),
        }
    }

    /// Reads `AWS_LAMBDA_FUNCTION_MEMORY_SIZE` (Lambda always sets it; 128–10240).
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self, String> {
        const NAME: &str = "AWS_LAMBDA_FUNCTION_MEMORY_SIZE";
        match get(NAME).filter(|v| !v.trim().is_empty()) {
            None => Ok(Self::UNLIMITED),
            Some(v) => match v.trim().parse::<u64>() {
                Ok(mb) if (1..=1_048_576).contains(&mb) => Ok(Self::for_memory_mb(mb)),
                _ => Err(format!("{NAME}={v:?} is not a memory size in MB")),
            },
        }
    }

    /// Bytes one image may use (encoded + decoded), `None` when unlimited.
    pub fn image_bytes(self) -> Option<u64> {
        self.memory_mb
            .map(|mb| mb.saturating_sub(RESERVED_MIB).saturating_mul(MIB))
    }

    /// Largest object worth downloading.
    pub fn max_object_bytes(self) -> Option<u64> {
        self.image_bytes().map(|b| b / OBJECT_SHARE)
    }

    /// The pixel limit for a decode path needing `cost` per pixel, with `encoded` bytes already held.
    pub fn max_pixels(self, cost: Cost, encoded: u64) -> u64 {
        match self.image_bytes() {
            None => MAX_PIXELS,
            Some(b) => (b.saturating_sub(encoded) * 8 / cost.eighths.max(1)).min(MAX_PIXELS),
        }
    }

    /// Refuses an image of `size` before anything is allocated for it.
    pub fn check(self, size: Size, cost: Cost, encoded: usize) -> Result<(), ResizeError> {
        let pixels = size.pixels();
        if size.width == 0 || size.height == 0 || pixels > MAX_PIXELS {
            return Err(ResizeError::TooLarge {
                width: u64::from(size.width),
                height: u64::from(size.height),
            });
        }
        let encoded = encoded as u64;
        if let Some(memory_mb) = self.memory_mb
            && pixels > self.max_pixels(cost, encoded)
        {
            return Err(ResizeError::ExceedsMemory {
                width: u64::from(size.width),
                height: u64::from(size.height),
                needed_mib: (cost.bytes(pixels) + encoded).div_ceil(MIB) + RESERVED_MIB,
                memory_mb,
            });
        }
        Ok(())
    }
}

/// Bytes a decode path allocates per source pixel, in eighths of a byte (a 1/4-scale JPEG decode
/// costs 3/16 byte per pixel).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cost {
    pub eighths: u64,
}

impl Cost {
    pub fn bytes(self, pixels: u64) -> u64 {
        pixels.saturating_mul(self.eighths).div_ceil(8)
    }

    /// A JPEG decoded at `num`/8 into `channels` bytes per pixel: the decoded raster and, at most as
    /// large, the resizer's intermediate one (+3 for the RGB copy of a CMYK raster); a progressive
    /// file adds its coefficient buffer, 2 bytes per coefficient of every component
    /// (`sampled_components_x4`/4 components at full resolution: 6 for 4:2:0 YCbCr, 8 for 4:2:2, 12 for
    /// 4:4:4, 4 for gray, 16 for CMYK).
    pub fn jpeg(num: u32, channels: u64, progressive: bool, sampled_components_x4: u64) -> Self {
        let num = u64::from(num.clamp(1, 8));
        // (num/8)² of the pixels remain, each `channels` bytes, twice: num²·channels·2/64 bytes,
        // that is num²·channels·2/8 eighths.
        let cmyk_copy = if channels == 4 { 3 } else { 0 };
        let raster = (num * num * (channels * 2 + cmyk_copy)).div_ceil(8);
        let coefficients = if progressive {
            2 * 8 * sampled_components_x4 / 4
        } else {
            0
        };
        Self {
            eighths: raster + coefficients,
        }
    }

    /// A PNG, WebP or GIF decoded whole at `bytes_per_pixel`: the raster, plus as much again for a
    /// format conversion or the resizer's intermediate raster.
    pub fn raster(bytes_per_pixel: u64) -> Self {
        Self {
            eighths: bytes_per_pixel * 2 * 8,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budget_follows_the_function_memory() {
        let get = |v: &'static str| move |_: &str| Some(v.to_string());
        assert_eq!(Budget::from_lookup(|_| None), Ok(Budget::UNLIMITED));
        assert_eq!(
            Budget::from_lookup(get("256")),
            Ok(Budget::for_memory_mb(256))
        );
        assert!(Budget::from_lookup(get("lots")).is_err());
        assert!(Budget::from_lookup(get("0")).is_err());
        let b = Budget::for_memory_mb(256);
        assert_eq!(b.image_bytes(), Some(208 * MIB));
        assert_eq!(b.max_object_bytes(), Some(52 * MIB));
        assert_eq!(Budget::UNLIMITED.max_object_bytes(), None);
        assert_eq!(Budget::for_memory_mb(16).image_bytes(), Some(0));
    }

    #[test]
    fn pixel_limit_formula() {
        // 256 MB, progressive 4:2:2 JPEG at 1/4 scale, 16 MiB file:
        // cost = ⌈2²·(3·2)/8⌉ + 2·8·8/4 = 3 + 32 eighths = 4.375 B/px;
        // limit = (208 MiB − 16 MiB) / 4.375 = 46 MP (an 18 MP one measured 92 MB peak RSS).
        let prog = Cost::jpeg(2, 3, true, 8);
        assert_eq!(prog.eighths, 35);
        let b = Budget::for_memory_mb(256);
        assert_eq!(b.max_pixels(prog, 16 * MIB), 192 * MIB * 8 / 35);
        // The same file decoded at full scale, baseline: 6 B/px.
        assert_eq!(Cost::jpeg(8, 3, false, 8).eighths, 48);
        // A baseline JPEG at 1/8 costs ~0.1 B/px: only the absolute cap applies.
        assert_eq!(b.max_pixels(Cost::jpeg(1, 3, false, 6), 0), MAX_PIXELS);
        // 128 MB and an RGBA8 PNG: 80 MiB / 8 B/px = 10.5 MP.
        let png = Cost::raster(4);
        assert_eq!(Budget::for_memory_mb(128).max_pixels(png, 0), 80 * MIB / 8);
        assert_eq!(Budget::UNLIMITED.max_pixels(png, 0), MAX_PIXELS);
    }

    #[test]
    fn check_names_size_and_memory() {
        let b = Budget::for_memory_mb(128);
        let png = Cost::raster(4);
        assert!(b.check(Size::new(3000, 3000), png, 1000).is_ok());
        let err = b.check(Size::new(5000, 5000), png, 1000).unwrap_err();
        assert!(
            matches!(err, ResizeError::ExceedsMemory { memory_mb: 128, .. }),
            "{err:?}"
        );
        let text = err.to_string();
        assert!(
            text.contains("5000x5000") && text.contains("128 MB"),
            "{text}"
        );
        // Above the absolute cap, with or without memory, and degenerate sizes.
        for budget in [b, Budget::UNLIMITED] {
            let huge = budget.check(Size::new(20_000, 20_000), Cost::jpeg(1, 3, false, 6), 0);
            assert!(matches!(huge, Err(ResizeError::TooLarge { .. })));
            assert!(budget.check(Size::new(0, 10), png, 0).is_err());
        }
    }
}
